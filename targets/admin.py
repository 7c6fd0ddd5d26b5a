from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DataVersion, District, Indicator, IndicatorValue, MonthLock, MonthlyCount, PlanFigure, SubDistrict


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")


class PlanFigureInline(admin.TabularInline):
    model = PlanFigure
    extra = 0


@admin.register(SubDistrict)
class SubDistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "district", "category", "seq", "slug")
    list_filter = ("district", "category")
    inlines = [PlanFigureInline]


@admin.register(PlanFigure)
class PlanFigureAdmin(admin.ModelAdmin):
    list_display = ("subdistrict", "metric", "year", "value")
    list_filter = ("metric", "year", "subdistrict__category")


@admin.register(MonthlyCount)
class MonthlyCountAdmin(SimpleHistoryAdmin):
    list_display = ("subdistrict", "month", "metric", "value", "source", "updated_by", "updated_at")
    list_filter = ("metric", "month", "source", "subdistrict__category")
    readonly_fields = ("updated_by", "updated_at", "source", "source_file")


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("position", "name", "kind", "year", "comparator", "value", "unit", "source")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ("indicator", "month", "value", "note", "recorded_by", "recorded_at")
    list_filter = ("indicator",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the application itself: read here, never edited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MonthLock)
class MonthLockAdmin(ReadOnlyAdmin):
    list_display = ("month", "locked_at", "reason")


@admin.register(DataVersion)
class DataVersionAdmin(ReadOnlyAdmin):
    list_display = ("token",)
