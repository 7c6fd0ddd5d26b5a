"""走访与诉求: visits to firms and the problems (诉求) they raise, with the unit that answers."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts import scope
from accounts.scope import RestrictedQuerySet
from beibei_dashboard import fields
from beibei_dashboard.templatetags.dates import as_chinese
from targets.models import DistrictScopedHistoryManager, DistrictScopedManager

from .choices import DEFAULT_DUE_DAYS, OPEN_STATES, ProblemCategory, ProblemState

VISIT_REFUSED = "您无权查看该企业的走访记录。"
PROBLEM_REFUSED = "您无权查看该诉求。"


class VisitQuerySet(RestrictedQuerySet):
    scope_rules = {"view": (("visible_to", VISIT_REFUSED),)}

    def visible_to(self, user):
        return scope.visits_visible_to(user, self)


class Visit(models.Model):
    """One visit (走访) to a firm on one day: who went (names as typed, 走访人员), what they found,
    and who logged it. `subdistrict` is the firm's sub-district on the day of the visit, kept so
    that a firm that moves later leaves its visits where they happened. Not unique: a firm may be
    visited twice a day by different teams. Every change is kept in `history`.
    """

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="visits"
    )
    subdistrict = models.ForeignKey(
        "targets.SubDistrict", verbose_name="走访时所属街镇", on_delete=models.PROTECT, related_name="visits"
    )
    date = models.DateField("走访日期")
    visitors = models.CharField("走访人员", max_length=200)
    findings = models.TextField("走访情况")
    recorded_by = fields.submitted_by("登记人")
    recorded_at = models.DateTimeField("登记时间", default=timezone.now)

    history = fields.history(history_manager=DistrictScopedHistoryManager)
    objects = DistrictScopedManager.of(VisitQuerySet, "subdistrict")

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = "走访记录"
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(visitors=""), name="visit_visitors_named", violation_error_message="请填写走访人员。"
            ),
            models.CheckConstraint(
                condition=~Q(findings=""), name="visit_findings_given", violation_error_message="请填写走访情况。"
            ),
        ]

    def __str__(self):
        return f"{as_chinese(self.date, 'day')}走访{self.enterprise}"

    def clean(self):
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": "走访日期不能晚于今天。"})


class ProblemQuerySet(RestrictedQuerySet):
    scope_rules = {
        "view": (("visible_to", PROBLEM_REFUSED),),
        "answer": (("visible_to", PROBLEM_REFUSED), ("answerable_by", "只有承办单位和区科技局可以办理该诉求。")),
    }

    def visible_to(self, user):
        return scope.problems_visible_to(user, self)

    def answerable_by(self, user):
        return scope.problems_answerable_by(user, self)

    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, today):
        """Open problems whose due date has passed (due today is not yet overdue)."""
        return self.open().filter(due_date__lt=today)


class Problem(models.Model):
    """A problem (诉求) a firm raised, at a visit (`visit`) or on its own, and its handling.

    `subdistrict` is the firm's sub-district when it was raised. Exactly one answering unit:
    a department (`answer_unit`) or a sub-district (`answer_subdistrict`). The state runs
    待办理 → 办理中 → 已答复; 已答复 closes it and needs the answer the firm received (`answer`,
    with `answered_by`/`answered_at`). Open and past `due_date` it is overdue (逾期). Every change
    (who, when, why) is kept in `history`.
    """

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="problems"
    )
    subdistrict = models.ForeignKey(
        "targets.SubDistrict", verbose_name="企业所属街镇", on_delete=models.PROTECT, related_name="problems"
    )
    visit = models.ForeignKey(
        Visit, verbose_name="走访记录", null=True, blank=True, on_delete=models.CASCADE, related_name="problems"
    )
    category = models.CharField("诉求类别", max_length=16, choices=ProblemCategory.choices)
    description = models.TextField("诉求内容")
    answer_unit = fields.optional_ref("tasks.Unit", "承办部门", related_name="problems")
    answer_subdistrict = fields.optional_ref("targets.SubDistrict", "承办街镇", related_name="problems_to_answer")
    state = models.CharField("办理状态", max_length=16, choices=ProblemState.choices, default=ProblemState.PENDING)
    due_date = models.DateField("办理期限")
    raised_on = models.DateField("提出日期")
    raised_by = fields.submitted_by("登记人")
    answer = models.TextField("答复内容", blank=True)
    answered_by = fields.done_by("答复人")
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    history = fields.history(history_manager=DistrictScopedHistoryManager)
    objects = DistrictScopedManager.of(ProblemQuerySet, "subdistrict")

    class Meta:
        verbose_name = "企业诉求"
        verbose_name_plural = "企业诉求"
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["state", "due_date"], name="problem_state_due")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(answer_unit__isnull=False) & Q(answer_subdistrict__isnull=True))
                | (Q(answer_unit__isnull=True) & Q(answer_subdistrict__isnull=False)),
                name="problem_one_answering_unit",
                violation_error_message="请指定一个承办单位：部门或街镇，二者只选其一。",
            ),
            models.CheckConstraint(
                condition=~Q(state=ProblemState.CLOSED) | ~Q(answer=""),
                name="problem_closed_with_answer",
                violation_error_message="办结的诉求须填写企业收到的答复。",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("raised_on")),
                name="problem_due_after_raised",
                violation_error_message="办理期限不能早于提出日期。",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise}：{self.get_category_display()}诉求"

    def get_absolute_url(self):
        return reverse("outreach:problem_detail", args=[self.pk])

    @property
    def answering(self):
        """The answering unit, department or sub-district."""
        return self.answer_unit or self.answer_subdistrict

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    def overdue_on(self, today):
        return self.is_open and self.due_date < today

    def overdue_days(self, today):
        return (today - self.due_date).days if self.overdue_on(today) else 0

    def clean(self):
        errors = {}
        if (self.answer_unit_id is None) == (self.answer_subdistrict_id is None):
            errors["answer_unit"] = "请指定一个承办单位：部门或街镇，二者只选其一。"
        if self.state == ProblemState.CLOSED and not (self.answer or "").strip():
            errors["answer"] = "办结的诉求须填写企业收到的答复。"
        if self.due_date and self.raised_on and self.due_date < self.raised_on:
            errors["due_date"] = "办理期限不能早于提出日期。"
        if self.visit_id and self.enterprise_id and self.visit.enterprise_id != self.enterprise_id:
            errors["visit"] = "诉求与走访记录不是同一家企业。"
        if self.answer_unit_id and self.answer_unit.all_subdistricts:
            errors["answer_unit"] = "“各镇街”不是一个承办单位，请选择具体街镇。"
        if errors:
            raise ValidationError(errors)


def default_due(raised_on):
    """The due date of a problem logged without one."""
    return raised_on + dt.timedelta(days=DEFAULT_DUE_DAYS)
