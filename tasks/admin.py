from django.contrib import admin

from .models import Indicator, KeyTask, TaskGroup, TaskLead, TaskResponsible, TaskTarget, Unit


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


class TaskTargetInline(admin.TabularInline):
    model = TaskTarget
    extra = 0


@admin.register(KeyTask)
class KeyTaskAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "title", "group")
    list_filter = ("kind", "group")
    search_fields = ("title", "text")
    inlines = [TaskLeadInline, TaskResponsibleInline, TaskTargetInline]


@admin.register(TaskTarget)
class TaskTargetAdmin(admin.ModelAdmin):
    list_display = ("task", "name", "comparator", "value", "unit", "year")


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("position", "name", "kind", "year", "comparator", "value", "unit", "source")
