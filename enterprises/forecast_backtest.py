"""The forecast's backtest on the data (`/warnings/accuracy/`, `bench/backtest.py`): the counts,
the registry and the high-tech pipeline as they stood at each month's end, handed to the pure
`targets.backtest`."""

from dataclasses import dataclass

from targets import backtest as accuracy
from targets import forecast as model
from targets import territory
from targets.choices import BASE_YEAR, METRICS, PLAN_YEARS, Metric
from targets.models import MonthlyCount, PlanFigure
from targets.months import Month
from targets.progress import latest_logged_month

from . import pipeline_forecast
from .forecast import _month_end, registry_facts


@dataclass
class BacktestSection:
    metric: str
    label: str
    subdistricts: list  # [targets.backtest.BacktestRow], error per sub-district
    district: list  # the same for the district total
    years: list
    by_year: list = None  # [(year, method, [district BacktestRow])]: each year on its own
    units: int = 0  # sub-districts tried

    @property
    def pipeline_cases(self):
        """(unit-months with a pipeline, unit-months tried) over every month of the table."""
        return sum(r.pipeline_cases for r in self.subdistricts), sum(r.cases for r in self.subdistricts)

    @property
    def pipeline_months(self):
        """(months at which some unit had a pipeline, months tried, district side)."""
        return sum(r.pipeline_cases for r in self.district), sum(r.cases for r in self.district)

    @property
    def rows(self):
        return list(zip(self.subdistricts, self.district, strict=True))


def _method_of(year):
    """The rhythm needs two complete earlier years of the plan."""
    return model.METHOD_RHYTHM if year - PLAN_YEARS[0] >= model.MIN_PATTERN_YEARS else model.METHOD_LINEAR


def backtest(subdistricts=None):
    """The model's error on every complete earlier year of the data, by month, beside a plain
    linear forecast.

    The registry is read as it stood at each month's end (certificates issued by then): three
    aggregate queries per month tried (33 for three complete years), whatever the number of
    sub-districts or firms; the high-tech pipeline as the history tables show it then (the
    attempts' latest rows dated by the month's end: one query in all, and the certificates issued
    by then: one a month). Firms since deleted from the registry are not seen.
    """
    latest = latest_logged_month()
    area = territory.map_of(latest)
    subs = list(subdistricts if subdistricts is not None else area.targeted_members)
    years = [y for y in PLAN_YEARS if Month(y, 12) <= latest]
    series = {(sub.pk, metric): {} for sub in subs for metric in METRICS}
    base_figures = PlanFigure.objects.filter(version=area.version, subdistrict__in=subs, year=BASE_YEAR)
    for sub_id, metric, value in base_figures.values_list("subdistrict_id", "metric", "value"):
        series[(sub_id, metric)][Month(BASE_YEAR, 12)] = value
    last = Month(years[-1], 12) if years else Month(BASE_YEAR, 12)
    for sub_id, metric, m, value in MonthlyCount.objects.filter(subdistrict__in=subs, month__lte=last.date).values_list(
        "subdistrict_id", "metric", "month", "value"
    ):
        series[(sub_id, metric)][Month.of(m)] = value
    facts = {}

    def registry(metric):
        def at(index, month):
            if month not in facts:
                facts[month] = registry_facts(subs, month)
            return facts[month][(subs[index].pk, metric)]

        return at

    snapshots, pipes = pipeline_forecast.Snapshots(subs), {}

    def pipeline(index, month):
        if month not in pipes:
            pipes[month] = snapshots.facts(month, _month_end(month))
        return pipes[month].get(subs[index].pk)

    out = []
    for metric in METRICS:
        units = [series[(sub.pk, metric)] for sub in subs]
        piped = pipeline if metric == Metric.HIGH_TECH else None
        by_unit, district = accuracy.backtest(units, years, registry(metric), piped)
        by_year = [
            (year, model.METHOD_LABELS[_method_of(year)], accuracy.backtest(units, [year], registry(metric), piped)[1])
            for year in years
        ]
        out.append(BacktestSection(metric, Metric(metric).label, by_unit, district, years, by_year, len(subs)))
    return out
