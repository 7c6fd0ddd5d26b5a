"""What the dashboard and the sub-district pages show, assembled from progress and charts.

Each function costs a fixed number of queries whatever the number of months or sub-districts.
"""

from dataclasses import dataclass

from django.conf import settings

from . import charts, forecast, metrics, rate_words
from .choices import ALL_YEARS, METRICS, PLAN_YEARS, Metric
from .goals import headline_goals, headline_of
from .history import corrections_since_lock, newest_changes
from .months import Month, month_range
from .progress import (
    LAST_PLAN_MONTH,
    district_progress,
    partial_note,
    plan_curve,
    plan_maps,
    plan_totals,
    rank_history,
)
from .series import district_series, subdistrict_series
from .tables import subdistrict_month_rows


def chart_goals(goals):
    """{metric: [(year, value, label)]}: the plan's 二(一) goals as chart markers."""
    out = {metric: [] for metric in METRICS}
    for goal in goals:
        out[goal.metric].append((goal.year, int(goal.value), goal.target_text))
    return out


def band_points(base, target, year, yellow_pp):
    """[(Month, low, high)] of the 略低于序时进度 band from last December to December `year`."""
    points = []
    for m in range(13):
        band = metrics.status_band(base, target, m, yellow_pp)
        if band is None:
            return []
        points.append((Month(year - 1, 12) if m == 0 else Month(year, m), *band))
    return points


# The league table puts who needs attention first: 滞后, then 略低于, then 未填报, then the rest.
ATTENTION_ORDER = [
    metrics.STATUS_RED,
    metrics.STATUS_YELLOW,
    metrics.STATUS_MISSING,
    metrics.STATUS_GREEN,
    metrics.STATUS_DONE,
    metrics.STATUS_PENDING,
]


@dataclass
class LeagueRow:
    """One sub-district in one metric's league table on the dashboard's first screen."""

    subdistrict: object
    progress: object  # MetricProgress


def league(rows, metric):
    """The sub-districts of one metric ordered by status (滞后 first) and then by the ranking
    measure, lowest first within a status, so that who lags most comes first. Ties keep plan order."""

    def key(row):
        m = row.metrics[metric]
        rank_key = m.rank_key
        return (ATTENTION_ORDER.index(m.status), rank_key is None, rank_key or ())

    return [LeagueRow(row.subdistrict, row.metrics[metric]) for row in sorted(rows, key=key)]


def attention(leagues):
    """The lagging and nearly lagging sub-districts of each metric, for the one line at the top:
    [(status, status label, [(metric label, [LeagueRow])])], statuses without anyone left out."""
    out = []
    for status in (metrics.STATUS_RED, metrics.STATUS_YELLOW, metrics.STATUS_MISSING):
        per_metric = [(lg["label"], [r for r in lg["rows"] if r.progress.status == status]) for lg in leagues]
        per_metric = [(label, rows) for label, rows in per_metric if rows]
        if per_metric:
            out.append((status, metrics.STATUS_LABELS[status], per_metric))
    return out


def meter(rate_pct, time_pct):
    """Widths (% of the meter) of a 新增完成率 bar and of the 序时进度 mark; the meter runs from 0
    to whichever is larger of 100% and the rate, so nothing is cut and 100% is always in view."""
    if rate_pct is None:
        return None
    top = max(100.0, rate_pct, time_pct)
    return {
        "bar": round(max(0.0, rate_pct) / top * 100, 1),
        "mark": round(time_pct / top * 100, 1),
        "full": round(100 / top * 100, 1),
    }


def standing(progress, month, subs_count):
    """Each metric's district line for the first screen: the figures, the meter, the reading."""
    out = []
    for metric, t in progress.total.items():
        complete = metrics.is_complete(t.covered, t.expected)  # every unit judged against a target reported
        out.append(
            {
                "metric": metric,
                "label": Metric(metric).label,
                "total": t,
                "meter": meter(t.increment_completion_pct, progress.time_progress_pct),
                "reading": charts.curve_reading(
                    f"全区{Metric(metric).label}", t.actual if complete else None, t.curve, month
                ),
            }
        )
    return out


def attach_forecast(progress, outlook):
    """Put each Forecast beside the MetricProgress it continues (pages show them together)."""
    for metric, total in outlook.total.items():
        progress.total[metric].forecast = total
    by_sub = {row.subdistrict.pk: row for row in outlook.rows}
    for row in progress.rows:
        if row.subdistrict.pk in by_sub:  # an outlook of some sub-districts only leaves the rest
            for metric in METRICS:
                row.metrics[metric].forecast = by_sub[row.subdistrict.pk].metrics[metric]


