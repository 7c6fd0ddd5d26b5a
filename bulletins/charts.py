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

from targets.charts import GOAL, INK, STATUS_COLOURS, _figure, _hline, _pct, progress_chart
from targets.months import Month

logger = logging.getLogger(__name__)


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


def curve_chart(figures, metric):
    """District actual against the target curve up to the bulletin's month, from stored figures."""
    data = figures["curves"][metric]
    return progress_chart(
        f"{figures['metrics'][metric]['label']}：全区实际与目标曲线",
        [(Month.parse(m), value, note) for m, value, note in data["actual"]],
        [(Month.parse(m), value) for m, value in data["curve"]],
        [tuple(t) for t in data["targets"]],
        [tuple(g) for g in data["goals"]],
        until=Month.parse(figures["month"]),
    )


def image_figures(figures):
    """{key: (caption, figure)} of the charts the Word file carries."""
    out = {}
    for metric, section in figures["metrics"].items():
        if figures.get("curves", {}).get(metric):
            out[f"curve-{metric}"] = (f"图：{section['label']}全区实际与目标曲线", curve_chart(figures, metric))
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
    opts = {"format": "png", "width": width, "height": height, "scale": 2}
    keys = {}
    for key, (_, fig) in wanted.items():
        # Larger type than on screen: the picture is printed 150 mm wide.
        fig.update_layout(height=height, font={"size": 15}, title={"font": {"size": 18}})
        digest = hashlib.sha256((fig.to_json() + json.dumps(opts)).encode()).hexdigest()
        keys[key] = f"bulletin-chart:{digest}"
    cached = cache.get_many(list(keys.values()))
    missing = [k for k in wanted if keys[k] not in cached]
    if missing:
        browser = find_browser()
        if browser is None:
            raise ChartsUnavailable("本文件未附图表：服务器上未找到绘制图表所需的浏览器（Chromium）")
        try:
            pngs = _draw([wanted[k][1] for k in missing], opts, browser)
        except Exception as exc:  # a browser that fails to start or times out
            logger.warning("bulletin charts not drawn: %s", exc)
            raise ChartsUnavailable("本文件未附图表：服务器绘制图表时出错") from exc
        fresh = {keys[k]: png for k, png in zip(missing, pngs, strict=True)}
        cache.set_many(fresh, timeout=None)
        cached.update(fresh)
    return {key: (wanted[key][0], cached[keys[key]]) for key in wanted}


def _draw(figs, opts, browser):
    async def draw():
        async with kaleido.Kaleido(n=1, timeout=settings.CHART_IMAGE_TIMEOUT, mathjax=False, path=browser) as k:
            return [await k.calc_fig(fig, opts=opts) for fig in figs]

    # A thread of its own, so that a running event loop (ASGI, tests) is never in the way.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, draw()).result()
