import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts import scope
from accounts.views import CapabilityRequiredMixin
from beibei_dashboard import evidence
from beibei_dashboard.middleware import accepts_upload
from beibei_dashboard.tables import TablePageView, XlsxExportMixin, upload_name
from targets import freshness, territory
from targets.charts import as_json
from targets.choices import PLAN_YEARS
from targets.models import SubDistrict
from targets.months import Month, month_from_query
from targets.progress import plannable_months

from . import changes, charts, forecast, forecast_backtest, jobs, reports, services, verification
from .choices import FlagKind, FlagState, Industry
from .filtersets import EnterpriseFilterSet
from .forms import AttributionFlagForm, EnterpriseImportForm, MissingFirmForm, ResolveFlagForm
from .importers import MAX_BYTES, ImportRefused, run_import
from .models import AttributionFlag, Enterprise, ImportJob
from .tables import EnterpriseTable, ExpiringFirmTable

MAX_PROBLEMS_SHOWN = 200


class EnterpriseAccessMixin:
    def dispatch(self, request, *args, **kwargs):
        scope.require(request.user, "reads_enterprises")
        return super().dispatch(request, *args, **kwargs)


class EnterpriseListView(EnterpriseAccessMixin, XlsxExportMixin, SingleTableMixin, FilterView):
    """The registry: the user's firms, searched and filtered, a page of 50; ?export=xlsx all of them."""

    template_name = "enterprises/enterprise_list.html"
    table_class = EnterpriseTable
    filterset_class = EnterpriseFilterSet
    paginate_by = 50
    export_name = "企业名录"

    def get_queryset(self):
        return Enterprise.objects.visible_to(self.request.user).select_related("subdistrict").with_high_tech_until()


