"""Plotly figures built on the server. Pages embed the figure as JSON and the one local
plotly.js file (static/vendor, the basic bundle: scatter and bar) draws it; no CDN.

Colours are chosen to stay apart in grey print: the actual line is dark and solid, the target
curve light grey and dashed, and markers differ in shape as well as colour.
"""

import json

import plotly.graph_objects as go

from . import metrics
from .choices import Metric

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
INK, CURVE, TARGET, GOAL, PARTIAL = "#1f2933", "#9aa5b1", "#1e5aa8", "#a4161a", "#b7791f"
STATUS_COLOURS = {
    metrics.STATUS_DONE: "#1e5aa8",
    metrics.STATUS_GREEN: "#2e7d32",
    metrics.STATUS_YELLOW: "#d69e2e",
    metrics.STATUS_RED: "#c62828",
    metrics.STATUS_MISSING: "#9aa5b1",
}


def _figure(traces, title, height=380, xaxis=None, yaxis=None, shapes=(), annotations=(), **layout):
    """One Figure built from its whole layout at once: Plotly validates a layout given whole in
    a fraction of the time that successive update_layout / add_vline calls cost."""
    return go.Figure(
        data=traces,
        layout={
            "title": {"text": title, "font": {"size": 15}},
            "font": {"family": FONT, "size": 12, "color": INK},
            "height": height,
            "margin": {"l": 56, "r": 16, "t": 48, "b": 48},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
            "legend": {"orientation": "h", "y": -0.18},
            "hoverlabel": {"font": {"family": FONT}},
            "separators": ".,",
            "xaxis": {"showgrid": False, "linecolor": "#c3cad3", **(xaxis or {})},
            "yaxis": {"gridcolor": "#e6e9ee", "rangemode": "tozero", **(yaxis or {})},
            "shapes": list(shapes),
            "annotations": list(annotations),
            **layout,
        },
    )


