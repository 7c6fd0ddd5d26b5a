"""Every goal judged once: the headline goals (二（一）) and the 2027 indicators, for a month.

`judge_goals(month)` is what the dashboard, the bulletin, /indicators/ and the APIs print. A
goal's value comes from one of three places, and says which:
- the monthly counts (高新技术企业, 科技型企业): the district total of a month in which every
  sub-district reported, never a subset's;
- a source registered by a higher layer (`register_indicator_source`): the enterprise registry
  registers the flags it holds (规上高企, 小巨人, …) from `enterprises.apps`, as of each month's
  end. `targets` never imports `enterprises`; the registry plugs itself in;
- otherwise the values recorded by the bureau (IndicatorValue), each with its source note.
The judgement itself is `metrics.judge_goal`.
"""

from dataclasses import dataclass, field

from django.db.models import Sum

from . import freshness, metrics, territory
from .models import Indicator, IndicatorValue, PlanFigure
from .months import Month
from .series import district_series

# code -> (label of the source, function(until: Month, memo: dict) -> {Month: value}); `memo` is
# shared by the sources called for one page, so that they can load what they share once.
_SOURCES = {}

FROM_COUNTS = "各街镇月度数据（全区合计，仅计全部街镇已填报的月份）"
RECORDED = "区科技局录入"


def register_indicator_source(code, label, values):
    """Let a higher layer supply an indicator's monthly values: `values(until, memo)` returns
    {Month: value} of month-end values up to `until`."""
    _SOURCES[code] = (label, values)


def registered_source(code):
    return _SOURCES.get(code)


@dataclass
class GoalRow:
    """One goal and its judgement as of a month."""

    indicator: Indicator
    points: dict = field(default_factory=dict)  # {Month: value} that count
    source_text: str = ""
    notes: dict = field(default_factory=dict)  # {Month: note} of values recorded by hand
    value: object = None
    as_of: Month | None = None
    final: bool = False
    met: bool | None = None
    currently_met: bool | None = None
    verdict: str | None = None
    plan_total: int | None = None  # the attachment's 合计 for the goal's year (headline goals)

    @property
    def from_counts(self):
        return bool(self.indicator.metric)

    @property
    def series(self):
        """[(Month, value, how)] in month order; `how` says where a value came from."""
        return [(m, v, f"{RECORDED}：{self.notes[m]}" if m in self.notes else "") for m, v in self.points.items()]

    @property
    def latest(self):
        return self.series[-1] if self.points else None

    @property
    def least_meeting(self):
        return metrics.least_meeting(self.indicator.value, self.indicator.comparator)

    @property
    def gap_goal(self):
        """How many are still missing to meet the headline goal (超过570 → 571)."""
        if self.value is None or self.least_meeting is None:
            return None
        return max(0, self.least_meeting - int(self.value))

    @property
    def gap_plan(self):
        """How many are still missing to the attachment's 合计 for the goal's year."""
        return metrics.gap(None if self.value is None else int(self.value), self.plan_total)

    @property
    def gap_goal_label(self):
        return f"距总体目标（{self.indicator.target_text}）"

    @property
    def gap_plan_label(self):
        return f"距附件分解表{self.indicator.year}年合计（{self.plan_total}{self.indicator.unit}）"

    @property
    def text(self):
        return f"到{self.indicator.year}年{self.indicator.name}{self.indicator.target_text}"


def _complete_totals(until):
    """{(version_id, metric): {Month: total}} of the months up to `until` in which every unit of
    the month's map reported, when that map is the whole of its plan version's attachment: a
    headline goal is judged only on totals over the units its version set it for."""
    series = district_series(until)
    maps = territory.maps_of([point.month for point in next(iter(series.values()), [])])
    out = {}
    for metric, points in series.items():
        for point in points:
            area = maps[point.month]
            if area.version is not None and area.is_whole and metrics.is_complete(point.reported, area.expected):
                out.setdefault((area.version.pk, metric), {})[point.month] = point.value
    return out


