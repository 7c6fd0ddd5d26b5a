import logging
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView
from django_tables2 import SingleTableMixin

from accounts import scope
from accounts.choices import Role
from accounts.views import CapabilityRequiredMixin
from beibei_dashboard.middleware import accepts_upload
from beibei_dashboard.tables import XlsxExportMixin, upload_name, xlsx_response

from . import api, dashboard, exporters, freshness, map_notes, metrics, rate_words, services, territory
from .choices import CountSource
from .forms import (
    CountImportConfirmForm,
    CountImportForm,
    MonthlyCountGridForm,
)
from .history import count_changes
from .importers import MAX_FILE_BYTES, drop_staged, parse_counts, stage_import, staged_import, unstage_import
from .models import MonthlyCount, SubDistrict
from .months import LAST_PLAN_MONTH, Month, loggable_months, month_from_query, parse_plan_month
from .progress import default_month, district_size, latest_logged_month, month_options, plannable_months
from .tables import CountChangeTable, SubDistrictMonthTable

logger = logging.getLogger(__name__)


# /healthz asks the database from one thread of its own, on that thread's persistent connection,
# and waits at most HEALTHZ_TIMEOUT seconds: a database that hangs (accepts and never answers)
# gives a 503 in time instead of a worker that hangs with it.
_health_checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz")


def database_answers():
    try:
        connection.close_if_unusable_or_obsolete()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        connection.close()
        raise


@never_cache
@login_not_required
def healthz(request):
    """For the load balancer: 200 when the database answers, 503 (not a 500 page) when not."""
    future = _health_checker.submit(database_answers)
    try:
        future.result(timeout=settings.HEALTHZ_TIMEOUT)
    except (DatabaseError, FutureTimeout) as exc:
        future.cancel()
        logger.error("healthz: the database did not answer: %s", exc or "timed out")
        return HttpResponse("database unavailable", content_type="text/plain", status=503)
    return HttpResponse("ok", content_type="text/plain")


def home(request):
    """Each role starts where its work is: officials on their own page, units at their tasks."""
    user = request.user
    if scope.role_of(user) == Role.SUBDISTRICT:
        return redirect("targets:subdistrict_detail", slug=user.subdistrict.slug)
    if not scope.sees_whole_district(user):
        return redirect(reverse("tasks:keytask_list") + "?mine=on")
    return DashboardView.as_view()(request)


def selected_month(request):
    """The month a progress page shows: ?month=YYYY-MM within the plan, else the latest complete
    month (every sub-district reported both metrics); a partial month is opened explicitly."""
    months = plannable_months()
    latest = min(latest_logged_month(), months[-1])
    month = month_from_query(request, None) or min(default_month(), months[-1])
    # The picker offers months with data first, never an empty current month on top.
    return month, [m for m in months if m <= max(month, latest)]


class DashboardView(CapabilityRequiredMixin, TemplateView):
    """The district against the plan: curves, this year's completion, the 17 sub-districts."""

    capability = "sees_whole_district"
    template_name = "targets/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month, months = selected_month(self.request)
        can_publish = scope.keeps_the_books(self.request.user)  # the revision note's publish link
        page_cache = freshness.PageCache(
            self.request, "dashboard", settings.DISTRICT_SLUG, month, vary=("publish" if can_publish else "",)
        )
        html = page_cache.html("dashboard")  # cached: the page body as rendered, no figures loaded
        context.update(month=month, page_cache=page_cache, can_publish=can_publish, page_html=html)
        if html is None:
            context.update(page_cache.get(lambda: dashboard.dashboard_context(month)))
            context.update(months=months, month_options=month_options(months, context["progress"].expected))
        return context


