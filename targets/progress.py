"""Progress of every sub-district for a month: the plan's figures, the logged counts and the
metrics computed from them, assembled in a fixed number of queries whatever the district's size.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Count

from . import freshness, metrics
from .choices import ALL_YEARS, BASE_YEAR, METRICS, PLAN_YEARS
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
    hold_year: bool = False
    covered: int | None = None  # district line only: sub-districts summed (those that reported)
    expected: int | None = None  # district line only: sub-districts in the district
    gap_year: int | None = None
    gap_2027: int | None = None
    pace_year: object = None
    pace_2027: object = None
    forecast: object = None  # targets.forecast.Forecast, where a page adds it

    @property
    def status_label(self):
        return metrics.STATUS_LABELS[self.status]

    @property
    def partial_label(self):
        """District line of a partial month: "3/17 个已填报街镇合计"; "" when complete."""
        if self.covered is None or self.covered == self.expected:
            return ""
        return f"{self.covered}/{self.expected} 个已填报街镇合计"

    @property
    def rank_key(self):
        return metrics.rank_key(self.increment_completion, self.completion)

    @property
    def completion_pct(self):
        return metrics.as_percent(self.completion)

    @property
    def increment_completion_pct(self):
        return metrics.as_percent(self.increment_completion)

    @property
    def pace_year_firms(self):
        """每月须增 in whole firms, rounded up."""
        return metrics.whole_firms(self.pace_year)

    @property
    def pace_2027_firms(self):
        return metrics.whole_firms(self.pace_2027)

    @property
    def new_this_month(self):
        return metrics.change(self.previous_actual, self.actual)

    @property
    def new_this_year(self):
        return metrics.change(self.base, self.actual)

    @property
    def rank_change_overall(self):
        """Positive when the sub-district moved up since last month."""
        return metrics.rank_change(self.previous_rank_overall, self.rank_overall)

    @property
    def rank_change_in_class(self):
        return metrics.rank_change(self.previous_rank_in_class, self.rank_in_class)


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
    total: dict  # {metric: MetricProgress} summed over the sub-districts that reported it
    reported: dict  # {metric: number of sub-districts with a count}
    data_as_of: object = None

    @property
    def time_progress_pct(self):
        return metrics.as_percent(self.time_progress)

    @property
    def expected(self):
        return len(self.rows)

    @property
    def reported_both(self):
        return sum(1 for row in self.rows if row.reported)

    @property
    def complete(self):
        """Every sub-district reported both metrics: the month can be judged as a whole."""
        return is_complete(self.reported_both, self.expected)

    @property
    def reporting_label(self):
        """ "n/17 个街镇已填报", shown wherever a partial month is shown."""
        return reporting_label(self.reported_both, self.expected)

    @property
    def missing_names(self):
        return [row.subdistrict.name for row in self.rows if not row.reported]

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


def is_complete(reported, expected):
    return expected > 0 and reported == expected


def reporting_label(reported, expected):
    return f"{reported}/{expected} 个街镇已填报"


def partial_note(reported, expected):
    """A chart point's note: "16/17 个街镇填报" for a month not every sub-district reported."""
    return "" if is_complete(reported, expected) else f"{reported}/{expected} 个街镇填报"


def plannable_months():
    """Months a progress page can show: 2023-01 through this month, and never past 2027-12."""
    return month_range(Month.first(), min(Month.current(), LAST_PLAN_MONTH))


def plan_figures(subs):
    """{(sub_id, metric, year): value} of the attachment for `subs`: one query, or none when the
    plan is unchanged since another part of the page (or another request) read it (kept in the
    cache under the plan's own version, which a count's correction leaves as it was)."""
    ids = [sub.pk for sub in subs]

    def read():
        return {
            (sub_id, metric, year): value
            for sub_id, metric, year, value in PlanFigure.objects.filter(subdistrict__in=ids).values_list(
                "subdistrict_id", "metric", "year", "value"
            )
        }

    return freshness.cached("plan-figures", read, freshness.content_key(ids), version=freshness.plan_version)


def plan_maps(subs):
    """[{metric: {year: value}}] per sub-district, in order: what metrics.sum_plan_figures adds up."""
    figures = plan_figures(subs)
    return [
        {metric: {year: figures.get((sub.pk, metric, year)) for year in ALL_YEARS} for metric in METRICS}
        for sub in subs
    ]


