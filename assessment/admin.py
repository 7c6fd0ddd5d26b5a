from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from beibei_dashboard.forms import CleanTextAdminMixin
from beibei_dashboard.history_admin import ReadOnlyAdminMixin

from .models import AssessmentResult, AssessmentScheme


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = ("year", "version", "updated_by", "updated_at")
    readonly_fields = ("version", "updated_by", "updated_at")


@admin.register(AssessmentResult)
class AssessmentResultAdmin(CleanTextAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Published results are read-only, like published bulletins."""

    list_display = ("year", "number", "published_at", "published_by", "reason")
