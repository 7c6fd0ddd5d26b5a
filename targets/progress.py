"""Progress of every sub-district for a month: the plan's figures, the logged counts and the
metrics computed from them, assembled in a fixed number of queries whatever the district's size.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Count

from . import freshness, metrics, ranking, territory
from .choices import ALL_YEARS, BASE_YEAR, METRICS, PLAN_YEARS
from .metrics import is_complete
from .models import MonthlyCount, PlanFigure
from .months import LAST_PLAN_MONTH, Month, month_range
from .progress_rows import DistrictProgress, MetricProgress, SubDistrictProgress, reporting_label


def partial_note(reported, expected):
    """A chart point's note: "16/17 个街镇填报" for a month not every sub-district reported."""
    return "" if is_complete(reported, expected) else f"{reported}/{expected} 个街镇填报"


def plannable_months():
    """Months a progress page can show: 2023-01 through this month, and never past 2027-12."""
    return month_range(Month.first(), min(Month.current(), LAST_PLAN_MONTH))


def plan_figures(subs, version):
    """{(sub_id, metric, year): value} of `version`'s attachment for `subs` (nothing for a unit
    without a line in it, or when `version` is None): one query, or none when the plan is
    unchanged since another part of the page (or another request) read it (kept in the cache
    under the plan's own version, which a count's correction leaves as it was)."""
    if version is None:
        return {}
    ids = [sub.pk for sub in subs]

    def read():
        rows = PlanFigure.objects.filter(version=version, subdistrict__in=ids)
        return {
            (sub_id, metric, year): value
            for sub_id, metric, year, value in rows.values_list("subdistrict_id", "metric", "year", "value")
        }

    key = freshness.content_key(version.pk, ids)
    return freshness.cached("plan-figures", read, key, version=freshness.plan_version)


def plan_maps(subs, version):
    """[{metric: {year: value}}] per sub-district, in order: what metrics.sum_plan_figures adds up."""
    figures = plan_figures(subs, version)
    return [
        {metric: {year: figures.get((sub.pk, metric, year)) for year in ALL_YEARS} for metric in METRICS}
        for sub in subs
    ]


def plan_totals(subs, version):
    """`version`'s attachment 合计 over `subs`: {metric: {year: sum}}, from the cached figures."""
    return metrics.sum_plan_figures(plan_maps(subs, version))


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
    actual = counts.get((sub_id, metric, month))
    base = metrics.base_for(counts.get((sub_id, metric, Month(year - 1, 12))), figures.get((sub_id, metric, year - 1)))
    target_2027 = figures.get((sub_id, metric, PLAN_YEARS[-1]))
    return _derive(actual, target, base, target_2027, month, yellow_pp)


def _derive(actual, target, base, target_2027, month, yellow_pp, pending=False):
    progress = metrics.time_progress(month.month)
    rate = metrics.judged_rate(actual, base, target, progress)
    if pending:  # no line in the version in force: its count, and nothing judged
        return MetricProgress(actual=actual, target=None, base=None, target_2027=None, status=metrics.STATUS_PENDING)
    return MetricProgress(
        actual=actual,
        target=target,
        base=base,
        target_2027=target_2027,
        completion=metrics.completion(actual, target),
        increment_completion=rate,
        hold_year=metrics.is_hold_year(base, target),
        status=metrics.status(rate, progress, yellow_pp),
        curve=metrics.curve_value(base, target, month.month),  # the path the rate is judged on
        gap_year=metrics.gap(actual, target),
        gap_2027=metrics.gap(actual, target_2027),
        pace_year=metrics.needed_pace(actual, target, metrics.months_left(month.year, month.month, month.year)),
        pace_2027=metrics.needed_pace(
            actual, target_2027, metrics.months_left(month.year, month.month, PLAN_YEARS[-1])
        ),
    )