def plan_totals(subs):
    """The attachment's 合计 of `subs`: {metric: {year: sum}}, from the cached plan figures."""
    return metrics.sum_plan_figures(plan_maps(subs))


@dataclass(frozen=True)
class MonthCounts:
    """The counts of some sub-districts in one month: {(sub_id, metric): value} and the
    month's last change (None when there is no count)."""

    values: dict
    last_change: object = None


def month_counts(subs, months):
    """{Month: MonthCounts} of `subs` for `months`. Each month is kept in the cache under its
    own version (`freshness.month_versions`), so a correction reads its own month again and
    every other month comes from the cache; the months to read are read in one query."""
    ids = [sub.pk for sub in subs]
    who = freshness.content_key(ids)
    inputs = {month: (who, version) for month, version in freshness.month_versions(months).items()}

    def read(missing):
        values, last = {m: {} for m in missing}, dict.fromkeys(missing)
        # no ordering (it joins the sub-districts to sort): a dict is built
        rows = MonthlyCount.objects.filter(subdistrict_id__in=ids, month__in=[m.date for m in missing]).order_by()
        for sub_id, metric, date, value, at in rows.values_list(
            "subdistrict_id", "metric", "month", "value", "updated_at"
        ):
            month = Month.of(date)
            values[month][(sub_id, metric)] = value
            if last[month] is None or at > last[month]:
                last[month] = at
        return {m: MonthCounts(values[m], last[m]) for m in missing}

    return freshness.cached_each(f"month-counts:{settings.DISTRICT_SLUG}", inputs, read)


def _flat(by_month):
    """{(sub_id, metric, Month): value} from `month_counts`' answer."""
    return {(sub_id, metric, m): v for m, counts in by_month.items() for (sub_id, metric), v in counts.values.items()}


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
    rate = metrics.judged_rate(actual, base, target)
    return MetricProgress(
        actual=actual,
        target=target,
        base=base,
        target_2027=target_2027,
        completion=metrics.completion(actual, target),
        increment_completion=rate,
        hold_year=metrics.is_hold_year(base, target),
        status=metrics.status(rate, progress, yellow_pp),
        curve=metrics.curve_value(previous_figure, target, month.month),
        gap_year=metrics.gap(actual, target),
        gap_2027=metrics.gap(actual, target_2027),
        pace_year=metrics.needed_pace(actual, target, metrics.months_left(month.year, month.month, month.year)),
        pace_2027=metrics.needed_pace(
            actual, target_2027, metrics.months_left(month.year, month.month, PLAN_YEARS[-1])
        ),
    )


def _rank(rows, metric):
    """Ranks by the judged rate, tie-broken by 年度目标完成率; unreported lines get none."""
    keys = {row.subdistrict.pk: row.metrics[metric].rank_key for row in rows}
    ranks = _ranks(keys, {row.subdistrict.pk: row.subdistrict.category for row in rows})
    for row in rows:
        row.metrics[metric].rank_in_class, row.metrics[metric].rank_overall = ranks[row.subdistrict.pk]


def _ranks(keys, categories):
    """{sub_id: (rank in class, rank overall)} from {sub_id: rank key} and {sub_id: class}."""
    overall = metrics.competition_ranks(keys)
    by_class = {}
    for pk, key in keys.items():
        by_class.setdefault(categories[pk], {})[pk] = key
    in_class = {}
    for values in by_class.values():
        in_class.update(metrics.competition_ranks(values))
    return {pk: (in_class[pk], overall[pk]) for pk in keys}


def _ranked(rows, metric):
    return {row.subdistrict.pk for row in rows if row.metrics[metric].rank_overall is not None}


def _carry_previous_ranks(rows, previous, metric):
    """Set last month's ranks (`previous`: {sub_id: (rank in class, rank overall)}, as
    `_month_ranks` gives them) on `rows` where they compare like with like: the same
    sub-districts ranked in both months within the ranking (the class, or the whole district)."""
    ranked_before = {pk for pk, (_, overall) in previous.items() if overall is not None}
    same_overall = _ranked(rows, metric) == ranked_before
    same_class = {}
    for category in {row.subdistrict.category for row in rows}:
        members = [r for r in rows if r.subdistrict.category == category]
        same_class[category] = _ranked(members, metric) == {r.subdistrict.pk for r in members} & ranked_before
    for row in rows:
        in_class, overall = previous[row.subdistrict.pk]
        if same_class[row.subdistrict.category]:
            row.metrics[metric].previous_rank_in_class = in_class
        if same_overall:
            row.metrics[metric].previous_rank_overall = overall


