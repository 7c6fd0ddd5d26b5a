"""The rows the task pages, the API and the bulletin need: each task with its status.

A fixed number of queries for any number of tasks and reports; the rules themselves are in
`tasks.supervision`.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from beibei_dashboard.templatetags.dates import as_chinese
from targets import metrics
from targets.goals import registered_source
from targets.models import plain_number
from targets.months import Month

from . import supervision
from .choices import ReviewState
from .models import TaskReport, TaskTargetValue
from .periods import Period


@dataclass
class TargetProgress:
    target: object
    latest: object  # Decimal or None
    period: Period | None
    met: bool | None
    percent: float | None
    rate: object = None  # judged on the path from the baseline to the target (metrics.judged_rate)
    time_progress: object = None  # the path's 序时进度 at the value's period end
    status: str = metrics.STATUS_MISSING

    @property
    def status_label(self):
        return metrics.STATUS_LABELS[self.status]

    @property
    def rate_pct(self):
        return metrics.as_percent(self.rate)

    @property
    def time_progress_pct(self):
        return metrics.as_percent(self.time_progress)

    @property
    def judgement_text(self):
        """ "新增完成5.0%，序时进度76.7%：滞后"."""
        if self.rate is None:
            return "未填报"
        return f"完成{self.rate_pct:g}%，序时进度{self.time_progress_pct:g}%：{self.status_label}"

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


def judge_target(target, value, period):
    """A task target's latest value judged on its path (baseline at the end of baseline_year →
    target at the end of its year), as of the end of the value's period."""
    rate = progress = None
    status = metrics.STATUS_MISSING
    if value is not None:
        end = period.end
        progress = metrics.path_progress(target.baseline_year, target.year, end.year, end.month)
        rate, status = metrics.path_judgement(
            value, target.baseline, target.value, progress, settings.STATUS_YELLOW_THRESHOLD_PP
        )
    return TargetProgress(
        target=target,
        latest=value,
        period=period,
        met=supervision.target_met(target.comparator, target.value, value),
        percent=supervision.progress_percent(target.value, value),
        rate=rate,
        time_progress=progress,
        status=status,
    )


def _registry_values(tasks, month):
    """{registry code: (value, Period)}: the latest month-end value a registered source (the
    enterprise registry) holds up to `month`, for targets that take their values from it."""
    out, memo = {}, {}
    codes = {t.registry_code for task in tasks for t in task.targets.all() if t.registry_code}
    for code in sorted(codes):
        source = registered_source(code)
        values = source[1](month, memo) if source else {}
        if values:
            last = max(values)
            out[code] = (Decimal(str(values[last])), Period.parse(str(last)))
    return out


def report_facts(reports):
    """{task_id: [supervision.ReportFact]} of a TaskReport queryset, in its order: what the
    supervision rules read (accepted: the bureau accepted the report)."""
    facts = {}
    for task_id, period, status, submitted_at, problems, review_state in reports.values_list(
        "task_id", "period", "status", "submitted_at", "problems", "review_state"
    ):
        accepted = review_state == ReviewState.ACCEPTED
        fact = supervision.ReportFact(Period.parse(period), status, submitted_at, problems, accepted)
        facts.setdefault(task_id, []).append(fact)
    return facts


def task_status_rows(queryset, today=None, judge_targets=True):
    """A TaskStatusRow per key task. `judge_targets=False` skips the quantitative targets (and
    the registry replay they may need): for callers that only ask about reports (overdue,
    accepted 已完成), such as the 待办 list; the rows' colours then ignore the targets."""
    today = today or timezone.localdate()
    checked, deadline = supervision.checked_period(today)
    tasks = list(queryset.tasks().with_units())
    cutoff = end_of_day(today)
    reports = TaskReport.objects.counted().filter(task__in=[t.pk for t in tasks], submitted_at__lt=cutoff)
    facts = report_facts(reports)
    value_rows = TaskTargetValue.objects.filter(report__in=reports).values_list(
        "target_id", "report__period", "report__submitted_at", "value"
    )
    latest = supervision.latest_values((t, Period.parse(p), at, v) for t, p, at, v in value_rows)
    # the last month whose end has passed
    registry = _registry_values(tasks, Month.of(today).previous()) if judge_targets else {}
    rows = []
    for task in tasks:
        progress = []
        for target in task.targets.all() if judge_targets else ():
            value, period = registry.get(target.registry_code) or latest.get(target.pk, (None, None))
            progress.append(judge_target(target, value, period))
        assessment = supervision.assess(
            facts.get(task.pk, []),
            [(p.target.comparator, p.target.value, p.latest) for p in progress],
            checked,
            [p.status for p in progress],
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
                    "last_report": f"{latest.period.label}（{as_chinese(row.last_report_date)}）"
                    if latest
                    else "未报告",
                }
            )
    order = {}
    for item in out:
        order.setdefault(item["unit"], len(order))
    return sorted(out, key=lambda item: (order[item["unit"]], item["number"]))
