"""The bulletin's charts, drawn from its stored figures (never from today's data)."""

import plotly.graph_objects as go

from targets.charts import GOAL, INK, STATUS_COLOURS, _figure, _hline, _pct


def bulletin_chart(figures, metric):
    """新增完成率 of every sub-district for one metric, in rank order and coloured by status (the
    same measure decides both), with the time progress as a line; from stored figures."""
    section = figures["metrics"][metric]
    rows = [r for klass in section["classes"].values() for r in klass["rows"]]
    rows.sort(key=lambda r: (r.get("rank_overall") is None, r.get("rank_overall") or 0, r["seq"]))
    bars = go.Bar(
        x=[r["name"] for r in rows],
        y=[r["increment_completion_pct"] for r in rows],
        marker={
            "color": [STATUS_COLOURS[r["status"]] for r in rows],
            "line": {"color": INK, "width": 1},
        },
        text=[_pct(r["increment_completion_pct"]) for r in rows],
        textposition="outside",
        customdata=[r["status_label"] for r in rows],
        hovertemplate="%{x}<br>新增完成率：%{y:.1f}%<br>%{customdata}<extra></extra>",
    )
    return _figure(
        [bars],
        f"{section['label']}：各街镇新增完成率（按排名）",
        height=360,
        xaxis={"tickangle": -45},
        yaxis={"ticksuffix": "%", "title": {"text": "新增完成率"}},
        shapes=[
            _hline(100, {"color": GOAL, "dash": "dash", "width": 1}),
            _hline(figures["time_progress_pct"], {"color": INK, "dash": "dot", "width": 1}),
        ],
    )
