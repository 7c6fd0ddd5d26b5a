from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import scope
from beibei_dashboard.tables import docx_response, xlsx_response
from targets.choices import PLAN_YEARS

from . import catalogue, exporters, figures, services
from .forms import AssessmentSchemeForm, PublishForm
from .models import AssessmentResult


def _year(year):
    if year not in PLAN_YEARS:
        raise Http404("考核年度应为2023—2027年。")
    return year


def _running(user, year):
    """The year's running score if the user sees it and the year has begun, else None."""
    if scope.sees_running_assessment(user) and year <= timezone.localdate().year:
        return figures.results(services.scheme_for(year))
    return None


def assessment_index(request):
    scope.assessment_subject(request.user)
    today = timezone.localdate()
    return redirect("assessment:assessment_detail", year=min(max(today.year, PLAN_YEARS[0]), PLAN_YEARS[-1]))


def assessment_detail(request, year):
    """The year's scheme, its published result (scoped) and, for bureau and leadership, the running score."""
    subject = scope.assessment_subject(request.user)
    _year(year)
    today = timezone.localdate()
    scheme = services.scheme_for(year)
    result = services.latest_result(year)
    running = _running(request.user, year)
    context = {
        "year": year,
        "years": figures.assessable_years(today) or [PLAN_YEARS[0]],
        "scheme": scheme,
        "rules": [catalogue.rule_text(row) for row in scheme.items],
        "result": result,
        "published": services.visible_part(result.figures, subject) if result else None,
        "versions": AssessmentResult.objects.filter(year=year).select_related("published_by"),
        "running": running,
        "can_manage": scope.can_manage_assessment(request.user),
        "publish_form": PublishForm(),
    }
    return render(request, "assessment/assessment_detail.html", context)


def scheme_edit(request, year):
    scope.require(request.user, "can_manage_assessment")
    scheme = services.scheme_for(_year(year))
    form = AssessmentSchemeForm(request.POST or None, items=scheme.items, initial={"note": scheme.note})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_scheme(
                year=year, items=form.items, note=form.cleaned_data["note"], user=request.user,
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except services.AssessmentRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"已保存{year}年考核方案。")
            return redirect("assessment:assessment_detail", year=year)
    history = scheme.history.select_related("history_user") if scheme.pk else []
    context = {"year": year, "scheme": scheme, "form": form, "history": history}
    return render(request, "assessment/assessmentscheme_form.html", context)


@require_POST
def publish(request, year):
    scope.require(request.user, "can_manage_assessment")
    form = PublishForm(request.POST)
    form.is_valid()
    try:
        result = services.publish(year=_year(year), user=request.user, reason=form.cleaned_data.get("reason", ""))
    except services.AssessmentRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"已发布{year}年考核结果（第{result.number}版）。")
    return redirect("assessment:assessment_detail", year=year)


def _export_figures(request, year):
    """What an export holds: the published result, else (bureau and leadership) the running score."""
    subject = scope.assessment_subject(request.user)
    result = services.latest_result(_year(year))
    if result:
        return services.visible_part(result.figures, subject), result
    running = _running(request.user, year)
    if running is None:
        raise Http404(f"{year}年考核结果尚未发布。")
    return running, None


def export_xlsx(request, year):
    data, result = _export_figures(request, year)
    return xlsx_response(exporters.result_xlsx(data, result), f"{year}年度考核结果.xlsx")


def export_docx(request, year):
    data, result = _export_figures(request, year)
    return docx_response(exporters.result_docx(data, result), f"{year}年度考核结果.docx")


def api_assessment(request):
    """GET /api/v1/assessment?year=YYYY: the published result (scoped); the running score for bureau and leadership."""
    try:
        subject = scope.assessment_subject(request.user)
    except PermissionDenied as denied:
        return JsonResponse({"error": str(denied)}, status=403, json_dumps_params={"ensure_ascii": False})
    raw = request.GET.get("year") or str(timezone.localdate().year)
    if not raw.isdigit() or int(raw) not in PLAN_YEARS:
        return JsonResponse(
            {"error": f"year 参数“{raw}”不是考核年度，应为 2023—2027"},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    year = int(raw)
    result = services.latest_result(year)
    payload = {
        "year": year,
        "published": services.visible_part(result.figures, subject) | {"version": result.number} if result else None,
        "running": _running(request.user, year),
    }
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
