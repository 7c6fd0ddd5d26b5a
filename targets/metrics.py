"""The numbers of the plan, as pure functions on plain values (no ORM, no request).

`None` stands for "undefined" (a missing count, a target of 0) and is never turned into 0.
"""

from .choices import ALL_YEARS, Metric


def sum_plan_figures(figure_maps):
    """District totals (合计) of the attachment: {metric: {year: sum}} over sub-districts.

    `figure_maps` is an iterable of {metric: {year: value}}; a missing cell makes that
    column's total None rather than a silently smaller number.
    """
    totals = {metric: {year: 0 for year in ALL_YEARS} for metric in Metric.values}
    for figures in figure_maps:
        for metric in Metric.values:
            for year in ALL_YEARS:
                value = figures.get(metric, {}).get(year)
                if value is None or totals[metric][year] is None:
                    totals[metric][year] = None
                else:
                    totals[metric][year] += value
    return totals


# A month-over-month rise above this share needs a confirmation and a note (counts issue).
LARGE_RISE = 0.20


def change_flag(previous, new):
    """Why a new count needs an explicit confirmation, or None.

    "drop" when it is below the previous count; "rise" when it is more than 20% above it (any
    rise from 0 counts as large). No previous count, no flag.
    """
    if previous is None or new is None:
        return None
    if new < previous:
        return "drop"
    if new > previous and (previous == 0 or (new - previous) / previous > LARGE_RISE):
        return "rise"
    return None


def change(previous, new):
    """new − previous, or None when either is missing."""
    if previous is None or new is None:
        return None
    return new - previous
