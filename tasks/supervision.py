"""督办: the reporting calendar, overdue and the four status colours, decided here once.

Pure functions on plain values (no ORM, no request). The /tasks/ page prints `rules_text()`,
which is built from the same `RULES` that `assess()` applies, so the page cannot drift from
the code.

The calendar: progress is reported monthly; the report for a month is due by day
`TASK_REPORT_DEADLINE_DAY` (default 10) of the following month. A quarterly report counts
for each of the quarter's three months. A returned report (退回修改) counts for nothing until
it is submitted again.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

from targets import metrics
from targets.months import Month

from .choices import Colour, ReportStatus
from .periods import Period


def deadline_day():
    return settings.TASK_REPORT_DEADLINE_DAY


def deadline_of(month, day=None):
    """The date by which `month`'s report is due: day `day` of the following month."""
    nxt = month.next()
    return dt.date(nxt.year, nxt.month, day or deadline_day())


def open_period(today, day=None):
    """The month units are reporting on now (last month) and its deadline."""
    month = Month.of(today).previous()
    return month, deadline_of(month, day)


def checked_period(today, day=None):
    """The latest month whose deadline has passed: the month overdue is judged on.

    On the deadline day itself the month is still open; from the day after, it is checked.
    """
    month, deadline = open_period(today, day)
    if today <= deadline:
        month = month.previous()
        deadline = deadline_of(month, day)
    return month, deadline


def target_met(comparator, target, actual):
    """Whether a quantitative target is met by `actual`; None when there is no value yet."""
    if actual is None or target is None:
        return None
    if comparator == "gt":
        return actual > target
    if comparator == "gte":
        return actual >= target
    return None


def progress_percent(target, actual):
    """actual / target in percent, one decimal; None for a missing value or a target of 0."""
    if actual is None or not target:
        return None
    return round(float(actual) / float(target) * 100, 1)


@dataclass(frozen=True)
class ReportFact:
    """A counted (submitted or accepted) report as supervision sees it."""

    period: Period
    status: str
    submitted_at: dt.datetime
    problems: str = ""
    accepted: bool = False  # the bureau accepted (采纳) the report

    @property
    def accepted_done(self):
        """已完成 counts only once the bureau has accepted it."""
        return self.status == ReportStatus.DONE and self.accepted

    @property
    def sort_key(self):
        return (self.period.end, self.submitted_at)


@dataclass(frozen=True)
class TaskFacts:
    latest_status: str | None
    overdue: bool
    targets_met: tuple = ()
    accepted_done: bool = False
    data_status: str | None = None  # the quantitative targets judged on their path (metrics.status)


@dataclass(frozen=True)
class Rule:
    colour: str
    text: str
    applies: Callable[[TaskFacts], bool]


def _all_targets_met(facts):
    return bool(facts.targets_met) and all(met is True for met in facts.targets_met)


# In order: the first rule that applies gives the colour. The data rules come before the
# declared ones, so a declared status never makes a task look better than its data.
RULES = [
    Rule(Colour.RED, "最近一次进展报告的状态为“滞后”", lambda f: f.latest_status == ReportStatus.LAGGING),
    Rule(
        Colour.RED,
        "量化目标的最新值低于从基数到2027年目标路径的序时进度超过{pp}个百分点（与街镇同一规则，自报状态不能改变）",
        lambda f: f.data_status == metrics.STATUS_RED,
    ),
    Rule(
        Colour.YELLOW,
        "牵头单位过了截止日（次月{day}日）仍未提交上月进展报告（逾期）",
        lambda f: f.overdue,
    ),
    Rule(
        Colour.YELLOW,
        "量化目标的最新值低于路径序时进度，但差距不超过{pp}个百分点",
        lambda f: f.data_status == metrics.STATUS_YELLOW,
    ),
    Rule(Colour.BLUE, "最近一次进展报告为“已完成”，并经区科技局验收采纳", lambda f: f.accepted_done),
    Rule(Colour.BLUE, "全部量化目标的最新值均已达到2027年目标（超前）", _all_targets_met),
    Rule(
        Colour.GREEN,
        "最近一次进展报告为“正常推进”，或报“已完成”尚待区科技局验收",
        lambda f: f.latest_status in (ReportStatus.NORMAL, ReportStatus.DONE),
    ),
]
FALLBACK = Rule(Colour.GREY, "尚无已提交的进展报告", lambda f: True)


