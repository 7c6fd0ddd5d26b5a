from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Bulletin, BulletinVersion, DataVersion, DemoDataset, District, MonthlyCount, PlanFigure, SubDistrict


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


@admin.register(DemoDataset)
class DemoDatasetAdmin(admin.ModelAdmin):
    list_display = ("loaded_at",)


@admin.register(MonthlyCount)
class MonthlyCountAdmin(SimpleHistoryAdmin):
    list_display = ("subdistrict", "month", "metric", "value", "source", "updated_by", "updated_at")
    list_filter = ("metric", "month", "source", "subdistrict__category")
    readonly_fields = ("updated_by", "updated_at", "source", "source_file")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Published bulletins are a record: they are read here, never edited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BulletinVersionInline(admin.TabularInline):
    model = BulletinVersion
    fields = ("number", "published_at", "published_by", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdmin):
    list_display = ("month",)
    inlines = [BulletinVersionInline]


@admin.register(BulletinVersion)
class BulletinVersionAdmin(ReadOnlyAdmin):
    list_display = ("bulletin", "number", "published_at", "published_by", "reason")


@admin.register(DataVersion)
class DataVersionAdmin(ReadOnlyAdmin):
    list_display = ("token",)
