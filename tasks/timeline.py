"""What the task detail page shows under the task: its target charts and its report timeline."""

from dataclasses import dataclass

from django.db.models import Prefetch

from . import charts
from .models import ReportAttachment, TaskReport, TaskTargetValue
from .periods import Period


@dataclass
class TargetChart:
    progress: object  # status.TargetProgress
    points: list  # [(period label, value)]
    chart: str | None


def report_timeline(task):
    """Every report of the task, newest period first, with values and attachments (3 queries)."""
    return list(
        TaskReport.objects.filter(task=task)
        .select_related("submitted_by__unit", "reviewed_by")
        .prefetch_related(
            Prefetch("values", queryset=TaskTargetValue.objects.select_related("target")),
            Prefetch("attachments", queryset=ReportAttachment.objects.all()),
        )
    )


def target_charts(task, row):
    """A trend chart per quantitative target, from counted reports in period order."""
    values = (
        TaskTargetValue.objects.filter(report__task=task, report__in=TaskReport.objects.counted())
        .order_by("report__period_end", "report__submitted_at")
        .values_list("target_id", "report__period", "value")
    )
    points = {}
    for target_id, period, value in values:
        points.setdefault(target_id, {})[Period.parse(period).label] = value
    out = []
    for progress in row.targets:
        series = list(points.get(progress.target.pk, {}).items())
        chart = charts.trend_chart(
            series, target=progress.target.value, unit=progress.target.unit, target_name="2027年目标"
        )
        out.append(TargetChart(progress, series, chart))
    return out
