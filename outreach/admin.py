from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from beibei_dashboard.forms import CleanTextAdminMixin

from .models import Problem, Visit


@admin.register(Visit)
class VisitAdmin(CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = ("date", "enterprise", "subdistrict", "visitors", "recorded_by")
    list_filter = ("subdistrict",)
    search_fields = ("enterprise__name", "visitors")
    raw_id_fields = ("enterprise",)


@admin.register(Problem)
class ProblemAdmin(CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = ("enterprise", "category", "answer_unit", "answer_subdistrict", "state", "due_date")
    list_filter = ("state", "category")
    search_fields = ("enterprise__name", "description")
    raw_id_fields = ("enterprise", "visit")