def district_progress(month, subdistricts=None):
    """Every sub-district's progress in `month`, ranks, rank changes and the district total.

    Costs at most three queries (sub-districts, plan figures, the counts of the months not
    kept in the cache) for any number of sub-districts. Ranks are over the whole district, whoever looks at them.
    """
    yellow_pp = settings.STATUS_YELLOW_THRESHOLD_PP
    subs = list(subdistricts if subdistricts is not None else district_subdistricts())
    figures = plan_figures(subs)
    previous_month = month.previous()
    wanted = {month, previous_month, Month(month.year - 1, 12), Month(previous_month.year - 1, 12)}
    by_month = month_counts(subs, wanted)
    counts = _flat(by_month)
    data_as_of = by_month[month].last_change  # the month's last change
    rows = []
    for sub in subs:
        row = SubDistrictProgress(sub)
        for metric in METRICS:
            row.metrics[metric] = _metric_progress(figures, counts, sub.pk, metric, month, yellow_pp)
            row.metrics[metric].previous_actual = counts.get((sub.pk, metric, previous_month))
        rows.append(row)
    for metric in METRICS:
        _rank(rows, metric)
        # A rank change compares like with like: both months in the same plan year (the base
        # changes in January), and the same sub-districts ranked in both months within the
        # ranking (the class, or the whole district) it is a change of.
        if previous_month.year == month.year:
            lines = _year_inputs(figures, counts, subs, metric, month.year)
            before = [counts.get((sub.pk, metric, previous_month)) for sub in subs]
            previous = _month_ranks([(*line, actual) for line, actual in zip(lines, before, strict=True)])
            _carry_previous_ranks(rows, previous, metric)
    total, reported = _district_total(rows, figures, counts, subs, month, yellow_pp)
    return DistrictProgress(month, metrics.time_progress(month.month), rows, total, reported, data_as_of)


@dataclass
class RankPoint:
    month: Month
    rank_in_class: int | None
    rank_overall: int | None


def rank_history(subdistrict, until, subdistricts=None, progress=None):
    """{metric: [RankPoint]}: `subdistrict`'s rank in its class and in the district for every
    month from 2023-01 to `until` in which it reported, ranked as `district_progress` ranks.

    Each month's ranking is kept in the cache under what decides it: the classes, the plan's
    figures of its year and the year before, and the versions of the counts of the month and of
    last December (`freshness.month_versions`, read with the data's version). So a correction
    recomputes only the months it touches, reading only their counts (`month_counts`): at most
    two queries (plan figures, the counts of the months to rank) for any number of months, none
    when every month is kept. `progress`, the page's `district_progress(until)` when it has one,
    gives `until`'s ranks.
    """
    subs = list(subdistricts if subdistricts is not None else SubDistrict.objects.filter(
        district_id=subdistrict.district_id).in_plan_order())  # fmt: skip
    figures = plan_figures(subs)
    months = month_range(Month.first(), until)  # a month nobody reported ranks nobody
    # the classes and each year's plan figures are the same for many months: hashed once each
    classes = freshness.content_key(tuple((sub.pk, sub.category) for sub in subs))
    plan_of_year = {}
    decided_by = {}
    versions = freshness.month_versions(months + [Month(year - 1, 12) for year in {m.year for m in months}])
    for month in months:
        year = month.year
        if year not in plan_of_year:
            plan_of_year[year] = freshness.content_key(
                [figures.get((sub.pk, metric, y)) for sub in subs for metric in METRICS for y in (year, year - 1)]
            )
        decided_by[month] = (classes, plan_of_year[year], versions[month], versions[Month(year - 1, 12)])

    def rank_missing(missing):
        # the page's own ranking of `until`, on the same counts, stands in for ranking it again
        own = progress is not None and progress.month == until and until in missing
        ranked = _rank_months(figures, subs, [month for month in missing if not (own and month == until)])
        return ranked | ({until: _ranks_of(progress)} if own else {})

    # RANK_RULE in the name: a deployment that changes how ranks are decided never reads old ones
    known = freshness.cached_each(f"ranks:{RANK_RULE}", decided_by, rank_missing)
    out = {metric: [] for metric in METRICS}
    for month in months:
        ranked = known[month]
        for metric in METRICS:
            ranks, reported = ranked[metric]
            if subdistrict.pk in reported:
                out[metric].append(RankPoint(month, *ranks[subdistrict.pk]))
    return out


