"""Plotly figures built on the server. Pages embed the figure as JSON and the one local
plotly.js file (static/vendor, the basic bundle: scatter and bar) draws it; no CDN.

Colours are chosen to stay apart in grey print: the actual line is dark and solid, the target
curve light grey and dashed, and markers differ in shape as well as colour.
"""

import functools
import json
from collections.abc import Mapping

import plotly.graph_objects as go
from plotly.utils import PlotlyJSONEncoder

from . import metrics
from .months import Month

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
INK, CURVE, TARGET, GOAL, PARTIAL = "#1f2933", "#9aa5b1", "#1e5aa8", "#a4161a", "#b7791f"
STATUS_COLOURS = {
    metrics.STATUS_DONE: "#1e5aa8",
    metrics.STATUS_GREEN: "#2e7d32",
    metrics.STATUS_YELLOW: "#d69e2e",
    metrics.STATUS_RED: "#c62828",
    metrics.STATUS_MISSING: "#9aa5b1",
    metrics.STATUS_PENDING: "#cbd2d9",
}


def scatter(**props):
    """A scatter trace as plain data (what go.Scatter would hold, without its validation)."""
    return {"type": "scatter", **props}


def bar(**props):
    """A bar trace as plain data."""
    return {"type": "bar", **props}


def _figure(traces, title, height=380, xaxis=None, yaxis=None, shapes=(), annotations=(), **layout):
    """A figure as plain data, its whole layout at once. Building it through plotly's graph
    objects validated every property on each request and was most of a chart's cost; the data
    is the same (`as_json` drops the properties left None, as plotly does, and adds plotly's
    default template). `go.Figure(figure)` gives the validated object where one is needed."""
    return {
        "data": list(traces),
        "layout": {
            # The page writes the title above the chart (it wraps on a phone; Plotly's would be cut).
            "title": {"text": title or "", "font": {"size": 15}},
            "font": {"family": FONT, "size": 12, "color": INK},
            "height": height,
            "margin": {"l": 48, "r": 16, "t": 48 if title else 16, "b": 40},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
            "legend": {"orientation": "h", "y": -0.18},
            "hoverlabel": {"font": {"family": FONT}},
            "separators": ".,",
            "xaxis": {"showgrid": False, "linecolor": "#c3cad3", **(xaxis or {})},
            "yaxis": {"gridcolor": "#e6e9ee", "rangemode": "tozero", **(yaxis or {})},
            **({"shapes": list(shapes)} if shapes else {}),  # plotly leaves out an empty list
            **({"annotations": list(annotations)} if annotations else {}),
            **layout,
        },
    }


