"""The forecast's backtest: how far the December forecast made from each month fell from the
December logged, as pure functions on plain values (no ORM; `enterprises.forecast.backtest`
reads the data and the registry as it stood)."""

from dataclasses import dataclass
from fractions import Fraction

from . import metrics
from .forecast import NO_REGISTRY, forecast, linear_change, round_half_up
from .months import Month


@dataclass
class BacktestRow:
    """Mean absolute error of the December forecast made from month M, over units and years."""

    month: int
    cases: int
    mae: object  # Fraction, the model (with the registry when it was given)
    mae_linear: object  # Fraction, the plain linear forecast for comparison
    mean_december: object  # the mean December count forecast, for scale
    mae_counts: object = None  # Fraction, the model on the counts alone (no registry)
    mae_without_pipeline: object = None  # Fraction, the model with the registry but not the pipeline
    pipeline_cases: int = 0  # of `cases`, the unit-years with a pipeline (district: any unit had one)

    @property
    def mae_without_pipeline_float(self):
        return None if self.mae_without_pipeline is None else round(float(self.mae_without_pipeline), 1)

    @property
    def mae_counts_float(self):
        return None if self.mae_counts is None else round(float(self.mae_counts), 1)

    @property
    def mae_float(self):
        return None if self.mae is None else round(float(self.mae), 1)

    @property
    def mae_linear_float(self):
        return None if self.mae_linear is None else round(float(self.mae_linear), 1)

    @property
    def relative_pct(self):
        if self.mae is None or not self.mean_december:
            return None
        return metrics.as_percent(self.mae / self.mean_december)


def _mean(values):
    return Fraction(sum(values), len(values)) if values else None


def backtest(series_list, years, registry=None, pipeline=None):
    """For each complete year in `years` and each month 1–11, forecast December from what was
    known at that month's end and compare with the December logged.

    `registry(index, month)` gives unit `index`'s RegistryFacts as they stood then (None: the
    counts alone); `pipeline(index, month)` its PipelineFacts as they stood then (None: no
    pipeline). Returns ([BacktestRow] per unit, [BacktestRow] for the district, the sum of the
    units, where every unit has both counts) for months 1–11. `mae` is the model as it forecasts
    (with the pipeline where one existed), `mae_without_pipeline` the same without it.
    """
    kinds = 5  # model, linear, December, counts only, model without the pipeline
    rows = {"units": {}, "district": {}}
    piped = {"units": {}, "district": {}}
    for year in years:
        for month in range(1, 12):
            at = Month(year, month)
            errors, sums, complete, with_pipe = tuple([] for _ in range(kinds)), [0] * kinds, True, 0
            for index, series in enumerate(series_list):
                december = series.get(Month(year, 12))
                if december is None or at not in series or Month(year - 1, 12) not in series:
                    complete = False
                    continue
                seen = {m: v for m, v in series.items() if m <= at}
                counts_only = forecast(seen, at, None).projected
                facts = registry(index, at) if registry else None
                without = forecast(seen, at, None, registry=facts).projected if facts else counts_only
                pipe = pipeline(index, at) if pipeline else None
                projected = without
                if pipe is not None:
                    with_pipe += 1
                    projected = forecast(seen, at, None, registry=facts or NO_REGISTRY, pipeline=pipe).projected
                linear = round_half_up(seen[at] + linear_change(seen, year, month, seen[at])[0])
                for i, value in enumerate((projected, linear, december, counts_only, without)):
                    errors[i].append(abs(value - december) if i != 2 else december)
                    sums[i] += value
            cell = rows["units"].setdefault(month, tuple([] for _ in range(kinds)))
            for i in range(kinds):
                cell[i].extend(errors[i])
            piped["units"][month] = piped["units"].get(month, 0) + with_pipe
            if complete and series_list:
                cell = rows["district"].setdefault(month, tuple([] for _ in range(kinds)))
                for i in range(kinds):
                    cell[i].append(sums[2] if i == 2 else abs(sums[i] - sums[2]))
                piped["district"][month] = piped["district"].get(month, 0) + bool(with_pipe)

    def table(kind):
        empty = tuple([] for _ in range(kinds))
        return [
            BacktestRow(
                m,
                len(rows[kind].get(m, empty)[0]),
                *(_mean(v) for v in rows[kind].get(m, empty)),
                pipeline_cases=piped[kind].get(m, 0),
            )
            for m in range(1, 12)
        ]

    return table("units"), table("district")