RANK_RULE = 2  # raise when `_month_ranks` (or metrics.rank_key / judged_rate) changes its answer


def _ranks_of(progress):
    """{metric: (ranks, reported)} of a DistrictProgress, as `_rank_months` gives a month's."""
    out = {}
    for metric in METRICS:
        lines = [(row.subdistrict.pk, row.metrics[metric]) for row in progress.rows]
        ranks = {pk: (m.rank_in_class, m.rank_overall) for pk, m in lines}
        out[metric] = (ranks, frozenset(pk for pk, m in lines if m.actual is not None))
    return out


def _rank_months(figures, subs, months):
    """{Month: {metric: (ranks, reported)}} for `months`, from their counts and last Decembers'
    (`month_counts`): ranks as `_month_ranks` gives them, reported the sub-districts with a count
    that month."""
    if not months:
        return {}
    counts = _flat(month_counts(subs, set(months) | {Month(m.year - 1, 12) for m in months}))
    out = {}
    for month in months:
        out[month] = {}
        for metric in METRICS:
            lines = _year_inputs(figures, counts, subs, metric, month.year)
            own = [counts.get((sub.pk, metric, month)) for sub in subs]
            ranks = _month_ranks([(*line, actual) for line, actual in zip(lines, own, strict=True)])
            reported = frozenset(sub.pk for sub, actual in zip(subs, own, strict=True) if actual is not None)
            out[month][metric] = (ranks, reported)
    return out


def _year_inputs(figures, counts, subs, metric, year):
    """Per sub-district, what its ranks in `year` depend on besides the month's own count: its
    class, this year's and last year's targets and last December's count."""
    december = Month(year - 1, 12)
    return tuple(
        (
            sub.pk,
            sub.category,
            figures.get((sub.pk, metric, year)),
            figures.get((sub.pk, metric, year - 1)),
            counts.get((sub.pk, metric, december)),
        )
        for sub in subs
    )


def _month_ranks(inputs):
    """{sub_id: (rank in class, rank overall)} from `_year_inputs` lines each with the month's
    count, ranked as `_rank` ranks."""
    keys, categories = {}, {}
    for pk, category, target, previous_figure, december, actual in inputs:
        base = metrics.base_for(december, previous_figure)
        keys[pk] = metrics.rank_key(metrics.judged_rate(actual, base, target), metrics.completion(actual, target))
        categories[pk] = category
    return _ranks(keys, categories)


def _sum(values):
    values = [v for v in values if v is not None]
    return sum(values) if values else None


def _district_total(rows, figures, counts, subs, month, yellow_pp):
    """The district line, like for like: the sub-districts that reported the metric this month,
    against their own targets and bases. In a complete month that is the whole district; in a
    partial month it is never a subset's count against the whole district's target.
    The change since last month is given only when every one of them reported last month too.
    """
    total, reported = {}, {}
    year = month.year
    for metric in METRICS:
        ids = [sub.pk for sub in subs if counts.get((sub.pk, metric, month)) is not None]
        reported[metric] = len(ids)
        if not ids:
            total[metric] = _derive(None, None, None, None, None, month, yellow_pp)
            total[metric].covered, total[metric].expected = 0, len(subs)
            continue
        actual = _sum(counts.get((i, metric, month)) for i in ids)
        target = _sum(figures.get((i, metric, year)) for i in ids)
        previous_figure = _sum(figures.get((i, metric, year - 1)) for i in ids)
        base = _sum(row.metrics[metric].base for row in rows if row.subdistrict.pk in ids)
        target_2027 = _sum(figures.get((i, metric, PLAN_YEARS[-1])) for i in ids)
        total[metric] = _derive(actual, target, base, target_2027, previous_figure, month, yellow_pp)
        previous = [counts.get((i, metric, month.previous())) for i in ids]
        total[metric].previous_actual = None if None in previous else sum(previous)
        total[metric].covered, total[metric].expected = len(ids), len(subs)
    return total, reported


@dataclass
class SeriesPoint:
    month: Month
    value: int | None
    reported: int


