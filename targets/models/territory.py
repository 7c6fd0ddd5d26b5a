"""The district's map over time: adjustments of administrative divisions (行政区划调整) that move
sub-districts in or out, and the plan's versions (实施方案及其修订), each with its own attachment
table over its own units, in force from a month.

A sub-district belongs to the district from `joined` (None: from the start) until the month
before `left` (None: still a member); what holds in a month is what was in force in that month,
and a past count is never deleted or rewritten.
"""

from django.db import models

from beibei_dashboard import fields

from ..choices import Category
from ..months import Month
from .plan import District, DistrictScopedManager, SubDistrict


class BoundaryChange(models.Model):
    """An adjustment of the district's map, on an authority (a document or an announcement),
    effective from the month-end count of `effective`: the units it moves say how
    (`SubDistrict.joined_by` / `left_by`)."""

    district = models.ForeignKey(District, verbose_name="区县", on_delete=models.PROTECT, related_name="changes")
    title = models.CharField("调整事项", max_length=100)
    authority = models.CharField("依据（文件或公告）", max_length=200)
    announced = models.DateField("公布日期")
    effective = models.DateField("生效月份", help_text="自该月月末数起按调整后的区划统计")
    source = models.TextField("来源", blank=True)
    recorded_by = fields.done_by("录入人")
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = DistrictScopedManager.of(models.QuerySet, "district")
    history = fields.history()

    class Meta:
        verbose_name = "区划调整"
        verbose_name_plural = "区划调整"
        ordering = ["effective", "id"]

    def __str__(self):
        return f"{self.title}（{Month.of(self.effective).label}起）"


class PlanVersionQuerySet(models.QuerySet):
    def in_force(self, month):
        """The version in force in `month`: the latest one effective by then, or None."""
        return self.filter(effective__lte=month.date).order_by("-effective").first()


class PlanVersion(models.Model):
    """A version of the plan: a document (文号, date, title) with its own attachment table
    (`lines`, `figures`) and headline goals, in force from `effective` until the next version's."""

    district = models.ForeignKey(District, verbose_name="区县", on_delete=models.PROTECT, related_name="plan_versions")
    number = models.CharField("文号", max_length=64)
    title = models.CharField("标题", max_length=200)
    issued = models.DateField("印发日期")
    effective = models.DateField("起用月份", help_text="自该月起各月按本版本评价")
    is_example = models.BooleanField("示例（非正式文件）", default=False)
    reason = models.TextField("修订说明", blank=True)
    source_file = models.CharField("导入文件", max_length=200, blank=True)
    recorded_by = fields.done_by("录入人")
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = DistrictScopedManager.of(PlanVersionQuerySet, "district")
    history = fields.history()

    class Meta:
        verbose_name = "方案版本"
        verbose_name_plural = "方案版本"
        ordering = ["effective"]
        constraints = [
            fields.unique(
                "district", "effective", name="planversion_unique_effective", message="该月已有起用的方案版本。"
            ),
        ]

    def __str__(self):
        return f"{self.number}（{Month.of(self.effective).label}起）"

    @property
    def effective_month(self):
        return Month.of(self.effective)

    @property
    def label(self):
        """ "北碚府办发〔2025〕46号" or "示例修订（示例，非正式文件）"."""
        return f"{self.number}（示例，非正式文件）" if self.is_example else self.number


class PlanLine(models.Model):
    """A line of a version's attachment: a sub-district with its class (类型) and 序号 there."""

    version = models.ForeignKey(PlanVersion, verbose_name="方案版本", on_delete=models.CASCADE, related_name="lines")
    subdistrict = models.ForeignKey(
        SubDistrict, verbose_name="街镇", on_delete=models.PROTECT, related_name="plan_lines"
    )
    category = models.CharField("类型", max_length=1, choices=Category.choices)
    seq = models.PositiveSmallIntegerField("序号")

    history = fields.history()

    class Meta:
        verbose_name = "方案附件行"
        verbose_name_plural = "方案附件行"
        ordering = ["version", "category", "seq"]
        constraints = [
            fields.unique(
                "version", "subdistrict", name="planline_unique_subdistrict", message="同一版本中街镇不能重复。"
            ),
            fields.unique(
                "version", "category", "seq", name="planline_unique_seq", message="同一版本同一类型内序号不能重复。"
            ),
        ]

    def __str__(self):
        return f"{self.version.number} {self.get_category_display()}{self.seq} {self.subdistrict}"
