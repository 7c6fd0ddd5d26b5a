import functools
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords

from accounts.scope import plan_subdistricts_visible_to, rows_visible_to, subdistricts_visible_to

from .choices import ALL_YEARS, Category, Comparator, CountSource, IndicatorKind, Metric
from .months import Month


def plain_number(value):
    """470.00 -> "470", 0.50 -> "0.5": how the plan writes its figures."""
    return f"{value.normalize():f}"


def _in_district(model, field):
    """`{field}_id__in` the deployment's district's rows of the model `field` points to."""
    target = model._meta.get_field(field).related_model
    return {f"{field}_id__in": _district_subquery(None if target is District else target, settings.DISTRICT_SLUG)}


@functools.cache
def _district_subquery(target, slug):
    """The pks of the district `slug` (`target` None) or of `target`'s rows in it (through its
    own scoped manager), as an unevaluated queryset built once per process and district (a test
    or a benchmark run may switch `DISTRICT_SLUG`): a query that filters on it copies it, so it
    is never run nor changed itself. Building the nested subqueries afresh was most of the cost
    of building a count's query."""
    if target is None:
        return District.objects.filter(slug=slug).values("pk")
    return target._default_manager.values("pk")


class DistrictScopedManager(models.Manager):
    """The default manager of every per-district model (sub-districts, plan figures, counts,
    firms, certificates): only rows of the deployment's district (`DISTRICT_SLUG`), so that no
    page, export, API, form or admin list can show another district's rows, however it is
    written. Chongqing may keep several districts in one database (the city-scale benchmark).

    `scope_field` is the foreign key that leads towards the district (a `…_id IN (…)`
    subquery, no join, so `select_for_update()` locks only the model's own rows). Following a
    foreign key (`count.subdistrict`) uses Django's plain base manager; code that must see
    every district (load_plan, the city-scale generator, export_data) uses `_base_manager`.
    """

    scope_field = None

    @classmethod
    def of(cls, queryset_class, field):
        """A manager with `queryset_class`'s methods scoped through `field` (an attribute, not an
        __init__ argument: Django builds related managers by subclassing without arguments)."""
        base = cls.from_queryset(queryset_class)
        return type(f"{queryset_class.__name__}InDistrict", (base,), {"scope_field": field})()

    def get_queryset(self):
        return super().get_queryset().filter(**_in_district(self.model, self.scope_field))


class DistrictScopedHistoryManager(HistoryManager):
    """The history of a per-district model, scoped as its rows are (see DistrictScopedManager)."""

    scope_field = "subdistrict"

    def get_super_queryset(self):
        instance_model = self.model.instance_type
        ids = _in_district(instance_model, self.scope_field)
        return super().get_super_queryset().filter(**ids)


class District(models.Model):
    """A district (区县) of Chongqing that runs a 双倍增 plan; Beibei is the first."""

    name = models.CharField("区县", max_length=32, unique=True)
    slug = models.SlugField("标识", max_length=32, unique=True)

    class Meta:
        verbose_name = "区县"
        verbose_name_plural = "区县"
        ordering = ["id"]

    def __str__(self):
        return self.name


class SubDistrictQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The sub-districts whose data `user` may read (see `accounts.scope`)."""
        return subdistricts_visible_to(user, self)

    def plan_visible_to(self, user):
        """The sub-districts whose line of the plan's attachment `user` may read."""
        return plan_subdistricts_visible_to(user, self)

    def in_plan_order(self):
        """Class A then B, each in the attachment's order."""
        return self.order_by("district_id", "category", "seq")


class SubDistrict(models.Model):
    """A sub-district (街镇: 街道 or 镇) with its class and its number within the class.

    `seq` is the 序号 of the plan's attachment; (district, category, seq) is unique.
    """

    district = models.ForeignKey(District, verbose_name="区县", on_delete=models.PROTECT, related_name="subdistricts")
    name = models.CharField("街镇", max_length=32)
    slug = models.SlugField("标识", max_length=48, unique=True)
    category = models.CharField("类型", max_length=1, choices=Category.choices)
    seq = models.PositiveSmallIntegerField("序号")

    objects = DistrictScopedManager.of(SubDistrictQuerySet, "district")

    class Meta:
        verbose_name = "街镇"
        verbose_name_plural = "街镇"
        ordering = ["district_id", "category", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"],
                name="subdistrict_unique_name",
                violation_error_message="同一区县内街镇名称不能重复。",
            ),
            models.UniqueConstraint(
                fields=["district", "category", "seq"],
                name="subdistrict_unique_seq",
                violation_error_message="同一类型内序号不能重复。",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.page_url

    @cached_property
    def page_url(self):
        """Its progress page, reversed once: tables link every sub-district several times."""
        return reverse("targets:subdistrict_detail", args=[self.slug])


@dataclass
class PlanRow:
    """One line of the attachment: a sub-district and its figures {metric: {year: value}}."""

    subdistrict: SubDistrict
    figures: dict


class PlanFigureQuerySet(models.QuerySet):
    def rows_for(self, subdistricts):
        """The attachment's lines for `subdistricts` (in their order), in two queries."""
        subdistricts = list(subdistricts)
        figures = {sub.pk: {metric: {} for metric in Metric.values} for sub in subdistricts}
        for sub_id, metric, year, value in self.filter(subdistrict__in=subdistricts).values_list(
            "subdistrict_id", "metric", "year", "value"
        ):
            figures[sub_id][metric][year] = value
        return [PlanRow(sub, figures[sub.pk]) for sub in subdistricts]


class PlanFigure(models.Model):
    """One cell of the plan's attachment: a sub-district's figure for a metric and a year.

    For 2022 (`BASE_YEAR`) the figure is the actual count the plan starts from; for 2023–2027
    it is that year's target (年度目标数, end-of-year stock). District totals (合计) are
    computed from these rows, never stored.
    """

    subdistrict = models.ForeignKey(
        SubDistrict, verbose_name="街镇", on_delete=models.CASCADE, related_name="plan_figures"
    )
    metric = models.CharField("指标", max_length=16, choices=Metric.choices)
    year = models.PositiveSmallIntegerField("年份", choices=[(y, f"{y}年") for y in ALL_YEARS])
    value = models.PositiveIntegerField("数量（家）")

    objects = DistrictScopedManager.of(PlanFigureQuerySet, "subdistrict")
    history = HistoricalRecords(
        history_change_reason_field=models.TextField(null=True), history_manager=DistrictScopedHistoryManager
    )

    class Meta:
        verbose_name = "目标任务分解"
        verbose_name_plural = "目标任务分解"
        ordering = ["subdistrict__category", "subdistrict__seq", "metric", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["subdistrict", "metric", "year"],
                name="planfigure_unique_cell",
                violation_error_message="该街镇该指标该年份已有数值。",
            ),
        ]

    def __str__(self):
        return f"{self.subdistrict} {self.get_metric_display()} {self.year}: {self.value}"