def district_progress(month, subdistricts=None):
    """Every sub-district's progress in `month`, ranks, rank changes and the district total.

    The units are those of the month's map (`territory.map_of`), judged on the plan version in
    force in the month; a unit without a line in it is shown with its counts as 目标待分解, not
    ranked and not in the totals compared with targets. Costs at most three queries
    (sub-districts, plan figures, the counts of the months not kept in the cache) for any number
    of sub-districts. Ranks are over the whole district, whoever looks at them.
    """
    yellow_pp = settings.STATUS_YELLOW_THRESHOLD_PP
    area = territory.map_of(month)
    subs = list(subdistricts if subdistricts is not None else area.members)
    figures = plan_figures(subs, area.version)
    previous_month = month.previous()
    wanted = {month, previous_month, Month(month.year - 1, 12), Month(previous_month.year - 1, 12)}
    by_month = month_counts(subs, wanted)
    counts = _flat(by_month)
    data_as_of = by_month[month].last_change  # the month's last change
    rows = []
    for sub in subs:
        row = SubDistrictProgress(sub)
        for metric in METRICS:
            if area.is_targeted(sub):
                row.metrics[metric] = _metric_progress(figures, counts, sub.pk, metric, month, yellow_pp)
            else:
                row.metrics[metric] = _derive(
                    counts.get((sub.pk, metric, month)), None, None, None, month, yellow_pp, pending=True
                )
            row.metrics[metric].previous_actual = counts.get((sub.pk, metric, previous_month))
        rows.append(row)
    ranked = ranking.rank_month(figures, counts, subs, month)
    # A rank change compares like with like: both months in the same plan year (the base changes
    # in January), and the same sub-districts ranked in both months within the ranking (the
    # class, or the whole district) it is a change of.
    categories = {sub.pk: sub.category for sub in subs}
    # and on the same map and plan version (a change of either makes last month's ranks another ranking)
    same_map = territory.map_of(previous_month).key == area.key if previous_month.year == month.year else False
    before = ranking.rank_month(figures, counts, subs, previous_month) if same_map else None
    for metric in METRICS:
        ranks = ranked[metric][0]
        previous = {} if before is None else ranking.comparable_previous_ranks(ranks, before[metric][0], categories)
        for row in rows:
            line = row.metrics[metric]
            line.rank_in_class, line.rank_overall = ranks[row.subdistrict.pk]
            if row.subdistrict.pk in previous:
                line.previous_rank_in_class, line.previous_rank_overall = previous[row.subdistrict.pk]
    total, reported = _district_total(rows, area, month, yellow_pp)
    return DistrictProgress(
        month, metrics.time_progress(month.month), rows, total, reported, data_as_of, ranked, area=area
    )


def _with_members(area, subdistricts):
    """`area` with a caller's own units (all judged on its version)."""
    return territory.MonthMap(
        month=area.month, version=area.version, members=tuple(subdistricts),
        targeted=frozenset(sub.pk for sub in subdistricts),
    )  # fmt: skip


@dataclass
class RankPoint:
    month: Month
    rank_in_class: int | None
    rank_overall: int | None


