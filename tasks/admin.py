from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from beibei_dashboard.forms import CleanTextAdminMixin
from beibei_dashboard.history_admin import ReadOnlyInline, ReasonHistoryAdmin

from .models import (
    ContributionAttachment,
    KeyTask,
    ReportAttachment,
    TaskContribution,
    TaskGroup,
    TaskLead,
    TaskReport,
    TaskResponsible,
    TaskTarget,
    TaskTargetValue,
    Unit,
)


@admin.register(Unit)
class UnitAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    list_display = ("name", "all_subdistricts")
    search_fields = ("name",)


@admin.register(TaskGroup)
class TaskGroupAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    list_display = ("number", "kind", "title")


class TaskLeadInline(CleanTextAdminMixin, admin.TabularInline):
    model = TaskLead
    extra = 0


class TaskResponsibleInline(CleanTextAdminMixin, admin.TabularInline):
    model = TaskResponsible
    extra = 0


class TaskTargetInline(ReadOnlyInline, admin.TabularInline):
    model = TaskTarget
    fields = ("name", "comparator", "value", "unit", "year", "baseline", "baseline_year", "text", "registry_code")
    readonly_fields = fields


@admin.register(KeyTask)
class KeyTaskAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    list_display = ("number", "kind", "title", "group")
    list_filter = ("kind", "group")
    search_fields = ("title", "text")
    inlines = [TaskLeadInline, TaskResponsibleInline, TaskTargetInline]


@admin.register(TaskTarget)
class TaskTargetAdmin(ReasonHistoryAdmin):
    list_display = ("task", "name", "comparator", "value", "unit", "year", "baseline", "registry_code")


class TaskTargetValueInline(CleanTextAdminMixin, admin.TabularInline):
    model = TaskTargetValue
    extra = 0


class AttachmentInline(CleanTextAdminMixin, admin.TabularInline):
    extra = 0
    fields = ("original_name", "kind", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    can_delete = False


@admin.register(ReportAttachment, ContributionAttachment)
class AttachmentAdmin(CleanTextAdminMixin, SimpleHistoryAdmin):
    """The row it belongs to (the model's `owner_field`) and the file's name are editable; what
    the upload was is not."""

    readonly_fields = ("file", "kind", "size", "uploaded_by", "uploaded_at")

    def get_list_display(self, request):
        return ("original_name", self.model.owner_field, "kind", "size", "uploaded_by", "uploaded_at")

    def get_fields(self, request, obj=None):
        return (self.model.owner_field, "original_name", *self.readonly_fields)


class ReportAttachmentInline(AttachmentInline):
    model = ReportAttachment


class ContributionAttachmentInline(AttachmentInline):
    model = ContributionAttachment


@admin.register(TaskReport)
class TaskReportAdmin(CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = ("task", "period", "status", "review_state", "submitted_by", "submitted_at")
    list_filter = ("status", "review_state", "task")
    search_fields = ("done", "problems", "next_steps")
    readonly_fields = ("submitted_at", "reviewed_at")
    inlines = [TaskTargetValueInline, ReportAttachmentInline]


@admin.register(TaskTargetValue)
class TaskTargetValueAdmin(CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = ("report", "target", "value")


@admin.register(TaskLead, TaskResponsible)
class TaskUnitAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    """A lead or responsible unit of a task."""

    list_display = ("task", "unit", "position")
    list_filter = ("unit",)


@admin.register(TaskContribution)
class TaskContributionAdmin(CleanTextAdminMixin, SimpleHistoryAdmin):
    list_display = ("task", "period", "unit", "subdistrict", "submitted_by", "submitted_at")
    list_filter = ("task", "unit", "subdistrict")
    search_fields = ("done", "problems")
    readonly_fields = ("submitted_at",)
    inlines = [ContributionAttachmentInline]