def _vline(x, line):
    return {"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1, "line": line}


@functools.cache
def _default_template():
    """Plotly's default template, as every figure built through go.Figure carries it."""
    return json.loads(go.Figure().to_json())["layout"]["template"]


def _without_none(value):
    """Properties set to None dropped, as plotly's validation drops them (list items kept: a
    None in a series is a gap)."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_without_none(v) for v in value]
    return value


class ChartJSON(Mapping):
    """A figure serialized once, as the page embeds it (`{{ figure|chart_script:id }}`): JSON
    escaped for a <script> element as `json_script` escapes it. It reads as the figure's data
    (parsed on first look) for code and tests that look inside; only the text is pickled."""

    def __init__(self, text):
        self.text = text

    @functools.cached_property
    def data(self):
        return json.loads(self.text)

    def __getitem__(self, key):
        return self.data[key]

    def __iter__(self):
        return iter(self.data)

    def __len__(self):
        return len(self.data)

    def __eq__(self, other):
        return self.text == other.text if isinstance(other, ChartJSON) else self.data == other

    __hash__ = None

    def __getstate__(self):
        return {"text": self.text}


# What `django.utils.html.json_script` escapes, so that the JSON cannot close its <script>.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
_TEMPLATE_MARK = "__plotly_default_template__"


@functools.cache
def _template_text():
    return json.dumps(_default_template()).translate(_SCRIPT_ESCAPES)


def as_json(fig):
    """The figure as the page embeds it (ChartJSON): plain data with plotly's default template,
    the same JSON as `go.Figure(...).to_json()`; the template, the same for every figure, is
    serialized once per process."""
    if isinstance(fig, dict):
        data = _without_none(fig)
        data["layout"]["template"] = _TEMPLATE_MARK
        text = json.dumps(data, cls=PlotlyJSONEncoder).translate(_SCRIPT_ESCAPES)
        return ChartJSON(text.replace(f'"{_TEMPLATE_MARK}"', _template_text(), 1))
    return ChartJSON(fig.to_json().translate(_SCRIPT_ESCAPES))


def forecast_traces(projection):
    """The forecast as a dotted continuation from the last count to December, inside its band.

    projection: a targets.forecast.Forecast with a projection, or None (nothing drawn).
    """
    if projection is None or projection.projected is None:
        return []
    start, end = projection.month.date.isoformat(), f"{projection.year}-12-01"
    band = scatter(
        x=[start, end, end, start],
        y=[projection.actual, projection.high, projection.low, projection.actual],
        name=f"预计区间（{projection.low}–{projection.high} 家）",
        mode="lines",
        fill="toself",
        fillcolor="rgba(30, 90, 168, 0.12)",
        line={"width": 0},
        hoverinfo="skip",
    )
    line = scatter(
        x=[start, end],
        y=[projection.actual, projection.projected],
        name=f"预计{projection.year}年底（{projection.method_label}）",
        mode="lines+markers",
        line={"color": TARGET, "dash": "dot", "width": 2},
        marker={"size": [0, 9], "symbol": "star"},
        hovertemplate="%{x|%Y年%-m月} 预计：%{y} 家<extra></extra>",
    )
    return [band, line]


def _month_x(month):
    return month.date.isoformat()


def year_window(curve_points, year, base=None):
    """The part of a plan curve a year's chart shows: December Y−1 to December Y. With `base`
    (the count the year's rates start from), the year's path from it to the year's target."""
    window = [(m, v) for m, v in curve_points if (m.year == year - 1 and m.month == 12) or m.year == year]
    target = dict(window).get(Month(year, 12))
    if base is None or target is None:
        return window
    path = [(Month(year, m), metrics.curve_value(base, target, m)) for m in range(1, 13)]
    return [(Month(year - 1, 12), base), *path]


def progress_chart(
    title, actual_points, curve_points, yearly_targets, goals=(), until=None, band=(), projection=None, base=None
):
    """This year's actual counts against the plan's target curve, on an axis that shows the gap.

    actual_points: [(Month, value, note)] (note shown on hover, e.g. "16/17 个街镇填报");
    curve_points: [(Month, value)], the whole plan (only `until`'s year is drawn);
    yearly_targets: [(year, value)]; goals: [(year, value, label)] for the headline goals;
    band: [(Month, low, high)], the zone just below time progress (略低于序时进度);
    projection: a targets.forecast.Forecast drawn as the year-end forecast, or None;
    base: the count this year's rates start from (last December's, else the plan's): the curve
    runs from it to the year's target, the path the status and the band are judged on, and its
    name says so.

    The window is December of last year to December of `until`'s year, and the y axis spans only
    the values in it: on a 0–600 axis a gap of 4 firms disappears. Grey print tells the lines
    apart by dash and marker, and the latest values are written on the chart.
    """
    until = until or max(m for m, _, _ in actual_points)
    year = until.year
    curve = year_window(curve_points, year, base)
    shown = [(m, v, note) for m, v, note in actual_points if v is not None and m in dict(curve)]
    target = next((v for y, v in yearly_targets if y == year), None)
    goal_marks = [(y, v, label) for y, v, label in goals if y == year]
    traces = []
    if band:
        xs = [_month_x(m) for m, _, _ in band]
        # two invisible lines, the upper filled down to the lower
        traces.append(_band_edge(xs, [lo for _, lo, _ in band], "略低于序时进度区间下沿") | {"showlegend": False})
        traces.append(
            _band_edge(
                xs,
                [hi for _, _, hi in band],
                "略低于序时进度区间",
                fill="tonexty",
                fillcolor="rgba(214,158,46,0.18)",
                fillpattern={"shape": ".", "fgcolor": "#b7791f", "size": 6, "solidity": 0.15},
            )
        )
    traces.append(
        scatter(
            x=[_month_x(m) for m, _ in curve],
            y=[None if v is None else float(v) for _, v in curve],
            customdata=[metrics.whole_firms(v) for _, v in curve],
            name=curve_name(base, target, year),
            mode="lines",
            line={"color": CURVE, "dash": "dash", "width": 2},
            hovertemplate="%{x|%Y年%-m月} 目标曲线：%{customdata} 家"
            + (
                f"（年初基数{base}家→{year}年目标{target}家，按月分解）"
                if base is not None and target is not None
                else ""
            )
            + "<extra></extra>",
        )
    )
    complete = [(m, v) for m, v, note in shown if not note]
    partial = [(m, v, note) for m, v, note in shown if note]
    traces.append(
        scatter(
            x=[_month_x(m) for m, _ in complete],
            y=[v for _, v in complete],
            name="实际（月末存量）",
            mode="lines+markers",
            line={"color": INK, "width": 3},
            marker={"size": 7, "symbol": "circle"},
            hovertemplate="%{x|%Y年%-m月} 实际：%{y} 家<extra></extra>",
        )
    )
    if partial:
        traces.append(
            scatter(
                x=[_month_x(m) for m, _, _ in partial],
                y=[v for _, v, _ in partial],
                name="实际（部分街镇未填报）",
                mode="markers",
                marker={"size": 9, "symbol": "circle-open", "color": PARTIAL, "line": {"width": 2}},
                text=[note for _, _, note in partial],
                hovertemplate="%{x|%Y年%-m月} 已填报合计：%{y} 家（%{text}）<extra></extra>",
            )
        )
    forecast = forecast_traces(projection) if projection is not None and projection.year == year else []
    traces += forecast
    annotations = []
    if target is not None:
        traces.append(
            scatter(
                x=[f"{year}-12-01"],
                y=[target],
                name=f"{year}年目标",
                mode="markers",
                marker={"size": 11, "symbol": "diamond", "color": TARGET},
                hovertemplate=f"{year}年目标：%{{y}} 家<extra></extra>",
            )
        )
        annotations.append(_label(f"{year}-12-01", target, f"目标 {target}", "right", "top"))
    for y, value, label in goal_marks:
        traces.append(
            scatter(
                x=[f"{y}-12-01"],
                y=[value],
                name="总体目标",
                mode="markers",
                marker={"size": 11, "symbol": "triangle-up", "color": GOAL},
                hovertemplate=f"{y}年：{label}<extra></extra>",
            )
        )
        annotations.append(_label(f"{y}-12-01", value, label, "right", "bottom"))
    if shown:
        last_month, last_value, _ = shown[-1]
        annotations.append(_label(_month_x(last_month), last_value, f"实际 {last_value}", "right", "bottom"))
    values = [v for _, v, _ in shown] + [float(v) for _, v in curve if v is not None]
    values += [target] if target is not None else []
    values += [v for _, v, _ in goal_marks] + [float(lo) for _, lo, _ in band]
    values += [projection.low, projection.high] if forecast else []
    shapes = [_vline(_month_x(until), {"color": "#c3cad3", "width": 1, "dash": "dot"})]
    return _figure(
        traces,
        title,
        height=340,
        xaxis={
            "tickformat": "%-m月",
            "dtick": "M2",
            "tickangle": 0,
            "range": [f"{year - 1}-11-20", f"{year}-12-25"],
            "hoverformat": "%Y年%-m月",
        },
        yaxis={"title": {"text": "家"}, "range": _padded(values), "rangemode": "normal"},
        shapes=shapes,
        annotations=annotations,
    )


def curve_path(base, target, year):
    """ "（年初基数170家→2026年目标189家，按月分解）" for the curve's hover; "" without a base."""
    if base is None or target is None:
        return ""
    return f"（年初基数{base}家→{year}年目标{target}家，按月分解）"


def curve_name(base, target, year):
    """The target curve's legend: where it starts and ends, so that no reader takes another
    baseline ("目标曲线（170→189家）"; the hover says 年初基数 and the year's target in words).
    Short enough for a phone's legend."""
    if base is None or target is None:
        return "目标曲线（年度目标按月分解）"
    return f"目标曲线（{base}→{target}家）"


def _band_edge(xs, values, name, **fill):
    """An invisible line along an edge of the 略低于序时进度 band (`fill`: how the upper one is
    filled down to the lower)."""
    ys = [float(v) for v in values]
    return scatter(x=xs, y=ys, name=name, mode="lines", line={"width": 0}, **fill, hoverinfo="skip")


def _padded(values, share=0.12):
    """A y range around `values` with room above and below for labels, never below 0."""
    values = [float(v) for v in values if v is not None]
    if not values:
        return None
    low, high = min(values), max(values)
    pad = max((high - low) * share, 1.5)
    return [max(0, low - pad), high + pad * 1.6]


def _label(x, y, text, xanchor, yanchor):
    """A value written beside its point, so the chart reads without colour."""
    return {
        "x": x, "y": y, "xref": "x", "yref": "y", "text": text, "showarrow": False,
        "xanchor": xanchor, "yanchor": yanchor, "xshift": -6 if xanchor == "right" else 6,
        "font": {"size": 12, "color": INK}, "bgcolor": "rgba(255,255,255,0.8)",
    }  # fmt: skip


def curve_reading(subject, actual, curve_value, month):
    """One line under a curve chart: "全区高新技术企业较目标曲线低 4 家（2026年10月：实际 470 家，目标曲线 474 家）"."""
    if actual is None or curve_value is None:
        return f"{subject}{month.label}尚无完整数据，无法与目标曲线比较。"
    need = metrics.whole_firms(curve_value)
    where = f"（{month.label}：实际 {actual} 家，目标曲线 {need} 家）"
    if actual < need:
        return f"{subject}较目标曲线低 {need - actual} 家{where}"
    if actual > need:
        return f"{subject}较目标曲线高 {actual - need} 家{where}"
    return f"{subject}与目标曲线持平{where}"


def _pct(value):
    return "—" if value is None else f"{value:.1f}%"


RANK_MONTHS = 13


def _month_ticks(months, every=2):
    """Horizontal month ticks that fit a phone: "11月", the year under the first tick of each year."""
    if not months:
        return {"tickangle": 0}
    picked = months[::-1][::every][::-1]
    text, year = [], None
    for m in picked:
        text.append(f"{m.month}月<br>{m.year}年" if m.year != year else f"{m.month}月")
        year = m.year
    return {
        "tickvals": [_month_x(m) for m in picked],
        "ticktext": text,
        "tickangle": 0,
        "hoverformat": "%Y年%-m月",
        "range": [_month_x(months[0].previous()), _month_x(months[-1].next())],
    }


def rank_chart(points, class_size, district_size, class_label):
    """Rank in class and in the whole district over the last 13 months; rank 1 at the top.

    points: [RankPoint]. The two lines differ in dash and marker shape, for grey print.
    """
    points = points[-RANK_MONTHS:]
    xs = [_month_x(p.month) for p in points]
    traces = [
        scatter(
            x=xs,
            y=[p.rank_in_class for p in points],
            name=f"同类排名（{class_label}共 {class_size} 个）",
            mode="lines+markers",
            line={"color": INK, "width": 3},
            marker={"size": 6, "symbol": "circle"},
            hovertemplate="%{x|%Y年%-m月} 同类第 %{y} 名<extra></extra>",
        ),
        scatter(
            x=xs,
            y=[p.rank_overall for p in points],
            name=f"全区排名（共 {district_size} 个）",
            mode="lines+markers",
            line={"color": TARGET, "width": 2, "dash": "dash"},
            marker={"size": 7, "symbol": "square-open"},
            hovertemplate="%{x|%Y年%-m月} 全区第 %{y} 名<extra></extra>",
        ),
    ]
    return _figure(
        traces,
        None,
        height=300,
        xaxis=_month_ticks([p.month for p in points]),
        yaxis={
            "title": {"text": "名次"},
            "range": [district_size + 0.7, 0.3],
            "dtick": 1 if district_size <= 10 else 2,
            "tick0": 1,
            "rangemode": "normal",
            "zeroline": False,
        },
    )


def rank_reading(metric_label, points, class_size, district_size, class_label):
    """ "高新技术企业：2026年10月同类第 3 名（A类共 9 个），全区第 5 名；同类较上月上升 1 名"."""
    if not points:
        return f"{metric_label}：尚无填报数据，无法排名。"
    last = points[-1]
    text = (
        f"{metric_label}：{last.month.label}同类第 {last.rank_in_class} 名（{class_label}共 {class_size} 个），"
        f"全区第 {last.rank_overall} 名（共 {district_size} 个）"
    )
    if len(points) > 1 and points[-2].month == last.month.previous():
        change = points[-2].rank_in_class - last.rank_in_class
        if change > 0:
            text += f"；同类较上月上升 {change} 名"
        elif change < 0:
            text += f"；同类较上月下降 {-change} 名"
        else:
            text += "；同类排名与上月持平"
    return text + "。"