class SubDistrictDetailView(XlsxExportMixin, SingleTableMixin, TemplateView):
    """One sub-district: its curves, ranks, gaps, pace, monthly table and recent corrections."""

    template_name = "targets/subdistrict_detail.html"
    table_class = SubDistrictMonthTable
    table_pagination = False

    def dispatch(self, request, *args, **kwargs):
        self.subdistrict = SubDistrict.objects.select_related("district").get_for(request.user, slug=kwargs["slug"])
        self.month, self.months = selected_month(request)
        # a unit is shown in the months it belonged to the district: its history, with a notice
        self.absence = territory.membership_on(self.subdistrict, self.month)
        self.months = [m for m in self.months if self.subdistrict.is_member(m)]
        if self.absence:
            if not self.months:
                raise Http404(self.absence)
            self.month = (
                max(m for m in self.months if m <= self.month) if self.months[0] <= self.month else self.months[0]
            )
        self.page_cache = freshness.PageCache(request, "subdistrict", self.subdistrict.pk, self.month)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def page(self):
        return self.page_cache.get(lambda: dashboard.subdistrict_context(self.subdistrict, self.month))

    @property
    def export_name(self):
        return f"{self.subdistrict.name}月度数据"

    def get_table_data(self):
        return self.page["month_rows"]

    def get_context_data(self, **kwargs):
        html = self.page_cache.html("subdistrict")
        if html is not None:  # the whole page body, as rendered at this data version: no figures, no table
            context = TemplateView.get_context_data(self, **kwargs)
            context.update(subdistrict=self.subdistrict, page_html=html, absence=self.absence)
            return context
        context = super().get_context_data(**kwargs)
        context.update(
            self.page,
            subdistrict=self.subdistrict,
            absence=self.absence,
            month=self.month,
            months=self.months,
            month_options=month_options(self.months, self.page["progress"].expected),
            page_cache=self.page_cache,
            # the full monthly table changes only with its own rows: kept across other changes
            table_key=freshness.content_key(self.page["month_rows"], self.request.get_full_path()),
        )
        return context


class RulesView(TemplateView):
    """口径说明: how every judgement on the other pages is made, with worked examples."""

    template_name = "targets/rules.html"

    def get_context_data(self, **kwargs):
        yellow_pp = settings.STATUS_YELLOW_THRESHOLD_PP
        return super().get_context_data(**kwargs) | {
            "status_labels": metrics.STATUS_LABELS,
            "yellow_pp": yellow_pp,
            "examples": rate_words.rule_examples(yellow_pp),
            "expected": district_size(),
            "leading_cutoff": metrics.LEADING_CUTOFF,
            "class_leading_cutoff": metrics.CLASS_LEADING_CUTOFF,
            "small_increment": metrics.SMALL_INCREMENT,
            "small_step": 100 // metrics.SMALL_INCREMENT,
            "small_mark": rate_words.SMALL_MARK,
            "map": map_notes.map_rules(Month.current()),
        }


def api_targets(request):
    try:
        month = parse_plan_month(request.GET["month"], LAST_PLAN_MONTH) if request.GET.get("month") else None
    except ValueError as exc:
        return JsonResponse({"error": str(exc)}, status=400, json_dumps_params={"ensure_ascii": False})
    return JsonResponse(api.targets_payload(request.user, month), json_dumps_params={"ensure_ascii": False})


class MonthlyCountListView(CapabilityRequiredMixin, TemplateView):
    """Every month from 2023-01 with how many sub-districts reported, when and by whom."""

    capability = "sees_whole_district"
    template_name = "targets/monthlycount_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = MonthlyCount.objects.month_statuses(loggable_months(), services.district_subdistricts)
        context["can_edit"] = scope.keeps_the_books(self.request.user)
        return context


class MonthlyCountEntryView(CapabilityRequiredMixin, FormView):
    """The month's grid of 17 sub-districts × 2 metrics, saved in one transaction."""

    capability = "keeps_the_books"
    template_name = "targets/monthlycount_form.html"
    form_class = MonthlyCountGridForm

    def dispatch(self, request, *args, **kwargs):
        self.month = kwargs["month"]
        if not self.month.is_loggable():
            raise Http404("该月份不可填报")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["plan"] = services.plan_month(self.month, {})
        return kwargs

    def form_valid(self, form):
        try:
            written = services.save_month(
                self.month,
                form.entries(),
                self.request.user,
                reason=form.cleaned_data["reason"],
                confirmed=form.confirmed_keys(),
                expected_old=form.expected_old(),
            )
        except services.CountsRejected as exc:
            for error in exc.errors:
                form.add_error(None, error)
            flagged = services.plan_month(self.month, form.entries()).flagged
            return self.render_to_response(self.get_context_data(form=form, flagged=flagged))
        messages.success(self.request, f"{self.month.label}已保存 {len(written)} 个数值。")
        return redirect("targets:monthlycount_entry", month=self.month)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(month=self.month, locked=context["form"].plan.locked)
        context.setdefault("flagged", [])
        context["flagged_keys"] = {c.key for c in context["flagged"]}
        return context


def count_template(request, month):
    scope.require(request.user, "keeps_the_books")
    if month.is_future():
        raise Http404("未来月份没有模板")
    data = exporters.count_template(services.plan_month(month, {}))
    return xlsx_response(data, f"高科双企月度数据_{month}.xlsx")


