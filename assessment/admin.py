from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from beibei_dashboard.forms import CleanTextAdminMixin

from .models import AssessmentResult, AssessmentScheme


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = ("year", "version", "updated_by", "updated_at")
    readonly_fields = ("version", "updated_by", "updated_at")


@admin.register(AssessmentResult)
class AssessmentResultAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    """Published results are read-only, like published bulletins."""

    list_display = ("year", "number", "published_at", "published_by", "reason")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