class EnterpriseDetailView(EnterpriseAccessMixin, DetailView):
    template_name = "enterprises/enterprise_detail.html"

    def get_object(self, queryset=None):
        return Enterprise.objects.select_related("subdistrict").get_for(self.request.user, "view", pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        recognitions = list(self.object.recognitions.all())
        for recognition in recognitions:
            recognition.valid_today = recognition.is_valid_on(today)
        return super().get_context_data(
            recognitions=recognitions,
            history=reports.enterprise_history(self.object),
            attribution=reports.attribution_history(self.object),
            flags=self.object.flags.visible_to(self.request.user).select_related("subdistrict", "destination"),
            can_flag=scope.checks_attribution(self.request.user),
            high_tech_today=any(r.valid_today for r in recognitions),
            # its path year by year (issue 29), each attempt linking to its record and form
            attempts=self.object.attempts.select_related("certificate").order_by("-year", "programme"),
            can_pipeline=Enterprise.objects.filter(pk=self.object.pk).restrict(self.request.user, "pipeline").exists(),
            today=today,
            # a firm of a unit that left went with it: readable, no longer counted in the district
            membership=territory.membership_on(self.object.subdistrict, Month.of(today)),
            **kwargs,
        )


class ProfileView(EnterpriseAccessMixin, TemplateView):
    """精准画像: firms by sub-district × industry and flags, the expiry outlook, the 培优库 pipeline."""

    template_name = "enterprises/profile.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        rows, total = reports.profile(self.request.user, today)
        outlook, outlook_total = reports.expiry_outlook(self.request.user)
        return super().get_context_data(
            today=today,
            rows=rows,
            total=total,
            outlook=outlook,
            outlook_total=outlook_total,
            # the line the side tables show: the district's, or the one sub-district's; none for an
            # official whose unit has left the district (an empty list's [0] failed the page)
            overall=total or next(iter(rows), None),
            outlook_overall=outlook_total or next(iter(outlook), None),
            years=PLAN_YEARS,
            industries=Industry.choices,
            target_year=reports.target_year(today),
            industry_chart=as_json(charts.industry_chart(rows)),
            expiry_chart=as_json(charts.expiry_chart(outlook_total or outlook[0])) if outlook else None,
            pipeline_chart=as_json(charts.pipeline_chart(rows)),
            **kwargs,
        )


class ReconcileView(EnterpriseAccessMixin, TemplateView):
    """对账: the registry counted on a month's last day beside the logged counts."""

    template_name = "enterprises/reconcile.html"

    def get_context_data(self, **kwargs):
        month = month_from_query(self.request, Month.current().previous())
        rows, day = reports.reconciliation(self.request.user, month)
        moves = verification.seen_by(self.request.user, reports.attribution_changes(self.request.user, month))
        return super().get_context_data(month=month, day=day, rows=rows, moves=moves, **kwargs)


@accepts_upload(MAX_BYTES)
def import_view(request):
    """Upload, preview (what would change), then confirm; bureau only."""
    scope.require(request.user, "keeps_the_books")
    action = request.POST.get("action")
    if request.method == "POST" and action in ("confirm", "cancel"):
        return _import_confirm(request, action)
    form = EnterpriseImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        sheet = form.cleaned_data["sheet"].strip()
        if form.cleaned_data["file"].size > settings.ENTERPRISE_BACKGROUND_BYTES:
            return _import_in_background(request, form.cleaned_data["file"], sheet)
        token, data = services.stash(request.session, form.cleaned_data["file"], sheet)
        name = request.session[services.SESSION_KEY]["name"]
        try:
            summary = run_import(data, name, user=request.user, dry_run=True, sheet=sheet or None)
            context.update(summary=summary, token=token)
        except ImportRefused as refused:
            services.discard(request.session)
            context.update(problems=refused.problems[:MAX_PROBLEMS_SHOWN], problem_count=refused.total)
    return render(request, "enterprises/enterprise_import.html", context)


def _import_confirm(request, action):
    stashed = services.load(request.session, request.POST.get("token"))
    if action == "cancel" or stashed is None:
        services.discard(request.session)
        if stashed is None and action == "confirm":
            messages.error(request, "找不到待导入的文件（可能已导入或已过期），请重新上传。")
        return redirect("enterprises:enterprise_import")
    data, name, sheet = stashed
    try:
        summary = run_import(data, name, user=request.user, sheet=sheet)
    except ImportRefused:  # the registry changed since the preview
        messages.error(request, "文件在确认前已不能通过检查，未导入任何数据，请重新上传。")
        return redirect("enterprises:enterprise_import")
    finally:
        services.discard(request.session)
    messages.success(
        request,
        f"已导入“{name}”：新增企业 {summary.created} 家，更新 {summary.updated} 家，无变化 {summary.unchanged} 家，"
        f"新增高新技术企业证书 {summary.recognitions_added} 张。",
    )
    return redirect("enterprises:enterprise_list")


def _import_in_background(request, uploaded, sheet):
    services.discard(request.session)
    job = ImportJob.objects.create(
        created_by=request.user,
        file_name=upload_name(uploaded.name),
        stored_as=services.store_for_job(uploaded),
        sheet=sheet,
    )
    jobs.start_preview(job)
    return redirect("enterprises:import_job", pk=job.pk)


def _job_of(request, pk):
    scope.require(request.user, "keeps_the_books")
    return get_object_or_404(ImportJob, pk=pk, created_by=request.user)


def import_job(request, pk):
    """A background import's page: its progress bar, then the preview to confirm, then the result."""
    job = _job_of(request, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "confirm" and job.step == ImportJob.Step.PREVIEWED:
            jobs.start_write(job)
        elif action == "cancel" and job.step == ImportJob.Step.PREVIEWED:
            services.discard_job_file(job)
            job.delete()
            messages.info(request, "已取消导入，未写入任何数据。")
            return redirect("enterprises:enterprise_import")
        return redirect("enterprises:import_job", pk=job.pk)
    return render(request, "enterprises/importjob_detail.html", {"job": job})


def import_job_status(request, pk):
    """What the progress bar polls (static/js/import-progress.js)."""
    job = _job_of(request, pk)
    return JsonResponse(
        {
            "step": job.step,
            "step_label": job.get_step_display(),
            "finished": job.finished,
            "rows_total": job.rows_total,
            "rows_read": job.rows_read,
            "rows_validated": job.rows_validated,
            "rows_written": job.rows_written,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def api_summary(request):
    """GET /api/v1/enterprises/summary?as_of=YYYY-MM-DD (default today), scoped to the user."""
    try:
        scope.require(request.user, "reads_enterprises")
    except PermissionDenied as denied:
        return JsonResponse({"error": str(denied)}, status=403, json_dumps_params={"ensure_ascii": False})
    raw = request.GET.get("as_of")
    try:
        day = dt.date.fromisoformat(raw) if raw else timezone.localdate()
        if raw and len(raw) != 10:
            raise ValueError
    except ValueError:
        return JsonResponse(
            {"error": f"as_of 参数“{raw}”不是有效日期，应为 YYYY-MM-DD，如 2025-06-30"},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    return JsonResponse(reports.summary_payload(request.user, day), json_dumps_params={"ensure_ascii": False})


class MonthChangesView(EnterpriseAccessMixin, TemplateView):
    """A sub-district's change in a month, firm by firm from the registry, beside the logged
    change and its notes: where a red cell leads once the rank history has shown when."""

    template_name = "enterprises/month_changes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        subdistrict = SubDistrict.objects.get_for(self.request.user, "view", slug=self.kwargs["slug"])
        month = self.kwargs["month"]
        if month not in plannable_months():
            raise Http404("该月份不在计划期内")
        context.update(
            subdistrict=subdistrict,
            month=month,
            changes=changes.month_changes(subdistrict, month),
            logged=changes.logged_changes(subdistrict, month),
            # "2025年11月划出北碚区（划入两江新区）": its firms went with it, none of them 迁出
            membership=territory.membership_on(subdistrict, month),
        )
        return context


def api_forecast(request):
    """GET /api/v1/forecast?year=YYYY (default: the latest logged month's year), scoped like
    /api/v1/progress."""
    raw = request.GET.get("year")
    try:
        if raw and not raw.isdigit():
            raise ValueError(f"year 参数“{raw}”不是年份，应为 YYYY，如 2026")
        year = int(raw) if raw else forecast.as_of_for(PLAN_YEARS[-1]).year
        payload = forecast.forecast_payload(request.user, year, lambda month: cached_forecast(request, month))
    except ValueError as exc:
        return JsonResponse({"error": str(exc)}, status=400, json_dumps_params={"ensure_ascii": False})
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})


def cached_forecast(request, month):
    """The district's forecast as of `month`, computed once per data version (page cache)."""
    page_cache = freshness.PageCache(request, "forecast", settings.DISTRICT_SLUG, month)
    return page_cache.get(lambda: forecast.district_forecast(month))


class WarningListView(EnterpriseAccessMixin, TablePageView):
    """预警: sub-districts whose projection falls short (this year, 2027) with the model's reasons,
    and the user's firms whose certificates lapse within 12 months; ?export=xlsx the firms."""

    template_name = "enterprises/warning_list.html"
    table_class = ExpiringFirmTable
    export_name = "高新技术企业证书到期预警"

    def get_table_data(self):
        return forecast.expiring_firms(self.request.user, timezone.localdate())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month = forecast.as_of_for(PLAN_YEARS[-1])
        context.update(
            month=month,
            # the forecasts compare with targets: the units with a line in the version in force
            area=territory.map_of(month),
            risks=forecast.warning_sections(cached_forecast(self.request, month), self.request.user),
            within_6=sum(1 for firm in context["table"].data if firm.within_6_months),
        )
        return context


class BacktestView(CapabilityRequiredMixin, TemplateView):
    """预测准确度: the forecast's mean absolute error by month on the data's complete years."""

    capability = "sees_whole_district"
    template_name = "enterprises/backtest.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page_cache = freshness.PageCache(self.request, "backtest", settings.DISTRICT_SLUG)
        context["sections"] = page_cache.get(forecast_backtest.backtest)
        return context


# 属地核实 (issue 18)


def attribution_check(request):
    """An official's firms to check and their flags; the bureau's (and leadership's) flags to resolve."""
    scope.require(request.user, "reads_enterprises")
    today = timezone.localdate()
    flags = AttributionFlag.objects.visible_to(request.user).select_related(
        "subdistrict", "enterprise__subdistrict", "destination", "raised_by", "resolved_by"
    )
    context = {
        "today": today,
        "open_flags": verification.seen_by(request.user, flags.open()),
        "closed_flags": verification.seen_by(request.user, flags.exclude(state=FlagState.OPEN)[:100]),
        "checks": scope.checks_attribution(request.user),
        "can_resolve": scope.can_resolve_flags(request.user),
    }
    if context["checks"]:
        context["rows"] = verification.firms_to_check(request.user.subdistrict, today)
    return render(request, "enterprises/attribution_check.html", context)


@accepts_upload(evidence.MAX_BYTES)
def flag_create(request, pk):
    """不在本辖区 / 已迁出 for one firm of the official's list."""
    enterprise = Enterprise.objects.select_related("subdistrict").get_for(request.user, "flag", pk=pk)
    form = AttributionFlagForm(request.POST or None, request.FILES or None, subdistrict=enterprise.subdistrict)
    return _flag_form(
        request,
        form,
        {"enterprise": enterprise},
        f"已提交“{enterprise.name}”的属地核实，等待区科技局处理。",
        lambda data: {
            "subdistrict": enterprise.subdistrict,
            "kind": data["kind"],
            "enterprise": enterprise,
            "destination": data["destination"],
            "destination_note": data["destination_note"],
        },
    )


@accepts_upload(evidence.MAX_BYTES)
def flag_missing(request):
    """漏统: a firm of the official's sub-district missing from its list."""
    scope.require(request.user, "checks_attribution")
    form = MissingFirmForm(request.POST or None, request.FILES or None)
    return _flag_form(
        request,
        form,
        {"missing": True},
        "已提交漏统企业，等待区科技局处理。",
        lambda data: {
            "subdistrict": request.user.subdistrict,
            "kind": FlagKind.MISSING,
            "credit_code": data["credit_code"],
            "firm_name": data["firm_name"],
        },
    )


def _flag_form(request, form, context, done, flag_fields):
    """The form of a flag: raised from the valid form (`flag_fields(cleaned_data)` with its note and
    attachment), or shown again with the reason it was refused."""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            flag = verification.raise_flag(
                user=request.user, note=data["note"], upload=data["attachment"], **flag_fields(data)
            )
        except verification.FlagRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, done)
            return redirect(flag)
    return render(request, "enterprises/attributionflag_form.html", {"form": form, **context})


def flag_detail(request, pk):
    """One flag with its history; bureau staff accept (moving the firm) or reject it with a reason."""
    related = AttributionFlag.objects.select_related("subdistrict", "enterprise__subdistrict", "destination")
    flag = related.get_for(request.user, "view", pk=pk)
    form = ResolveFlagForm(request.POST or None, initial={"destination": flag.destination_id})
    if request.method == "POST":
        scope.require(request.user, "can_resolve_flags")
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["action"] == "accept":
                    verification.accept_flag(flag, request.user, data["destination"], data["note"])
                    messages.success(request, "已采纳，企业归属已调整。")
                else:
                    verification.reject_flag(flag, request.user, data["note"])
                    messages.success(request, "已驳回。")
            except verification.FlagRefused as refused:
                messages.error(request, str(refused))
            return redirect(flag)
    context = {
        "flag": flag,
        "firm": verification.firm_seen_by(request.user, flag),
        "form": form,
        "can_resolve": scope.can_resolve_flags(request.user) and flag.state == FlagState.OPEN,
        "history": flag.history.select_related("history_user"),
    }
    return render(request, "enterprises/attributionflag_detail.html", context)


def flag_attachment(request, pk):
    flag = AttributionFlag.objects.get_for(request.user, "view", pk=pk)
    if not flag.attachment:
        raise Http404("该属地核实没有附件。")
    return evidence.download(flag.attachment, flag.attachment_name, flag.attachment_kind)
