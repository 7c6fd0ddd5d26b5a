from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from accounts import scope
from targets.choices import Comparator
from targets.models import plain_number

from .attachments import Attachment, evidence_path, evidence_storage  # noqa: F401 (migrations name the last two here)
from .choices import COUNTED_STATES, ReportStatus, ReviewState, TaskKind
from .periods import Period


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
    }

    def visible_to(self, user):
        """The tasks and measures `user` may read (see `accounts.scope`)."""
        return scope.tasks_visible_to(user, self)

    def reportable_by(self, user):
        """The tasks `user` may file progress reports on."""
        return scope.tasks_reportable_by(user, self)

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
            models.UniqueConstraint(
                fields=["kind", "number"],
                name="keytask_unique_number",
                violation_error_message="任务序号不能重复。",
            ),
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

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

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


class TaskReportQuerySet(scope.RestrictedQuerySet):
    scope_rules = {
        "change": (
            ("on_tasks_reportable_by", KeyTaskQuerySet.scope_rules["report"][0][1]),
            ("editable_by", "该报告已被区科技局采纳，如需修改请联系区科技局。"),
        ),
        "review": (("reviewable_by", "只有区科技局可以审核、退回进展报告。"),),
    }

    def visible_to(self, user):
        return self.filter(task__in=KeyTask.objects.visible_to(user))

    def on_tasks_reportable_by(self, user):
        return self.filter(task__in=KeyTask.objects.reportable_by(user))

    def editable_by(self, user):
        """A lead unit revises its report until the bureau accepts it; bureau staff at any time."""
        return self if scope.is_bureau(user) else self.exclude(review_state=ReviewState.ACCEPTED)

    def reviewable_by(self, user):
        return self if scope.can_review_reports(user) else self.none()

    def counted(self):
        """Reports supervision counts: submitted or accepted, not those sent back."""
        return self.filter(review_state__in=COUNTED_STATES)


class TaskReport(models.Model):
    """A lead unit's progress report (进展报告) on one key task for one period.

    `period` is a month "2026-10" or a quarter "2026-Q3"; one report per task and period —
    a revision edits the same row and `history` keeps every version with who and why.
    `period_end` is derived from `period` so reports sort by the time they cover.
    """

    task = models.ForeignKey(KeyTask, verbose_name="任务", on_delete=models.PROTECT, related_name="reports")
    period = models.CharField("报告期", max_length=7, help_text="月份如 2026-10，或季度如 2026-Q3")
    period_end = models.DateField("报告期末", editable=False)
    status = models.CharField("推进状态", max_length=16, choices=ReportStatus.choices)
    done = models.TextField("主要进展")
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下步打算", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间")
    review_state = models.CharField(
        "审核状态", max_length=16, choices=ReviewState.choices, default=ReviewState.SUBMITTED
    )
    review_comment = models.TextField("退回意见", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))
    objects = TaskReportQuerySet.as_manager()

    class Meta:
        verbose_name = "任务进展报告"
        verbose_name_plural = "任务进展报告"
        ordering = ["-period_end", "-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "period"],
                name="taskreport_unique_period",
                violation_error_message="该任务该报告期已有进展报告，请修改原报告。",
            ),
        ]

    def __str__(self):
        return f"任务{self.task.number} {self.period_label} 进展报告"

    def save(self, *args, **kwargs):
        period = Period.parse(self.period)
        self.period = str(period)
        self.period_end = period.end
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        try:
            Period.parse(self.period)
        except ValueError as exc:
            raise ValidationError({"period": str(exc)}) from None

    @property
    def period_obj(self):
        return Period.parse(self.period)

    @property
    def period_label(self):
        try:
            return self.period_obj.label
        except ValueError:
            return self.period


class TaskTargetValue(models.Model):
    """The value a report gives for one quantitative target of its task (cumulative, in the target's unit).

    One per (report, target); history keeps every change.
    """

    report = models.ForeignKey(TaskReport, verbose_name="进展报告", on_delete=models.CASCADE, related_name="values")
    target = models.ForeignKey(TaskTarget, verbose_name="量化目标", on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField("完成值", max_digits=14, decimal_places=2)

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = "量化目标完成值"
        verbose_name_plural = "量化目标完成值"
        ordering = ["report", "target__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "target"],
                name="tasktargetvalue_unique",
                violation_error_message="同一报告的同一指标只能填写一个值。",
            ),
        ]

    def __str__(self):
        return f"{self.target.name}：{plain_number(self.value)}{self.target.unit}"

    def clean(self):
        super().clean()
        if self.report_id and self.target_id and self.target.task_id != self.report.task_id:
            raise ValidationError("该指标不属于本报告的任务。")


