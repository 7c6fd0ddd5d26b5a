import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.urls import reverse
from simple_history.manager import HistoryManager

from accounts.scope import (
    RestrictedQuerySet,
    firms_flaggable_by,
    firms_visitable_by,
    flags_visible_to,
    pipeline_rows_changeable_by,
    rows_visible_to,
)
from beibei_dashboard import fields
from beibei_dashboard.evidence import evidence_storage, stored_name
from beibei_dashboard.templatetags.dates import as_chinese
from targets.models import DistrictScopedHistoryManager, DistrictScopedManager

from . import validity
from .choices import (
    BATCHED_STAGES,
    FAILURE,
    FILED_STAGES,
    SUCCESS,
    FlagKind,
    FlagState,
    Industry,
    Programme,
    Stage,
    stages_of,
)


@dataclass
class SubDistrictCounts:
    """A sub-district's registry counts on one day."""

    subdistrict: object
    high_tech: int
    tech_based: int
    high_tech_expiring_this_year: int


# the refusal of every check of who may move a firm along its 认定进程
PIPELINE_REFUSED = "只有区科技局和企业所属街镇的干部可以更新认定进程。"


class EnterpriseQuerySet(RestrictedQuerySet):
    scope_rules = {
        "view": (("visible_to", "您无权查看该街镇的数据。"),),
        "flag": (("flaggable_by", "只有企业所属街镇的干部可以提出属地核实。"),),
        "visit": (("visitable_by", "只有区科技局和企业所属街镇的干部可以登记该企业的走访和诉求。"),),
        "pipeline": (("pipeline_changeable_by", PIPELINE_REFUSED),),
    }

    def visible_to(self, user):
        return rows_visible_to(user, self)

    def pipeline_changeable_by(self, user):
        return pipeline_rows_changeable_by(user, self)

    def flaggable_by(self, user):
        return firms_flaggable_by(user, self)

    def visitable_by(self, user):
        return firms_visitable_by(user, self)

    def with_high_tech_until(self, day=None):
        """Annotate `high_tech_until`: the last valid day of the firm's latest certificate
        issued on or before `day` (every certificate when None); NULL without one."""
        recognitions = HighTechRecognition.objects.filter(enterprise=OuterRef("pk"))
        if day is not None:
            recognitions = recognitions.filter(issue_date__lte=day)
        latest = recognitions.order_by().values("enterprise").annotate(last=Max("valid_until")).values("last")
        return self.annotate(high_tech_until=Subquery(latest, output_field=models.DateField()))

    def high_tech_on(self, day):
        """Firms holding a valid high-tech certificate on `day`."""
        valid = HighTechRecognition.objects.valid_on(day).values("enterprise_id")
        return self.filter(pk__in=valid)

    def tech_based_on(self, day):
        """Firms counted as tech-based (科技型企业) on `day`."""
        return self.filter(tech_based_q(day))

    def counts_by_subdistrict(self, subdistricts, day):
        """[SubDistrictCounts] for `subdistricts` (in their order) on `day`, in two queries."""
        subdistricts = list(subdistricts)
        year_end = dt.date(day.year, 12, 31)
        rows = (
            self.filter(subdistrict__in=subdistricts)
            .with_high_tech_until(day)
            .order_by()
            .values("subdistrict_id")
            .annotate(
                high_tech=Count("pk", filter=Q(high_tech_until__gte=day)),
                expiring=Count("pk", filter=Q(high_tech_until__gte=day, high_tech_until__lte=year_end)),
                tech_based=Count("pk", filter=tech_based_q(day)),
            )
        )
        by_sub = {row["subdistrict_id"]: row for row in rows}
        out = []
        for sub in subdistricts:
            row = by_sub.get(sub.pk, {})
            counts = (row.get("high_tech", 0), row.get("tech_based", 0), row.get("expiring", 0))
            out.append(SubDistrictCounts(sub, *counts))
        return out


def tech_based_q(day):
    return Q(tech_registered_year__lte=day.year) & (Q(tech_left_on__isnull=True) | Q(tech_left_on__gt=day))