@dataclass
class MonthStatus:
    """A row of the month list: how many sub-districts reported, and the last change."""

    month: Month
    reported: int
    expected: int
    last_at: object = None
    last_by: str = ""
    locked: bool = False

    @property
    def complete(self):
        return self.reported == self.expected


class MonthlyCountQuerySet(models.QuerySet):
    def visible_to(self, user):
        return rows_visible_to(user, self)

    def month_statuses(self, months, subdistricts):
        """A MonthStatus for each month in `months` (newest first), in three queries.

        A sub-district counts as reported for a month when both metrics are logged.
        """
        sub_ids = [sub.pk for sub in subdistricts]
        rows = self.filter(subdistrict_id__in=sub_ids, month__in=[m.date for m in months])
        per_sub = rows.values("month", "subdistrict_id").annotate(n=models.Count("id"))
        reported = {}
        for row in per_sub:
            if row["n"] == len(Metric.values):
                reported[row["month"]] = reported.get(row["month"], 0) + 1
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
                reported=reported.get(m.date, 0),
                expected=len(sub_ids),
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
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField("填报时间", auto_now=True)

    history = HistoricalRecords(
        history_change_reason_field=models.TextField(null=True), history_manager=DistrictScopedHistoryManager
    )
    objects = DistrictScopedManager.of(MonthlyCountQuerySet, "subdistrict")

    class Meta:
        verbose_name = "月度数据"
        verbose_name_plural = "月度数据"
        ordering = ["month", "subdistrict__category", "subdistrict__seq", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["subdistrict", "month", "metric"],
                name="monthlycount_unique_cell",
                violation_error_message="该街镇该月该指标已有数据。",
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


class Indicator(models.Model):
    """A district goal of 二、目标要求: the headline counts and the other 2027 indicators.

    `metric` links a headline goal to the monthly counts it is measured by (高新技术企业,
    科技型企业); `value` is empty for the qualitative "保持全市领先" ones. `code` is a
    stable identifier for the API and the importer.
    """

    code = models.SlugField("标识", max_length=48, unique=True)
    kind = models.CharField("类别", max_length=16, choices=IndicatorKind.choices)
    position = models.PositiveSmallIntegerField("顺序")
    name = models.CharField("指标", max_length=64)
    year = models.PositiveSmallIntegerField("目标年份")
    comparator = models.CharField("比较", max_length=8, choices=Comparator.choices)
    value = models.DecimalField("目标值", max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField("单位", max_length=16, blank=True)
    metric = models.CharField("对应月度指标", max_length=16, blank=True)
    source = models.CharField("出处", max_length=64)
    text = models.CharField("原文", max_length=200)

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = "目标指标"
        verbose_name_plural = "目标指标"
        ordering = ["position"]

    def __str__(self):
        return self.name

    @property
    def target_text(self):
        """ "超过470家", "达到45件", or "保持全市领先" for the qualitative goals."""
        if self.value is None:
            return self.get_comparator_display()
        return f"{self.get_comparator_display()}{plain_number(self.value)}{self.unit}"

    def is_met_by(self, actual):
        """Whether `actual` meets the goal; None for qualitative goals or a missing value."""
        if actual is None or self.value is None:
            return None
        if self.comparator == Comparator.GT:
            return actual > self.value
        return actual >= self.value


class IndicatorValue(models.Model):
    """A recorded value of a district indicator for a month (annual figures go in December).

    Unique per (indicator, month). The headline goals (高新技术企业, 科技型企业) are never
    recorded here: their values are the district sums of the monthly counts.
    """

    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="values")
    month = models.DateField("数据月份")
    value = models.DecimalField("数值", max_digits=14, decimal_places=2)
    note = models.CharField("备注（数据来源）", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField("录入时间", auto_now=True)

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = "指标数值"
        verbose_name_plural = "指标数值"
        ordering = ["indicator__position", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "month"],
                name="indicatorvalue_unique_month",
                violation_error_message="该指标该月已有数值，请修改原记录。",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.name} {self.month:%Y-%m}：{plain_number(self.value)}{self.indicator.unit}"

    def clean(self):
        super().clean()
        if self.indicator_id and self.indicator.metric:
            raise ValidationError({"indicator": HEADLINE_REFUSAL})


HEADLINE_REFUSAL = "该指标的数值取自各街镇月度数据的全区合计，不在此重复录入。"
