"""Progress of every sub-district for a month: the plan's figures, the logged counts and the
metrics computed from them, assembled in a fixed number of queries whatever the district's size.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max, Sum

from . import metrics
from .choices import BASE_YEAR, PLAN_YEARS, Metric
from .models import MonthlyCount, PlanFigure, SubDistrict
from .months import LAST_PLAN_MONTH, Month, month_range


@dataclass
class MetricProgress:
    """One metric of one sub-district (or the district) in one month."""

    actual: int | None
    target: int | None
    base: int | None
    target_2027: int | None
    completion: object = None
    increment_completion: object = None
    status: str = metrics.STATUS_MISSING
    rank_in_class: int | None = None
    rank_overall: int | None = None
    previous_rank_in_class: int | None = None
    previous_rank_overall: int | None = None
    previous_actual: int | None = None
    curve: object = None
    gap_year: int | None = None
    gap_2027: int | None = None
    pace_year: object = None
    pace_2027: object = None

    @property
    def status_label(self):
        return metrics.STATUS_LABELS[self.status]

    @property
    def status_short(self):
        return metrics.STATUS_SHORT[self.status]

    @property
    def completion_pct(self):
        return metrics.as_percent(self.completion)

    @property
    def increment_completion_pct(self):
        return metrics.as_percent(self.increment_completion)

    @property
    def new_this_month(self):
        return metrics.change(self.previous_actual, self.actual)

    @property
    def new_this_year(self):
        return metrics.change(self.base, self.actual)

    @property
    def rank_change_overall(self):
        """Positive when the sub-district moved up since last month."""
        if self.rank_overall is None or self.previous_rank_overall is None:
            return None
        return self.previous_rank_overall - self.rank_overall

    @property
    def rank_change_in_class(self):
        if self.rank_in_class is None or self.previous_rank_in_class is None:
            return None
        return self.previous_rank_in_class - self.rank_in_class


@dataclass
class SubDistrictProgress:
    subdistrict: SubDistrict
    metrics: dict = field(default_factory=dict)  # {metric: MetricProgress}

    @property
    def reported(self):
        return all(m.actual is not None for m in self.metrics.values())


@dataclass
class DistrictProgress:
    month: Month
    time_progress: object
    rows: list  # [SubDistrictProgress] for every sub-district of the district, in plan order
    total: dict  # {metric: MetricProgress} summed over sub-districts
    reported: dict  # {metric: number of sub-districts with a count}
    data_as_of: object = None

    @property
    def time_progress_pct(self):
        return metrics.as_percent(self.time_progress)

    def rows_visible_to(self, user):
        visible = set(SubDistrict.objects.visible_to(user).values_list("pk", flat=True))
        return [row for row in self.rows if row.subdistrict.pk in visible]

    def by_category(self):
        out = {}
        for row in self.rows:
            out.setdefault(row.subdistrict.category, []).append(row)
        return out

    def row_for(self, subdistrict):
        return next(row for row in self.rows if row.subdistrict.pk == subdistrict.pk)


def plannable_months():
    """Months a progress page can show: 2023-01 through this month, and never past 2027-12."""
    return month_range(Month.first(), min(Month.current(), LAST_PLAN_MONTH))


def _plan(subs):
    figures = {}
    for sub_id, metric, year, value in PlanFigure.objects.filter(subdistrict__in=subs).values_list(
        "subdistrict_id", "metric", "year", "value"
    ):
        figures[(sub_id, metric, year)] = value
    return figures


def _metric_progress(figures, counts, sub_id, metric, month, yellow_pp):
    year = month.year
    target = figures.get((sub_id, metric, year))
    previous_figure = figures.get((sub_id, metric, year - 1))
    actual = counts.get((sub_id, metric, month))
    base = metrics.base_for(counts.get((sub_id, metric, Month(year - 1, 12))), previous_figure)
    target_2027 = figures.get((sub_id, metric, PLAN_YEARS[-1]))
    return _derive(actual, target, base, target_2027, previous_figure, month, yellow_pp)


def _derive(actual, target, base, target_2027, previous_figure, month, yellow_pp):
    progress = metrics.time_progress(month.month)
    increment = metrics.increment_completion(actual, base, target)
    return MetricProgress(
        actual=actual,
        target=target,
        base=base,
        target_2027=target_2027,
        completion=metrics.completion(actual, target),
        increment_completion=increment,
        status=metrics.status(actual, target, increment, progress, yellow_pp),
        curve=metrics.curve_value(previous_figure, target, month.month),
        gap_year=metrics.gap(actual, target),
        gap_2027=metrics.gap(actual, target_2027),
        pace_year=metrics.needed_pace(actual, target, metrics.months_left(month.year, month.month, month.year)),
        pace_2027=metrics.needed_pace(
            actual, target_2027, metrics.months_left(month.year, month.month, PLAN_YEARS[-1])
        ),
    )


def _rank(rows, metric, attr_class, attr_overall, completion_of):
    overall = metrics.competition_ranks({row.subdistrict.pk: completion_of(row) for row in rows})
    by_class = {}
    for row in rows:
        by_class.setdefault(row.subdistrict.category, {})[row.subdistrict.pk] = completion_of(row)
    in_class = {}
    for values in by_class.values():
        in_class.update(metrics.competition_ranks(values))
    for row in rows:
        setattr(row.metrics[metric], attr_overall, overall[row.subdistrict.pk])
        setattr(row.metrics[metric], attr_class, in_class[row.subdistrict.pk])


def district_progress(month, subdistricts=None):
    """Every sub-district's progress in `month`, ranks, rank changes and the district total.

    Costs four queries (sub-districts, plan figures, counts, last change) for any number of
    sub-districts. Ranks are over the whole district, whoever looks at them.
    """
    yellow_pp = settings.STATUS_YELLOW_THRESHOLD_PP
    subs = list(subdistricts if subdistricts is not None else SubDistrict.objects.in_plan_order())
    figures = _plan(subs)
    previous_month = month.previous()
    wanted = {month, previous_month, Month(month.year - 1, 12), Month(previous_month.year - 1, 12)}
    counts_qs = MonthlyCount.objects.filter(subdistrict__in=subs, month__in=[m.date for m in wanted])
    counts = {
        (sub_id, metric, Month.of(m)): value
        for sub_id, metric, m, value in counts_qs.values_list("subdistrict_id", "metric", "month", "value")
    }
    rows, previous_rows = [], []
    for sub in subs:
        row, prev = SubDistrictProgress(sub), SubDistrictProgress(sub)
        for metric in Metric.values:
            row.metrics[metric] = _metric_progress(figures, counts, sub.pk, metric, month, yellow_pp)
            prev.metrics[metric] = _metric_progress(figures, counts, sub.pk, metric, previous_month, yellow_pp)
            row.metrics[metric].previous_actual = counts.get((sub.pk, metric, previous_month))
        rows.append(row)
        previous_rows.append(prev)
    for metric in Metric.values:
        _rank(rows, metric, "rank_in_class", "rank_overall", lambda r, m=metric: r.metrics[m].completion)
        # last month's ranks, only comparable when last month is in the same plan year
        if previous_month.year == month.year:
            _rank(previous_rows, metric, "rank_in_class", "rank_overall", lambda r, m=metric: r.metrics[m].completion)
            for row, prev in zip(rows, previous_rows, strict=True):
                row.metrics[metric].previous_rank_in_class = prev.metrics[metric].rank_in_class
                row.metrics[metric].previous_rank_overall = prev.metrics[metric].rank_overall
    total, reported = _district_total(rows, figures, counts, subs, month, yellow_pp)
    data_as_of = counts_qs.filter(month=month.date).aggregate(last=Max("updated_at"))["last"]
    return DistrictProgress(month, metrics.time_progress(month.month), rows, total, reported, data_as_of)


def _sum(values):
    values = [v for v in values if v is not None]
    return sum(values) if values else None


def _district_total(rows, figures, counts, subs, month, yellow_pp):
    """The district line: sums over sub-districts; the actual over those that reported."""
    total, reported = {}, {}
    year = month.year
    for metric in Metric.values:
        ids = [sub.pk for sub in subs]
        actual = _sum(counts.get((i, metric, month)) for i in ids)
        reported[metric] = sum(1 for i in ids if counts.get((i, metric, month)) is not None)
        target = _sum(figures.get((i, metric, year)) for i in ids)
        previous_figure = _sum(figures.get((i, metric, year - 1)) for i in ids)
        base = _sum(row.metrics[metric].base for row in rows)
        target_2027 = _sum(figures.get((i, metric, PLAN_YEARS[-1])) for i in ids)
        total[metric] = _derive(actual, target, base, target_2027, previous_figure, month, yellow_pp)
        total[metric].previous_actual = _sum(counts.get((i, metric, month.previous())) for i in ids)
    return total, reported


@dataclass
class SeriesPoint:
    month: Month
    value: int | None
    reported: int


def district_series(subdistricts, until):
    """Monthly district totals per metric from 2023-01 to `until`: {metric: [SeriesPoint]}.

    One aggregate query. A month's total is only a district total when every sub-district
    reported; `reported` says how many did.
    """
    counts = MonthlyCount.objects.filter(subdistrict__in=subdistricts, month__lte=until.date)
    by_key = _district_totals(counts)
    months = month_range(Month.first(), until)
    return {metric: [SeriesPoint(m, *by_key.get((metric, m), (None, 0))) for m in months] for metric in Metric.values}


def plan_curve(figures_by_year):
    """The monthly target curve from December 2022 to December 2027: [(Month, value)]."""
    points = [(Month(BASE_YEAR, 12), figures_by_year.get(BASE_YEAR))]
    for year in PLAN_YEARS:
        for m in range(1, 13):
            points.append(
                (Month(year, m), metrics.curve_value(figures_by_year.get(year - 1), figures_by_year.get(year), m))
            )
    return points


def subdistrict_series(subdistrict, until):
    """{metric: {Month: (value, note)}} of one sub-district up to `until`, one query."""
    out = {metric: {} for metric in Metric.values}
    for metric, m, value, note in MonthlyCount.objects.filter(
        subdistrict=subdistrict, month__lte=until.date
    ).values_list("metric", "month", "value", "note"):
        out[metric][Month.of(m)] = (value, note)
    return out


def district_totals_at(subdistricts, months):
    """{(metric, Month): (sum, number of sub-districts reported)} for a few months, one query."""
    return _district_totals(
        MonthlyCount.objects.filter(subdistrict__in=subdistricts, month__in=[m.date for m in months])
    )


def _district_totals(counts):
    """{(metric, Month): (sum, number of sub-districts reported)} of a MonthlyCount queryset."""
    rows = counts.values("month", "metric").annotate(total=Sum("value"), n=Count("id"))
    return {(r["metric"], Month.of(r["month"])): (r["total"], r["n"]) for r in rows}
