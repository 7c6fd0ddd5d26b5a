"""The year-end forecast assembled from the logged counts and the enterprise registry.

`targets.forecast` holds the model (pure); this module, which may read both apps, fetches what
it needs in a fixed number of queries whatever the number of sub-districts, months or firms:
sub-districts, plan figures, counts, certificates (one aggregate) and firms (one aggregate).
It is registered as `targets.forecast`'s provider in `EnterprisesConfig.ready`, so that the
dashboard and sub-district pages of `targets` show it without importing this app.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q

from targets import forecast as model
from targets import freshness, metrics, territory
from targets.choices import BASE_YEAR, METRICS, PLAN_YEARS, Metric
from targets.months import Month
from targets.progress import latest_logged_month, month_counts, plan_figures

from . import pipeline_forecast, validity
from .models import Enterprise, HighTechRecognition

LAST_YEAR = PLAN_YEARS[-1]


def _month_end(month):
    return validity.last_day_of_month(month.year, month.month)


def _wanted_months(month):
    """The months the model reads: this year's so far, and month M and December of each earlier
    year (December 2022 comes from the plan)."""
    wanted = {Month(month.year, m) for m in range(1, month.month + 1)}
    for year in range(PLAN_YEARS[0], month.year):
        wanted |= {Month(year, month.month), Month(year, 12)}
    return wanted


def _series(subs, chosen, month):
    """{(sub_id, metric): {Month: count}} of the `chosen` among `subs`, with December 2022 from
    the plan: the plan's figures and the district's counts of the months the model reads, each
    month kept in the cache under its own version (`month_counts`, shared with the progress
    pages), so at most two queries."""
    out = {(sub.pk, metric): {} for sub in chosen for metric in METRICS}
    figures = plan_figures(subs, territory.version_in_force(month))
    for (sub_id, metric, year), value in figures.items():
        if year == BASE_YEAR and (sub_id, metric) in out:
            out[(sub_id, metric)][Month(BASE_YEAR, 12)] = value
    for m, counts in month_counts(subs, _wanted_months(month)).items():
        for key, value in counts.values.items():
            if key in out:
                out[key][m] = value
    return out, figures


def _not_renewed(day):
    """No newer certificate of the same firm issued by `day`."""
    later = HighTechRecognition.objects.filter(
        enterprise=OuterRef("enterprise"), issue_date__gt=OuterRef("issue_date"), issue_date__lte=day
    )
    return ~Exists(later)


def _renewed_in_time():
    """A newer certificate of the same firm issued by the end of the year this one expired in."""
    return Exists(
        HighTechRecognition.objects.filter(
            enterprise=OuterRef("enterprise"),
            issue_date__gt=OuterRef("issue_date"),
            issue_date__year__lte=OuterRef("valid_until__year"),
        )
    )


def _earlier_lapses(month):
    """Conditional counts, one per earlier plan year y: certificates whose last valid day fell
    after month M's end and before 31 December of y, with no newer one issued by then — the
    lapses inside the net change the rhythm reads."""
    after_month = Q(valid_until__month__gt=month.month) & ~Q(valid_until__month=12, valid_until__day=31)
    return {
        f"lapsed_{year}": Count("pk", filter=after_month & Q(valid_until__year=year, renewed_in_time=False))
        for year in range(PLAN_YEARS[0], month.year)
    }


def registry_facts(subs, month):
    """`_registry_facts`, kept in the cache under the registry's own version (one query to read
    it): a count's correction leaves the registry as it was, so the first page after it does not
    aggregate every certificate again."""
    ids = freshness.content_key([sub.pk for sub in subs])
    return freshness.cached(
        "registry-facts", lambda: _registry_facts(subs, month), month, ids, version=freshness.registry_version
    )


def _registry_facts(subs, month):
    """{(sub_id, metric): RegistryFacts} as of the last day of `month`; two aggregate queries
    (certificates, firms).

    The renewal rate is observed over all the sub-districts together (a sub-district sees too
    few expiries for a rate of its own): of the certificates that expired before the day, the
    share whose firm had a newer one by then.
    """
    day = _month_end(month)
    year_end, last_end = dt.date(month.year, 12, 31), dt.date(LAST_YEAR, 12, 31)
    certificates = (
        HighTechRecognition.objects.filter(enterprise__subdistrict__in=subs, issue_date__lte=day)
        .annotate(
            not_renewed=_not_renewed(day), renewed_in_time=_renewed_in_time(), sub_id=F("enterprise__subdistrict_id")
        )
        .order_by()
        .values("sub_id")
        .annotate(
            expiring=Count("pk", filter=Q(valid_until__gte=day, valid_until__lt=year_end, not_renewed=True)),
            expiring_later=Count("pk", filter=Q(valid_until__gte=year_end, valid_until__lt=last_end, not_renewed=True)),
            expired=Count("pk", filter=Q(valid_until__lt=day)),
            lapsed=Count(
                "pk", filter=Q(valid_until__gte=dt.date(month.year, 1, 1), valid_until__lt=day, not_renewed=True)
            ),
            renewed=Count("pk", filter=Q(valid_until__lt=day, not_renewed=False)),
            recognised=Count("pk", filter=Q(issue_date__gte=dt.date(month.year, 1, 1))),
            **_earlier_lapses(month),
        )
    )
    by_sub = {row["sub_id"]: row for row in certificates}
    renewed = sum(row["renewed"] for row in by_sub.values())
    expired = sum(row["expired"] for row in by_sub.values())
    counted = Q(tech_registered_year__lte=day.year) & (Q(tech_left_on__isnull=True) | Q(tech_left_on__gt=day))
    firms = {
        row["subdistrict_id"]: row
        for row in Enterprise.objects.filter(subdistrict__in=subs)
        .order_by()
        .values("subdistrict_id")
        .annotate(
            n=Count("pk"),
            leaving=Count("pk", filter=counted & Q(tech_left_on__lte=year_end)),
            leaving_later=Count("pk", filter=counted & Q(tech_left_on__gt=year_end, tech_left_on__lte=last_end)),
        )
    }
    out = {}
    for sub in subs:
        firm = firms.get(sub.pk)
        if firm is None:
            for metric in METRICS:
                out[(sub.pk, metric)] = model.NO_REGISTRY
            continue
        cert = by_sub.get(sub.pk, {})
        out[(sub.pk, Metric.HIGH_TECH)] = model.RegistryFacts(
            expiring=cert.get("expiring", 0),
            renewed=renewed,
            expired_before=expired,
            recognised_this_year=cert.get("recognised", 0),
            expiring_later=cert.get("expiring_later", 0),
            earlier_lapses={
                year: cert[f"lapsed_{year}"] for year in range(PLAN_YEARS[0], month.year) if cert.get(f"lapsed_{year}")
            },
            lapsed_this_year=cert.get("lapsed", 0),
        )
        out[(sub.pk, Metric.TECH_BASED)] = model.RegistryFacts(
            expiring=firm["leaving"], expiring_later=firm["leaving_later"], renewable=False
        )
    return out


FORECAST_RULE = 3  # raise when targets.forecast's model (or its inputs here) changes its answer


def _unit_forecast(points, month, target, target_2027, facts, pipeline=None):
    """One sub-district's forecast of one metric; `points` its (Month, count) series in order."""
    unit = dict(points)
    return model.forecast(unit, month, target, target_2027, facts, pipeline)


