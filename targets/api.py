"""Payloads of the read-only JSON API (plan 四(一): data sharing), scoped like every page."""

from tasks.models import Indicator

from . import metrics
from .choices import Metric
from .models import MonthlyCount, PlanFigure, SubDistrict


def _by_year(figures):
    return {metric: {str(year): value for year, value in years.items()} for metric, years in figures.items()}


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def goal_payload(indicator):
    return {
        "code": indicator.code,
        "kind": indicator.kind,
        "name": indicator.name,
        "year": indicator.year,
        "comparator": indicator.comparator,
        "value": _number(indicator.value),
        "unit": indicator.unit,
        "metric": indicator.metric or None,
        "source": indicator.source,
        "text": indicator.text,
    }


def plan_rows_and_totals(user):
    """The plan lines `user` may read, and the district totals computed over every line."""
    all_rows = PlanFigure.objects.rows_for(SubDistrict.objects.in_plan_order())
    visible = set(SubDistrict.objects.plan_visible_to(user).values_list("pk", flat=True))
    totals = metrics.sum_plan_figures(row.figures for row in all_rows)
    return [row for row in all_rows if row.subdistrict.pk in visible], totals


def targets_payload(user):
    """The attachment as JSON, with the computed 合计 and the district goals."""
    rows, totals = plan_rows_and_totals(user)
    return {
        "subdistricts": [
            {
                "slug": row.subdistrict.slug,
                "name": row.subdistrict.name,
                "category": row.subdistrict.category,
                "seq": row.subdistrict.seq,
                "targets": _by_year(row.figures),
            }
            for row in rows
        ],
        "total": _by_year(totals),
        "goals": [goal_payload(indicator) for indicator in Indicator.objects.all()],
    }


def progress_payload(user, month):
    """Each sub-district in the user's scope with its logged counts for `month` (null if none)."""
    subs = list(SubDistrict.objects.visible_to(user).in_plan_order())
    counts = {
        (sub_id, metric): (value, note)
        for sub_id, metric, value, note in MonthlyCount.objects.filter(
            subdistrict__in=subs, month=month.date
        ).values_list("subdistrict_id", "metric", "value", "note")
    }
    rows = []
    for sub in subs:
        row = {"slug": sub.slug, "name": sub.name, "category": sub.category}
        for metric in Metric.values:
            value, note = counts.get((sub.pk, metric), (None, ""))
            row[metric] = {"actual": value, "note": note}
        rows.append(row)
    return {"month": str(month), "subdistricts": rows}
