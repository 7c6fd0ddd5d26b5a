"""A lead unit's progress reports on a task, the values they give for its targets, and their
evidence."""

from django.core.exceptions import ValidationError
from django.db import models

from accounts import scope
from beibei_dashboard import fields
from targets.models import plain_number

from ..attachments import Attachment
from ..choices import COUNTED_STATES, ReportStatus, ReviewState
from ..periods import Period
from .plan import TASK_REFUSED, KeyTask, KeyTaskQuerySet, TaskTarget


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


class ReportingPeriod:
    """What a report and a contribution share: `period` ("2026-10" or "2026-Q3") is saved in its
    normal form with `period_end` derived from it, so that rows sort by the time they cover."""

    def save(self, *args, **kwargs):
        period = Period.parse(self.period)
        self.period = str(period)
        self.period_end = period.end
        super().save(*args, **kwargs)

    @property
    def period_obj(self):
        return Period.parse(self.period)

    @property
    def period_label(self):
        try:
            return self.period_obj.label
        except ValueError:
            return self.period


class TaskReport(ReportingPeriod, models.Model):
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
    submitted_by = fields.submitted_by("填报人")
    submitted_at = models.DateTimeField("提交时间")
    review_state = models.CharField(
        "审核状态", max_length=16, choices=ReviewState.choices, default=ReviewState.SUBMITTED
    )
    review_comment = models.TextField("退回意见", blank=True)
    reviewed_by = fields.done_by("审核人")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    history = fields.history()
    objects = TaskReportQuerySet.as_manager()

    class Meta:
        verbose_name = "任务进展报告"
        verbose_name_plural = "任务进展报告"
        ordering = ["-period_end", "-submitted_at"]
        constraints = [
            fields.unique(
                "task", "period", name="taskreport_unique_period", message="该任务该报告期已有进展报告，请修改原报告。"
            ),
        ]

    def __str__(self):
        return f"任务{self.task.number} {self.period_label} 进展报告"

    def clean(self):
        super().clean()
        try:
            Period.parse(self.period)
        except ValueError as exc:
            raise ValidationError({"period": str(exc)}) from None


class TaskTargetValue(models.Model):
    """The value a report gives for one quantitative target of its task (cumulative, in the target's unit).

    One per (report, target); history keeps every change.
    """

    report = models.ForeignKey(TaskReport, verbose_name="进展报告", on_delete=models.CASCADE, related_name="values")
    target = models.ForeignKey(TaskTarget, verbose_name="量化目标", on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField("完成值", max_digits=14, decimal_places=2)

    history = fields.history()

    class Meta:
        verbose_name = "量化目标完成值"
        verbose_name_plural = "量化目标完成值"
        ordering = ["report", "target__position"]
        constraints = [
            fields.unique(
                "report", "target", name="tasktargetvalue_unique", message="同一报告的同一指标只能填写一个值。"
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

    history = fields.history()

    objects = EvidenceQuerySet.as_manager()

    class Meta(Attachment.Meta):
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
