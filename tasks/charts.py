"""Plotly figures for the task and indicator pages, built on the server.

Each takes plain rows and returns the figure as JSON data; the page embeds it with
`includes/chart.html` and static/js/charts.js draws it with the one local plotly.js (no inline
script, which the Content-Security-Policy forbids). Only scatter and bar traces: the page loads
the basic bundle.
Colours differ in lightness and every series is also named in words, so grey print reads.
"""

import plotly.graph_objects as go

from targets.charts import as_json

from .choices import Colour

FONT = '"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif'
COLOUR_HEX = {
    Colour.RED: "#b71c1c",
    Colour.YELLOW: "#f2c14e",
    Colour.GREEN: "#4caf50",
    Colour.BLUE: "#1e3a8a",
    Colour.GREY: "#bdbdbd",
}
LINE = "#1e5aa8"
TARGET = "#444444"


def _figure(fig, height=260):
    fig.update_layout(
        height=height,
        margin={"l": 50, "r": 20, "t": 30, "b": 50},
        font={"family": FONT, "size": 12},
        paper_bgcolor="#fff",
        plot_bgcolor="#fff",
        legend={"orientation": "h", "y": -0.25},
    )
    fig.update_xaxes(showline=True, linecolor="#999", type="category", nticks=12, tickangle=0)
    fig.update_yaxes(gridcolor="#e5e5e5", rangemode="tozero")
    return as_json(fig)


def trend_chart(points, target=None, unit="", name="实际值", target_name="目标"):
    """A line of (label, value) points with the target as a dashed line; None without points."""
    if not points:
        return None
    labels = [label for label, _ in points]
    values = [float(value) for _, value in points]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=values,
            name=name,
            mode="lines+markers+text" if len(points) <= 8 else "lines+markers",
            text=[f"{v:g}" for v in values],
            textposition="top center",
            line={"color": LINE, "width": 2},
            marker={"symbol": "circle", "size": 7},
        )
    )
    if target is not None:
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=[float(target)] * len(labels),
                name=target_name,
                mode="lines",
                line={"color": TARGET, "width": 1.5, "dash": "dash"},
            )
        )
    fig.update_yaxes(title_text=unit)
    return _figure(fig)


def status_chart(counts):
    """How many tasks have each colour: [(colour, label, count)], as horizontal bars so that
    the five labels keep their room on a phone (upright bars squeezed them into one another)."""
    rows = list(reversed(counts))  # the first colour (滞后) on top, as in the table beside it
    fig = go.Figure(
        go.Bar(
            y=[label for _, label, _ in rows],
            x=[n for _, _, n in rows],
            orientation="h",
            marker={"color": [COLOUR_HEX[c] for c, _, _ in rows], "line": {"color": "#333", "width": 1}},
            text=[f"{n}项" for _, _, n in rows],
            textposition="outside",
            cliponaxis=False,
            name="任务数",
        )
    )
    fig.update_layout(
        height=60 + 34 * len(rows),
        margin={"l": 10, "r": 40, "t": 10, "b": 40},
        font={"family": FONT, "size": 12},
        paper_bgcolor="#fff",
        plot_bgcolor="#fff",
        showlegend=False,
    )
    fig.update_yaxes(type="category", automargin=True, showline=True, linecolor="#999")
    fig.update_xaxes(title_text="任务数（项）", tickformat="d", rangemode="tozero", gridcolor="#e5e5e5", nticks=6)
    return as_json(fig)
