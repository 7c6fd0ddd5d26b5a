"""The monthly counts: a sub-district's logged stock of enterprises per month, the months
locked by a published bulletin, and the token of the data's version."""

from dataclasses import dataclass

from django.db import models

from accounts.scope import rows_visible_to
from beibei_dashboard import fields

from .. import metrics
from ..choices import CountSource, Metric
from ..months import Month
from .plan import DistrictScopedHistoryManager, DistrictScopedManager, SubDistrict


@dataclass
class MonthStatus:
    """A row of the month list: how many sub-districts reported, and the last change."""

    month: Month
    reported: int
    expected: int
    last_at: object = None
    last_by: str = ""
    locked: bool = False
    missing: tuple = ()  # the names of the units expected that have not reported both metrics, in plan order

    @property
    def complete(self):
        return metrics.is_complete(self.reported, self.expected)


class MonthlyCountQuerySet(models.QuerySet):
    def visible_to(self, user):
        return rows_visible_to(user, self)

    def month_statuses(self, months, units_of):
        """A MonthStatus for each month in `months` (newest first), in three queries.

        `units_of(month)` are the units expected to report that month (the month's map). A
        sub-district counts as reported for a month when both metrics are logged.
        """
        units = {m: list(units_of(m)) for m in months}
        expected_of = {m: {sub.pk for sub in subs} for m, subs in units.items()}
        sub_ids = set().union(*expected_of.values()) if expected_of else set()
        rows = self.filter(subdistrict_id__in=sub_ids, month__in=[m.date for m in months])
        per_sub = rows.values("month", "subdistrict_id").annotate(n=models.Count("id"))
        reported = {}
        for row in per_sub:
            month = Month.of(row["month"])
            if row["n"] == len(Metric.values) and row["subdistrict_id"] in expected_of.get(month, ()):
                reported.setdefault(row["month"], set()).add(row["subdistrict_id"])
        last = {row["month"]: row["last"] for row in rows.values("month").annotate(last=models.Max("updated_at"))}
        who = {
            (month, updated_at): name
            for month, updated_at, name in rows.filter(updated_at__in=list(last.values())).values_list(
                "month", "updated_at", "updated_by__username"
            )
        }
        locked = set(MonthLock.objects.values_list("month", flat=True))
        return [
            MonthStatus(
                month=m,
                reported=len(reported.get(m.date, ())),
                expected=len(expected_of[m]),
                missing=tuple(sub.name for sub in units[m] if sub.pk not in reported.get(m.date, ())),
                last_at=last.get(m.date),
                last_by=who.get((m.date, last.get(m.date))) or "",
                locked=m.date in locked,
            )
            for m in sorted(months, reverse=True)
        ]

    def value_map(self, months=None):
        """{(subdistrict_id, metric, Month): value} for the given months (all when None), one query."""
        qs = self if months is None else self.filter(month__in=[m.date for m in months])
        return {
            (sub_id, metric, Month.of(month)): value
            for sub_id, metric, month, value in qs.values_list("subdistrict_id", "metric", "month", "value")
        }


class MonthlyCount(models.Model):
    """A sub-district's stock of enterprises of one kind at the end of a month (月末存量).

    Unique per (sub-district, month, metric); `month` is the first day of the month. A month
    without a row is "未填报" and stays missing. Every change is kept in `history` with who,
    when, the new value and how (`source`, `source_file`) and why (the change reason).
    """

    subdistrict = models.ForeignKey(SubDistrict, verbose_name="街镇", on_delete=models.PROTECT, related_name="counts")
    month = models.DateField("月份")
    metric = models.CharField("指标", max_length=16, choices=Metric.choices)
    value = models.PositiveIntegerField("月末数量（家）")
    note = models.CharField("备注", max_length=200, blank=True)
    source = models.CharField("填报方式", max_length=16, choices=CountSource.choices, default=CountSource.GRID)
    source_file = models.CharField("导入文件", max_length=200, blank=True)
    updated_by = fields.done_by("填报人")
    updated_at = models.DateTimeField("填报时间", auto_now=True)

    history = fields.history(history_manager=DistrictScopedHistoryManager)
    objects = DistrictScopedManager.of(MonthlyCountQuerySet, "subdistrict")

    class Meta:
        verbose_name = "月度数据"
        verbose_name_plural = "月度数据"
        ordering = ["month", "subdistrict__category", "subdistrict__seq", "metric"]
        constraints = [
            fields.unique(
                "subdistrict", "month", "metric", name="monthlycount_unique_cell", message="该街镇该月该指标已有数据。"
            ),
        ]

    def __str__(self):
        return f"{self.subdistrict} {Month.of(self.month).label} {self.get_metric_display()}：{self.value}"

    @classmethod
    def from_db(cls, db, field_names, values):
        count = super().from_db(db, field_names, values)
        if {"subdistrict_id", "month", "metric"} <= set(field_names):  # never load a deferred field here
            count.loaded_cell = count.cell  # a save that moves it changes which counts exist (freshness)
        return count

    @property
    def cell(self):
        """(sub-district, month, metric): where the count stands in the table of counts."""
        return (self.subdistrict_id, self.month, self.metric)


class MonthLock(models.Model):
    """A month whose counts are frozen: its bulletin has been published (`bulletins` locks it).

    A locked month's counts change only through a correction with a reason. One row a month.
    """

    month = models.DateField("月份", unique=True)
    locked_at = models.DateTimeField("锁定时间", auto_now_add=True)
    reason = models.CharField("锁定原因", max_length=64, default="月通报已发布")

    class Meta:
        verbose_name = "已锁定月份"
        verbose_name_plural = "已锁定月份"
        ordering = ["-month"]

    def __str__(self):
        return f"{Month.of(self.month).label}（{self.reason}）"


def is_month_locked(month):
    """A month is locked once its bulletin has been published."""
    return MonthLock.objects.filter(month=month.date).exists()


class DataVersion(models.Model):
    """One row whose `token` changes, in the writer's transaction, whenever anything a progress
    page or bulletin shows changes (see `targets.freshness`). Pages cache their figures under
    the token, so a cached figure is never shown once a count has changed.
    """

    token = models.CharField("数据版本", max_length=32)

    class Meta:
        verbose_name = "数据版本"
        verbose_name_plural = "数据版本"

    def __str__(self):
        return self.token
