"""Payloads of the read-only JSON API (plan 四(一): data sharing), scoped like every page."""

from django.db.models import Q
from django.urls import reverse

from . import metrics, territory
from .choices import Metric
from .models import Indicator, MonthlyCount, PlanFigure, SubDistrict
from .months import Month
from .progress import district_progress


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


def plan_visible(user):
    """The pks of the units whose line of the attachment `user` may read."""
    return set(SubDistrict.objects.plan_visible_to(user).values_list("pk", flat=True))


def plan_rows_and_totals(user, month=None, visible=None):
    """The lines of the plan version in force in `month` (default: this month) that `user` may
    read (`visible`, when the caller has it already), and the totals computed over every line of
    that version (its units that have left since included: the version's own 合计)."""
    area = territory.map_of(month or Month.current())
    lined = [sub for sub in area.members if area.is_targeted(sub)] + list(area.outside)
    all_rows = PlanFigure.objects.rows_for(sorted(lined, key=lambda sub: (sub.category, sub.seq)), area.version)
    visible = plan_visible(user) if visible is None else visible
    totals = metrics.sum_plan_figures(row.figures for row in all_rows)
    return [row for row in all_rows if row.subdistrict.pk in visible], totals


def version_payload(version):
    """The plan version in force: 文号, title, date, effective month (None before the first)."""
    if version is None:
        return None
    return {
        "number": version.number,
        "label": version.label,
        "title": version.title,
        "issued": version.issued.isoformat(),
        "effective": str(version.effective_month),
        "is_example": version.is_example,
    }


def membership_payload(sub, area):
    """A unit's membership of the district and whether the version in force gives it targets."""
    return {
        "joined": str(Month.of(sub.joined)) if sub.joined else None,
        "joined_note": sub.joined_note,
        "left": str(Month.of(sub.left)) if sub.left else None,
        "left_note": sub.left_note,
        "member": sub.is_member(area.month),
        "has_targets": area.is_targeted(sub),
    }


def targets_payload(user, month=None):
    """The attachment of the version in force in `month` (default: this month) as JSON, with
    the computed 合计, the goals, and the units of the month with their membership."""
    month = month or Month.current()
    area = territory.map_of(month)
    visible = plan_visible(user)
    rows, totals = plan_rows_and_totals(user, month, visible)
    version = area.version
    goals = Indicator.objects.filter(Q(version=version) | Q(version=None)) if version else Indicator.objects.none()
    return {
        "month": str(month),
        "version": version_payload(version),
        "subdistricts": [
            {
                "slug": row.subdistrict.slug,
                "name": row.subdistrict.name,
                "category": row.subdistrict.category,
                "seq": row.subdistrict.seq,
                "targets": _by_year(row.figures),
                "membership": membership_payload(row.subdistrict, area),
            }
            for row in rows
        ],
        "total": _by_year(totals),
        "goals": [goal_payload(indicator) for indicator in goals],
        "units": [
            {"slug": sub.slug, "name": sub.name, "category": sub.category} | membership_payload(sub, area)
            for sub in area.members
            if sub.pk in visible
        ],
        "caliber": area.caliber,
        "territory": area.territory,
    }


def _ratio(value):
    return None if value is None else round(float(value), 4)


def metric_payload(progress, with_ranks=True):
    payload = {
        "actual": progress.actual,
        "target": progress.target,
        "base": progress.base,
        "completion": _ratio(progress.completion),
        "increment_completion": _ratio(progress.increment_completion),
        "new_this_year": progress.new_this_year,
        "increment_target": progress.increment_target,
        "small_increment": progress.small_increment,
        "hold_year": progress.hold_year,
        "status": progress.status,
        "status_label": progress.status_label,
    }
    if with_ranks:
        payload["rank_in_class"] = progress.rank_in_class
        payload["rank_overall"] = progress.rank_overall
        payload["rank_change_in_class"] = progress.rank_change_in_class
        payload["rank_change_overall"] = progress.rank_change_overall
    return payload


def progress_payload(user, month):
    """Each sub-district in the user's scope with its counts and progress in `month`.

    Ranks are over the whole district (those that reported); the district total is included for
    everyone, since it shows no sub-district's figure. In a partial month the total covers the
    reporting sub-districts against their own targets (`reported` of `expected`).
    """
    district = district_progress(month)
    notes = {
        (sub_id, metric): note
        for sub_id, metric, note in MonthlyCount.objects.filter(month=month.date)
        .exclude(note="")
        .values_list("subdistrict_id", "metric", "note")
    }
    rows = []
    for row in district.rows_visible_to(user):
        sub = row.subdistrict
        item = {"slug": sub.slug, "name": sub.name, "category": sub.category}
        item["membership"] = membership_payload(sub, district.area)
        item["has_targets"] = district.area.is_targeted(sub)
        for metric in Metric.values:
            item[metric] = metric_payload(row.metrics[metric]) | {"note": notes.get((sub.pk, metric), "")}
        rows.append(item)
    total = {
        metric: metric_payload(district.total[metric], with_ranks=False)
        | {"reported": district.reported[metric], "expected": district.expected}
        for metric in Metric.values
    }
    return {
        "month": str(month),
        "version": version_payload(district.area.version),
        "caliber": district.area.caliber,
        "complete": district.complete,
        "reporting": district.reporting_label,
        "rules": reverse("targets:rules"),
        "time_progress": _ratio(district.time_progress),
        "subdistricts": rows,
        "total": total,
    }