def pipeline_facts(subs, month):
    """{sub_id: PipelineFacts} of the sub-districts with a high-tech pipeline in `month`'s year:
    as the attempts stand now for last month or later (the month normally reported: the pipeline
    page's numbers), as the history shows them at the month's end for an earlier month (what was
    known then, no later outcome)."""
    current = month >= Month.current().previous()
    return pipeline_forecast.pipeline_facts(subs, month, _month_end(month), current)


def district_forecast(month, subdistricts=None, only=None):
    """The forecast of every sub-district (default: the configured district's) as of `month`.

    `only` (some of those sub-districts) limits the forecasts computed to theirs, for a page that
    shows one sub-district: the registry's facts (and so the renewal rate, observed over the
    whole district) are the same, each forecast is the one the district's would give it, and
    the district line, which needs them all, is left out (`total` is empty).
    """
    # the units judged against targets in `month` (those with a line in the version in force)
    subs = list(subdistricts if subdistricts is not None else territory.map_of(month).targeted_members)
    chosen = subs if only is None else [sub for sub in subs if sub.pk in {o.pk for o in only}]
    series, figures = _series(subs, chosen, month)
    facts = registry_facts(subs, month)
    pipes = pipeline_facts(subs, month)
    inputs = {
        (sub.pk, metric): (
            tuple(sorted(series[(sub.pk, metric)].items())),
            month,
            figures.get((sub.pk, metric, month.year)),
            figures.get((sub.pk, metric, LAST_YEAR)),
            facts[(sub.pk, metric)],
            pipes.get(sub.pk) if metric == Metric.HIGH_TECH else None,
        )
        for sub in chosen
        for metric in METRICS
    }
    # each unit's forecast kept under exactly its inputs: a correction recomputes only its own
    results = freshness.cached_each(
        f"forecast:{FORECAST_RULE}", inputs, lambda missing: {unit: _unit_forecast(*inputs[unit]) for unit in missing}
    )
    rows = [model.SubDistrictForecast(sub, {m: results[(sub.pk, m)] for m in METRICS}) for sub in chosen]
    total = {}
    for metric in METRICS if only is None else ():
        target = metrics.sum_defined(figures.get((sub.pk, metric, month.year)) for sub in subs)
        target_2027 = metrics.sum_defined(figures.get((sub.pk, metric, LAST_YEAR)) for sub in subs)
        total[metric] = model.total([row.metrics[metric] for row in rows], month.year, month, target, target_2027)
    return model.DistrictForecast(month, rows, total)