def _plan_totals():
    """{(version_id, metric, year): the attachment's 合计}."""
    rows = PlanFigure.objects.values("version_id", "metric", "year").annotate(total=Sum("value"))
    return {(row["version_id"], row["metric"], row["year"]): row["total"] for row in rows}


def judge_goals(month, indicators=None, complete_totals=None, plan_totals=None, expected=None):
    """Every goal (or `indicators`) judged as of `month`, in a fixed number of queries plus one
    per registered source. A page that has already loaded the district's complete monthly
    totals ({metric: {Month: total}}) or the attachment's 合计 ({(metric, year): total}) passes
    them in and saves the queries."""
    indicators = list(indicators if indicators is not None else Indicator.objects.all())
    headline = any(i.metric for i in indicators)
    if complete_totals is None and headline:
        complete_totals = _complete_totals(month)
    if plan_totals is None and headline:
        plan_totals = _plan_totals()
    totals, plan = complete_totals or {}, plan_totals or {}
    recorded, notes, memo = {}, {}, {}
    if not all(i.metric for i in indicators):
        for indicator_id, m, value, note in IndicatorValue.objects.filter(month__lte=month.date).values_list(
            "indicator_id", "month", "value", "note"
        ):
            recorded.setdefault(indicator_id, {})[Month.of(m)] = value
            notes.setdefault(indicator_id, {})[Month.of(m)] = note
    rows = []
    for indicator in indicators:
        if indicator.metric:
            points, source = totals.get((indicator.version_id, indicator.metric), {}), FROM_COUNTS
        elif indicator.code in _SOURCES:
            # the registry's month-end value; a value recorded by hand for a month replaces it
            # there and is labelled as recorded, with its note
            label, values = _SOURCES[indicator.code]
            points = values(month, memo) | recorded.get(indicator.pk, {})
            source = label + ("；部分月份为区科技局录入" if indicator.pk in recorded else "")
        else:
            points, source = recorded.get(indicator.pk, {}), RECORDED
        hand = notes.get(indicator.pk, {}) if not indicator.metric else {}
        row = GoalRow(indicator, dict(sorted(points.items())), source, hand)
        judged = metrics.judge_goal(
            indicator.value,
            indicator.comparator,
            indicator.year,
            month,
            {(m.year, m.month): v for m, v in points.items()},
        )
        if indicator.metric and judged["final"] and judged["value"] is None:
            judged["verdict"] = _undecided(indicator) or judged["verdict"]
        row.value, row.final, row.met = judged["value"], judged["final"], judged["met"]
        row.currently_met, row.verdict = judged["currently_met"], judged["verdict"]
        row.as_of = Month(*judged["as_of"]) if judged["as_of"] else None
        if indicator.metric:
            row.plan_total = plan.get((indicator.version_id, indicator.metric, indicator.year))
        rows.append(row)
    return rows


def _undecided(indicator):
    """Why a headline goal has no December total when the reason is the map, not missing counts:
    at its deadline the units are not those its plan version set it for (a change of the map
    before a revision). None when the map is the version's own."""
    area = territory.map_of(Month(indicator.year, 12))
    if area.version is not None and area.version.pk == indicator.version_id and area.is_whole:
        return None
    return (
        f"未判定（{indicator.year}年12月的街镇范围已因区划调整变化，"
        "与该目标所依据的方案附件不同，待方案修订后重新评价）"
    )


def headline_of(area):
    """The headline goals of the month's plan version, kept under the plan's version (a count's
    correction leaves them); none when the version's attachment does not cover the month's units
    (after a change of the map, before a revision): its goals were set for another district."""
    if area.version is None or not area.is_whole:
        return []
    return freshness.cached(
        "headline-goals",
        lambda: list(Indicator.objects.headline(area.version)),
        area.version.pk,
        version=freshness.plan_version,
    )


def headline_goals(month, indicators=None, **loaded):
    """The headline goals (二（一）) of the plan version in force in `month`, judged as of `month`;
    none when that version's attachment does not cover the month's units (after a change of the
    map and before a revision: its goals were set for other units)."""
    if indicators is None:
        indicators = headline_of(territory.map_of(month))
    return judge_goals(month, indicators, **loaded)