@accepts_upload(MAX_FILE_BYTES)
class MonthlyCountImportView(CapabilityRequiredMixin, FormView):
    """Upload a file; every row is validated and nothing is written before the preview is confirmed."""

    capability = "keeps_the_books"
    template_name = "targets/monthlycount_import.html"
    form_class = CountImportForm

    def get_initial(self):
        return {"month": str(Month.current().previous())}

    def form_valid(self, form):
        month, upload = form.cleaned_data["month"], form.cleaned_data["file"]
        name = upload_name(upload.name)
        subs = services.district_subdistricts(month)
        parsed = parse_counts(
            name,
            upload.read(),
            month,
            subs,
            partial=form.cleaned_data["partial"],
            sheet=form.cleaned_data["sheet"] or None,
        )
        errors = services.month_errors(month) + parsed.errors
        if errors:
            context = self.get_context_data(form=form, errors=errors, file_name=name, notes=parsed.notes)
            return self.render_to_response(context)
        plan = services.plan_month(month, parsed.entries, subs)
        token = stage_import(self.request.session, month, parsed, plan)
        return redirect(reverse("targets:monthlycount_import_confirm") + f"?token={token}")


class MonthlyCountImportConfirmView(CapabilityRequiredMixin, FormView):
    """The preview (old → new for each cell) and the confirmation that writes it."""

    capability = "keeps_the_books"
    template_name = "targets/monthlycount_import_confirm.html"
    form_class = CountImportConfirmForm

    def dispatch(self, request, *args, **kwargs):
        self.token = request.POST.get("token") or request.GET.get("token") or ""
        self.staged, problem = staged_import(request.session, self.token)
        if scope.keeps_the_books(request.user) and problem:
            messages.error(request, problem)
            return redirect("targets:monthlycount_import")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"token": self.token, "month": self.staged["month"]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month, entries, _ = unstage_import(self.staged)
        plan = services.plan_month(month, entries)
        only_changed = self.request.GET.get("changed") == "1"
        context.update(
            month=month,
            plan=plan,
            rows=plan.changes if only_changed else plan.cells,
            only_changed=only_changed,
            token=self.token,
            file_name=self.staged["file_name"],
            notes=self.staged.get("notes", []),
        )
        return context

    def form_valid(self, form):
        if form.cleaned_data["month"] != self.staged["month"]:
            messages.error(self.request, "确认的月份与上传时选择的月份不一致，未写入任何数据，请重新上传文件。")
            return redirect("targets:monthlycount_import")
        month, entries, expected_old = unstage_import(self.staged)
        note = form.cleaned_data["note"].strip()
        if form.cleaned_data["confirm"] and note:
            for cell in services.plan_month(month, entries).flagged:
                key = (cell.subdistrict.pk, cell.metric)
                if not cell.note.strip():
                    entries[key] = (entries[key][0], note)
        try:
            written = services.save_month(
                month,
                entries,
                self.request.user,
                source=CountSource.IMPORT,
                source_file=self.staged["file_name"],
                reason=form.cleaned_data["reason"].strip(),
                confirmed=form.cleaned_data["confirm"],
                expected_old=expected_old,
            )
        except services.CountsRejected as exc:
            for error in exc.errors:
                form.add_error(None, error)
            return self.form_invalid(form)
        drop_staged(self.request.session, self.token)
        messages.success(self.request, f"已导入{month.label}的 {len(written)} 个数值（{self.staged['file_name']}）。")
        return redirect("targets:monthlycount_entry", month=month)


class MonthlyCountHistoryView(CapabilityRequiredMixin, SingleTableMixin, TemplateView):
    """Every change to a month's counts: who, when, old → new, how and why; scoped to the user."""

    capability = "reads_counts"
    template_name = "targets/monthlycount_history.html"
    table_class = CountChangeTable
    table_pagination = {"per_page": 100}

    def get_table_data(self):
        subdistrict = self.request.GET.get("subdistrict")
        subs = SubDistrict.objects.visible_to(self.request.user)
        if subdistrict:
            sub = SubDistrict.objects.get_for(self.request.user, "view", slug=subdistrict)
            subs = subs.filter(pk=sub.pk)
        return count_changes(month=self.kwargs["month"], subdistricts=subs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["month"] = self.kwargs["month"]
        context["subdistricts"] = SubDistrict.objects.visible_to(self.request.user).in_plan_order()
        context["selected"] = self.request.GET.get("subdistrict", "")
        return context


def api_progress(request):
    try:
        month = parse_plan_month(request.GET["month"]) if request.GET.get("month") else default_month()
    except ValueError as exc:
        return JsonResponse({"error": str(exc)}, status=400, json_dumps_params={"ensure_ascii": False})
    return JsonResponse(api.progress_payload(request.user, month), json_dumps_params={"ensure_ascii": False})