def rank_history(subdistrict, until, subdistricts=None, progress=None):
    """{metric: [RankPoint]}: `subdistrict`'s rank in its class and in the district for every
    month from 2023-01 to `until` in which it reported, ranked as `district_progress` ranks: each
    month over the units of that month's map, on the plan version in force then.

    Each month's ranking is kept in the cache under what decides it: the map (units, classes,
    version), the plan's figures of its year and the year before, and the versions of the counts of
    the month and of last December (`freshness.month_versions`, read with the data's version). So
    a correction recomputes only the months it touches, reading only their counts
    (`month_counts`): a few queries (plan figures per version, the counts of the months to rank)
    for any number of months, none when every month is kept. `progress`, the page's
    `district_progress(until)` when it has one, gives `until`'s ranks.
    """
    months = month_range(Month.first(), until)  # a month nobody reported ranks nobody
    areas = territory.maps_of(months)
    if subdistricts is not None:  # a caller's own set of units (the city-scale benchmark)
        subdistricts = list(subdistricts)
        areas = {month: _with_members(area, subdistricts) for month, area in areas.items()}
    figures_of, plan_of, map_keys = {}, {}, {}
    decided_by = {}
    versions = freshness.month_versions(months + [Month(year - 1, 12) for year in {m.year for m in months}])
    for month in months:
        area, year = areas[month], month.year
        subs = area.members
        if area.key not in map_keys:
            map_keys[area.key] = freshness.content_key(area.key)
            figures_of[area.key] = plan_figures(subs, area.version)
        figures = figures_of[area.key]
        if (area.key, year) not in plan_of:
            plan_of[(area.key, year)] = freshness.content_key(
                [figures.get((sub.pk, metric, y)) for sub in subs for metric in METRICS for y in (year, year - 1)]
            )
        decided_by[month] = (
            map_keys[area.key],
            plan_of[(area.key, year)],
            versions[month],
            versions[Month(year - 1, 12)],
        )

    def rank_missing(missing):
        # the page's own ranking of `until`, on the same counts, stands in for ranking it again
        own = progress is not None and progress.month == until and until in missing
        to_rank = [month for month in missing if not (own and month == until)]
        wanted = set(to_rank) | {Month(month.year - 1, 12) for month in to_rank}
        every = {sub.pk: sub for month in to_rank for sub in areas[month].members}
        counts = _flat(month_counts(list(every.values()), wanted)) if to_rank else {}
        ranked = {
            month: ranking.rank_month(figures_of[areas[month].key], counts, areas[month].members, month)
            for month in to_rank
        }
        return ranked | ({until: progress.ranking} if own else {})

    # the rule's version in the name: a deployment that changes how ranks are decided never reads old ones
    known = freshness.cached_each(f"ranks:{ranking.RULE_VERSION}", decided_by, rank_missing)
    out = {metric: [] for metric in METRICS}
    for month in months:
        ranked = known[month]
        for metric in METRICS:
            ranks, reported = ranked[metric]
            # reported and ranked: a unit without a line in the month's version (目标待分解) has no rank
            if subdistrict.pk in reported and ranks[subdistrict.pk][1] is not None:
                out[metric].append(RankPoint(month, *ranks[subdistrict.pk]))
    return out


def _district_total(rows, area, month, yellow_pp):
    """The district line, like for like (`metrics.like_for_like_total`): the sub-districts that
    reported the metric this month, against their own targets and bases, over the units the plan
    version in force has targets for (`area.caliber` names them when they are not all of the
    month's units). The change since last month is given only when every one of them reported last
    month too. `territory_actual` adds every unit of the month that reported (现辖区), compared
    with no target."""
    total, reported = {}, {}
    judged = [row for row in rows if area.is_targeted(row.subdistrict)]
    for metric in METRICS:
        lines = [
            {
                "actual": row.metrics[metric].actual,
                "target": row.metrics[metric].target,
                "base": row.metrics[metric].base,
                "target_2027": row.metrics[metric].target_2027,
                "previous_actual": row.metrics[metric].previous_actual,
            }
            for row in judged
        ]
        sums, reported[metric] = metrics.like_for_like_total(
            lines, ("target", "base", "target_2027"), ("previous_actual",)
        )
        if sums is None:
            total[metric] = _derive(None, None, None, None, month, yellow_pp)
        else:
            total[metric] = _derive(
                sums["actual"],
                sums["target"],
                sums["base"],
                sums["target_2027"],
                month,
                yellow_pp,
            )
            total[metric].previous_actual = sums["previous_actual"]
        total[metric].covered, total[metric].expected = reported[metric], len(judged)
        every = [row.metrics[metric].actual for row in rows if row.metrics[metric].actual is not None]
        total[metric].territory_actual = sum(every) if every else None
        total[metric].territory_covered = len(every)
        reported[metric] = len(every)  # units of the month that reported (n/17 已填报)
    return total, reported


