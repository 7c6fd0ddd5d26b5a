"""The plan's side of the tasks: units, the plan's headings, the key tasks and measures with
their lead and responsible units, and their quantitative targets."""

from django.db import models

from accounts import scope
from beibei_dashboard import fields
from targets.choices import Comparator
from targets.models import plain_number

from ..choices import TaskKind


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


TASK_REFUSED = "您无权查看该任务。"


class KeyTaskQuerySet(scope.RestrictedQuerySet):
    scope_rules = {
        "view": (("visible_to", TASK_REFUSED),),
        "report": (("reportable_by", "只有该任务的牵头单位（或区科技局）可以填报进展报告。"),),
        "contribute": (("contributable_by", "只有该任务的责任单位（“各镇街”为各街镇）可以填报配合情况。"),),
    }

    def visible_to(self, user):
        """The tasks and measures `user` may read (see `accounts.scope`)."""
        return scope.tasks_visible_to(user, self)

    def reportable_by(self, user):
        """The tasks `user` may file progress reports on."""
        return scope.tasks_reportable_by(user, self)

    def contributable_by(self, user):
        """The tasks and measures `user` files contributions (配合情况) on."""
        return scope.tasks_contributable_by(user, self)

    def own_for(self, user):
        """本单位任务: the tasks `user`'s unit (or, for an official, 各镇街) leads or shares."""
        return scope.own_tasks(user, self)

    def tasks(self):
        return self.filter(kind=TaskKind.TASK)

    def led_by(self, unit_id):
        return self.filter(pk__in=self.model.objects.filter(lead_units=unit_id).values("pk"))

    def of_unit(self, unit_id):
        """The tasks `unit_id` leads or shares."""
        named = models.Q(lead_units=unit_id) | models.Q(responsible_units=unit_id)
        return self.filter(pk__in=self.model.objects.filter(named).values("pk"))

    def shared_with_subdistricts(self):
        """The tasks "各镇街" leads or shares: a sub-district official reads and contributes to these."""
        named = models.Q(lead_units__all_subdistricts=True) | models.Q(responsible_units__all_subdistricts=True)
        return self.filter(pk__in=self.model.objects.filter(named).values("pk"))

    def contributed_by_unit(self, unit_id):
        """The tasks `unit_id` contributes to (`KeyTask.contributing_units`): as a responsible
        unit, and on a measure as a lead unit too."""
        named = models.Q(responsible_units=unit_id) | models.Q(kind=TaskKind.MEASURE, lead_units=unit_id)
        return self.filter(pk__in=self.model.objects.filter(named).values("pk"))

    def contributed_by_subdistricts(self):
        """The tasks a sub-district contributes to: those whose contributing units include "各镇街"."""
        named = models.Q(responsible_units__all_subdistricts=True) | models.Q(
            kind=TaskKind.MEASURE, lead_units__all_subdistricts=True
        )
        return self.filter(pk__in=self.model.objects.filter(named).values("pk"))

    def measures(self):
        return self.filter(kind=TaskKind.MEASURE)

    def with_units(self):
        """Group, units (in the plan's order) and targets, in a fixed number of queries."""
        return self.select_related("group").prefetch_related(
            "tasklead_set__unit", "taskresponsible_set__unit", "targets"
        )


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

    objects = KeyTaskQuerySet.as_manager()

    class Meta:
        verbose_name = "重点任务"
        verbose_name_plural = "重点任务"
        ordering = ["kind", "number"]
        constraints = [
            fields.unique("kind", "number", name="keytask_unique_number", message="任务序号不能重复。"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def contributing_units(self):
        """The units that contribute (配合) to this task: its responsible units, and on a measure
        its lead units too (uses the prefetch of `with_units()`)."""
        rows = list(self.taskresponsible_set.all())
        if self.kind == TaskKind.MEASURE:
            rows += list(self.tasklead_set.all())
        return [row.unit for row in rows]

    @property
    def lead_unit_list(self):
        """Lead units in the plan's order (uses the prefetch of `with_units()`)."""
        return [row.unit for row in self.tasklead_set.all()]

    @property
    def responsible_unit_list(self):
        return [row.unit for row in self.taskresponsible_set.all()]


class TaskUnit(models.Model):
    """A unit the plan names on a task, in the plan's order; once per task."""

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField("顺序")

    class Meta:
        abstract = True
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="%(class)s_unique")]


class TaskLead(TaskUnit):
    """A lead unit (牵头单位) of a task, in the order the plan names them."""

    class Meta(TaskUnit.Meta):
        verbose_name = "牵头单位"
        verbose_name_plural = "牵头单位"

    def __str__(self):
        return f"{self.task} 牵头：{self.unit}"


class TaskResponsible(TaskUnit):
    """A responsible unit (责任单位) of a task, in the order the plan names them."""

    class Meta(TaskUnit.Meta):
        verbose_name = "责任单位"
        verbose_name_plural = "责任单位"

    def __str__(self):
        return f"{self.task} 责任：{self.unit}"


class TaskTarget(models.Model):
    """A quantitative 2027 target of a task, e.g. task 6: 市级以上孵化平台 18 个.

    The task is judged on data along a straight path from `baseline` (its value at the end of
    `baseline_year`; 0 when the plan states none) to `value` at the end of `year`.
    """

    task = models.ForeignKey(KeyTask, verbose_name="任务", on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveSmallIntegerField("顺序")
    name = models.CharField("指标", max_length=64)
    value = models.DecimalField("目标值", max_digits=12, decimal_places=2)
    unit = models.CharField("单位", max_length=16)
    comparator = models.CharField("比较", max_length=8, choices=Comparator.choices)
    year = models.PositiveSmallIntegerField("目标年份", default=2027)
    baseline = models.DecimalField("基数", max_digits=12, decimal_places=2, default=0)
    baseline_year = models.PositiveSmallIntegerField("基数年份", default=2022, help_text="基数为该年年末的值")
    baseline_note = models.CharField("基数说明", max_length=100, blank=True, default="方案未载明基数，按0计")
    text = models.CharField("原文", max_length=200, blank=True, help_text="方案中载明该目标的原话，逐字引用")
    registry_code = models.CharField(
        "取自企业名录", max_length=48, blank=True, help_text="由企业名录按月末状态计算的指标标识；为空时取自进展报告"
    )

    history = fields.history()

    class Meta:
        verbose_name = "任务量化目标"
        verbose_name_plural = "任务量化目标"
        ordering = ["task", "position"]
        constraints = [
            fields.unique("task", "name", name="tasktarget_unique_name", message="同一任务的指标名称不能重复。"),
        ]

    def __str__(self):
        return f"{self.name} {self.target_text}"

    @property
    def target_text(self):
        return f"{self.get_comparator_display()}{plain_number(self.value)}{self.unit}"
