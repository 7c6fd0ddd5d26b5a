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
