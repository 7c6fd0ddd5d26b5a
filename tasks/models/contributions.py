"""The contributions (配合情况) of the units a task names, and their evidence."""

from django.db import models

from beibei_dashboard import fields

from ..attachments import Attachment
from .plan import KeyTask, Unit
from .reports import EvidenceQuerySet, ReportingPeriod


class TaskContributionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(task__in=KeyTask.objects.visible_to(user))


class TaskContribution(ReportingPeriod, models.Model):
    """A contribution (配合情况) of one unit named on a task or measure, for one period.

    The contributor is either a unit (`unit`) or, where the plan names "各镇街", one of the 17
    sub-districts (`subdistrict`): exactly one of the two is set. One contribution per task,
    contributor and period ("2026-10" or "2026-Q3"); a revision edits the row and `history`
    keeps every version with who and why.
    """

    task = models.ForeignKey(KeyTask, verbose_name="任务", on_delete=models.PROTECT, related_name="contributions")
    unit = fields.optional_ref(Unit, "单位", related_name="contributions")
    subdistrict = fields.optional_ref("targets.SubDistrict", "街镇", related_name="task_contributions")
    period = models.CharField("报告期", max_length=7, help_text="月份如 2026-10，或季度如 2026-Q3")
    period_end = models.DateField("报告期末", editable=False)
    done = models.TextField("配合推进情况")
    problems = models.TextField("存在问题", blank=True)
    submitted_by = fields.submitted_by("填报人")
    submitted_at = models.DateTimeField("提交时间")

    history = fields.history()
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

    @property
    def contributor_name(self):
        return str(self.unit or self.subdistrict)

    @property
    def contributor_key(self):
        return ("unit", self.unit_id) if self.unit_id else ("subdistrict", self.subdistrict_id)


class ContributionAttachment(Attachment):
    """Evidence (佐证材料) attached to a contribution; the same rules as a report's evidence."""

    owner_field = "contribution"
    contribution = models.ForeignKey(
        TaskContribution, verbose_name="配合情况", on_delete=models.CASCADE, related_name="attachments"
    )

    history = fields.history()

    objects = EvidenceQuerySet.as_manager()

    class Meta(Attachment.Meta):
        verbose_name = "配合情况佐证材料"
        verbose_name_plural = "配合情况佐证材料"
