from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import FormView, TemplateView, View

from accounts import scope
from accounts.views import CapabilityRequiredMixin
from beibei_dashboard.middleware import accepts_upload
from beibei_dashboard.tables import docx_response, upload_name, xlsx_response
from targets import freshness
from targets.charts import as_json
from targets.progress import latest_logged_month, plannable_months

from . import charts, exporters, reading, services, template_store, text, xlsx_export
from .forms import BulletinPublishForm, BulletinSettingsForm, BulletinTemplateForm
from .models import BulletinSettings, BulletinTemplate


class BulletinListView(TemplateView):
    """Months with their bulletin state: draft, published (when, by whom), revised."""

    template_name = "bulletins/bulletin_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        whole = scope.sees_whole_district(self.request.user)
        # Months up to the latest with data: an empty current month is not offered first.
        latest = latest_logged_month()
        months = [m for m in plannable_months() if m <= latest]
        context["months"] = reading.bulletin_months(months, published_only=not whole)
        context["can_publish"] = scope.keeps_the_books(self.request.user)
        return context


def _bulletin_for(request, month, page_cache=None):
    """The bulletin (or version) the request asks for; with a `page_cache`, also its tables and
    charts, from the cache."""
    number = request.GET.get("version")
    number = int(number) if number and number.isdigit() else None
    page = page_cache is not None
    try:
        if page:
            parts = page_cache.get(lambda: _bulletin_page(month, number))
        else:
            parts = {"view": reading.bulletin_view(month, number)}
    except LookupError as exc:
        raise Http404(str(exc)) from None
    scope.check_bulletin(request.user, published=not parts["view"].draft)
    return parts if page else parts["view"]


def _bulletin_page(month, number):
    view = reading.bulletin_view(month, number)
    figures = view.figures
    return {
        "view": view,
        "tables": {m: list(exporters.bulletin_table_rows(figures, m)) for m in figures["metrics"]},
        "charts": [
            {
                "id": f"chart-{m}",
                "title": f"{figures['metrics'][m]['label']}：各街镇新增完成率（按状态着色）",
                "figure": as_json(charts.bulletin_chart(figures, m)),
                "reading": charts.bulletin_chart_reading(figures, m),
            }
            for m in figures["metrics"]
        ],
        "doc": {
            "numbers": exporters.section_numbers(figures),
            "date_cn": exporters.chinese_date(figures["date"]),
            "issue_label": exporters.issue_label(figures, view.draft),
            "ranking_rule": text.ranking_rule(figures),
            "lagging": text.lagging_lines(figures),
            "warning": exporters.warning_lines(figures),
            "rules": text.rules_lines(figures),
            "overall": text.overall_paragraphs(figures, word=False),
            "document": figures.get("document") or {},
        },
    }


class BulletinDetailView(TemplateView):
    """One month's bulletin; a published one shows its stored figures, never today's."""

    template_name = "bulletins/bulletin_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month = self.kwargs["month"]
        if month not in plannable_months():
            raise Http404("该月份不在计划期内")
        page_cache = freshness.PageCache(self.request, "bulletin", month, self.request.GET.get("version", ""))
        page = _bulletin_for(self.request, month, page_cache)
        view = page["view"]
        context.update(
            page,
            figures=view.figures,
            month=month,
            page_cache=page_cache,
            can_publish=scope.keeps_the_books(self.request.user) and view.latest,
            pending=0 if view.draft else services.pending_revisions([month]).get(month, 0),
        )
        return context


def bulletin_export(request, month, fmt):
    if month not in plannable_months():
        raise Http404("该月份不在计划期内")
    view = _bulletin_for(request, month)
    suffix = "（草稿）" if view.draft else ("" if view.version.number == 1 else f"（第{view.version.number}版）")
    name = f"北碚区高科双企月通报{month}{suffix}"
    if fmt == "xlsx":
        return xlsx_response(xlsx_export.bulletin_xlsx(view.figures, view.draft), f"{name}.xlsx")
    return docx_response(template_store.bulletin_docx(view), f"{name}.docx")


