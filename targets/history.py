"""Reading the change history of monthly counts (kept by django-simple-history)."""

from dataclasses import dataclass

from .choices import CountSource, Metric
from .models import MonthLock, MonthlyCount
from .months import Month


@dataclass
class CountChange:
    """One change to a count: who, when, old → new, how (source and file) and why."""

    at: object
    user: str
    subdistrict: str
    subdistrict_slug: str
    month: Month
    metric: str
    old: int | None
    new: int | None
    how: str
    reason: str
    note: str
    seq: int = 0  # the history row's id: orders changes made within the same instant

    @property
    def metric_label(self):
        return Metric(self.metric).label


def count_changes(subdistricts, month=None, limit=None):
    """Changes to the counts of `subdistricts` (in `month` if given), newest first, in one query."""
    history = MonthlyCount.history.filter(subdistrict__in=subdistricts)
    if month is not None:
        history = history.filter(month=month.date)
    rows = history.select_related("history_user", "subdistrict").order_by("id", "history_date", "history_id")
    changes, last_value = [], {}
    for row in rows:
        old = last_value.get(row.id)
        new = None if row.history_type == "-" else row.value
        last_value[row.id] = new
        changes.append(
            CountChange(
                at=row.history_date,
                user=(row.history_user.get_full_name() or row.history_user.username) if row.history_user else "",
                subdistrict=row.subdistrict.name,
                subdistrict_slug=row.subdistrict.slug,
                month=Month.of(row.month),
                metric=row.metric,
                old=old,
                new=new,
                how=CountSource(row.source).label + (f"（{row.source_file}）" if row.source_file else ""),
                reason=row.history_change_reason or "",
                note=row.note,
                seq=row.history_id,
            )
        )
    changes.sort(key=lambda change: (change.at, change.seq), reverse=True)
    return changes[:limit] if limit else changes


def corrections_since_lock(months=None):
    """{Month: n} for locked months whose counts changed after the month was (last) locked:
    n is the number of cells (sub-district × metric) whose value now differs from the value they
    had then. A month is locked when its bulletin is published, and again at each revision, so
    n counts the corrections that no published version shows yet. Two queries.
    """
    locks = MonthLock.objects.all()
    if months is not None:
        locks = locks.filter(month__in=[m.date for m in months])
    locked_at = dict(locks.values_list("month", "locked_at"))
    if not locked_at:
        return {}
    before, after = {}, {}
    rows = (
        MonthlyCount.history.filter(month__in=list(locked_at))
        .order_by("history_date", "history_id")
        .values_list("month", "subdistrict_id", "metric", "value", "history_type", "history_date")
    )
    for month, sub_id, metric, value, kind, at in rows:
        key = (month, sub_id, metric)
        (before if at <= locked_at[month] else after)[key] = None if kind == "-" else value
    out = {}
    for key, value in after.items():
        if before.get(key) != value:
            out[Month.of(key[0])] = out.get(Month.of(key[0]), 0) + 1
    return out
