"""`{{ figure|chart_script:element_id }}`: a chart's JSON in a <script> element for static/js/charts.js."""

from django import template
from django.utils.html import format_html, json_script
from django.utils.safestring import mark_safe

from targets.charts import ChartJSON

register = template.Library()


@register.filter
def chart_script(figure, element_id):
    """A ChartJSON (`targets.charts.as_json`) as serialized and escaped once; other data through
    `json_script`, which escapes it the same way."""
    if isinstance(figure, ChartJSON):
        return format_html('<script id="{}" type="application/json">{}</script>', element_id, mark_safe(figure.text))  # noqa: S308 - escaped for <script> by as_json
    return json_script(figure, element_id)
