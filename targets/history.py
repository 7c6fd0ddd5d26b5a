"""Reading the change history of monthly counts (kept by django-simple-history)."""

from dataclasses import dataclass

from django.db.models import Count, Max

from . import freshness
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


def newest_changes(subdistricts, limit):
    """The `limit` newest changes to the counts of `subdistricts` (`count_changes`), kept in the
    cache under a fingerprint of their history (how many rows, the newest), one query to read
    it: another sub-district's correction leaves them as they were."""
    history = MonthlyCount.history.filter(subdistrict__in=subdistricts)

    def fingerprint():
        seen = history.aggregate(n=Count("history_id"), last=Max("history_id"))
        return f"{seen['n']}-{seen['last']}"

    ids = freshness.content_key([sub.pk for sub in subdistricts])
    return freshness.cached("newest-changes", lambda: count_changes(subdistricts, limit=limit), ids, limit,
                            version=fingerprint)  # fmt: skip


def count_changes(subdistricts, month=None, limit=None):
    """Changes to the counts of `subdistricts` (in `month` if given), newest first: one query,
    or with a `limit` two small ones (the newest changes, then the history of just those counts,
    for the value each replaced)."""
    history = MonthlyCount.history.filter(subdistrict__in=subdistricts)
    if month is not None:
        history = history.filter(month=month.date)
    rows = history.select_related("history_user", "subdistrict")
    if limit:
        rows = list(rows.order_by("-history_date", "-history_id")[:limit])
        chain = history.filter(id__in={row.id for row in rows}).order_by("id", "history_date", "history_id")
        old = _replaced(chain.values_list("id", "history_id", "history_type", "value"))
    else:
        rows = list(rows.order_by("id", "history_date", "history_id"))
        old = _replaced((row.id, row.history_id, row.history_type, row.value) for row in rows)
    changes = [_change(row, old[row.history_id]) for row in rows]
    changes.sort(key=lambda change: (change.at, change.seq), reverse=True)
    return changes


def _replaced(chain):
    """{history_id: the value that history row replaced (None for a first entry)} from (count id,
    history_id, history_type, value) in each count's order of history."""
    out, last_value = {}, {}
    for count_id, history_id, history_type, value in chain:
        out[history_id] = last_value.get(count_id)
        last_value[count_id] = None if history_type == "-" else value
    return out


def _change(row, old):
    return CountChange(
        at=row.history_date,
        user=(row.history_user.get_full_name() or row.history_user.username) if row.history_user else "",
        subdistrict=row.subdistrict.name,
        subdistrict_slug=row.subdistrict.slug,
        month=Month.of(row.month),
        metric=row.metric,
        old=old,
        new=None if row.history_type == "-" else row.value,
        how=CountSource(row.source).label + (f"（{row.source_file}）" if row.source_file else ""),
        reason=row.history_change_reason or "",
        note=row.note,
        seq=row.history_id,
    )


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
