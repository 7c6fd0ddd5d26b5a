from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from beibei_dashboard.history_admin import ReadOnlyInline, ReasonHistoryAdmin

from .models import (
    KeyTask,
    ReportAttachment,
    TaskGroup,
    TaskLead,
    TaskReport,
    TaskResponsible,
    TaskTarget,
    TaskTargetValue,
    Unit,
)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "all_subdistricts")
    search_fields = ("name",)


@admin.register(TaskGroup)
class TaskGroupAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "title")


class TaskLeadInline(admin.TabularInline):
    model = TaskLead
    extra = 0


class TaskResponsibleInline(admin.TabularInline):
    model = TaskResponsible
    extra = 0


class TaskTargetInline(ReadOnlyInline, admin.TabularInline):
    model = TaskTarget
    fields = ("name", "comparator", "value", "unit", "year", "baseline", "baseline_year", "text", "registry_code")
    readonly_fields = fields


@admin.register(KeyTask)
class KeyTaskAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "title", "group")
    list_filter = ("kind", "group")
    search_fields = ("title", "text")
    inlines = [TaskLeadInline, TaskResponsibleInline, TaskTargetInline]


@admin.register(TaskTarget)
class TaskTargetAdmin(ReasonHistoryAdmin):
    list_display = ("task", "name", "comparator", "value", "unit", "year", "baseline", "registry_code")


class TaskTargetValueInline(admin.TabularInline):
    model = TaskTargetValue
    extra = 0


class ReportAttachmentInline(admin.TabularInline):
    model = ReportAttachment
    extra = 0
    fields = ("original_name", "kind", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    can_delete = False


@admin.register(TaskReport)
class TaskReportAdmin(SimpleHistoryAdmin):
    list_display = ("task", "period", "status", "review_state", "submitted_by", "submitted_at")
    list_filter = ("status", "review_state", "task")
    search_fields = ("done", "problems", "next_steps")
    readonly_fields = ("submitted_at", "reviewed_at")
    inlines = [TaskTargetValueInline, ReportAttachmentInline]


@admin.register(TaskTargetValue)
class TaskTargetValueAdmin(SimpleHistoryAdmin):
    list_display = ("report", "target", "value")


@admin.register(ReportAttachment)
class ReportAttachmentAdmin(SimpleHistoryAdmin):
    list_display = ("original_name", "report", "kind", "size", "uploaded_by", "uploaded_at")
    readonly_fields = ("file", "kind", "size", "uploaded_by", "uploaded_at")


@admin.register(TaskLead)
class TaskLeadAdmin(admin.ModelAdmin):
    list_display = ("task", "unit", "position")
    list_filter = ("unit",)


@admin.register(TaskResponsible)
class TaskResponsibleAdmin(admin.ModelAdmin):
    list_display = ("task", "unit", "position")
    list_filter = ("unit",)
