"""The pipeline pages (issue 29): the district's and each sub-district's pipeline of a year, a
firm's attempt with its path and the form that moves it, the form that opens one, the API.

Scope as everywhere (`accounts.scope`): bureau and leadership read every sub-district, an
official their own (another's page answers 403); the bureau moves any firm, an official their
own firms, leadership nothing.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render

from accounts import scope
from targets.choices import PLAN_YEARS
from targets.models import SubDistrict

from . import forecast, pipeline, pipeline_api
from . import pipeline_report as report
from .forms import AttemptForm, MoveForm
from .models import PIPELINE_REFUSED, Enterprise, RecognitionAttempt


def _year(request):
    """?year=YYYY within the plan; default: the year of the latest logged month. 404-like
    refusals are ValueErrors in Chinese."""
    raw = request.GET.get("year")
    if raw and not raw.isdigit():
        raise ValueError(f"year 参数“{raw}”不是年份，应为 YYYY，如 2026")
    year = int(raw) if raw else forecast.as_of_for(PLAN_YEARS[-1]).year
    if year not in PLAN_YEARS:
        raise ValueError(f"年份 {year} 不在计划期 {PLAN_YEARS[0]}—{PLAN_YEARS[-1]} 内")
    return year


def _page_year(request):
    try:
        return _year(request)
    except ValueError as exc:
        raise Http404(str(exc)) from exc


def pipeline_district(request):
    """/pipeline/?year=: every sub-district the user reads (an official: their own) beside the
    district's line, the renewals due and the firms to visit of the user's firms."""
    scope.require(request.user, "reads_enterprises")
    year = _page_year(request)
    subs = SubDistrict.objects.visible_to(request.user)
    data = report.year_pipeline(year, subs)
    firms = Enterprise.objects.visible_to(request.user).filter(subdistrict__in=[s.pk for s in subs])
    return render(request, "enterprises/pipeline.html", _context(request, data, firms, year, subdistrict=None))


def pipeline_subdistrict(request, slug):
    """/pipeline/<slug>/?year=: one sub-district's pipeline, its firms' attempts of the year
    (each with a link to move it), renewals due, firms to visit."""
    scope.require(request.user, "reads_enterprises")
    subdistrict = SubDistrict.objects.get_for(request.user, "view", slug=slug)
    year = _page_year(request)
    data = report.year_pipeline(year, [subdistrict])
    firms = Enterprise.objects.visible_to(request.user).filter(subdistrict=subdistrict)
    context = _context(request, data, firms, year, subdistrict=subdistrict)
    context["attempts"] = (
        RecognitionAttempt.objects.visible_to(request.user)
        .filter(year=year, enterprise__subdistrict=subdistrict)
        .select_related("enterprise", "certificate")
        .order_by("programme", "renewal", "stage", "enterprise__name")
    )
    return render(request, "enterprises/pipeline.html", context)


def _context(request, data, firms, year, subdistrict):
    day = report.counts_day(data.month)
    return {
        "pipeline": data,
        "year": year,
        "years": PLAN_YEARS,
        "subdistrict": subdistrict,
        "renewals": report.renewal_rows(year, firms, day),
        "to_visit": report.firms_to_visit(year, firms, day),
        "can_move": scope.maintains_pipeline(request.user),
    }


def attempt_detail(request, pk):
    """A firm's attempt of a year: its path (every change, who, when, why) and, for who may
    move it, the one-row form that moves it a step."""
    scope.require(request.user, "reads_enterprises")
    attempt = RecognitionAttempt.objects.select_related("enterprise__subdistrict", "certificate", "renews").get_for(
        request.user, "view", pk=pk
    )
    can_move = RecognitionAttempt.objects.filter(pk=pk).restrict(request.user, "change").exists() and attempt.is_open
    form = MoveForm(request.POST or None, attempt=attempt) if can_move else None
    if request.method == "POST":
        if not can_move:
            raise PermissionDenied(PIPELINE_REFUSED)
        if form.is_valid():
            data = form.cleaned_data
            try:
                pipeline.move(
                    attempt,
                    data["stage"],
                    user=request.user,
                    reason=data["reason"],
                    batch=data["batch"],
                    certificate_no=data["certificate_no"],
                    issue_date=data["issue_date"],
                    failure_reason=data["failure_reason"],
                )
            except ValidationError as refused:
                _add_errors(form, refused)
            else:
                messages.success(request, f"已更新“{attempt.enterprise.name}”：{attempt.kind_label}。")
                return redirect("enterprises:attempt_detail", pk=attempt.pk)
    path = attempt.history.select_related("history_user").order_by("history_date")
    return render(request, "enterprises/attempt_detail.html", {"attempt": attempt, "form": form, "path": path})


def attempt_create(request, slug):
    """Open a firm's attempt of the page's year (bureau: any firm of the sub-district; official:
    their own)."""
    scope.require(request.user, "maintains_pipeline")
    subdistrict = SubDistrict.objects.get_for(request.user, "view", slug=slug)
    year = _page_year(request)
    firms = Enterprise.objects.restrict(request.user, "pipeline").filter(subdistrict=subdistrict)
    if not firms.exists() and not scope.is_bureau(request.user):
        raise PermissionDenied(PIPELINE_REFUSED)
    certificates = report.certificates_ending(year, firms).filter(renewed=False)
    initial = {"enterprise": request.GET.get("enterprise")}  # from a firm's page
    form = AttemptForm(request.POST or None, firms=firms, certificates=certificates, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            attempt = pipeline.open_attempt(
                data["enterprise"],
                year,
                data["programme"],
                user=request.user,
                reason=data["reason"],
                renews=data["renews"],
                stage=data["stage"],
                batch=data["batch"],
            )
        except ValidationError as refused:
            _add_errors(form, refused)
        else:
            messages.success(request, f"已建立“{attempt.enterprise.name}”{year}年{attempt.kind_label}进程。")
            return redirect("enterprises:attempt_detail", pk=attempt.pk)
    context = {"form": form, "subdistrict": subdistrict, "year": year}
    return render(request, "enterprises/attempt_form.html", context)


def _add_errors(form, refused):
    if hasattr(refused, "error_dict"):
        for name, errors in refused.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, refused.messages)


def api_pipeline(request):
    """GET /api/v1/pipeline?year=YYYY, scoped like /api/v1/progress."""
    try:
        year = _year(request)
    except ValueError as exc:
        return JsonResponse({"error": str(exc)}, status=400, json_dumps_params={"ensure_ascii": False})
    return JsonResponse(pipeline_api.payload(request.user, year), json_dumps_params={"ensure_ascii": False})