def district_series(subdistricts, until):
    """Monthly district totals per metric from 2023-01 to `until`: {metric: [SeriesPoint]}.

    Summed from each month's counts (`month_counts`: every month kept under its own version, so
    a correction reads its own month only). A month's total is only a district total when every
    sub-district reported; `reported` says how many did.
    """
    months = month_range(Month.first(), until)
    by_month = month_counts(list(subdistricts), months)
    out = {metric: [] for metric in METRICS}
    for month in months:
        for metric in METRICS:
            values = [v for (_, m), v in by_month[month].values.items() if m == metric]
            out[metric].append(SeriesPoint(month, sum(values) if values else None, len(values)))
    return out


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
    out = {metric: {} for metric in METRICS}
    for metric, m, value, note in (
        MonthlyCount.objects.filter(subdistrict=subdistrict, month__lte=until.date)
        .order_by()
        .values_list("metric", "month", "value", "note")
    ):
        out[metric][Month.of(m)] = (value, note)
    return out


def reporting_by_month(until=None):
    """{Month: number of the district's sub-districts that reported both metrics} up to `until`
    (default: every month), kept in the cache under the version of which counts exist (the month
    picker, the default month, the dashboard and the bulletin list all ask for it): one query
    when it changed, none otherwise."""
    every = freshness.cached(
        "reporting-by-month",
        _reporting_by_month,
        settings.DISTRICT_SLUG,
        version=freshness.rows_version,  # which counts exist: a corrected value leaves it
    )
    return {m: n for m, n in every.items() if until is None or m <= until}


def _reporting_by_month():
    qs = MonthlyCount.objects.filter(subdistrict__district__slug=settings.DISTRICT_SLUG)
    # (sub-district, month) pairs with a row for every metric, counted per month in the database:
    # one row per month comes back, not one per line
    pairs = qs.order_by().values("month", "subdistrict").annotate(n=Count("id")).filter(n=len(METRICS))
    inner, params = pairs.values("month").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT month, COUNT(*) FROM ({inner}) reported GROUP BY month", params)  # noqa: S608
        rows = cursor.fetchall()
    return {Month.of(_as_date(month)): n for month, n in rows}


def _as_date(value):
    """A date column read by a raw cursor: a date (PostgreSQL) or its ISO text (SQLite)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def district_subdistricts():
    """The district's sub-districts in plan order, kept under the plan's version (every progress
    page starts from them; a count's correction leaves them as they were). A fresh copy each
    call: a caller may annotate its own."""
    return freshness.cached(
        "district-subdistricts",
        lambda: list(SubDistrict.objects.in_plan_order()),
        settings.DISTRICT_SLUG,
        version=freshness.plan_version,
    )


def district_size():
    """The number of sub-districts of the district, kept under the plan's version."""
    return freshness.cached(
        "district-size", SubDistrict.objects.count, settings.DISTRICT_SLUG, version=freshness.plan_version
    )


def latest_complete_month():
    """The newest month (up to this month) in which every sub-district reported both metrics;
    None when there is none. Pages, pickers and the bulletin list default to it."""
    expected = district_size()
    reporting = reporting_by_month(until=Month.current())
    complete = [m for m, n in reporting.items() if is_complete(n, expected)]
    return max(complete) if complete else None


def default_month():
    """The month a page shows when none is asked for: the latest complete month, else last
    month (which then shows as partial)."""
    complete = latest_complete_month()
    last = min(Month.current().previous(), LAST_PLAN_MONTH)
    return complete if complete is not None else max(Month.first(), last)


def month_options(months, expected):
    """[(Month, label)] for a month picker: a partial month says "n/17 个街镇已填报".

    `expected` is the number of sub-districts of the district (the page knows it already)."""
    reporting = reporting_by_month(until=months[-1] if months else None)
    out = []
    for month in months:
        n = reporting.get(month, 0)
        label = month.label if is_complete(n, expected) else f"{month.label}（{reporting_label(n, expected)}）"
        out.append((month, label))
    return out


def latest_logged_month():
    """The newest month with any logged count, else last month (the usual month to report); kept
    under the version of which counts exist."""
    current = Month.current()

    def read():
        logged = MonthlyCount.objects.filter(month__lte=current.date).order_by("-month")
        return logged.values_list("month", flat=True).first()

    latest = freshness.cached("latest-logged-month", read, current, version=freshness.rows_version)
    return Month.of(latest) if latest else current.previous()
