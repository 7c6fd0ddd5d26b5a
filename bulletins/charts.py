"""The bulletin's charts, drawn from its stored figures (never from today's data)."""

import plotly.graph_objects as go

from targets.charts import GOAL, INK, STATUS_COLOURS, _figure, _hline, _pct


def bulletin_chart(figures, metric):
    """Completion of every sub-district for one metric, coloured by status, from stored figures."""
    section = figures["metrics"][metric]
    rows = [r for klass in section["classes"].values() for r in klass["rows"]]
    rows.sort(key=lambda r: (r["completion_pct"] is None, -(r["completion_pct"] or 0)))
    bars = go.Bar(
        x=[r["name"] for r in rows],
        y=[r["completion_pct"] for r in rows],
        marker={
            "color": [STATUS_COLOURS[r["status"]] for r in rows],
            "line": {"color": INK, "width": 1},
        },
        text=[_pct(r["completion_pct"]) for r in rows],
        textposition="outside",
        customdata=[r["status_label"] for r in rows],
        hovertemplate="%{x}<br>年度目标完成率：%{y:.1f}%<br>%{customdata}<extra></extra>",
    )
    return _figure(
        [bars],
        f"{section['label']}：各街镇年度目标完成率",
        height=360,
        xaxis={"tickangle": -45},
        yaxis={"ticksuffix": "%", "title": {"text": "年度目标完成率"}},
        shapes=[_hline(100, {"color": GOAL, "dash": "dash", "width": 1})],
    )