class Enterprise(models.Model):
    """A firm of the district, identified by its 统一社会信用代码 (unique, 18 characters, check
    digit per GB 32100-2015), with its sub-district, industry and flags.

    Tech-based registration (科技型企业入库): counted on day d when `tech_registered_year` ≤ d's
    year and it has not left (`tech_left_on` is empty or after d). High-tech status comes from
    its `recognitions`. Every change is kept in `history`.
    """

    name = models.CharField("企业名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    subdistrict = models.ForeignKey(
        "targets.SubDistrict", verbose_name="所属街镇", on_delete=models.PROTECT, related_name="enterprises"
    )
    industry = models.CharField("所属产业", max_length=32, choices=Industry.choices, default=Industry.OTHER)
    above_scale = models.BooleanField("规上", default=False)
    specialized = models.BooleanField("专精特新", default=False)
    little_giant = models.BooleanField("“小巨人”", default=False)
    cultivation_pool = models.BooleanField("培优库", default=False)
    # what the plan commits to and the registry can hold (任务17, 任务5, 任务13)
    high_value_patent = models.BooleanField("拥有高价值发明专利", default=False)
    single_champion = models.BooleanField("制造业单项冠军", default=False)
    ipo_reserve = models.BooleanField("市级拟上市企业储备库", default=False)
    tech_registered_year = models.PositiveSmallIntegerField("科技型企业入库年份", null=True, blank=True)
    tech_left_on = models.DateField("科技型企业退库日期", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = fields.history(history_manager=DistrictScopedHistoryManager)
    objects = DistrictScopedManager.of(EnterpriseQuerySet, "subdistrict")

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业名录"
        ordering = ["subdistrict__category", "subdistrict__seq", "name"]
        indexes = [models.Index(fields=["subdistrict", "tech_registered_year"], name="enterprise_sub_techyear")]
        constraints = [
            fields.unique(
                "credit_code", name="enterprise_unique_credit_code", message="已有使用该统一社会信用代码的企业。"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enterprises:enterprise_detail", args=[self.pk])

    def clean(self):
        self.credit_code = validity.normalise_credit_code(self.credit_code)
        problem = validity.credit_code_problem(self.credit_code)
        if problem:
            raise ValidationError({"credit_code": problem})
        if self.tech_left_on and not self.tech_registered_year:
            raise ValidationError({"tech_left_on": "未填写入库年份的企业不能有退库日期。"})
        if self.tech_left_on and self.tech_registered_year and self.tech_left_on.year < self.tech_registered_year:
            raise ValidationError({"tech_left_on": "退库日期不能早于入库年份。"})


class HighTechRecognitionQuerySet(models.QuerySet):
    def valid_on(self, day):
        return self.filter(issue_date__lte=day, valid_until__gte=day)

    def expiry_by_subdistrict_year(self, subdistricts, years):
        """{(subdistrict_id, year): (expiring, not_renewed)}: certificates whose last valid day
        falls in `year`, and those of them with no later certificate of the same firm. One query."""
        later = HighTechRecognition.objects.filter(
            enterprise=OuterRef("enterprise"), issue_date__gt=OuterRef("issue_date")
        )
        rows = (
            self.filter(enterprise__subdistrict__in=list(subdistricts), valid_until__year__in=list(years))
            .annotate(renewed=models.Exists(later), sub_id=F("enterprise__subdistrict_id"), year=F("valid_until__year"))
            .order_by()
            .values("sub_id", "year")
            .annotate(n=Count("pk"), not_renewed=Count("pk", filter=Q(renewed=False)))
        )
        return {(row["sub_id"], row["year"]): (row["n"], row["not_renewed"]) for row in rows}


class RecognitionHistoryManager(DistrictScopedHistoryManager):
    """Certificates' history, scoped through their firms' history rather than today's firms, so
    that a deleted firm's certificates stay in its district's history (registry indicators read
    the registry as it stood at each month's end)."""

    def get_super_queryset(self):
        rows = HistoryManager.get_super_queryset(self)
        return rows.filter(enterprise_id__in=Enterprise.history.values("id"))


class _AttemptHistoryManager(RecognitionHistoryManager):
    """Attempts' history, scoped through their firms' history (as certificates' is)."""


class HighTechRecognition(models.Model):
    """One high-tech enterprise certificate (高新技术企业证书) of a firm.

    Valid on day d when `issue_date` ≤ d < the same date three years later; `valid_until` is
    the last valid day, computed from the issue date (see `validity.anniversary` for 29
    February). A firm has at most one certificate per issue date.
    """

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="recognitions"
    )
    certificate_no = models.CharField("证书编号", max_length=32, blank=True)
    issue_date = models.DateField("发证日期")
    valid_until = models.DateField("有效期至", editable=False)

    history = fields.history(history_manager=RecognitionHistoryManager)
    objects = DistrictScopedManager.of(HighTechRecognitionQuerySet, "enterprise")

    class Meta:
        verbose_name = "高新技术企业认定"
        verbose_name_plural = "高新技术企业认定"
        ordering = ["enterprise", "-issue_date"]
        constraints = [
            fields.unique(
                "enterprise",
                "issue_date",
                name="recognition_unique_issue_date",
                message="该企业在该发证日期已有一张高新技术企业证书。",
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "issue_date", "valid_until"], name="recognition_validity")]

    def __str__(self):
        return f"{self.enterprise} 高新技术企业证书 {as_chinese(self.issue_date, 'day')}"

    def save(self, *args, **kwargs):
        self.valid_until = validity.valid_until(self.issue_date)
        super().save(*args, **kwargs)

    def is_valid_on(self, day):
        return validity.high_tech_valid_on(self.issue_date, day)


class AttemptQuerySet(RestrictedQuerySet):
    """Attempts are scoped through their firm: an official reads and moves their own
    sub-district's firms only; bureau everything; leadership reads (`accounts.scope`)."""

    scope_rules = {
        "view": (("visible_to", "您无权查看该街镇的企业。"),),
        "change": (("changeable_by", PIPELINE_REFUSED),),
    }

    def visible_to(self, user):
        return rows_visible_to(user, self, field="enterprise__subdistrict")

    def changeable_by(self, user):
        return pipeline_rows_changeable_by(user, self, field="enterprise__subdistrict")

    def of_year(self, year):
        return self.filter(year=year)


def _stage_in(programme, stages):
    return Q(programme=programme, stage__in=list(stages))


class RecognitionAttempt(models.Model):
    """One firm's attempt in one year (issue 29): high-tech recognition (新认定, or 重新认定 of a
    certificate whose last valid day falls in `year`) or tech-based evaluation (评价入库).

    A firm has at most one attempt per programme and year. `stage` moves forward along the
    programme's path (`choices.stages_of`) through `enterprises.pipeline.move`, which keeps who,
    when and why in `history`. An attempt that ends in 认定 points to the registry's certificate it
    produced (`certificate`); one that ends in 未通过/未入库 keeps the stage it failed at
    (`failed_stage`) and the reason. It belongs to its firm's sub-district (it moves with the
    firm, as the firm moves with its unit).
    """

    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="attempts")
    year = models.PositiveSmallIntegerField("年度")
    programme = models.CharField("类别", max_length=16, choices=Programme.choices)
    renewal = models.BooleanField("重新认定", default=False)
    renews = models.ForeignKey(
        HighTechRecognition,
        verbose_name="到期证书",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewal_attempts",
    )
    stage = models.CharField("所处环节", max_length=16, choices=Stage.choices)
    batch = models.PositiveSmallIntegerField("申报批次", null=True, blank=True)
    failed_stage = models.CharField("未通过时所处环节", max_length=16, choices=Stage.choices, blank=True)
    reason = models.TextField("未通过原因", blank=True)
    # RESTRICT: a certificate an attempt produced is not deleted alone (the attempt would say 认定
    # without it), but goes with its firm, whose attempts go too.
    certificate = models.OneToOneField(
        HighTechRecognition,
        verbose_name="所获证书",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="attempt",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = fields.done_by("最后更新人")

    history = fields.history(history_manager=_AttemptHistoryManager)
    objects = DistrictScopedManager.of(AttemptQuerySet, "enterprise")

    class Meta:
        verbose_name = "认定进程"
        verbose_name_plural = "认定进程（培优库→证书）"
        ordering = ["-year", "enterprise"]
        indexes = [models.Index(fields=["year", "programme", "stage"], name="attempt_year_stage")]
        constraints = [
            fields.unique(
                "enterprise",
                "year",
                "programme",
                name="attempt_unique_year",
                message="该企业该年度已有同类认定进程。",
            ),
            models.CheckConstraint(
                condition=_stage_in(Programme.HIGH_TECH, stages_of(Programme.HIGH_TECH))
                | _stage_in(Programme.TECH_BASED, stages_of(Programme.TECH_BASED)),
                name="attempt_stage_of_programme",
                violation_error_message="所处环节与认定类别不符。",
            ),
            models.CheckConstraint(
                condition=Q(renewal=False) | Q(programme=Programme.HIGH_TECH),
                name="attempt_renewal_high_tech",
                violation_error_message="只有高新技术企业认定有重新认定。",
            ),
            models.CheckConstraint(
                condition=~Q(programme=Programme.HIGH_TECH, stage__in=BATCHED_STAGES) | Q(batch__isnull=False),
                name="attempt_batch_when_filed",
                violation_error_message="已申报的高新技术企业认定须填写申报批次。",
            ),
            models.CheckConstraint(
                condition=(Q(stage__in=list(FAILURE.values())) & ~Q(reason="") & ~Q(failed_stage=""))
                | (~Q(stage__in=list(FAILURE.values())) & Q(failed_stage="")),
                name="attempt_failure_has_reason",
                violation_error_message="未通过（未入库）须写明原因及所处环节。",
            ),
            models.CheckConstraint(
                condition=Q(stage=Stage.RECOGNISED, certificate__isnull=False)
                | (~Q(stage=Stage.RECOGNISED) & Q(certificate__isnull=True)),
                name="attempt_certificate_when_recognised",
                violation_error_message="认定的企业须有证书（证书编号、发证日期），未认定的不能有证书。",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.year}年{self.kind_label}：{self.get_stage_display()}"

    @property
    def kind_label(self):
        if self.programme == Programme.TECH_BASED:
            return "科技型企业评价"
        return "高新技术企业重新认定" if self.renewal else "高新技术企业新认定"

    @property
    def is_open(self):
        return self.stage not in (SUCCESS[self.programme], FAILURE[self.programme])

    def clean(self):
        errors = {}
        if self.programme and self.stage and self.stage not in stages_of(self.programme):
            errors["stage"] = "所处环节与认定类别不符。"
        if self.renewal and self.programme != Programme.HIGH_TECH:
            errors["renewal"] = "只有高新技术企业认定有重新认定。"
        if self.renewal and self.renews_id is None:
            errors["renews"] = "重新认定须指明到期的证书。"
        if self.renews_id is not None:
            if not self.renewal:
                errors["renews"] = "新认定不指明到期证书。"
            elif self.renews.enterprise_id != self.enterprise_id:
                errors["renews"] = "到期证书不属于该企业。"
            elif self.renews.valid_until.year != self.year:
                errors["renews"] = f"该证书于{self.renews.valid_until.year}年到期，不是{self.year}年。"
        if self.stage in BATCHED_STAGES and self.programme == Programme.HIGH_TECH and not self.batch:
            errors["batch"] = "已申报的高新技术企业认定须填写申报批次。"
        failure = FAILURE.get(self.programme)
        if self.stage == failure:
            if not (self.reason or "").strip():
                errors["reason"] = "未通过（未入库）须写明原因。"
            if self.failed_stage not in FILED_STAGES[self.programme]:
                errors["failed_stage"] = "未通过只能发生在申报之后。"
        elif self.failed_stage:
            errors["failed_stage"] = "只有未通过（未入库）的进程有此项。"
        if self.stage == Stage.RECOGNISED and self.certificate_id is None:
            errors["certificate"] = "认定的企业须有证书（证书编号、发证日期）。"
        if self.certificate_id is not None and self.certificate.enterprise_id != self.enterprise_id:
            errors["certificate"] = "证书不属于该企业。"
        if errors:
            raise ValidationError(errors)


class ImportJob(models.Model):
    """A big enterprise import run by the background worker (django-tasks, database backend).

    One row per upload: `preview` reads and checks the file and says what would change; after the
    user confirms, `write` does it in one transaction, so a killed worker leaves all or nothing.
    The counters say how far the worker got (rows read, checked, written) for the progress bar.
    """

    class Step(models.TextChoices):
        QUEUED = "queued", "排队中"
        READING = "reading", "读取文件"
        VALIDATING = "validating", "检查数据"
        PREVIEWED = "previewed", "检查完成，待确认"
        WRITING = "writing", "写入数据库"
        DONE = "done", "导入完成"
        REFUSED = "refused", "未导入（文件有错误）"
        FAILED = "failed", "未导入（出错）"

    created_by = models.ForeignKey("accounts.User", verbose_name="上传人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    file_name = models.CharField("文件名", max_length=255)
    stored_as = models.CharField("暂存文件", max_length=255)
    sheet = models.CharField("工作表", max_length=100, blank=True)
    step = models.CharField("进度", max_length=12, choices=Step.choices, default=Step.QUEUED)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_read = models.PositiveIntegerField("已读取行数", default=0)
    rows_validated = models.PositiveIntegerField("已检查行数", default=0)
    rows_written = models.PositiveIntegerField("已写入行数", default=0)
    summary = models.JSONField("结果", default=dict, blank=True)
    problems = models.JSONField("问题", default=list, blank=True)
    problem_count = models.PositiveIntegerField("问题数", default=0)

    class Meta:
        verbose_name = "企业名录导入任务"
        verbose_name_plural = "企业名录导入任务"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name}（{self.get_step_display()}）"

    @property
    def finished(self):
        return self.step in (self.Step.PREVIEWED, self.Step.DONE, self.Step.REFUSED, self.Step.FAILED)


flag_storage = evidence_storage  # the name migration 0004 gives it


def flag_path(instance, filename):
    return stored_name("verification", filename)


class AttributionFlagQuerySet(RestrictedQuerySet):
    scope_rules = {"view": (("visible_to", "您无权查看该属地核实。"),)}

    def visible_to(self, user):
        return flags_visible_to(user, self, accepted=FlagState.ACCEPTED)

    def open(self):
        return self.filter(state=FlagState.OPEN)


class AttributionFlag(models.Model):
    """A sub-district's flag on the attribution of a firm (属地核实), and the bureau's decision.

    `subdistrict` raised it. 不在本辖区 / 已迁出 name a firm of its list (`enterprise`), and where
    it is, if known (`destination`, or `destination_note` for a place outside the district);
    漏统 names a firm missing from its list by `credit_code` and `firm_name` (`enterprise` is
    set when the registry has it elsewhere). Accepting moves the firm (history kept on the
    firm); rejecting needs a reason. Every change is kept in `history`.
    """

    subdistrict = models.ForeignKey(
        "targets.SubDistrict", verbose_name="提出街镇", on_delete=models.PROTECT, related_name="attribution_flags"
    )
    kind = models.CharField("核实结果", max_length=16, choices=FlagKind.choices)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    firm_name = models.CharField("企业名称", max_length=200, blank=True)
    destination = fields.optional_ref("targets.SubDistrict", "实际所在街镇", related_name="incoming_flags")
    destination_note = models.CharField("迁往（区外或不详时说明）", max_length=200, blank=True)
    note = models.TextField("说明")
    attachment = models.FileField("附件", storage=flag_storage, upload_to=flag_path, max_length=200, blank=True)
    attachment_name = models.CharField("附件原文件名", max_length=200, blank=True)
    attachment_kind = models.CharField("附件类型", max_length=8, blank=True)
    state = models.CharField("处理状态", max_length=16, choices=FlagState.choices, default=FlagState.OPEN)
    raised_by = fields.submitted_by("提出人")
    raised_at = models.DateTimeField("提出时间")
    resolved_by = fields.done_by("处理人")
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    resolution_note = models.TextField("处理意见", blank=True)

    history = fields.history()
    objects = AttributionFlagQuerySet.as_manager()

    class Meta:
        verbose_name = "属地核实标记"
        verbose_name_plural = "属地核实标记"
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind=FlagKind.MISSING) | models.Q(enterprise__isnull=False),
                name="attributionflag_firm_named",
                violation_error_message="“不在本辖区”“已迁出”须指明名录中的企业。",
            ),
        ]

    def __str__(self):
        return f"{self.subdistrict} {self.get_kind_display()}：{self.display_name}"

    def get_absolute_url(self):
        return reverse("enterprises:flag_detail", args=[self.pk])

    @property
    def display_name(self):
        return self.enterprise.name if self.enterprise_id else self.firm_name

    @property
    def where_text(self):
        """Where the firm is said to be: a sub-district, a note, or 不详."""
        if self.destination_id:
            return str(self.destination)
        return self.destination_note or ("本街镇" if self.kind == FlagKind.MISSING else "不详")