def dashboard_context(month):
    progress = district_progress(month)
    area = progress.area
    # what is compared with targets covers the units with a line in the version in force: the
    # totals, the attachment's 合计, the curve and the forecast (口径: `area.caliber`)
    subs = area.targeted_members
    outlook = forecast.provider()(month, subs)
    attach_forecast(progress, outlook)
    totals = plan_totals(subs, area.version)  # the attachment's 合计
    series = district_series(month, units=lambda _: subs)
    headline = headline_of(area)
    goals = chart_goals(headline)
    chart_list = []
    for metric in METRICS:
        by_year = totals[metric]
        actual = [(p.month, p.value, partial_note(p.reported, len(subs))) for p in series[metric]]
        total = progress.total[metric]
        figure = charts.progress_chart(
            None,
            actual,
            plan_curve(by_year),
            [(y, by_year[y]) for y in PLAN_YEARS],
            goals[metric],
            until=month,
            band=band_points(total.base, total.target, month.year, settings.STATUS_YELLOW_THRESHOLD_PP),
            projection=outlook.total[metric],
            base=total.base,
        )
        complete = metrics.is_complete(total.covered, total.expected)
        reading = charts.curve_reading(
            f"全区{Metric(metric).label}", total.actual if complete else None, total.curve, month
        )
        table = [
            {"year": y, "target": by_year[y], "goal": next((g[2] for g in goals[metric] if g[0] == y), "")}
            for y in ALL_YEARS
        ]
        chart_list.append(
            {
                "id": f"chart-{metric}",
                "metric": metric,
                "title": f"{Metric(metric).label}：全区{month.year}年实际与目标曲线"
                + (f"（{area.caliber}）" if area.caliber else ""),
                "figure": charts.as_json(figure),
                "table": table,
                "reading": reading,
            }
        )
    leagues = [
        {"metric": metric, "label": Metric(metric).label, "rows": league(progress.rows, metric)} for metric in METRICS
    ]
    return {
        "progress": progress,
        "standing": standing(progress, month, len(subs)),
        "leagues": leagues,
        "attention": attention(leagues),
        "forecast": outlook,
        "charts": chart_list,
        "by_category": progress.by_category(),
        "goal_rows": headline_goals(
            month,
            headline,
            plan_totals={(area.version.pk, m, y): totals[m][y] for m in METRICS for y in ALL_YEARS}
            if area.version
            else {},
        ),
        "area": area,
        "status_labels": metrics.STATUS_LABELS,
        "yellow_pp": settings.STATUS_YELLOW_THRESHOLD_PP,
        "small_note": rate_words.small_increment_note(),
        "pending_corrections": corrections_since_lock([month]).get(month, 0),
    }


# The sub-district page shows this many recent months; the rest are behind "更多".
RECENT_MONTHS = 6


def rank_charts(subdistrict, month, progress, class_size):
    """The rank history of `subdistrict`, one chart a metric, each with its one-line reading."""
    history = rank_history(subdistrict, month, progress=progress)
    class_label = progress.row_for(subdistrict).subdistrict.get_category_display()  # its class in the version
    out = []
    for metric in METRICS:
        points, label = history[metric], Metric(metric).label
        figure = charts.rank_chart(points, class_size, len(progress.area.targeted), class_label)
        out.append(
            {
                "id": f"rank-{metric}",
                "title": f"{label}：同类排名与全区排名",
                "figure": charts.as_json(figure),
                "reading": charts.rank_reading(label, points, class_size, len(progress.area.targeted), class_label),
            }
        )
    return out


def subdistrict_context(subdistrict, month):
    progress = district_progress(month)
    row = progress.row_for(subdistrict)
    # its own forecast only: the page shows no other sub-district's, nor the district's
    district = forecast.provider()(month, progress.area.targeted_members, only=[subdistrict])
    attach_forecast(progress, district)
    outlook = district.row_for(subdistrict) if not row.pending else None
    plan = plan_maps([subdistrict], progress.area.version)[0]  # {metric: {year: value}}
    series = subdistrict_series(subdistrict, month)
    curves, chart_list = {}, []
    for metric in METRICS:
        decembers = {m.year: value for m, (value, _) in series[metric].items() if m.month == 12}
        curve = plan_curve(plan[metric], decembers)
        curves[metric] = dict(curve)
        mp = row.metrics[metric]
        figure = charts.progress_chart(
            None,
            [(m, value, "") for m, (value, _) in sorted(series[metric].items())],
            curve,
            [(y, plan[metric][y]) for y in PLAN_YEARS],
            until=month,
            band=band_points(mp.base, mp.target, month.year, settings.STATUS_YELLOW_THRESHOLD_PP),
            projection=outlook.metrics[metric] if outlook else None,
            base=mp.base,
        )
        chart_list.append(
            {
                "id": f"chart-{metric}",
                "metric": metric,
                "title": f"{Metric(metric).label}：{month.year}年实际与目标曲线",
                "figure": charts.as_json(figure),
                "reading": charts.curve_reading(Metric(metric).label, mp.actual, mp.curve, month),
            }
        )
    # the months it belonged to the district: a unit that joined has no row before it joined
    months = [m for m in month_range(Month.first(), min(month, LAST_PLAN_MONTH)) if subdistrict.is_member(m)]
    month_rows = subdistrict_month_rows(series, curves, months)
    class_size = sum(1 for r in progress.rows if not r.pending and r.subdistrict.category == row.subdistrict.category)
    return {
        "rank_charts": [] if row.pending else rank_charts(subdistrict, month, progress, class_size),
        "recent_rows": month_rows[::-1][:RECENT_MONTHS],
        "row": row,
        "forecast": outlook,
        "progress": progress,
        "charts": chart_list,
        "plan_figures": plan,
        "month_rows": month_rows,
        "changes": newest_changes([subdistrict], limit=10),
        "class_size": class_size,
        "status_labels": metrics.STATUS_LABELS,
        "small_note": rate_words.small_increment_note() if any(m.small_increment for m in row.metrics.values()) else "",
    }
