"""The year-end forecast (预计年底), as pure functions on plain values (its backtest: `backtest.py`).

No ORM, no request. A caller hands in a unit's monthly counts (`{Month: count}`, December of the
year before the plan taken from the plan itself) and what the enterprise registry knows
(`RegistryFacts`); the functions return `Forecast` dataclasses whose every number can be traced
to those inputs and whose `basis` says, in Chinese, what it was built from.

The model, for a unit (a sub-district or the district), a metric and month M of year Y:

- **Rhythm of earlier years.** For every earlier year y with counts at month M and in December,
  the rest-of-year growth g_y = (Dec_y − M_y + L_y) / M_y, where L_y are the certificates the
  registry shows lapsing in y after month M (0 without a registry: then the rhythm is of net
  change). With two or more such years the pooled rate g = Σ(Dec_y − M_y + L_y) / Σ M_y gives the
  expected arrivals `actual × g` (range: the smallest and the largest g_y). Adding L_y back keeps
  this year's lapses, subtracted below, from being counted twice.
  With fewer than two such years: linear, this year's average monthly net change continued for
  the months left (range: its smallest and largest monthly change).
  With a registry, this year's lapses so far are added back to the change (gross, as above).
- **Registry.** Certificates counted now that expire before year-end with no newer recognition:
  `expiring × (1 − observed renewal rate)` are expected to drop out (all of them when no renewal
  has been observed yet); tech-based firms with a leaving date before year-end drop out. The
  range runs from "all lapse" (low) to "all renewed" (high).
- projected = actual + expected increase − expected lapses, rounded half up (0 at the least).
- **2027** (a year Y before it): this year's projection continued by a whole number of firms a
  year, `step`, for each of the 2027 − Y years left: projected_2027 = projected + step × years,
  nothing else added or subtracted. `step` is the mean December-to-December net increase of the
  complete earlier years, rounded half up (a net increase already has that year's lapses in it, so
  the lapses of later years are not subtracted again); range: this year's low + the smallest
  yearly net increase × years, this year's high + the largest. Without a complete earlier year,
  `step` is this year's own projected net increase (projection − last December; range from this
  year's low and high). A decline is limited to what leaves 0 or more in 2027, and the sentence
  says so. The certificates expiring (firms leaving) before 2027 are named but not subtracted.
  The basis writes the sum out, "预计2027年底 18 + 2 × 1 = 20 家", so the sentence and the number
  are the same values. In 2027 itself, the 2027 figures are this year's.

Decision rules live here; the registry queries live in `enterprises.forecast`, which may read
both apps. `targets` pages reach it through `provider()` (registered by the enterprises app),
so `targets` never imports `enterprises`.
"""

from dataclasses import dataclass, field
from fractions import Fraction
from math import floor

from . import forecast_pipeline, metrics
from .choices import PLAN_YEARS
from .models import SubDistrict
from .months import Month

LAST_YEAR = PLAN_YEARS[-1]
METHOD_RHYTHM = "rhythm"
METHOD_LINEAR = "linear"
METHOD_MIXED = "mixed"  # the district line when its sub-districts used both
METHOD_LABELS = {METHOD_RHYTHM: "按往年节奏", METHOD_LINEAR: "按本年线性", METHOD_MIXED: "各街镇预计之和"}
MIN_PATTERN_YEARS = 2


@dataclass(frozen=True)
class RegistryFacts:
    """What the registry knows about one unit and metric, as of the forecast's month.

    expiring: counted now, last valid day after the month and before year-end, no newer
    recognition (high-tech) or registration ending before year-end (tech-based);
    renewed / expired_before: of the certificates that expired before the month, how many had a
    newer one (the observed renewal rate is renewed / expired_before);
    recognised_this_year: certificates issued this year up to the month's end;
    expiring_later: the same as `expiring` for the years after this one, through 2027;
    earlier_lapses: for each earlier year, the certificates that lapsed after the same month and
    before its year-end with no newer one by then. The rhythm then reads the gross arrivals of
    earlier years (net change + those lapses), so that this year's lapses are not counted twice.
    """

    expiring: int = 0
    renewed: int = 0
    expired_before: int = 0
    recognised_this_year: int = 0
    expiring_later: int = 0
    known: bool = True  # False: the registry holds no firm of this unit (nothing to say)
    renewable: bool = True  # high-tech certificates may be renewed; a tech-based exit is final
    earlier_lapses: dict = field(default_factory=dict)  # {earlier year: lapses after the month}
    lapsed_this_year: int = 0  # lapsed since 1 January, no newer one by the month's end

    @property
    def renewal_rate(self):
        return Fraction(self.renewed, self.expired_before) if self.expired_before else None


