from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from django_tables2 import SingleTableMixin

from beibei_dashboard.tables import XlsxExportMixin
from tasks.models import Indicator

from . import api
from .tables import PlanFigureTable, plan_table_data


@never_cache
@login_not_required
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def home(request):
    """Until the dashboard lands, everyone starts at the plan."""
    return redirect("targets:plan")


class PlanView(XlsxExportMixin, SingleTableMixin, TemplateView):
    """The plan's attachment table with its computed totals, and the district goals."""

    template_name = "targets/plan.html"
    table_class = PlanFigureTable
    table_pagination = False
    export_name = "北碚区高科双企目标任务分解表"

    def get_table_data(self):
        return plan_table_data(*api.plan_rows_and_totals(self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["indicators"] = Indicator.objects.all()
        return context


def api_targets(request):
    return JsonResponse(api.targets_payload(request.user), json_dumps_params={"ensure_ascii": False})
