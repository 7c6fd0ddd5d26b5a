"""Plotly figures of the profile page, built on the server from report rows.

Colours step through lightness as well as hue, and bars carry patterns, so that the charts stay
readable when printed in grey. The page embeds each figure as JSON (`targets.charts.as_json`) and
static/js/charts.js draws it with the one local plotly.js (basic bundle), with no inline script.
"""

import plotly.graph_objects as go

from targets.choices import PLAN_YEARS

from .choices import Industry

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
# Dark to light, distinguishable in grey print; with patterns as a second cue.
SHADES = ["#1b3a6b", "#3f6fb5", "#7fa6d9", "#b8cbe6", "#5c5c5c", "#d9d9d9"]
PATTERNS = ["", "/", ".", "x", "\\", "-"]


def _layout(fig, title, height=420):
    fig.update_layout(
        title={"text": title, "font": {"size": 15}},
        font={"family": FONT, "size": 12, "color": "#1f2933"},
        plot_bgcolor="#fff",
        paper_bgcolor="#fff",
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 60},
        legend={"orientation": "h", "y": -0.15},
        barmode="stack",
    )
    fig.update_xaxes(gridcolor="#e5e7eb")
    fig.update_yaxes(gridcolor="#e5e7eb")
    return fig


def industry_chart(rows):
    """Stacked bars: firms per sub-district by industry."""
    fig = go.Figure()
    names = [row.subdistrict.name for row in rows]
    for index, (value, label) in enumerate(Industry.choices):
        fig.add_bar(
            name=label,
            x=names,
            y=[row.by_industry.get(value, 0) for row in rows],
            marker={"color": SHADES[index], "pattern": {"shape": PATTERNS[index], "fgcolor": "#000", "size": 6}},
        )
    _layout(fig, "各街镇企业数（按产业）")
    fig.update_yaxes(title_text="企业数（家）")
    return fig


def expiry_chart(total):
    """District total per plan year: certificates expiring, of them not renewed, and the target."""
    years = [f"{year}年" for year in PLAN_YEARS]
    fig = go.Figure()
    fig.add_bar(
        name="到期证书",
        x=years,
        y=[cell.expiring for cell in total.cells],
        marker={"color": SHADES[2], "pattern": {"shape": "/", "fgcolor": "#000", "size": 6}},
    )
    fig.add_bar(
        name="其中未重新认定", x=years, y=[cell.not_renewed for cell in total.cells], marker={"color": SHADES[0]}
    )
    fig.add_scatter(
        name="当年高新技术企业目标数",
        x=years,
        y=[cell.target for cell in total.cells],
        mode="lines+markers",
        line={"color": "#000", "dash": "dash", "width": 2},
        marker={"symbol": "diamond", "size": 9, "color": "#000"},
    )
    _layout(fig, "高新技术企业证书到期展望（全区）")
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text="家")
    return fig


def pipeline_chart(rows):
    """Per sub-district: firms still needed to reach this year's target, beside 培优库 candidates."""
    names = [row.subdistrict.name for row in rows]
    fig = go.Figure()
    fig.add_bar(name="距今年目标还差", x=names, y=[row.gap or 0 for row in rows], marker={"color": SHADES[0]})
    fig.add_bar(
        name="培优库中尚未认定高新的企业",
        x=names,
        y=[row.pool_not_high_tech for row in rows],
        marker={"color": SHADES[3], "pattern": {"shape": ".", "fgcolor": "#000", "size": 5}},
    )
    _layout(fig, "培优库梯队与高新技术企业目标缺口")
    fig.update_layout(barmode="group")
    fig.update_yaxes(title_text="家")
    return fig
