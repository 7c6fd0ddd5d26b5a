"""The forecast's backtest: how far the December forecast made from each month fell from the
December logged, as pure functions on plain values (no ORM; `enterprises.forecast.backtest`
reads the data and the registry as it stood)."""

from dataclasses import dataclass
from fractions import Fraction

from . import metrics
from .forecast import forecast, linear_change, round_half_up
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


def backtest(series_list, years, registry=None):
    """For each complete year in `years` and each month 1–11, forecast December from what was
    known at that month's end and compare with the December logged.

    `registry(index, month)` gives unit `index`'s RegistryFacts as they stood then (None: the
    counts alone). Returns ([BacktestRow] per unit, [BacktestRow] for the district, the sum of
    the units, where every unit has both counts) for months 1–11.
    """
    rows = {"units": {}, "district": {}}
    for year in years:
        for month in range(1, 12):
            at = Month(year, month)
            errors, sums, complete = ([], [], [], []), [0, 0, 0, 0], True
            for index, series in enumerate(series_list):
                december = series.get(Month(year, 12))
                if december is None or at not in series or Month(year - 1, 12) not in series:
                    complete = False
                    continue
                seen = {m: v for m, v in series.items() if m <= at}
                counts_only = forecast(seen, at, None).projected
                projected = (
                    forecast(seen, at, None, registry=registry(index, at)).projected if registry else counts_only
                )
                linear = round_half_up(seen[at] + linear_change(seen, year, month, seen[at])[0])
                for i, value in enumerate((projected, linear, december, counts_only)):
                    errors[i].append(abs(value - december) if i != 2 else december)
                    sums[i] += value
            cell = rows["units"].setdefault(month, ([], [], [], []))
            for i in range(4):
                cell[i].extend(errors[i])
            if complete and series_list:
                cell = rows["district"].setdefault(month, ([], [], [], []))
                for i in range(4):
                    cell[i].append(sums[2] if i == 2 else abs(sums[i] - sums[2]))

    def table(kind):
        empty = ([], [], [], [])
        return [
            BacktestRow(m, len(rows[kind].get(m, empty)[0]), *(_mean(v) for v in rows[kind].get(m, empty)))
            for m in range(1, 12)
        ]

    return table("units"), table("district")