def as_of_for(year):
    """The month a forecast for `year` is made from: the latest logged month, or December of an
    earlier year. ValueError (in Chinese) for a year outside the plan."""
    if year not in PLAN_YEARS:
        raise ValueError(f"年份 {year} 不在计划期 {PLAN_YEARS[0]}—{LAST_YEAR} 内")
    latest = latest_logged_month()
    return latest if year >= latest.year else Month(year, 12)


@dataclass
class WarningSection:
    """One list of the 预警 page: a metric, this year or 2027, the sub-districts at risk."""

    title: str
    metric: str
    until_2027: bool
    rows: list  # [(SubDistrictForecast, Forecast)]
    year: int  # the year whose December it projects (the table's 预计N年底)


def warning_sections(district, user):
    """The at-risk lists of the 预警 page for `user`'s sub-districts, largest gap first."""
    visible = {row.subdistrict.pk for row in district.rows_visible_to(user)}
    out = []
    for until_2027 in (False, True) if district.month.year < LAST_YEAR else (False,):
        year = LAST_YEAR if until_2027 else district.month.year
        for metric in METRICS:
            rows = [r for r in district.at_risk(metric, until_2027) if r.subdistrict.pk in visible]
            title = f"预计{year}年底未完成{Metric(metric).label}{'2027年' if until_2027 else '年度'}目标"
            out.append(WarningSection(title, metric, until_2027, [(r, r.metrics[metric]) for r in rows], year))
    return out


# --- the API ---------------------------------------------------------------------------------


def _number(value):
    return None if value is None else round(float(value), 2)


def _pipeline_payload(pipe):
    """What the 认定进程 contributed (None where it was not counted): the firms in review and their
    expected recognitions, this year's renewals not filed and in review."""
    if pipe is None:
        return None
    return {
        "in_review": pipe.in_review,
        "expected": _number(pipe.expected),
        "renewals_not_filed": pipe.renewals_not_filed,
        "renewals_in_review": pipe.renewals_filed,
        "renewals_expected": _number(pipe.renewals_expected),
    }