NO_REGISTRY = RegistryFacts(known=False)


@dataclass
class Forecast:
    """A unit's projected year-end count for one metric, its range and what it was built from."""

    year: int
    month: Month
    actual: int | None
    target: int | None
    target_2027: int | None
    method: str = METHOD_LINEAR
    projected: int | None = None
    low: int | None = None
    high: int | None = None
    increase: object = None  # expected net increase for the rest of the year (Fraction)
    growth: object = None  # the rest-of-year growth rate used (rhythm), else None
    pattern_years: list = field(default_factory=list)
    expiring: int = 0
    expected_lapses: object = 0
    renewal_rate: object = None
    recognised_this_year: int = 0
    projected_2027: int | None = None
    low_2027: int | None = None
    high_2027: int | None = None
    step: int | None = None  # net increase a year after this one, through 2027 (whole firms)
    step_low: int | None = None  # the smallest and largest yearly net increase (the 2027 range)
    step_high: int | None = None
    step_years: list = field(default_factory=list)  # the years `step` is the mean of ([]: this year's)
    step_unlimited: int | None = None  # the step before it was limited to leave 0 or more in 2027
    expiring_2027: int = 0  # expiring through 2027 (this year's included), not subtracted again
    pipeline: object = None  # forecast_pipeline.PipelineFacts when the pipeline was counted
    pipeline_estimate: object = None  # forecast_pipeline.PipelineEstimate: what it made of it
    basis: list = field(default_factory=list)

    @property
    def gap(self):
        """Firms the projection falls short of this year's target (0 when it reaches it)."""
        return metrics.gap(self.projected, self.target)

    @property
    def gap_2027(self):
        return metrics.gap(self.projected_2027, self.target_2027)

    @property
    def at_risk(self):
        return self.gap is not None and self.gap > 0

    @property
    def at_risk_2027(self):
        return self.gap_2027 is not None and self.gap_2027 > 0

    @property
    def years_left(self):
        """The years after this one through 2027 that `step` is added for."""
        return LAST_YEAR - self.year

    @property
    def method_label(self):
        return METHOD_LABELS[self.method]

    @property
    def renewal_pct(self):
        return metrics.as_percent(self.renewal_rate, 0)

    @property
    def growth_pct(self):
        return metrics.as_percent(self.growth)

    @property
    def basis_text(self):
        return "；".join(self.basis)


def round_half_up(value):
    return None if value is None else floor(Fraction(value) + Fraction(1, 2))


def rest_of_year_growths(series, year, month):
    """{y: (count at month, December count)} for every year y < `year` that has both (and a
    December of y − 1, so that the year is complete in the data)."""
    out = {}
    for y in range(PLAN_YEARS[0], year):
        at, december, start = series.get(Month(y, month)), series.get(Month(y, 12)), series.get(Month(y - 1, 12))
        if at is not None and december is not None and start is not None:
            out[y] = (at, december)
    return out


def _rhythm(actual, pairs, lapses):
    """Expected increase and its range from earlier years' rest-of-year growth, or None.

    `lapses` {year: n} are added back to each earlier year's net change (gross arrivals)."""
    usable = {y: (at, dec + lapses.get(y, 0)) for y, (at, dec) in pairs.items() if at > 0}
    if len(usable) < MIN_PATTERN_YEARS:
        return None
    pooled = Fraction(sum(dec - at for at, dec in usable.values()), sum(at for at, _ in usable.values()))
    each = [Fraction(dec - at, at) for at, dec in usable.values()]
    return pooled, actual * pooled, actual * min(each), actual * max(each), sorted(usable)