def plan_curve(figures_by_year, decembers=None):
    """The monthly target curve from December 2022 to December 2027: [(Month, value)].

    Each year's part runs from that year's base to its target, the path its rates are judged on
    (`metrics.judged_rate`): December Y−1's count where `decembers` ({year: count}) has it, else
    the plan's Y−1 figure (`metrics.base_for`)."""
    decembers = decembers or {}
    points = [(Month(BASE_YEAR, 12), figures_by_year.get(BASE_YEAR))]
    for year in PLAN_YEARS:
        base = metrics.base_for(decembers.get(year - 1), figures_by_year.get(year - 1))
        for m in range(1, 13):
            points.append((Month(year, m), metrics.curve_value(base, figures_by_year.get(year), m)))
    return points


def reporting_by_month(until=None):
    """{Month: number of the month's units that reported both metrics} up to `until` (default:
    every month), kept in the cache under the version of which counts exist (the month picker,
    the default month, the dashboard and the bulletin list all ask for it): one query when it
    changed, none otherwise. A count of a unit outside the month's map (before it joined, after it
    left) does not make the month any more reported."""
    every = freshness.cached(
        "reporting-by-month",
        _reporting_by_month,
        settings.DISTRICT_SLUG,
        version=freshness.rows_version,  # which counts exist (and the map): a corrected value leaves it
    )
    return {m: n for m, n in every.items() if until is None or m <= until}


def _reporting_by_month():
    qs = MonthlyCount.objects.filter(subdistrict__district__slug=settings.DISTRICT_SLUG)
    # (sub-district, month) pairs with a row for every metric, counted per month and unit in the
    # database: one row per month and unit of a changed map, one per month otherwise
    pairs = qs.order_by().values("month", "subdistrict").annotate(n=Count("id")).filter(n=len(METRICS))
    changes = territory.changed_units()
    if not changes:
        inner, params = pairs.values("month").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT month, COUNT(*) FROM ({inner}) reported GROUP BY month", params)  # noqa: S608
            rows = cursor.fetchall()
        return {Month.of(_as_date(month)): n for month, n in rows}
    out = {}
    for month, sub_id in pairs.values_list("month", "subdistrict"):
        month = Month.of(_as_date(month))
        unit = changes.get(sub_id)
        if unit is None or unit.is_member(month):
            out[month] = out.get(month, 0) + 1
    return out


def _as_date(value):
    """A date column read by a raw cursor: a date (PostgreSQL) or its ISO text (SQLite)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def district_subdistricts(month=None):
    """The units of `month`'s map (default: this month's) in the order of the plan version in
    force, with that version's classes (`territory.map_of`: kept under the plan's version; a
    count's correction leaves them as they were). A fresh list each call: a caller may annotate
    its own."""
    return list(territory.map_of(month or Month.current()).members)


def district_size(month=None):
    """The number of units expected to report in `month` (default: this month)."""
    return territory.map_of(month or Month.current()).expected


def latest_complete_month():
    """The newest month (up to this month) in which every unit of that month reported both
    metrics; None when there is none. Pages, pickers and the bulletin list default to it."""
    reporting = reporting_by_month(until=Month.current())
    maps = territory.maps_of(list(reporting))
    complete = [m for m, n in reporting.items() if is_complete(n, maps[m].expected)]
    return max(complete) if complete else None


def default_month():
    """The month a page shows when none is asked for: the latest complete month, else last
    month (which then shows as partial)."""
    complete = latest_complete_month()
    last = min(Month.current().previous(), LAST_PLAN_MONTH)
    return complete if complete is not None else max(Month.first(), last)


def month_options(months, expected=None):
    """[(Month, label)] for a month picker: a partial month says "n/17 个街镇已填报", out of the
    units of that month's map."""
    reporting = reporting_by_month(until=months[-1] if months else None)
    maps = territory.maps_of(months)
    out = []
    for month in months:
        n = reporting.get(month, 0)
        expected = maps[month].expected
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
