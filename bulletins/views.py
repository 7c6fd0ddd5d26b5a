from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.generic import FormView, TemplateView

from accounts import scope
from accounts.choices import Role
from accounts.views import RoleRequiredMixin
from beibei_dashboard.tables import content_disposition, xlsx_response
from targets import freshness
from targets.charts import as_json
from targets.progress import latest_logged_month, plannable_months

from . import charts, exporters, services
from .exporters import DOCX_TYPE
from .forms import BulletinPublishForm


class BulletinListView(TemplateView):
    """Months with their bulletin state: draft, published (when, by whom), revised."""

    template_name = "bulletins/bulletin_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        whole = scope.sees_whole_district(self.request.user)
        # Months up to the latest with data: an empty current month is not offered first.
        latest = latest_logged_month()
        months = [m for m in plannable_months() if m <= latest]
        context["months"] = services.bulletin_months(months, published_only=not whole)
        context["can_publish"] = scope.is_bureau(self.request.user)
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
            parts = {"view": services.bulletin_view(month, number)}
    except LookupError as exc:
        raise Http404(str(exc)) from None
    scope.check_bulletin(request.user, published=not parts["view"].draft)
    return parts if page else parts["view"]


def _bulletin_page(month, number):
    view = services.bulletin_view(month, number)
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
            can_publish=scope.is_bureau(self.request.user) and view.latest,
            form=BulletinPublishForm(),
        )
        return context


def bulletin_export(request, month, fmt):
    if month not in plannable_months():
        raise Http404("该月份不在计划期内")
    view = _bulletin_for(request, month)
    suffix = "（草稿）" if view.draft else ("" if view.version.number == 1 else f"（第{view.version.number}版）")
    name = f"北碚区高科双企月通报{month}{suffix}"
    if fmt == "xlsx":
        return xlsx_response(exporters.bulletin_xlsx(view.figures, view.draft), f"{name}.xlsx")
    response = HttpResponse(exporters.bulletin_docx(view.figures, view.draft), content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition(f"{name}.docx")
    return response


class BulletinPublishView(RoleRequiredMixin, FormView):
    """Bureau staff publish a month's bulletin, or a revision with its reason."""

    allowed_roles = (Role.BUREAU,)
    form_class = BulletinPublishForm
    http_method_names = ["post"]

    def form_valid(self, form):
        month = self.kwargs["month"]
        try:
            version = services.publish(
                month, self.request.user, form.cleaned_data["reason"], form.cleaned_data["confirm_partial"]
            )
        except services.PublishRefused as exc:
            messages.error(self.request, str(exc))
        else:
            messages.success(self.request, f"{month.label}通报已发布（第{version.number}版）。")
        return redirect("bulletins:bulletin_detail", month=month)

    def form_invalid(self, form):
        messages.error(self.request, "；".join(form.errors.get("reason", ["发布失败"])))
        return redirect("bulletins:bulletin_detail", month=self.kwargs["month"])
