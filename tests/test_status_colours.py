"""The status colours have one source (targets.charts.STATUS_COLOURS, beside the status
vocabulary of targets.metrics): the stylesheet's badges, tiles and KPI borders use the same."""

import re
from pathlib import Path

from django.conf import settings

from targets import metrics
from targets.charts import STATUS_COLOURS

CSS = Path(settings.BASE_DIR) / "static" / "css" / "app.css"
# the stylesheet's variable each status is drawn with (.badge.status-*, .kpi.status-*, .tile-line.status-*)
VARIABLES = {
    metrics.STATUS_DONE: "--blue",
    metrics.STATUS_GREEN: "--green",
    metrics.STATUS_YELLOW: "--yellow",
    metrics.STATUS_RED: "--red",
}


def test_the_stylesheet_draws_each_status_in_its_chart_colour():
    css = CSS.read_text()
    root = dict(re.findall(r"(--[a-z]+):\s*(#[0-9a-fA-F]{6})", css[: css.index("}")]))
    for status, variable in VARIABLES.items():
        assert root[variable].lower() == STATUS_COLOURS[status].lower(), status
        for rule in (".badge", ".kpi", ".tile-line"):
            declaration = re.search(rf"{re.escape(rule)}\.status-{status} \{{([^}}]*)\}}", css).group(1)
            assert f"var({variable})" in declaration, (rule, status)
