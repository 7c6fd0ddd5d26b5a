"""The plan: the district and its sub-districts, the plan's figures (附件), the district goals and
the indicators' recorded values; and the managers that scope every per-district model to the
deployment's district."""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from simple_history.manager import HistoryManager

from accounts.scope import RestrictedQuerySet, plan_subdistricts_visible_to, subdistricts_visible_to
from beibei_dashboard import fields

from .. import metrics
from ..choices import ALL_YEARS, Category, Comparator, IndicatorKind, Joined, Left, Metric, joined_clause, left_clause
from ..months import Month


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


class SubDistrictQuerySet(RestrictedQuerySet):
    scope_rules = {"view": (("visible_to", "您无权查看该街镇的数据。"),)}

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
    # its class and 序号 in the latest plan version that lists it ("" until one does)
    category = models.CharField("类型", max_length=1, choices=Category.choices, blank=True)
    seq = models.PositiveSmallIntegerField("序号")
    # membership: from `joined` (None: from the start) to the month before `left` (None: still in)
    joined = models.DateField("划入月份", null=True, blank=True)
    joined_how = models.CharField("划入方式", max_length=16, choices=Joined.choices, blank=True)
    joined_by = fields.optional_ref("targets.BoundaryChange", "划入依据", related_name="joined_units")  # fmt: skip
    came_from = models.CharField("来自", max_length=64, blank=True)
    left = models.DateField("划出月份", null=True, blank=True)
    left_how = models.CharField("划出方式", max_length=16, choices=Left.choices, blank=True)
    left_by = fields.optional_ref("targets.BoundaryChange", "划出依据", related_name="left_units")  # fmt: skip
    went_to = models.CharField("去向", max_length=64, blank=True)

    objects = DistrictScopedManager.of(SubDistrictQuerySet, "district")
    history = fields.history()

    class Meta:
        verbose_name = "街镇"
        verbose_name_plural = "街镇"
        ordering = ["district_id", "category", "seq"]
        constraints = [
            fields.unique("district", "name", name="subdistrict_unique_name", message="同一区县内街镇名称不能重复。"),
            fields.unique(
                "district", "category", "seq", name="subdistrict_unique_seq", message="同一类型内序号不能重复。"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.page_url

    def is_member(self, month):
        """Whether it belongs to the district in `month` (its month-end count is expected)."""
        return (self.joined is None or self.joined <= month.date) and (self.left is None or month.date < self.left)

    @property
    def joined_note(self):
        """ "2025年11月由原渝北区划入", or "" for a unit of the district from the start."""
        if self.joined is None:
            return ""
        return joined_clause(self.joined_how, Month.of(self.joined).label, self.came_from)

    @property
    def left_note(self):
        """ "2025年11月划出北碚区（划入两江新区）", or "" for a unit still in the district."""
        if self.left is None:
            return ""
        return left_clause(self.left_how, Month.of(self.left).label, self.went_to, self.district.name)

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
    def rows_for(self, subdistricts, version):
        """`version`'s attachment lines for `subdistricts` (in their order), in two queries."""
        subdistricts = list(subdistricts)
        figures = {sub.pk: {metric: {} for metric in Metric.values} for sub in subdistricts}
        for sub_id, metric, year, value in self.filter(version=version, subdistrict__in=subdistricts).values_list(
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

    version = models.ForeignKey(
        "targets.PlanVersion", verbose_name="方案版本", on_delete=models.CASCADE, related_name="figures"
    )
    subdistrict = models.ForeignKey(
        SubDistrict, verbose_name="街镇", on_delete=models.CASCADE, related_name="plan_figures"
    )
    metric = models.CharField("指标", max_length=16, choices=Metric.choices)
    year = models.PositiveSmallIntegerField("年份", choices=[(y, f"{y}年") for y in ALL_YEARS])
    value = models.PositiveIntegerField("数量（家）")

    objects = DistrictScopedManager.of(PlanFigureQuerySet, "subdistrict")
    history = fields.history(history_manager=DistrictScopedHistoryManager)

    class Meta:
        verbose_name = "目标任务分解"
        verbose_name_plural = "目标任务分解"
        ordering = ["subdistrict__category", "subdistrict__seq", "metric", "year"]
        constraints = [
            fields.unique(
                "version",
                "subdistrict",
                "metric",
                "year",
                name="planfigure_unique_version_cell",
                message="该街镇该指标该年份已有数值。",
            ),
        ]

    def __str__(self):
        return f"{self.subdistrict} {self.get_metric_display()} {self.year}: {self.value}"


class IndicatorQuerySet(models.QuerySet):
    def headline(self, version=None):
        """The headline goals (二（一）) of `version`: the ones measured by the monthly counts, by
        year."""
        return self.filter(kind=IndicatorKind.HEADLINE, version=version).exclude(metric="").order_by("year", "position")


class Indicator(models.Model):
    """A district goal of 二、目标要求: the headline counts and the other 2027 indicators.

    `metric` links a headline goal to the monthly counts it is measured by (高新技术企业,
    科技型企业); `value` is empty for the qualitative "保持全市领先" ones. `code` is a
    stable identifier for the API and the importer.
    """

    code = models.SlugField("标识", max_length=48, unique=True)
    version = models.ForeignKey(
        "targets.PlanVersion", verbose_name="方案版本", null=True, blank=True, on_delete=models.CASCADE,
        related_name="indicators", help_text="全区总目标所属的方案版本",
    )  # fmt: skip
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

    objects = IndicatorQuerySet.as_manager()
    history = fields.history()

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
        """Whether `actual` meets the goal (`metrics.goal_met`); None for qualitative goals or a
        missing value."""
        return metrics.goal_met(actual, self.value, self.comparator)


class IndicatorValue(models.Model):
    """A recorded value of a district indicator for a month (annual figures go in December).

    Unique per (indicator, month). The headline goals (高新技术企业, 科技型企业) are never
    recorded here: their values are the district sums of the monthly counts.
    """

    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="values")
    month = models.DateField("数据月份")
    value = models.DecimalField("数值", max_digits=14, decimal_places=2)
    note = models.CharField("备注（数据来源）", max_length=200, blank=True)
    recorded_by = fields.done_by("录入人")
    recorded_at = models.DateTimeField("录入时间", auto_now=True)

    history = fields.history()

    class Meta:
        verbose_name = "指标数值"
        verbose_name_plural = "指标数值"
        ordering = ["indicator__position", "month"]
        constraints = [
            fields.unique(
                "indicator", "month", name="indicatorvalue_unique_month", message="该指标该月已有数值，请修改原记录。"
            ),
        ]

    def __str__(self):
        return f"{self.indicator.name} {self.month:%Y-%m}：{plain_number(self.value)}{self.indicator.unit}"

    def clean(self):
        super().clean()
        if self.indicator_id and self.indicator.metric:
            raise ValidationError({"indicator": HEADLINE_REFUSAL})


HEADLINE_REFUSAL = "该指标的数值取自各街镇月度数据的全区合计，不在此重复录入。"
