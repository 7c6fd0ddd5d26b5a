"""What the dashboard and the sub-district pages show, assembled from progress and charts.

Each function costs a fixed number of queries whatever the number of months or sub-districts.
"""

from django.conf import settings

from . import charts, forecast, metrics
from .choices import ALL_YEARS, PLAN_YEARS, Metric
from .goals import headline_goals
from .history import corrections_since_lock, count_changes
from .models import Indicator, PlanFigure, SubDistrict
from .months import Month, month_range
from .progress import LAST_PLAN_MONTH, district_progress, district_series, plan_curve, subdistrict_series
from .tables import subdistrict_month_rows


def _figures_by_year(rows, metric):
    return {year: sum(row.figures[metric][year] for row in rows) for year in ALL_YEARS}


def chart_goals(goals):
    """{metric: [(year, value, label)]}: the plan's 二(一) goals as chart markers."""
    out = {metric: [] for metric in Metric.values}
    for goal in goals:
        out[goal.metric].append((goal.year, int(goal.value), goal.target_text))
    return out


def attach_forecast(progress, outlook):
    """Put each Forecast beside the MetricProgress it continues (pages show them together)."""
    for metric in Metric.values:
        progress.total[metric].forecast = outlook.total[metric]
    by_sub = {row.subdistrict.pk: row for row in outlook.rows}
    for row in progress.rows:
        for metric in Metric.values:
            row.metrics[metric].forecast = by_sub[row.subdistrict.pk].metrics[metric]


def dashboard_context(month):
    subs = list(SubDistrict.objects.filter(district__slug=settings.DISTRICT_SLUG).in_plan_order())
    progress = district_progress(month, subs)
    outlook = forecast.provider()(month, subs)
    attach_forecast(progress, outlook)
    plan_rows = PlanFigure.objects.rows_for(subs)
    series = district_series(subs, month)
    headline = list(Indicator.objects.filter(kind="headline").exclude(metric=""))
    goals = chart_goals(headline)
    chart_list = []
    for metric in Metric.values:
        by_year = _figures_by_year(plan_rows, metric)
        actual = [
            (p.month, p.value, "" if p.reported == len(subs) else f"{p.reported}/{len(subs)} 个街镇填报")
            for p in series[metric]
        ]
        figure = charts.progress_chart(
            f"{Metric(metric).label}：全区实际与目标曲线",
            actual,
            plan_curve(by_year),
            [(y, by_year[y]) for y in PLAN_YEARS],
            goals[metric],
            until=month,
            projection=outlook.total[metric],
        )
        table = [
            {"year": y, "target": by_year[y], "goal": next((g[2] for g in goals[metric] if g[0] == y), "")}
            for y in ALL_YEARS
        ]
        chart_list.append({"id": f"chart-{metric}", "metric": metric, "figure": charts.as_json(figure), "table": table})
    return {
        "progress": progress,
        "forecast": outlook,
        "charts": chart_list,
        "completion_chart": charts.as_json(charts.completion_chart(progress.total, progress.time_progress_pct)),
        "by_category": progress.by_category(),
        "goal_rows": headline_goals(
            month,
            sorted(headline, key=lambda g: (g.year, g.position)),
            complete_totals={
                metric: {p.month: p.value for p in points if p.value is not None and p.reported == len(subs)}
                for metric, points in series.items()
            },
            plan_totals={
                (metric, y): _figures_by_year(plan_rows, metric)[y] for metric in Metric.values for y in ALL_YEARS
            },
        ),
        "status_labels": metrics.STATUS_LABELS,
        "yellow_pp": settings.STATUS_YELLOW_THRESHOLD_PP,
        "pending_corrections": corrections_since_lock([month]).get(month, 0),
    }


def subdistrict_context(subdistrict, month):
    progress = district_progress(month)
    row = progress.row_for(subdistrict)
    district = forecast.provider()(month, [r.subdistrict for r in progress.rows])
    attach_forecast(progress, district)
    outlook = district.row_for(subdistrict)
    plan_row = PlanFigure.objects.rows_for([subdistrict])[0]
    series = subdistrict_series(subdistrict, month)
    curves, chart_list = {}, []
    for metric in Metric.values:
        curve = plan_curve(plan_row.figures[metric])
        curves[metric] = dict(curve)
        figure = charts.progress_chart(
            f"{subdistrict.name}{Metric(metric).label}：实际与目标曲线",
            [(m, value, "") for m, (value, _) in sorted(series[metric].items())],
            curve,
            [(y, plan_row.figures[metric][y]) for y in PLAN_YEARS],
            until=month,
            projection=outlook.metrics[metric],
        )
        chart_list.append({"id": f"chart-{metric}", "metric": metric, "figure": charts.as_json(figure)})
    months = month_range(Month.first(), min(month, LAST_PLAN_MONTH))
    return {
        "row": row,
        "forecast": outlook,
        "progress": progress,
        "charts": chart_list,
        "plan_figures": plan_row.figures,
        "month_rows": subdistrict_month_rows(series, curves, months),
        "changes": count_changes([subdistrict], limit=10),
        "class_size": sum(1 for r in progress.rows if r.subdistrict.category == subdistrict.category),
        "status_labels": metrics.STATUS_LABELS,
    }