def linear_change(series, year, month, actual, lapsed=0):
    """This year's average monthly change continued to December; range from its extremes.

    `lapsed`: this year's lapses so far, added back (the change is then gross of lapses, whose
    coming ones the registry subtracts); 0 without a registry."""
    start = series.get(Month(year - 1, 12))
    left = 12 - month
    if start is None:
        return Fraction(0), Fraction(0), Fraction(0)
    mean = Fraction(actual - start + lapsed, month)
    changes = []
    previous = start
    for m in range(1, month + 1):
        value = series.get(Month(year, m))
        if value is not None and previous is not None:
            changes.append(value - previous)
        previous = value
    changes = changes or [0]
    return mean * left, Fraction(min(changes) * left), Fraction(max(changes) * left)


def forecast(series, month, target, target_2027=None, registry=NO_REGISTRY, pipeline=None):
    """The year-end forecast of one unit and metric from the counts up to `month`, and 2027's.

    `series`: {Month: count} (December of the year before the plan included); `pipeline`: the
    unit's high-tech `PipelineFacts`, where one exists (`forecast_pipeline`).
    """
    year = month.year
    actual = series.get(month)
    result = Forecast(year, month, actual, target, target_2027)
    result.expiring = registry.expiring
    result.renewal_rate = registry.renewal_rate
    result.recognised_this_year = registry.recognised_this_year
    result.expiring_2027 = registry.expiring + registry.expiring_later
    if actual is None:
        result.basis = [f"{month.label}未填报，无法预计"]
        return result
    rhythm = None
    if month.month < 12:
        rhythm = _rhythm(actual, rest_of_year_growths(series, year, month.month), registry.earlier_lapses)
    if rhythm is not None:
        result.method = METHOD_RHYTHM
        result.growth, increase, low_inc, high_inc, result.pattern_years = rhythm
    else:
        result.method = METHOD_LINEAR
        increase, low_inc, high_inc = linear_change(series, year, month.month, actual, registry.lapsed_this_year)
    rate = registry.renewal_rate
    lapses = registry.expiring * (1 - rate) if rate is not None else Fraction(registry.expiring)
    low_lapses, high_lapses = registry.expiring, 0
    if pipeline is not None and month.month < 12:
        result.pipeline = pipeline
        result.pipeline_estimate = est = forecast_pipeline.estimate(pipeline, increase, low_inc, high_inc, rate)
        increase, low_inc, high_inc, lapses = est.increase, est.low_increase, est.high_increase, est.lapses
        low_lapses, high_lapses = est.low_lapses, est.high_lapses
    result.increase = increase
    result.expected_lapses = lapses
    # a count is never below 0 (a steep decline continued for the months left could say so)
    result.projected = max(0, round_half_up(actual + increase - lapses))
    result.low = max(0, min(result.projected, round_half_up(actual + low_inc - low_lapses)))
    result.high = max(result.projected, round_half_up(actual + high_inc - high_lapses))
    continue_to_2027(result, annual_increases(series, year), series.get(Month(year - 1, 12)))
    result.basis = basis_parts(result, registry)
    return result


def annual_increases(series, year):
    """{y: December-to-December net increase} of the complete years before `year`."""
    return {
        y: series[Month(y, 12)] - series[Month(y - 1, 12)]
        for y in range(PLAN_YEARS[0], year)
        if Month(y, 12) in series and Month(y - 1, 12) in series
    }