class BulletinPublishView(CapabilityRequiredMixin, FormView):
    """Bureau staff publish a month's bulletin, or a revision with its reason, after a page that
    lists what will be frozen (and, for a partial month, who has not reported)."""

    capability = "keeps_the_books"
    form_class = BulletinPublishForm
    template_name = "bulletins/bulletin_publish.html"

    def get_context_data(self, **kwargs):
        month = self.kwargs["month"]
        if month not in plannable_months():
            raise Http404("该月份不在计划期内")
        return super().get_context_data(plan=services.publish_plan(month), month=month, **kwargs)

    def form_valid(self, form):
        month = self.kwargs["month"]
        if not form.cleaned_data["confirm"]:
            return redirect("bulletins:bulletin_publish", month=month)
        try:
            version = services.publish(
                month, self.request.user, form.cleaned_data["reason"], form.cleaned_data["confirm_partial"]
            )
        except services.PublishRefused as exc:
            messages.error(self.request, str(exc))
            return redirect("bulletins:bulletin_publish", month=month)
        messages.success(self.request, f"{month.label}通报已发布（第{version.number}版）。")
        return redirect("bulletins:bulletin_detail", month=month)

    def form_invalid(self, form):
        messages.error(self.request, "；".join(form.errors.get("reason", ["发布失败"])))
        return redirect("bulletins:bulletin_publish", month=self.kwargs["month"])


class BulletinSettingsView(CapabilityRequiredMixin, FormView):
    """The bureau's settings of the bulletin: 报送/抄送 lines and the Word template."""

    capability = "keeps_the_books"
    form_class = BulletinSettingsForm
    template_name = "bulletins/bulletin_settings.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": BulletinSettings.current()}

    def get_context_data(self, **kwargs):
        _, _, label = template_store.active_template()
        return super().get_context_data(
            template_form=BulletinTemplateForm(),
            template_label=label,
            disabled_templates=template_store.disabled_templates(),
            unnoted=template_store.unnoted_disabled_templates(),
            templates=BulletinTemplate.objects.select_related("uploaded_by").defer("content")[:20],
            **kwargs,
        )

    def form_valid(self, form):
        form.save()
        messages.success(self.request, "报送、抄送已保存，此后导出和发布的通报使用新的设置。")
        return redirect("bulletins:bulletin_settings")


@accepts_upload(template_store.TEMPLATE_MAX_BYTES)
class BulletinTemplateUploadView(CapabilityRequiredMixin, FormView):
    """Upload a Word template: kept only when it renders a bulletin, else refused with why."""

    capability = "keeps_the_books"
    form_class = BulletinTemplateForm
    http_method_names = ["post"]

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        if upload.size > template_store.TEMPLATE_MAX_BYTES:
            messages.error(self.request, "模板未更换：文件超过5 MB。")
            return redirect("bulletins:bulletin_settings")
        try:
            row = template_store.save_template(upload.read(), upload_name(upload.name), self.request.user)
        except template_store.TemplateRefused as exc:
            messages.error(self.request, f"模板未更换（仍使用原模板）：{exc}")
        else:
            messages.success(self.request, f"已启用{row.label}，此后导出和发布的通报使用该模板。")
        return redirect("bulletins:bulletin_settings")

    def form_invalid(self, form):
        messages.error(self.request, "模板未更换：请选择要上传的Word文件。")
        return redirect("bulletins:bulletin_settings")


class BulletinTemplateNotedView(CapabilityRequiredMixin, View):
    """The bureau has read that its disabled templates are no longer used (ends the 待办)."""

    capability = "keeps_the_books"
    http_method_names = ["post"]

    def post(self, request):
        if template_store.note_disabled_templates():
            messages.success(request, "已知悉：停用的模板不再提示，通报继续使用当前模板。")
        return redirect("bulletins:bulletin_settings")


def bulletin_template_download(request, which):
    """The template in use (`current`) or the one shipped with the application (`default`)."""
    scope.require(request.user, "keeps_the_books")
    data, _, label = template_store.active_template() if which == "current" else template_store.shipped_template()
    return docx_response(data, f"月通报Word模板_{label}.docx")
