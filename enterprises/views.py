import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts import scope
from accounts.choices import Role
from beibei_dashboard.tables import XlsxExportMixin
from targets.charts import as_json
from targets.choices import PLAN_YEARS
from targets.months import Month, month_from_query

from . import charts, reports, services
from .choices import Industry
from .filtersets import EnterpriseFilterSet
from .forms import EnterpriseImportForm
from .importers import ImportRefused, run_import
from .models import Enterprise
from .tables import EnterpriseTable

MAX_PROBLEMS_SHOWN = 200


class EnterpriseAccessMixin:
    def dispatch(self, request, *args, **kwargs):
        scope.check_reads_enterprises(request.user)
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
    queryset = Enterprise.objects.select_related("subdistrict")

    def get_object(self, queryset=None):
        enterprise = super().get_object(queryset)
        scope.check_subdistrict(self.request.user, enterprise.subdistrict)
        return enterprise

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        recognitions = list(self.object.recognitions.all())
        for recognition in recognitions:
            recognition.valid_today = recognition.is_valid_on(today)
        return super().get_context_data(
            recognitions=recognitions,
            history=reports.enterprise_history(self.object),
            high_tech_today=any(r.valid_today for r in recognitions),
            today=today,
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
        return super().get_context_data(month=month, day=day, rows=rows, **kwargs)


def import_view(request):
    """Upload, preview (what would change), then confirm; bureau only."""
    scope.check_role(request.user, Role.BUREAU)
    action = request.POST.get("action")
    if request.method == "POST" and action in ("confirm", "cancel"):
        return _import_confirm(request, action)
    form = EnterpriseImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        token, data = services.stash(request.session, form.cleaned_data["file"])
        name = request.session[services.SESSION_KEY]["name"]
        try:
            context.update(summary=run_import(data, name, user=request.user, dry_run=True), token=token)
        except ImportRefused as refused:
            services.discard(request.session)
            context.update(problems=refused.problems[:MAX_PROBLEMS_SHOWN], problem_count=len(refused.problems))
    return render(request, "enterprises/enterprise_import.html", context)


def _import_confirm(request, action):
    stashed = services.load(request.session, request.POST.get("token"))
    if action == "cancel" or stashed is None:
        services.discard(request.session)
        if stashed is None and action == "confirm":
            messages.error(request, "找不到待导入的文件（可能已导入或已过期），请重新上传。")
        return redirect("enterprises:enterprise_import")
    data, name = stashed
    try:
        summary = run_import(data, name, user=request.user)
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


def api_summary(request):
    """GET /api/v1/enterprises/summary?as_of=YYYY-MM-DD (default today), scoped to the user."""
    try:
        scope.check_reads_enterprises(request.user)
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
