"""The bulletin's charts, drawn from its stored figures (never from today's data)."""

import plotly.graph_objects as go

from targets import metrics
from targets.charts import GOAL, INK, STATUS_COLOURS, _figure, _vline

# Grey print keeps the statuses apart by pattern as well as by the word written on each bar.
STATUS_PATTERNS = {
    metrics.STATUS_DONE: "",
    metrics.STATUS_GREEN: "/",
    metrics.STATUS_YELLOW: ".",
    metrics.STATUS_RED: "x",
    metrics.STATUS_MISSING: "",
}
# The measure the bars show is the one the status is decided by.
MEASURE, MEASURE_LABEL = "increment_completion_pct", "新增完成率"


def _rows(figures, metric):
    section = figures["metrics"][metric]
    rows = [r for klass in section["classes"].values() for r in klass["rows"]]
    # rank order: the ranks are decided by this same measure (ties broken by 年度目标完成率)
    rows.sort(key=lambda r: (r.get("rank_overall") is None, r.get("rank_overall") or 0, r["seq"]))
    return section, rows


def _bar_text(row):
    value = row[MEASURE]
    label = row["status_label"]
    return label if value is None else f"{value:.1f}%　{label}"


def bulletin_chart(figures, metric):
    """Every sub-district's 新增完成率 for one metric beside 序时进度: bars from 0, best at the
    top, coloured and patterned by the status that this same measure decides."""
    section, rows = _rows(figures, metric)
    time_pct = figures["time_progress_pct"]
    values = [r[MEASURE] for r in rows]
    bars = go.Bar(
        y=[r["name"] for r in rows],
        x=[0 if v is None else v for v in values],
        orientation="h",
        marker={
            "color": [STATUS_COLOURS[r["status"]] for r in rows],
            "line": {"color": INK, "width": 1},
            "pattern": {
                "shape": [STATUS_PATTERNS[r["status"]] for r in rows],
                "fgcolor": "#ffffff",
                "size": 6,
                "solidity": 0.35,
            },
        },
        text=[_bar_text(r) for r in rows],
        textposition="outside",
        cliponaxis=False,
        customdata=[[r["status_label"], r["completion_pct"]] for r in rows],
        hovertemplate="%{y}<br>" + MEASURE_LABEL + "：%{x:.1f}%<br>年度目标完成率：%{customdata[1]:.1f}%"
        "<br>%{customdata[0]}<extra></extra>",
        showlegend=False,
    )
    defined = [v for v in values if v is not None] + [time_pct]
    low, high = min(0, min(defined)), max(defined)
    span = high - low
    label = {
        "x": time_pct,
        "xref": "x",
        "y": 1,
        "yref": "paper",
        "yanchor": "bottom",
        "showarrow": False,
        "text": f"序时进度 {time_pct:.1f}%",
        "font": {"color": GOAL},
    }
    return _figure(
        [bars],
        None,
        height=120 + 24 * len(rows),
        xaxis={
            "ticksuffix": "%",
            "range": [low - span * 0.02, high + span * 0.32],
            "zeroline": True,
            "zerolinecolor": INK,
            "title": {"text": MEASURE_LABEL},
            "tickangle": 0,
        },
        yaxis={"autorange": "reversed", "automargin": True, "rangemode": "normal", "gridcolor": "rgba(0,0,0,0)"},
        shapes=[_vline(time_pct, {"color": GOAL, "dash": "dash", "width": 2})],
        annotations=[label],
        margin={"l": 80, "r": 16, "t": 28, "b": 48},
        bargap=0.25,
    )


def bulletin_chart_reading(figures, metric):
    """One line under the chart, from the same figures: who lags, who leads, against 序时进度."""
    section, rows = _rows(figures, metric)
    time_pct = figures["time_progress_pct"]
    by_status = {}
    for row in rows:
        by_status.setdefault(row["status"], []).append(row["name"])
    red, yellow = by_status.get(metrics.STATUS_RED, []), by_status.get(metrics.STATUS_YELLOW, [])
    parts = [f"序时进度 {time_pct:.1f}%"]
    parts.append(f"{len(red)} 个街镇滞后（{'、'.join(red)}）" if red else "无滞后街镇")
    if yellow:
        parts.append(f"{len(yellow)} 个略低于序时进度（{'、'.join(yellow)}）")
    ranked = [r for r in rows if r[MEASURE] is not None]
    if ranked:
        parts.append(f"{MEASURE_LABEL}最高的是{ranked[0]['name']}（{ranked[0][MEASURE]:.1f}%）")
    missing = by_status.get(metrics.STATUS_MISSING, [])
    if missing:
        parts.append(f"未填报：{'、'.join(missing)}")
    return f"{section['label']}：" + "；".join(parts) + "。"
