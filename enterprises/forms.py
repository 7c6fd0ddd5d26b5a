from django import forms
from django.conf import settings

from beibei_dashboard.evidence import ALLOWED_TEXT, check_upload
from beibei_dashboard.forms import CleanCharField
from beibei_dashboard.templatetags.dates import as_chinese
from targets import territory
from targets.models import SubDistrict
from targets.months import Month

from .choices import OPEN_STAGES, FlagKind, Programme, Stage, stages_of
from .importers import MAX_BYTES
from .pipeline import MAX_BATCH, transition_problem


class EnterpriseImportForm(forms.Form):
    file = forms.FileField(label="企业名录文件（.xlsx、.xlsm、.xls、.et、.ods 或 .csv）")
    sheet = CleanCharField(label="工作表（文件有多个填好的工作表时填写）", required=False, max_length=100)

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_BYTES:
            raise forms.ValidationError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请拆分后导入。")
        return uploaded


def current_units(exclude=None):
    """The sub-districts a firm may be attributed to now: the units of this month's map (a unit
    that left is elsewhere: a firm moving there leaves the district)."""
    members = [sub.pk for sub in territory.map_of(Month.current()).members if exclude is None or sub.pk != exclude.pk]
    return SubDistrict.objects.filter(pk__in=members)


class _FlagAttachmentMixin:
    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        kind, error = check_upload(upload.name, upload.size, upload)
        if error:
            raise forms.ValidationError(error)
        return upload, kind


class AttributionFlagForm(_FlagAttachmentMixin, forms.Form):
    """不在本辖区 / 已迁出 for a firm of the official's list."""

    kind = forms.ChoiceField(
        label="核实结果",
        choices=[(FlagKind.NOT_HERE, FlagKind.NOT_HERE.label), (FlagKind.MOVED, FlagKind.MOVED.label)],
        widget=forms.RadioSelect,
    )
    destination = forms.ModelChoiceField(
        label="实际所在街镇（已知时选择）", queryset=SubDistrict.objects.none(), required=False
    )
    destination_note = CleanCharField(label="迁往（区外或不详时说明）", max_length=200, required=False)
    note = CleanCharField(label="说明", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    attachment = forms.FileField(label="附件（可选）", required=False, help_text=f"{ALLOWED_TEXT}，不超过 10 MB。")

    def __init__(self, *args, subdistrict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination"].queryset = current_units(exclude=subdistrict).in_plan_order()


class MissingFirmForm(_FlagAttachmentMixin, forms.Form):
    """漏统: a firm of the sub-district that its list does not have."""

    credit_code = CleanCharField(label="统一社会信用代码", max_length=24)
    firm_name = CleanCharField(label="企业名称", max_length=200, error_messages={"required": "请填写企业名称。"})
    note = CleanCharField(label="说明", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    attachment = forms.FileField(label="附件（可选）", required=False, help_text=f"{ALLOWED_TEXT}，不超过 10 MB。")


class ResolveFlagForm(forms.Form):
    action = forms.ChoiceField(choices=[("accept", "采纳"), ("reject", "驳回")], widget=forms.HiddenInput)
    destination = forms.ModelChoiceField(label="实际所在街镇", queryset=SubDistrict.objects.none(), required=False)
    note = CleanCharField(label="处理意见（驳回时必填）", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination"].queryset = (
            current_units().filter(district__slug=settings.DISTRICT_SLUG).in_plan_order()
        )


# The pipeline (issue 29): open a firm's attempt of a year, move it one step, always with a reason.

REASON_HELP = "如：企业确认申报、第3批公示名单、走访了解等；记入变更记录。"


class AttemptForm(forms.Form):
    """A new attempt of one of the user's firms in the page's year."""

    enterprise = forms.ModelChoiceField(label="企业", queryset=None)
    programme = forms.ChoiceField(label="类别", choices=Programme.choices)
    renews = forms.ModelChoiceField(label="重新认定的到期证书（高企重新认定时选择）", queryset=None, required=False)
    stage = forms.ChoiceField(label="当前所处环节", choices=[])
    batch = forms.IntegerField(label="申报批次（已申报时填写）", min_value=1, max_value=9, required=False)
    reason = CleanCharField(label="依据/原因", max_length=500, help_text=REASON_HELP)

    def __init__(self, *args, firms, certificates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = firms
        self.fields["renews"].queryset = certificates
        self.fields["renews"].label_from_instance = lambda c: (
            f"{c.enterprise.name} {c.certificate_no or ''}（{as_chinese(c.valid_until, 'day')}到期）"
        )
        self.fields["stage"].choices = [
            (stage, f"{Programme(programme).label}·{Stage(stage).label}")
            for programme, stages in OPEN_STAGES.items()
            for stage in stages
        ]


class MoveForm(forms.Form):
    """One step along a firm's path."""

    stage = forms.ChoiceField(label="更新为", choices=[])
    batch = forms.IntegerField(label="申报批次", min_value=1, max_value=9, required=False)
    certificate_no = CleanCharField(label="证书编号（认定时填写）", max_length=32, required=False)
    issue_date = forms.DateField(label="发证日期（认定时填写，如2026-10-28）", required=False)
    failure_reason = CleanCharField(label="未通过原因（未通过时填写）", max_length=500, required=False)
    reason = CleanCharField(label="依据/原因", max_length=500, help_text=REASON_HELP)

    def __init__(self, *args, attempt, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [
            (stage, Stage(stage).label)
            for stage in stages_of(attempt.programme)
            if transition_problem(attempt.programme, attempt.stage, stage) is None
        ]
        if attempt.batch:
            self.fields["batch"].initial = attempt.batch


class OfficialListImportForm(forms.Form):
    """An official high-tech list to import: which list, its year and batch, the file."""

    kind = forms.ChoiceField(label="名单类别", choices=[], widget=forms.RadioSelect)
    year = forms.TypedChoiceField(label="年度", coerce=int, choices=[])
    batch = forms.IntegerField(label="批次", min_value=1, max_value=MAX_BATCH, initial=1)
    file = forms.FileField(label="名单文件（.xlsx、.xls、.et、.ods 或 .csv）")
    sheet = CleanCharField(label="工作表（文件有多个填好的工作表时填写）", required=False, max_length=100)

    def __init__(self, *args, years, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y}年") for y in years]
        self.fields["year"].initial = years[-1]
        self.fields["kind"].choices = list(kinds.items())

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_BYTES:
            raise forms.ValidationError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请拆分后导入。")
        return uploaded
