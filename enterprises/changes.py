"""A month's change in a sub-district, explained firm by firm from the registry.

Between the end of last month and the end of this month a firm enters a sub-district's count
because it was newly recognised (新认定) or registered (新入库), or because it moved in (迁入);
it leaves because its certificate ran out without a new one (到期未重新认定), because it left
the tech-based list (退库), or because it moved out (迁出). Validity comes from the firm's
certificates and registration dates; where it was comes from the registry's history (a firm
first entered after the day counts where it was first entered).

`classify` is the rule on plain values; `month_changes` reads the registry in four queries.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from targets.choices import Metric
from targets.history import count_changes
from targets.models import MonthlyCount

from .models import Enterprise, HighTechRecognition

# (label for arriving firms that were not counted anywhere, label for firms no longer counted)
REASONS = {
    Metric.HIGH_TECH: ("新认定", "到期未重新认定"),
    Metric.TECH_BASED: ("新入库", "退库"),
}
MOVED_IN, MOVED_OUT = "迁入", "迁出"


@dataclass(frozen=True)
class FirmState:
    """Where a firm was and whether it counted, on one day."""

    subdistrict_id: int | None
    counted: bool


def classify(before, after, subdistrict_id, new_label, gone_label):
    """Why a firm's contribution to `subdistrict_id`'s count changed, or None when it did not.

    `before` and `after` are its FirmState at the end of last month and of this month.
    """
    was_here = before.counted and before.subdistrict_id == subdistrict_id
    is_here = after.counted and after.subdistrict_id == subdistrict_id
    if is_here and not was_here:
        return MOVED_IN if before.counted else new_label
    if was_here and not is_here:
        return MOVED_OUT if after.counted else gone_label
    return None


@dataclass
class MetricChanges:
    metric: str
    label: str
    registry_before: int = 0
    registry_after: int = 0
    logged_before: int | None = None
    logged_after: int | None = None
    firms: dict = field(default_factory=dict)  # {reason: [Enterprise]}
    order: tuple = ()

    @property
    def registry_change(self):
        return self.registry_after - self.registry_before

    @property
    def logged_change(self):
        if self.logged_before is None or self.logged_after is None:
            return None
        return self.logged_after - self.logged_before

    @property
    def groups(self):
        """[(reason, sign, [firms])] in a fixed order, empty reasons included (they say "0")."""
        return [(reason, "+" if reason in self.order[:2] else "−", self.firms.get(reason, [])) for reason in self.order]

    @property
    def unexplained(self):
        """Logged change minus what the registry explains (None when the month is not logged)."""
        change = self.logged_change
        return None if change is None else change - self.registry_change


def _end_of(day):
    """The last instant of `day`, local time, for history queries."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def _places(firm_ids, days):
    """{firm_id: {day: subdistrict_id}} from the registry's history (one query)."""
    records = {}
    rows = Enterprise.history.filter(id__in=firm_ids).order_by("id", "history_date", "history_id")
    for firm_id, sub_id, at, kind in rows.values_list("id", "subdistrict_id", "history_date", "history_type"):
        records.setdefault(firm_id, []).append((at, None if kind == "-" else sub_id))
    out = {}
    for firm_id, history in records.items():
        out[firm_id] = {}
        for day in days:
            upto = [sub for at, sub in history if at <= _end_of(day)]
            out[firm_id][day] = upto[-1] if upto else history[0][1]
    return out


def month_changes(subdistrict, month):
    """{metric: MetricChanges} of `subdistrict` in `month`: the registry's firms that entered or
    left its count, why, and the logged counts beside them. Four queries whatever the size."""
    before_day = month.date - dt.timedelta(days=1)
    after_day = month.next().date - dt.timedelta(days=1)
    ever_here = Enterprise.history.filter(subdistrict_id=subdistrict.pk).values("id")
    firms = {
        f.pk: f for f in Enterprise.objects.filter(pk__in=ever_here).select_related("subdistrict").order_by("name")
    }
    places = _places(list(firms), (before_day, after_day))
    valid = {}
    for rec in HighTechRecognition.objects.filter(enterprise_id__in=list(firms)).values(
        "enterprise_id", "issue_date", "valid_until"
    ):
        for day in (before_day, after_day):
            if rec["issue_date"] <= day <= rec["valid_until"]:
                valid[(rec["enterprise_id"], day)] = True
    logged = {
        (metric, m): value
        for metric, m, value in MonthlyCount.objects.filter(
            subdistrict=subdistrict, month__in=[month.previous().date, month.date]
        ).values_list("metric", "month", "value")
    }
    out = {}
    for metric in Metric.values:
        new_label, gone_label = REASONS[metric]
        changes = MetricChanges(
            metric,
            Metric(metric).label,
            logged_before=logged.get((metric, month.previous().date)),
            logged_after=logged.get((metric, month.date)),
            order=(new_label, MOVED_IN, gone_label, MOVED_OUT),
        )
        for pk, firm in firms.items():
            if metric == Metric.HIGH_TECH:
                counted = {day: valid.get((pk, day), False) for day in (before_day, after_day)}
            else:
                counted = {day: _tech_based_on(firm, day) for day in (before_day, after_day)}
            where = places.get(pk, {})
            before = FirmState(where.get(before_day, firm.subdistrict_id), counted[before_day])
            after = FirmState(where.get(after_day, firm.subdistrict_id), counted[after_day])
            changes.registry_before += before.counted and before.subdistrict_id == subdistrict.pk
            changes.registry_after += after.counted and after.subdistrict_id == subdistrict.pk
            reason = classify(before, after, subdistrict.pk, new_label, gone_label)
            if reason:
                changes.firms.setdefault(reason, []).append(firm)
        out[metric] = changes
    return out


def _tech_based_on(firm, day):
    """The registry's tech-based rule (models.tech_based_q) on one firm."""
    if firm.tech_registered_year is None or firm.tech_registered_year > day.year:
        return False
    return firm.tech_left_on is None or firm.tech_left_on > day


def logged_changes(subdistrict, month):
    """The month's logged count changes with their reasons and notes (history of the counts)."""
    return count_changes([subdistrict], month=month)
