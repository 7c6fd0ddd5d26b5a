"""Demo progress reports and contributions (配合情况) for a newcomer's first look.

Every month of the plan is reported as a real district's would be: most lead units on time
(by the 10th of the next month), a few often late or now and then missing; most tasks on
track, two lagging; two lead units late with their last reports (so the overdue list has
something to show); the responsible units and the sub-districts file their contributions for
most months. Every choice is decided from a hash of the row's identity, so the demo is the
same on every machine.
"""

import datetime as dt
import hashlib
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from targets.months import Month, month_range
from targets.progress import district_subdistricts
from tasks import supervision
from tasks.choices import ReportStatus, ReviewState, TaskKind
from tasks.contributions import contributing_units
from tasks.models import KeyTask, TaskContribution, TaskReport, TaskTargetValue
from tasks.periods import Period

LAGGING = {9, 13}
# Their lead units have not yet reported on the last two months: overdue whatever the day.
LATE = {3, 17}
# How often a task's lead unit reports after the deadline and how often it misses a month
# altogether (percent of months); the others are late 5% and miss 2% of months.
PUNCTUALITY = {3: (30, 10), 11: (15, 5), 13: (20, 6), 15: (12, 4), 17: (25, 8), 18: (10, 4)}
USUAL_PUNCTUALITY = (5, 2)
# How far along its path (from the baseline to the 2027 target) each task's data runs, against
# the time elapsed: above 1 ahead, below 1 behind; a task not named keeps pace.
TASK_PACE = {6: Decimal("1.06"), 7: Decimal("0.93"), 8: Decimal("1.12"), 9: Decimal("0.66"),
             10: Decimal("1.02"), 11: Decimal("1.18"), 16: Decimal("0.88")}  # fmt: skip
# Each target of a task moves a little differently from the task's pace (percentage points).
TARGET_SPREAD = (-4, 3, -2, 5)
# Units counted in whole things: platforms, firms, teams. Others (亿元, 万平方米, %) keep decimals.
COUNT_UNITS = {"个", "家", "家（个）", "项", "件", "人", "名", "所"}
PLAN_MONTHS = 60  # 2023-01 … 2027-12, the path of every target
# Contributions missed (percent of months) by some contributors; the others miss 5%.
CONTRIBUTION_MISSES = {"区委宣传部": 20, "区政府办": 12, "区人力社保局": 15}
SUBDISTRICT_MISSES = (2, 4, 25, 6, 3, 10, 2, 5, 15, 3, 8, 4, 2, 12, 6, 3, 9)
USUAL_MISSES = 5
REPORT_REASON, CONTRIBUTION_REASON = "填报进展报告（演示数据）", "填报配合情况（演示数据）"


def _percent(*parts):
    """A deterministic number in 0–99 from the parts."""
    return int.from_bytes(hashlib.sha256("/".join(map(str, parts)).encode()).digest()[:4], "big") % 100


def _at(day, hour):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, _percent(day, hour) % 60)))


def submitted_on(kind, key, month, late_percent):
    """When `key` files its report or contribution of `month`: a working day up to the deadline
    (the 10th of the next month), or after it for `late_percent` of the months."""
    deadline = supervision.deadline_of(month)
    if _percent(kind, key, month, "late") < late_percent:
        day = deadline + dt.timedelta(days=2 + _percent(kind, key, month, "day") % 14)
    else:
        day = deadline - dt.timedelta(days=_percent(kind, key, month, "day") % 8)
    return _at(day, 9 + _percent(kind, key, month, "hour") % 8)


def demo_target_value(target, task_number, month):
    """A target's cumulative value at the end of `month`: its path from the baseline to the
    2027 target at the task's pace; whole for things counted (no 11.52 platforms)."""
    elapsed = Decimal(min(max((month.year - 2023) * 12 + month.month, 0), PLAN_MONTHS)) / PLAN_MONTHS
    pace = TASK_PACE.get(task_number, Decimal(1)) + Decimal(TARGET_SPREAD[target.position % 4]) / 100
    share = min(elapsed * pace, Decimal(1))
    value = target.baseline + (target.value - target.baseline) * share
    places = Decimal(1) if target.unit in COUNT_UNITS else Decimal("0.01")
    return value.quantize(places, rounding=ROUND_HALF_UP)


