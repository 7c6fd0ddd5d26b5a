"""The bulletin's charts, drawn from its stored figures (never from today's data)."""

import asyncio
import concurrent.futures
import hashlib
import json
import logging
import os
import shutil

import kaleido
import plotly.graph_objects as go
from django.conf import settings
from django.core.cache import cache

from targets import metrics, rate_words
from targets.charts import GOAL, INK, STATUS_COLOURS, _figure, _vline, bar, progress_chart
from targets.months import Month

logger = logging.getLogger(__name__)

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
    """ "53.3%※（-1/1家）　滞后": the rate, the firms it is made of where stored, the status."""
    value = row[MEASURE]
    label = row["status_label"]
    if value is None:
        return label
    firms = ""
    if row.get("new_year") is not None and row.get("need") is not None:
        firms = f"（{rate_words.firms_text(row['new_year'], row['need'])}家）"
    return f"{rate_words.rate_text(value, row.get('small'))}{firms}　{label}"


def _below_zero(row):
    return row[MEASURE] is not None and row[MEASURE] < 0


def bulletin_chart(figures, metric):
    """Every sub-district's 新增完成率 for one metric beside 序时进度: bars from 0, best at the
    top, coloured and patterned by the status that this same measure decides."""
    section, rows = _rows(figures, metric)
    time_pct = figures["time_progress_pct"]
    values = [r[MEASURE] for r in rows]
    bars = bar(
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
        # a bar below zero carries its words right of the zero line (an annotation below), not
        # left of its end, where they would run into the sub-districts' names
        text=[_bar_text(r) if not _below_zero(r) else "" for r in rows],
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
    below_zero = [
        {"x": 0, "xref": "x", "y": r["name"], "yref": "y", "xanchor": "left", "xshift": 4, "showarrow": False,
         "text": _bar_text(r), "font": {"color": INK}}
        for r in rows if _below_zero(r)
    ]  # fmt: skip
    return _figure(
        [bars],
        None,
        height=120 + 24 * len(rows),
        xaxis={
            "ticksuffix": "%",
            "range": [low - span * 0.02, high + span * 0.45],
            "zeroline": True,
            "zerolinecolor": INK,
            "title": {"text": MEASURE_LABEL},
            "tickangle": 0,
        },
        # every sub-district named (plotly skips category labels it finds crowded)
        yaxis={
            "autorange": "reversed",
            "automargin": True,
            "rangemode": "normal",
            "gridcolor": "rgba(0,0,0,0)",
            "dtick": 1,
        },
        shapes=[_vline(time_pct, {"color": GOAL, "dash": "dash", "width": 2})],
        annotations=[label, *below_zero],
        margin={"l": 80, "r": 16, "t": 28, "b": 48},
        bargap=0.25,
        # on a phone (static/js/charts.js) the bars carry their rate only: the status words beside
        # them ran past the screen's edge; the colour and pattern still say it, the table names it
        meta={
            "narrow": {
                "data": [{"text": [_narrow_text(r) for r in rows]}],
                "layout": {"xaxis": {"range": [low - span * 0.02, high + span * 0.22]}, "margin": {"l": 70, "r": 8}},
            }
        },
    )


def _narrow_text(row):
    return "" if row[MEASURE] is None or _below_zero(row) else f"{row[MEASURE]:.1f}%"


def _caliber(figures):
    """ "（原方案口径：延续的12个街镇）" when the curves cover part of the month's units; "" otherwise."""
    return f"（{figures['caliber']}）" if figures.get("caliber") else ""


def curve_chart(figures, metric):
    """District actual against the target curve up to the bulletin's month, from stored figures."""
    data = figures["curves"][metric]
    return progress_chart(
        f"{figures['metrics'][metric]['label']}：全区实际与目标曲线{_caliber(figures)}",
        [(Month.parse(m), value, note) for m, value, note in data["actual"]],
        [(Month.parse(m), value) for m, value in data["curve"]],
        [tuple(t) for t in data["targets"]],
        [tuple(g) for g in data["goals"]],
        until=Month.parse(figures["month"]),
        base=data.get("base"),
    )


def image_figures(figures):
    """{key: (caption, figure)} of the charts the Word file carries."""
    out = {}
    for metric, section in figures["metrics"].items():
        if figures["curves"].get(metric):
            caption = f"图：{section['label']}全区实际与目标曲线{_caliber(figures)}"
            out[f"curve-{metric}"] = (caption, curve_chart(figures, metric))
    for metric, section in figures["metrics"].items():
        out[f"completion-{metric}"] = (
            f"图：{section['label']}各街镇新增完成率（按排名）",
            bulletin_chart(figures, metric),
        )
    return out


def find_browser():
    """The Chromium that draws the pictures, or None."""
    configured = settings.CHART_BROWSER
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


class ChartsUnavailable(Exception):
    """The pictures could not be drawn; the message says why, in Chinese."""


def chart_images(figures, width=900, height=360):
    """{key: (caption, PNG bytes)} for the Word file, drawn by kaleido in one browser session.

    Pictures are kept in the cache under a hash of the figure, so a published bulletin is drawn
    once. Raises ChartsUnavailable when they cannot be drawn (no browser, switched off, error).
    """
    if not settings.BULLETIN_CHART_IMAGES:
        raise ChartsUnavailable("本文件未附图表：服务器未启用图表绘制")
    wanted = image_figures(figures)
    keys, opts = {}, {}
    for key, (caption, fig) in wanted.items():
        fig = go.Figure(fig)  # validated here: what kaleido draws
        wanted[key] = (caption, fig)
        # Larger type than on screen: the picture is printed 150 mm wide; a figure taller than
        # `height` (a bar per sub-district) keeps its own, so that no label is crowded out.
        tall = max(height, fig.layout.height or 0)
        fig.update_layout(height=tall, font={"size": 15}, title={"font": {"size": 18}})
        opts[key] = {"format": "png", "width": width, "height": tall, "scale": 2}
        digest = hashlib.sha256((fig.to_json() + json.dumps(opts[key])).encode()).hexdigest()
        keys[key] = f"bulletin-chart:{digest}"
    cached = cache.get_many(list(keys.values()))
    missing = [k for k in wanted if keys[k] not in cached]
    if missing:
        browser = find_browser()
        if browser is None:
            raise ChartsUnavailable("本文件未附图表：服务器上未找到绘制图表所需的浏览器（Chromium）")
        try:
            pngs = _draw([(wanted[k][1], opts[k]) for k in missing], browser)
        except Exception as exc:  # a browser that fails to start or times out
            logger.warning("bulletin charts not drawn: %s", exc)
            raise ChartsUnavailable("本文件未附图表：服务器绘制图表时出错") from exc
        fresh = {keys[k]: png for k, png in zip(missing, pngs, strict=True)}
        cache.set_many(fresh, timeout=None)
        cached.update(fresh)
    return {key: (wanted[key][0], cached[keys[key]]) for key in wanted}


def _draw(figs, browser):
    """PNG bytes of each (figure, kaleido options)."""

    async def draw():
        async with kaleido.Kaleido(n=1, timeout=settings.CHART_IMAGE_TIMEOUT, mathjax=False, path=browser) as k:
            return [await k.calc_fig(fig, opts=opts) for fig, opts in figs]

    # A thread of its own, so that a running event loop (ASGI, tests) is never in the way.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, draw()).result()


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