def colour_for(facts):
    for rule in RULES:
        if rule.applies(facts):
            return rule.colour
    return FALLBACK.colour


def rules_text(day=None):
    """The rules as the page shows them: [(colour, label, sentence)], then the calendar."""
    day = day or deadline_day()
    pp = settings.STATUS_YELLOW_THRESHOLD_PP
    return [(rule.colour, Colour(rule.colour).label, rule.text.format(day=day, pp=pp)) for rule in [*RULES, FALLBACK]]


def calendar_text(day=None):
    day = day or deadline_day()
    return (
        f"各牵头单位按月报送进展：每月的进展报告应于次月{day}日（含）前提交，也可按季度报送（季度报告视为覆盖该季度三个月）。"
        f"截止日后仍没有已提交或已采纳的报告即为逾期；被退回修改的报告在重新提交前不计。"
        f"最近一次报告为“已完成”且经区科技局验收采纳的任务不再要求报送。"
    )


@dataclass(frozen=True)
class Assessment:
    colour: str
    overdue: bool
    latest: ReportFact | None
    targets_met: tuple = field(default=())
    data_status: str | None = None

    @property
    def colour_label(self):
        return Colour(self.colour).label

    @property
    def data_status_label(self):
        return metrics.STATUS_LABELS[self.data_status] if self.data_status else "无量化数据"

    @property
    def declared_label(self):
        """What the lead unit declared, shown beside the data: "已完成（待验收）" until accepted."""
        if self.latest is None:
            return "未报告"
        if self.latest.status == ReportStatus.DONE and not self.latest.accepted:
            return "已完成（待区科技局验收）"
        return ReportStatus(self.latest.status).label


def data_status(statuses):
    """The task's data status: the worst of its judged targets; None when none has a value."""
    judged = [s for s in statuses if s not in (None, metrics.STATUS_MISSING)]
    if not judged:
        return None
    return max(judged, key=metrics.STATUS_ORDER.index)


def assess(reports, targets, checked_month, target_statuses=()):
    """The status of one task.

    `reports`: its counted ReportFacts (any order); `targets`: (comparator, target, latest)
    for each quantitative target; `checked_month`: the month overdue is judged on;
    `target_statuses`: each target's status on its path (metrics.status vocabulary).
    """
    latest = max(reports, key=lambda r: r.sort_key, default=None)
    latest_status = latest.status if latest else None
    accepted_done = latest is not None and latest.accepted_done
    covered = any(r.period.covers(checked_month) for r in reports)
    overdue = not accepted_done and not covered
    met = tuple(target_met(comparator, target, actual) for comparator, target, actual in targets)
    facts = TaskFacts(
        latest_status=latest_status,
        overdue=overdue,
        targets_met=met,
        accepted_done=accepted_done,
        data_status=data_status(target_statuses),
    )
    return Assessment(
        colour=colour_for(facts), overdue=overdue, latest=latest, targets_met=met, data_status=facts.data_status
    )


def latest_values(rows):
    """{target_id: (value, Period)} from (target_id, Period, submitted_at, value) rows of counted reports."""
    best = {}
    for target_id, period, submitted_at, value in rows:
        key = (period.end, submitted_at)
        if target_id not in best or key > best[target_id][0]:
            best[target_id] = (key, value, period)
    return {target_id: (value, period) for target_id, (_, value, period) in best.items()}


# 督办 of other apps' overdue work (issue 29: a firm's problem past its due date) shown on the
# 逾期督办 page beside the overdue reports. This app may not import those above it, so each
# registers a provider from its AppConfig: provider(user, today) -> OverdueSection or None.


@dataclass(frozen=True)
class OverdueSection:
    """One block of the 逾期督办 page: a title, column headers, rows of (cells, url) and a link to
    the full list."""

    title: str
    headers: tuple
    rows: tuple
    more_url: str = ""
    more_text: str = ""
    empty_text: str = "当前没有逾期事项。"


_overdue_providers = []


def register_overdue_section(provider):
    if provider not in _overdue_providers:
        _overdue_providers.append(provider)


def overdue_sections(user, today):
    """The registered apps' sections for `user` (each decides its scope) as of `today`."""
    sections = (provider(user, today) for provider in _overdue_providers)
    return [section for section in sections if section is not None]
