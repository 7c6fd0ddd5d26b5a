from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from beibei_dashboard.forms import CleanCharField, CleanTextAdminMixin, free_text_formfield
from beibei_dashboard.history_admin import ReadOnlyAdminMixin, ReadOnlyInline, ReasonHistoryAdmin

from .choices import CountSource
from .models import (
    BoundaryChange,
    DataVersion,
    District,
    Indicator,
    IndicatorValue,
    MonthLock,
    MonthlyCount,
    PlanFigure,
    PlanLine,
    PlanVersion,
    SubDistrict,
)
from .months import Month
from .services import CountsRejected, check_plan, plan_month, save_month


@admin.register(District)
class DistrictAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug")


class PlanFigureInline(ReadOnlyInline, admin.TabularInline):
    model = PlanFigure
    fields = ("metric", "year", "value")
    readonly_fields = fields


@admin.register(SubDistrict)
class SubDistrictAdmin(CleanTextAdminMixin, admin.ModelAdmin):
    list_display = ("name", "district", "category", "seq", "slug")
    list_filter = ("district", "category")
    inlines = [PlanFigureInline]


class ReadOnlyHistoryAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Shown for reference: the map and the plan's versions change only through their pages
    (/plan/changes/, /plan/revisions/), which check, preview and keep the history."""


@admin.register(BoundaryChange)
class BoundaryChangeAdmin(ReadOnlyHistoryAdmin):
    list_display = ("title", "effective", "announced", "authority")


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyHistoryAdmin):
    list_display = ("number", "effective", "issued", "is_example")


@admin.register(PlanLine)
class PlanLineAdmin(ReadOnlyHistoryAdmin):
    list_display = ("version", "subdistrict", "category", "seq")
    list_filter = ("version",)


@admin.register(PlanFigure)
class PlanFigureAdmin(ReasonHistoryAdmin):
    list_display = ("subdistrict", "metric", "year", "value")
    list_filter = ("metric", "year", "subdistrict__category")


class MonthlyCountAdminForm(forms.ModelForm):
    """The admin writes counts only through the grid's service (targets.services.save_month):
    the month is the first day, one row per sub-district, metric and month, a locked month
    needs a reason, a drop or a large rise needs a confirmation and a note."""

    reason = CleanCharField(label="更正原因", required=False, max_length=200, help_text="已发布（锁定）月份必填")
    confirmed = forms.BooleanField(label="确认数值下降或增幅超过20%", required=False)

    class Meta:
        model = MonthlyCount
        formfield_callback = free_text_formfield
        fields = ("subdistrict", "month", "metric", "value", "note")

    def clean(self):
        data = super().clean()
        existing = self.instance if self.instance.pk else None
        day = existing.month if existing else data.get("month")
        sub = existing.subdistrict if existing else data.get("subdistrict")
        metric = existing.metric if existing else data.get("metric")
        value = data.get("value")
        if day is not None and day.day != 1:
            self.add_error("month", "月份须填当月1日（如 2026-10-01），每月一行。")
        if self.errors or None in (day, sub, metric, value):
            return data
        if existing is None and MonthlyCount.objects.filter(subdistrict=sub, metric=metric, month=day).exists():
            raise forms.ValidationError("该街镇该月该指标已有数据，请修改原记录，不要另建一行。")
        self.month = Month.of(day)
        self.entries = {(sub.pk, metric): (value, data.get("note") or "")}
        plan = plan_month(self.month, self.entries, [sub])
        errors = check_plan(plan, reason=data.get("reason", ""), confirmed=data.get("confirmed", False))
        if errors:
            raise forms.ValidationError(errors)
        return data


@admin.register(MonthlyCount)
class MonthlyCountAdmin(CleanTextAdminMixin, SimpleHistoryAdmin):
    form = MonthlyCountAdminForm
    list_display = ("subdistrict", "month", "metric", "value", "source", "updated_by", "updated_at")
    list_filter = ("metric", "month", "source", "subdistrict__category")
    readonly_fields = ("updated_by", "updated_at", "source", "source_file")

    def get_readonly_fields(self, request, obj=None):
        # which cell a row is never changes: correct the value, or add the right row
        cell = ("subdistrict", "month", "metric") if obj is not None else ()
        return (*cell, *self.readonly_fields)

    def save_model(self, request, obj, form, change):
        """Through the service, in its transaction, with its history reason."""
        try:
            save_month(
                form.month,
                form.entries,
                request.user,
                source=CountSource.ADMIN,
                reason=form.cleaned_data.get("reason", ""),
                confirmed=form.cleaned_data.get("confirmed", False),
                subdistricts=[obj.subdistrict],
            )
        except CountsRejected as exc:  # a race since the form was checked
            raise forms.ValidationError(exc.errors) from exc
        saved = MonthlyCount.objects.get(subdistrict=obj.subdistrict, metric=obj.metric, month=obj.month)
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Indicator)
class IndicatorAdmin(ReasonHistoryAdmin):
    list_display = ("position", "name", "kind", "year", "comparator", "value", "unit", "source")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReasonHistoryAdmin):
    list_display = ("indicator", "month", "value", "note", "recorded_by", "recorded_at")
    list_filter = ("indicator",)


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Records written by the application itself: read here, never edited."""


@admin.register(MonthLock)
class MonthLockAdmin(ReadOnlyAdmin):
    list_display = ("month", "locked_at", "reason")


@admin.register(DataVersion)
class DataVersionAdmin(ReadOnlyAdmin):
    list_display = ("token",)
