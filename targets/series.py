"""Monthly series of counts: the district's totals month by month over each month's units (or
a caller's fixed set), and one sub-district's counts with their notes."""

from dataclasses import dataclass

from . import territory
from .choices import METRICS
from .models import MonthlyCount
from .months import Month, month_range
from .progress import month_counts


@dataclass
class SeriesPoint:
    month: Month
    value: int | None
    reported: int


def district_series(until, units=None):
    """Monthly district totals per metric from 2023-01 to `until`: {metric: [SeriesPoint]}.

    Each month adds the counts of `units(month)` (default: the units of that month's map, so a
    total never adds a unit the district did not have then): summed from each month's counts
    (`month_counts`: every month kept under its own version, so a correction reads its own month
    only). A month's total is only a district total when every unit reported; `reported` says how
    many did.
    """
    months = month_range(Month.first(), until)
    if units is None:
        maps = territory.maps_of(months)
        units = lambda month: maps[month].members  # noqa: E731
    members = {month: {sub.pk for sub in units(month)} for month in months}
    everyone = {sub.pk: sub for month in months for sub in units(month)}
    by_month = month_counts(list(everyone.values()), months)
    out = {metric: [] for metric in METRICS}
    for month in months:
        for metric in METRICS:
            values = [
                v for (sub_id, m), v in by_month[month].values.items() if m == metric and sub_id in members[month]
            ]
            out[metric].append(SeriesPoint(month, sum(values) if values else None, len(values)))
    return out


def subdistrict_series(subdistrict, until):
    """{metric: {Month: (value, note)}} of one sub-district up to `until`, one query."""
    out = {metric: {} for metric in METRICS}
    for metric, m, value, note in (
        MonthlyCount.objects.filter(subdistrict=subdistrict, month__lte=until.date)
        .order_by()
        .values_list("metric", "month", "value", "note")
    ):
        out[metric][Month.of(m)] = (value, note)
    return out
