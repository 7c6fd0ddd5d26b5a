"""Writes of the assessment: saving a scheme (a new version with history) and publishing a result."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from beibei_dashboard.history import with_history

from . import catalogue, figures
from .models import AssessmentResult, AssessmentScheme


class AssessmentRefused(Exception):
    """A Chinese message: why the scheme cannot be saved or the result published."""


def scheme_for(year):
    """The year's scheme, or an unsaved default one (not yet set up by the bureau)."""
    return AssessmentScheme.objects.filter(year=year).first() or AssessmentScheme(year=year, version=0)


@transaction.atomic
def save_scheme(*, year, items, note, user, reason):
    """Create or revise the year's scheme; every save is a version in its history with the reason."""
    problems = catalogue.check_items(items)
    if problems:
        raise AssessmentRefused("；".join(problems))
    scheme = AssessmentScheme.objects.select_for_update().filter(year=year).first()
    if scheme is None:
        scheme, why = AssessmentScheme(year=year, version=1), reason or "设立考核方案"
    else:
        if not reason.strip():
            raise AssessmentRefused("修改考核方案须填写修改原因。")
        scheme.version += 1
        why = reason
    scheme.items, scheme.note, scheme.updated_by = items, note, user
    with_history(scheme, user, why.strip()).save()
    return scheme


def latest_result(year):
    return AssessmentResult.objects.filter(year=year).order_by("-number").first()


@transaction.atomic
def publish(*, year, user, reason="", today=None):
    """Publish (or revise, with a reason) the year's result from the saved scheme and today's data."""
    today = today or timezone.localdate()
    scheme = AssessmentScheme.objects.filter(year=year).first()
    if scheme is None:
        raise AssessmentRefused(f"{year}年尚未设立考核方案，请先设立方案。")
    if year > today.year:
        raise AssessmentRefused(f"{year}年尚未开始，不能发布考核结果。")
    last = AssessmentResult.objects.select_for_update().filter(year=year).aggregate(n=Max("number"))["n"]
    if last and not reason.strip():
        raise AssessmentRefused("已发布过的考核结果，修订须填写修订原因。")
    return AssessmentResult.objects.create(
        year=year,
        number=(last or 0) + 1,
        published_at=timezone.now(),
        published_by=user,
        reason=reason.strip(),
        figures=figures.results(scheme, today),
    )


def visible_part(result_figures, subject):
    """The figures `subject` (see `accounts.scope.assessment_subject`) may read: all, or one row."""
    if subject == "all":
        return result_figures
    kind, pk = subject
    out = dict(result_figures)
    if kind == "subdistrict":
        out["subdistricts"] = {
            category: [row for row in rows if row["id"] == pk]
            for category, rows in result_figures["subdistricts"].items()
        }
        out["pending"] = [row for row in result_figures.get("pending", []) if row["id"] == pk]
        out["units"] = []
    else:
        out["subdistricts"] = {category: [] for category in result_figures["subdistricts"]}
        out["pending"] = []
        out["units"] = [row for row in result_figures["units"] if row["unit_id"] == pk]
    return out
