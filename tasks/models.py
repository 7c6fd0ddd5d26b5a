from django.db import models

from .choices import Comparator, IndicatorKind, TaskKind


def plain_number(value):
    """470.00 -> "470", 0.50 -> "0.5": how the plan writes its figures."""
    return f"{value.normalize():f}"


class Unit(models.Model):
    """A department (单位) named as lead or responsible unit in the plan, stored once.

    `all_subdistricts` marks the plan's "各镇街", which stands for every sub-district of the
    district: its tasks are shown to sub-district officials.
    """

    name = models.CharField("单位名称", max_length=64, unique=True)
    all_subdistricts = models.BooleanField("代表各镇街", default=False)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["id"]

    def __str__(self):
        return self.name


class TaskGroup(models.Model):
    """A heading of the plan: 三、重点任务 (一)(二)(三), and 四、组织实施."""

    number = models.PositiveSmallIntegerField("编号", unique=True)
    kind = models.CharField("类别", max_length=16, choices=TaskKind.choices)
    title = models.CharField("标题", max_length=128)

    class Meta:
        verbose_name = "任务分组"
        verbose_name_plural = "任务分组"
        ordering = ["number"]

    def __str__(self):
        return self.title


class KeyTask(models.Model):
    """A key task (重点任务 1–19) or a measure of 四 (组织实施 (一)–(四)) with its units.

    `number` is unique within its kind: tasks 1–19, measures 1–4.
    """

    kind = models.CharField("类别", max_length=16, choices=TaskKind.choices, default=TaskKind.TASK)
    group = models.ForeignKey(TaskGroup, verbose_name="分组", on_delete=models.PROTECT, related_name="tasks")
    number = models.PositiveSmallIntegerField("序号")
    title = models.CharField("标题", max_length=128)
    text = models.TextField("全文")
    lead_units = models.ManyToManyField(Unit, verbose_name="牵头单位", related_name="led_tasks", through="TaskLead")
    responsible_units = models.ManyToManyField(
        Unit, verbose_name="责任单位", related_name="supported_tasks", through="TaskResponsible"
    )

    class Meta:
        verbose_name = "重点任务"
        verbose_name_plural = "重点任务"
        ordering = ["kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "number"],
                name="keytask_unique_number",
                violation_error_message="任务序号不能重复。",
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class TaskLead(models.Model):
    """A lead unit (牵头单位) of a task, in the order the plan names them."""

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField("顺序")

    class Meta:
        verbose_name = "牵头单位"
        verbose_name_plural = "牵头单位"
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="tasklead_unique")]

    def __str__(self):
        return f"{self.task} 牵头：{self.unit}"


class TaskResponsible(models.Model):
    """A responsible unit (责任单位) of a task, in the order the plan names them."""

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField("顺序")

    class Meta:
        verbose_name = "责任单位"
        verbose_name_plural = "责任单位"
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="taskresponsible_unique")]

    def __str__(self):
        return f"{self.task} 责任：{self.unit}"


class TaskTarget(models.Model):
    """A quantitative 2027 target of a task, e.g. task 6: 市级以上孵化平台 18 个."""

    task = models.ForeignKey(KeyTask, verbose_name="任务", on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveSmallIntegerField("顺序")
    name = models.CharField("指标", max_length=64)
    value = models.DecimalField("目标值", max_digits=12, decimal_places=2)
    unit = models.CharField("单位", max_length=16)
    comparator = models.CharField("比较", max_length=8, choices=Comparator.choices)
    year = models.PositiveSmallIntegerField("目标年份", default=2027)

    class Meta:
        verbose_name = "任务量化目标"
        verbose_name_plural = "任务量化目标"
        ordering = ["task", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "name"],
                name="tasktarget_unique_name",
                violation_error_message="同一任务的指标名称不能重复。",
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.target_text}"

    @property
    def target_text(self):
        return f"{self.get_comparator_display()}{plain_number(self.value)}{self.unit}"


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