def continue_to_2027(result, increases, start):
    """Set `result`'s 2027 figures: this year's projection (and range) + `step` × the years left.

    `increases`: {earlier year: net increase}; `start`: last December's count (for the step of a
    unit without a complete earlier year: this year's own projected net increase)."""
    if result.year >= LAST_YEAR:
        result.projected_2027, result.low_2027, result.high_2027 = result.projected, result.low, result.high
        return
    if increases:
        result.step_years = sorted(increases)
        values = list(increases.values())
        result.step = round_half_up(Fraction(sum(values), len(values)))
        result.step_low, result.step_high = min(values), max(values)
    else:
        base = start if start is not None else result.actual
        result.step = result.projected - base
        result.step_low, result.step_high = result.low - base, result.high - base
    n = result.years_left
    if result.projected + result.step * n < 0:
        # a count does not fall below 0 (a decline continued from a young year's first months
        # could): the yearly decline is limited to what leaves 0 or more in 2027
        result.step_unlimited, result.step = result.step, -(result.projected // n)
    result.projected_2027 = result.projected + result.step * n
    result.low_2027 = max(0, result.low + min(result.step_low, result.step) * n)
    result.high_2027 = max(0, result.high + max(result.step_high, result.step) * n)


def _signed(value):
    value = round_half_up(value)
    return f"新增 {value} 家" if value >= 0 else f"减少 {-value} 家"


def net_change(value):
    """ "净增 3 家" / "净减少 2 家"."""
    return f"净增 {value} 家" if value >= 0 else f"净减少 {-value} 家"


def _times(projected, step, years):
    """ "18 + 2 × 1", "18 − 3 × 1": the sum the 2027 figure is."""
    return f"{projected} {'+' if step >= 0 else '−'} {abs(step)} × {years}"


def sentence_2027(result, district=False):
    """How 2027's figure continues this year's, with the sum written out; None in 2027 itself."""
    if result.year >= LAST_YEAR or result.projected_2027 is None:
        return None
    n = result.years_left
    stated = result.step if result.step_unlimited is None else result.step_unlimited
    if district:
        how = f"此后全区每年{net_change(stated)}（各街镇年净增之和）"
    elif result.step_years:
        years = "、".join(str(y) for y in result.step_years)
        how = f"此后每年按往年（{years}年）平均{net_change(stated)}（年净增已扣除当年到期失效、退库等减少，不再另扣）"
    else:
        how = f"往年无完整年度数据，此后每年按本年预计{net_change(stated)}"
    if result.step_unlimited is not None:
        how += f"，以2027年底不少于 0 家为限，每年{net_change(result.step)}"
    return (
        f"{how}，预计2027年底 {_times(result.projected, result.step, n)} = {result.projected_2027} 家"
        f"（区间 {result.low_2027}–{result.high_2027} 家）"
    )


def basis_parts(result, registry):
    """The forecast's parts in words: "已有 520 家；年内到期未重新认定 9 家（往年重新认定率 62%）；…"."""
    parts = [f"已有 {result.actual} 家"]
    words = _how_words(result, registry)
    if result.pipeline is not None:
        parts += forecast_pipeline.parts(result.pipeline, result.pipeline_estimate, words)
    else:
        parts.append(f"{words}预计{_signed(result.increase)}" if words else "已到年底")
    if result.pipeline is not None:  # this year's renewals are the pipeline's (above)
        pass
    elif not registry.known:
        parts.append("企业名录中无该街镇企业，未计到期失效")
    elif registry.expiring and not registry.renewable:
        parts.append(f"年内到期退库 {registry.expiring} 家")
    elif registry.expiring:
        rate = (
            f"往年重新认定率 {result.renewal_pct:.0f}%（{registry.renewed}/{registry.expired_before}）"
            if result.renewal_rate is not None
            else "往年无到期记录，按全部失效计"
        )
        parts.append(
            f"年内到期未重新认定 {registry.expiring} 家（{rate}），预计失效 {round_half_up(result.expected_lapses)} 家"
        )
    else:
        parts.append("年内无到期未重新认定的证书")
    if registry.known and registry.recognised_this_year:
        parts.append(f"今年已新认定 {registry.recognised_this_year} 家")
    floor_ = "，减少不超过已有数" if result.actual + result.increase - result.expected_lapses < 0 else ""
    parts.append(f"预计{result.year}年底 {result.projected} 家（区间 {result.low}–{result.high} 家{floor_}）")
    later = sentence_2027(result)
    if later:
        parts.append(later)
        if registry.known and registry.expiring_later:
            what = "证书到期未重新认定" if registry.renewable else "将退库"
            span = f"{result.year + 1}—{LAST_YEAR}" if result.year + 1 < LAST_YEAR else str(LAST_YEAR)
            parts.append(f"{span}年另有 {registry.expiring_later} 家{what}，按年净增推算，不另扣减")
    return parts


def _how_words(result, registry):
    """ "按往年节奏（2024、2025年10月末至年底平均增长 5.6%）", the line's words; "" in December."""
    if result.method == METHOD_RHYTHM:
        years = "、".join(str(y) for y in result.pattern_years)
        gross = "（不计到期失效）" if registry.earlier_lapses else ""
        return f"按往年节奏（{years}年{result.month.month}月末至年底平均增长 {result.growth_pct:.1f}%{gross}）"
    if result.month.month == 12:
        return ""
    gross = f"（加回年内已失效 {registry.lapsed_this_year} 家）" if registry.lapsed_this_year else ""
    return f"往年数据不足两年，按本年月均变化{gross}线性外推"


def total(forecasts, year, month, target, target_2027):
    """The district line: sums of the units' figures (None when any unit has no projection)."""
    out = Forecast(year, month, None, target, target_2027)
    if not forecasts or any(f.projected is None for f in forecasts):
        out.basis = ["部分街镇未填报，无法预计全区"]
        return out
    out.actual = sum(f.actual for f in forecasts)
    out.projected = sum(f.projected for f in forecasts)
    out.low = sum(f.low for f in forecasts)
    out.high = sum(f.high for f in forecasts)
    out.projected_2027 = sum(f.projected_2027 for f in forecasts)
    out.low_2027 = sum(f.low_2027 for f in forecasts)
    out.high_2027 = sum(f.high_2027 for f in forecasts)
    if year < LAST_YEAR:
        out.step = sum(f.step for f in forecasts)
    out.increase = sum(Fraction(f.increase) for f in forecasts)
    out.expected_lapses = sum(Fraction(f.expected_lapses) for f in forecasts)
    out.expiring = sum(f.expiring for f in forecasts)
    out.expiring_2027 = sum(f.expiring_2027 for f in forecasts)
    out.recognised_this_year = sum(f.recognised_this_year for f in forecasts)
    methods = {f.method for f in forecasts}
    out.method = next(iter(methods)) if len(methods) == 1 else METHOD_MIXED
    out.basis = [
        f"已有 {out.actual} 家",
        f"各街镇{'、'.join(METHOD_LABELS[m] for m in (METHOD_RHYTHM, METHOD_LINEAR) if m in methods)}"
        f"预计{_signed(out.increase)}{forecast_pipeline.district_words(f.pipeline for f in forecasts)}",
        f"年内到期未重新认定 {out.expiring} 家，预计失效 {round_half_up(out.expected_lapses)} 家",
        f"预计{year}年底 {out.projected} 家（区间 {out.low}–{out.high} 家）",
    ]
    later = sentence_2027(out, district=True)
    if later:
        out.basis.append(later)
    out.basis.append("全区为各街镇之和")
    return out


@dataclass
class SubDistrictForecast:
    subdistrict: object
    metrics: dict  # {metric: Forecast}


@dataclass
class DistrictForecast:
    """Every sub-district's forecast as of `month`, and the district line."""

    month: Month
    rows: list  # [SubDistrictForecast] in plan order
    total: dict  # {metric: Forecast}

    def row_for(self, subdistrict):
        return next((row for row in self.rows if row.subdistrict.pk == subdistrict.pk), None)

    def rows_visible_to(self, user):
        visible = set(SubDistrict.objects.visible_to(user).values_list("pk", flat=True))
        return [row for row in self.rows if row.subdistrict.pk in visible]

    def at_risk(self, metric, until_2027=False):
        """Sub-districts whose projection falls short, largest projected gap first."""
        attr = "gap_2027" if until_2027 else "gap"
        rows = [row for row in self.rows if (getattr(row.metrics[metric], attr) or 0) > 0]
        return sorted(rows, key=lambda row: (-getattr(row.metrics[metric], attr), row.subdistrict.seq))


def register(provider):
    """provider(month, subdistricts, only=None) -> DistrictForecast (of `only` alone when given,
    without the district line); called once by enterprises' AppConfig."""
    global _provider
    _provider = provider


def provider():
    if _provider is None:
        raise LookupError("预测服务未注册（enterprises 应用未安装）")
    return _provider