class EvidenceQuerySet(scope.RestrictedQuerySet):
    """Evidence files, read by whoever reads their task (through the model's `owner_field`)."""

    scope_rules = {"view": (("visible_to", TASK_REFUSED),)}

    def visible_to(self, user):
        return self.filter(**{f"{self.model.owner_field}__task__in": KeyTask.objects.visible_to(user)})


class ReportAttachment(Attachment):
    """A piece of evidence (佐证材料) attached to a report."""

    owner_field = "report"
    report = models.ForeignKey(
        TaskReport, verbose_name="进展报告", on_delete=models.CASCADE, related_name="attachments"
    )

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    objects = EvidenceQuerySet.as_manager()

    class Meta(Attachment.Meta):
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"


class TaskContributionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(task__in=KeyTask.objects.visible_to(user))


class TaskContribution(models.Model):
    """A contribution (配合情况) of one unit named on a task or measure, for one period.

    The contributor is either a unit (`unit`) or, where the plan names "各镇街", one of the 17
    sub-districts (`subdistrict`): exactly one of the two is set. One contribution per task,
    contributor and period ("2026-10" or "2026-Q3"); a revision edits the row and `history`
    keeps every version with who and why.
    """

    task = models.ForeignKey(KeyTask, verbose_name="任务", on_delete=models.PROTECT, related_name="contributions")
    unit = models.ForeignKey(
        Unit, verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT, related_name="contributions"
    )
    subdistrict = models.ForeignKey(
        "targets.SubDistrict",
        verbose_name="街镇",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task_contributions",
    )
    period = models.CharField("报告期", max_length=7, help_text="月份如 2026-10，或季度如 2026-Q3")
    period_end = models.DateField("报告期末", editable=False)
    done = models.TextField("配合推进情况")
    problems = models.TextField("存在问题", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间")

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))
    objects = TaskContributionQuerySet.as_manager()

    class Meta:
        verbose_name = "责任单位配合情况"
        verbose_name_plural = "责任单位配合情况"
        ordering = ["-period_end", "-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False, subdistrict__isnull=True)
                | models.Q(unit__isnull=True, subdistrict__isnull=False),
                name="taskcontribution_one_contributor",
                violation_error_message="配合情况须由一个单位或一个街镇填报。",
            ),
            models.UniqueConstraint(
                fields=["task", "unit", "period"],
                condition=models.Q(unit__isnull=False),
                name="taskcontribution_unique_unit_period",
                violation_error_message="本单位该报告期已填报配合情况，请修改原记录。",
            ),
            models.UniqueConstraint(
                fields=["task", "subdistrict", "period"],
                condition=models.Q(subdistrict__isnull=False),
                name="taskcontribution_unique_subdistrict_period",
                violation_error_message="本街镇该报告期已填报配合情况，请修改原记录。",
            ),
        ]

    def __str__(self):
        return f"{self.task} {self.contributor_name} {self.period_label} 配合情况"

    def save(self, *args, **kwargs):
        period = Period.parse(self.period)
        self.period = str(period)
        self.period_end = period.end
        super().save(*args, **kwargs)

    @property
    def contributor_name(self):
        return str(self.unit or self.subdistrict)

    @property
    def contributor_key(self):
        return ("unit", self.unit_id) if self.unit_id else ("subdistrict", self.subdistrict_id)

    @property
    def period_label(self):
        try:
            return Period.parse(self.period).label
        except ValueError:
            return self.period


class ContributionAttachment(Attachment):
    """Evidence (佐证材料) attached to a contribution; the same rules as a report's evidence."""

    owner_field = "contribution"
    contribution = models.ForeignKey(
        TaskContribution, verbose_name="配合情况", on_delete=models.CASCADE, related_name="attachments"
    )

    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    objects = EvidenceQuerySet.as_manager()

    class Meta(Attachment.Meta):
        verbose_name = "配合情况佐证材料"
        verbose_name_plural = "配合情况佐证材料"
