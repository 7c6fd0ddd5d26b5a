"""The rows the task pages, the API and the bulletin need: each task with its status.

A fixed number of queries for any number of tasks and reports; the rules themselves are in
`tasks.supervision`.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from . import supervision
from .models import TaskReport, TaskTargetValue, plain_number
from .periods import Period


@dataclass
class TargetProgress:
    target: object
    latest: object  # Decimal or None
    period: Period | None
    met: bool | None
    percent: float | None

    @property
    def text(self):
        """ "12/18个（66.7%）", or "未填报/18个"."""
        goal = f"{plain_number(self.target.value)}{self.target.unit}"
        if self.latest is None:
            return f"{self.target.name}：未填报/{goal}"
        percent = "" if self.percent is None else f"（{self.percent:g}%）"
        return f"{self.target.name}：{plain_number(self.latest)}/{goal}{percent}"


@dataclass
class TaskStatusRow:
    task: object
    assessment: supervision.Assessment
    targets: list
    checked_month: object
    deadline: dt.date

    @property
    def colour(self):
        return self.assessment.colour

    @property
    def latest(self):
        return self.assessment.latest

    @property
    def last_report_date(self):
        latest = self.assessment.latest
        return timezone.localtime(latest.submitted_at).date() if latest else None


def end_of_day(day):
    """The first instant after `day` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def task_status_rows(queryset, today=None):
    today = today or timezone.localdate()
    checked, deadline = supervision.checked_period(today)
    tasks = list(queryset.tasks().with_units())
    cutoff = end_of_day(today)
    reports = TaskReport.objects.counted().filter(task__in=[t.pk for t in tasks], submitted_at__lt=cutoff)
    facts = {}
    for task_id, period, status, submitted_at, problems in reports.values_list(
        "task_id", "period", "status", "submitted_at", "problems"
    ):
        fact = supervision.ReportFact(Period.parse(period), status, submitted_at, problems)
        facts.setdefault(task_id, []).append(fact)
    value_rows = TaskTargetValue.objects.filter(report__in=reports).values_list(
        "target_id", "report__period", "report__submitted_at", "value"
    )
    latest = supervision.latest_values((t, Period.parse(p), at, v) for t, p, at, v in value_rows)
    rows = []
    for task in tasks:
        progress = []
        for target in task.targets.all():
            value, period = latest.get(target.pk, (None, None))
            progress.append(
                TargetProgress(
                    target=target,
                    latest=value,
                    period=period,
                    met=supervision.target_met(target.comparator, target.value, value),
                    percent=supervision.progress_percent(target.value, value),
                )
            )
        assessment = supervision.assess(
            facts.get(task.pk, []), [(p.target.comparator, p.target.value, p.latest) for p in progress], checked
        )
        rows.append(TaskStatusRow(task, assessment, progress, checked, deadline))
    return rows


def overdue_by_unit(rows, today):
    """督办 list: a row per (lead unit, overdue task), by unit in order of first appearance."""
    out = []
    for row in rows:
        if not row.assessment.overdue:
            continue
        latest = row.latest
        for unit in row.task.lead_unit_list:
            out.append(
                {
                    "unit": unit.name,
                    "number": row.task.number,
                    "title": row.task.title,
                    "period": row.checked_month.label,
                    "deadline": row.deadline.isoformat(),
                    "days": (today - row.deadline).days,
                    "last_report": f"{latest.period.label}（{row.last_report_date}）" if latest else "未报告",
                }
            )
    order = {}
    for item in out:
        order.setdefault(item["unit"], len(order))
    return sorted(out, key=lambda item: (order[item["unit"]], item["number"]))
