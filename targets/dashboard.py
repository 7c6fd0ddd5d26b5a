"""What the dashboard and the sub-district pages show, assembled from progress and charts.

Each function costs a fixed number of queries whatever the number of months or sub-districts.
"""

from django.conf import settings

from tasks.models import Indicator

from . import charts, metrics
from .choices import ALL_YEARS, PLAN_YEARS, Metric
from .history import count_changes
from .models import PlanFigure, SubDistrict
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


def goal_status(goals, series, month, expected):
    """Each headline goal with the district total it is measured by (December of its year,
    or the latest complete month before then) and whether it is met (strictly "超过")."""
    rows = []
    for goal in goals:
        points = [p for p in series[goal.metric] if p.month <= min(month, Month(goal.year, 12))]
        complete = [p for p in points if p.value is not None and p.reported == expected]
        latest = complete[-1] if complete else None
        value = latest.value if latest else None
        rows.append(
            {
                "goal": goal,
                "value": value,
                "as_of": latest.month if latest else None,
                "final": latest is not None and latest.month == Month(goal.year, 12),
                "met": metrics.goal_met(value, int(goal.value), goal.comparator),
            }
        )
    return rows


def dashboard_context(month):
    subs = list(SubDistrict.objects.in_plan_order())
    progress = district_progress(month, subs)
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
        )
        table = [
            {"year": y, "target": by_year[y], "goal": next((g[2] for g in goals[metric] if g[0] == y), "")}
            for y in ALL_YEARS
        ]
        chart_list.append({"id": f"chart-{metric}", "metric": metric, "figure": charts.as_json(figure), "table": table})
    return {
        "progress": progress,
        "charts": chart_list,
        "completion_chart": charts.as_json(charts.completion_chart(progress.total, progress.time_progress_pct)),
        "by_category": progress.by_category(),
        "goal_rows": goal_status(headline, series, month, len(subs)),
        "status_labels": metrics.STATUS_LABELS,
        "yellow_pp": settings.STATUS_YELLOW_THRESHOLD_PP,
    }


def subdistrict_context(subdistrict, month):
    progress = district_progress(month)
    row = progress.row_for(subdistrict)
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
        )
        chart_list.append({"id": f"chart-{metric}", "metric": metric, "figure": charts.as_json(figure)})
    months = month_range(Month.first(), min(month, LAST_PLAN_MONTH))
    return {
        "row": row,
        "progress": progress,
        "charts": chart_list,
        "plan_figures": plan_row.figures,
        "month_rows": subdistrict_month_rows(series, curves, months),
        "changes": count_changes([subdistrict], limit=10),
        "class_size": sum(1 for r in progress.rows if r.subdistrict.category == subdistrict.category),
        "status_labels": metrics.STATUS_LABELS,
    }