def _vline(x, line):
    return {"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1, "line": line}


def _hline(y, line):
    return {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": y, "y1": y, "line": line}


def as_json(fig):
    """The figure as plain JSON data for `json_script` in a template."""
    return json.loads(fig.to_json())


def forecast_traces(projection):
    """The forecast as a dotted continuation from the last count to December, inside its band.

    projection: a targets.forecast.Forecast with a projection, or None (nothing drawn).
    """
    if projection is None or projection.projected is None:
        return []
    start, end = projection.month.date.isoformat(), f"{projection.year}-12-01"
    band = go.Scatter(
        x=[start, end, end, start],
        y=[projection.actual, projection.high, projection.low, projection.actual],
        name=f"预计区间（{projection.low}–{projection.high} 家）",
        mode="lines",
        fill="toself",
        fillcolor="rgba(30, 90, 168, 0.12)",
        line={"width": 0},
        hoverinfo="skip",
    )
    line = go.Scatter(
        x=[start, end],
        y=[projection.actual, projection.projected],
        name=f"预计年底（{projection.method_label}）",
        mode="lines+markers",
        line={"color": TARGET, "dash": "dot", "width": 2},
        marker={"size": [0, 9], "symbol": "star"},
        hovertemplate="%{x|%Y年%-m月} 预计：%{y} 家<extra></extra>",
    )
    return [band, line]


def progress_chart(title, actual_points, curve_points, yearly_targets, goals=(), until=None, projection=None):
    """Actual counts against the plan's target curve, with the year-end forecast when given.

    actual_points: [(Month, value, note)] (note shown on hover, e.g. "16/17 个街镇填报");
    curve_points: [(Month, value)]; yearly_targets: [(year, value)];
    goals: [(year, value, label)] for the headline goals; projection: a Forecast or None.
    """
    traces = forecast_traces(projection)
    traces.append(
        go.Scatter(
            x=[m.date.isoformat() for m, _ in curve_points],
            y=[None if v is None else float(v) for _, v in curve_points],
            name="目标曲线（年度目标按月线性分解）",
            mode="lines",
            line={"color": CURVE, "dash": "dash", "width": 2},
            hovertemplate="%{x|%Y年%-m月} 目标曲线：%{y:.1f} 家<extra></extra>",
        )
    )
    complete = [(m, v, note) for m, v, note in actual_points if v is not None and not note]
    partial = [(m, v, note) for m, v, note in actual_points if v is not None and note]
    traces.append(
        go.Scatter(
            x=[m.date.isoformat() for m, _, _ in complete],
            y=[v for _, v, _ in complete],
            name="实际（月末存量）",
            mode="lines+markers",
            line={"color": INK, "width": 3},
            marker={"size": 5, "symbol": "circle"},
            hovertemplate="%{x|%Y年%-m月} 实际：%{y} 家<extra></extra>",
        )
    )
    if partial:
        traces.append(
            go.Scatter(
                x=[m.date.isoformat() for m, _, _ in partial],
                y=[v for _, v, _ in partial],
                name="实际（部分街镇未填报）",
                mode="markers",
                marker={"size": 8, "symbol": "circle-open", "color": PARTIAL},
                text=[note for _, _, note in partial],
                hovertemplate="%{x|%Y年%-m月} 已填报合计：%{y} 家（%{text}）<extra></extra>",
            )
        )
    traces.append(
        go.Scatter(
            x=[f"{year}-12-01" for year, _ in yearly_targets],
            y=[v for _, v in yearly_targets],
            name="年度目标",
            mode="markers+text",
            marker={"size": 10, "symbol": "diamond", "color": TARGET},
            text=[str(v) for _, v in yearly_targets],
            textposition="top center",
            hovertemplate="%{x|%Y}年目标：%{y} 家<extra></extra>",
        )
    )
    if goals:
        traces.append(
            go.Scatter(
                x=[f"{year}-12-01" for year, _, _ in goals],
                y=[v for _, v, _ in goals],
                name="总体目标（超过）",
                mode="markers+text",
                marker={"size": 12, "symbol": "triangle-up", "color": GOAL},
                text=[label for _, _, label in goals],
                textposition="bottom left",
                hovertemplate="%{x|%Y}年：%{text}<extra></extra>",
            )
        )
    shapes = [] if until is None else [_vline(until.date.isoformat(), {"color": "#c3cad3", "width": 1, "dash": "dot"})]
    return _figure(
        traces,
        title,
        # Room on the right for the 2027 labels ("超过570家"), which sit on the last month.
        xaxis={"tickformat": "%Y年%-m月", "dtick": "M6", "range": ["2022-11-01", "2028-04-01"]},
        yaxis={"title": {"text": "家"}},
        shapes=shapes,
    )


def _pct(value):
    return "—" if value is None else f"{value:.1f}%"


def completion_chart(total, time_progress_pct):
    """This year's completion and increment completion of both metrics beside time progress."""
    labels = [Metric(m).label for m in total]
    traces = [
        go.Bar(
            y=labels,
            x=[total[m].completion_pct for m in total],
            name="年度目标完成率",
            orientation="h",
            marker={"color": TARGET},
            text=[_pct(total[m].completion_pct) for m in total],
            textposition="outside",
            hovertemplate="%{y} 年度目标完成率：%{x:.1f}%<extra></extra>",
        ),
        go.Bar(
            y=labels,
            x=[total[m].increment_completion_pct for m in total],
            name="新增完成率",
            orientation="h",
            marker={"color": "#9aa5b1", "pattern": {"shape": "/"}},
            text=[_pct(total[m].increment_completion_pct) for m in total],
            textposition="outside",
            hovertemplate="%{y} 新增完成率：%{x:.1f}%<extra></extra>",
        ),
    ]
    label = {
        "x": time_progress_pct,
        "xref": "x",
        "y": 1,
        "yref": "paper",
        "yanchor": "bottom",
        "showarrow": False,
        "text": f"序时进度 {time_progress_pct:.1f}%",
    }
    return _figure(
        traces,
        "本年度目标完成情况与序时进度",
        height=260,
        xaxis={"ticksuffix": "%", "range": [0, 120]},
        shapes=[_vline(time_progress_pct, {"color": GOAL, "width": 2, "dash": "dash"})],
        annotations=[label],
        barmode="group",
    )