def seed_demo_reports(users_by_unit, fallback, until=None, reviewer=None):
    """The lead units' reports on every month from 2023-01 up to the month before `until`
    (default: this month) where none exist yet: those filed by now, backdated to their day;
    those before the last month accepted by the bureau a few days later."""
    until = until or Month.current()
    now = timezone.now()
    months = list(month_range(Month.first(), until.previous()))
    last = months[-1] if months else None
    tasks = KeyTask.objects.filter(kind=TaskKind.TASK).prefetch_related("lead_units", "targets")
    existing = set(TaskReport.objects.values_list("task_id", "period"))
    reports, values = [], []
    for task in tasks:
        lead_names = [unit.name for unit in task.lead_units.all()]
        user = next((users_by_unit[name] for name in lead_names if name in users_by_unit), fallback)
        late, missing = PUNCTUALITY.get(task.number, USUAL_PUNCTUALITY)
        for month in months:
            if (task.pk, str(month)) in existing or _percent("report", task.number, month, "miss") < missing:
                continue
            if task.number in LATE and month >= last.previous():
                continue
            submitted = submitted_on("report", task.number, month, late)
            if submitted > now:
                continue  # not yet filed
            lagging = task.number in LAGGING and month >= last.previous().previous()
            accepted = month < last
            report = TaskReport(
                task=task,
                period=str(month),
                period_end=Period.parse(str(month)).end,
                status=ReportStatus.LAGGING if lagging else ReportStatus.NORMAL,
                done=f"（演示）{month.label}围绕“{task.title}”推进各项工作，按计划落实。",
                problems="（演示）项目落地慢于预期，配套资金尚未到位。" if lagging else "",
                next_steps="（演示）下月继续跟踪推进，加强协调调度。",
                submitted_by=user,
                submitted_at=submitted,
                review_state=ReviewState.ACCEPTED if accepted else ReviewState.SUBMITTED,
                reviewed_by=(reviewer or fallback) if accepted else None,
                reviewed_at=min(submitted + dt.timedelta(days=3), now) if accepted else None,
            )
            reports.append(report)
            # values the registry computes (registry_code) are not reported
            values += [
                (report, target, demo_target_value(target, task.number, month))
                for target in task.targets.all()
                if not target.registry_code
            ]
    bulk_create_with_history(reports, TaskReport, batch_size=500, default_change_reason=REPORT_REASON)
    rows = [TaskTargetValue(report=report, target=target, value=value) for report, target, value in values]
    bulk_create_with_history(rows, TaskTargetValue, batch_size=500, default_change_reason=REPORT_REASON)
    # their history says they were filed when and by whom they were, not when the demo was loaded
    TaskReport.history.filter(history_change_reason=REPORT_REASON).update(
        history_date=F("submitted_at"), history_user=F("submitted_by")
    )
    filed = TaskReport.objects.filter(pk=OuterRef("report_id"))
    TaskTargetValue.history.filter(history_change_reason=REPORT_REASON).update(
        history_date=Subquery(filed.values("submitted_at")), history_user=Subquery(filed.values("submitted_by"))
    )
    return len(reports)


def seed_demo_contributions(users_by_unit, users_by_subdistrict, fallback, until=None):
    """Contributions of every named unit (and of each sub-district of the month's map for
    "各镇街") for every month up to the month before `until` where none exist yet, most by
    the deadline, a few missed."""
    until = until or Month.current()
    now = timezone.now()
    tasks = list(KeyTask.objects.with_units())
    existing = set(TaskContribution.objects.values_list("task_id", "unit_id", "subdistrict_id", "period"))
    rows = []
    for month in month_range(Month.first(), until.previous()):
        subs = district_subdistricts(month)
        for task in tasks:
            for unit in contributing_units(task):
                if unit.all_subdistricts:
                    keyed = [
                        (sub.name, None, sub, users_by_subdistrict.get(sub.pk, fallback),
                         SUBDISTRICT_MISSES[_percent(sub.slug) % len(SUBDISTRICT_MISSES)])
                        for sub in subs
                    ]  # fmt: skip
                else:
                    keyed = [
                        (unit.name, unit, None, users_by_unit.get(unit.name, fallback),
                         CONTRIBUTION_MISSES.get(unit.name, USUAL_MISSES))
                    ]  # fmt: skip
                for name, contributor, sub, user, misses in keyed:
                    key = (task.pk, contributor and contributor.pk, sub and sub.pk, str(month))
                    if key in existing or _percent("contribution", task.pk, name, month) < misses:
                        continue
                    submitted = submitted_on("contribution", f"{task.pk}/{name}", month, misses)
                    if submitted > now:
                        continue
                    rows.append(
                        TaskContribution(
                            task=task,
                            unit=contributor,
                            subdistrict=sub,
                            period=str(month),
                            period_end=Period.parse(str(month)).end,
                            done=f"（演示）{month.label}{name}配合推进“{task.title}”，按分工落实相关工作。",
                            submitted_by=user,
                            submitted_at=submitted,
                        )
                    )
    bulk_create_with_history(rows, TaskContribution, batch_size=500, default_change_reason=CONTRIBUTION_REASON)
    TaskContribution.history.filter(history_change_reason=CONTRIBUTION_REASON).update(
        history_date=F("submitted_at"), history_user=F("submitted_by")
    )
    return len(rows)