def metric_payload(result, year):
    """One metric of /api/v1/forecast: this year's projection, or 2027's continuing it.

    2027's (from an earlier year) is `from_projected` (this year's) + `step` × `years_left`, its
    range this year's range continued by the smallest and largest yearly net increase; `expiring`
    is then the certificates expiring by 2027, told but not subtracted (the yearly net increase
    has such lapses in it), and `expected_lapses` this year's, inside `from_projected`."""
    final = year == LAST_YEAR and result.year < LAST_YEAR
    payload = {
        "actual": result.actual,
        "projected": result.projected_2027 if final else result.projected,
        "low": result.low_2027 if final else result.low,
        "high": result.high_2027 if final else result.high,
        "target": result.target_2027 if final else result.target,
        "gap": result.gap_2027 if final else result.gap,
        "expiring": result.expiring_2027 if final else result.expiring,
        "expected_lapses": _number(result.expected_lapses),
        "renewal_rate": _number(result.renewal_rate),
        "growth": _number(result.growth),
        "basis": result.basis,
        "method": result.method,
        "pipeline": _pipeline_payload(result.pipeline),
    }
    if final:
        payload |= {"from_projected": result.projected, "step": result.step, "years_left": result.years_left}
    return payload


def forecast_payload(user, year, compute=None):
    """The JSON of /api/v1/forecast?year=YYYY, scoped like /api/v1/progress: the user's
    sub-districts, and the district total for everyone (it shows no sub-district's figure).

    A year after the data's year other than 2027 is refused (ValueError): the model projects
    this year's December and 2027's, nothing in between. `compute(month)` gives the
    DistrictForecast (the views pass one that reads the page cache).
    """
    month = as_of_for(year)
    if month.year < year < LAST_YEAR:
        raise ValueError(f"只能预计本年（{month.year}年）或2027年的年底数")
    district = (compute or district_forecast)(month)
    rows = []
    for row in district.rows_visible_to(user):
        sub = row.subdistrict
        item = {"slug": sub.slug, "name": sub.name, "category": sub.category}
        for metric in METRICS:
            item[metric] = metric_payload(row.metrics[metric], year)
        rows.append(item)
    return {
        "year": year,
        "as_of": str(month),
        "subdistricts": rows,
        "total": {metric: metric_payload(district.total[metric], year) for metric in METRICS},
    }


# --- the firms to visit ----------------------------------------------------------------------


@dataclass
class ExpiringFirm:
    """A firm whose high-tech certificate lapses soon with no newer recognition."""

    name: str
    credit_code: str
    subdistrict: str
    industry: str
    valid_until: dt.date
    within_6_months: bool
    enterprise_id: int


def add_months(day, months):
    """The same day `months` months later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, validity.last_day_of_month(year, month).day))


def expiring_firms(user, today, months=12):
    """[ExpiringFirm] of the user's firms whose certificate's last valid day falls within the
    next `months` months (from `today`) with no newer recognition; one query. Only the firms of
    today's units: a firm of a unit that left went with it, its lapse is no loss of the district."""
    until, six = add_months(today, months), add_months(today, 6)
    members = [sub.pk for sub in territory.map_of(Month.of(today)).members]
    rows = (
        HighTechRecognition.objects.filter(
            enterprise__in=Enterprise.objects.visible_to(user).filter(subdistrict__in=members),
            valid_until__gte=today,
            valid_until__lte=until,
        )
        .annotate(not_renewed=_not_renewed(dt.date.max))
        .filter(not_renewed=True)
        .select_related("enterprise__subdistrict")
        .order_by(
            "enterprise__subdistrict__category", "enterprise__subdistrict__seq", "valid_until", "enterprise__name"
        )
    )
    return [
        ExpiringFirm(
            r.enterprise.name,
            r.enterprise.credit_code,
            r.enterprise.subdistrict.name,
            r.enterprise.get_industry_display(),
            r.valid_until,
            r.valid_until <= six,
            r.enterprise_id,
        )
        for r in rows
    ]
