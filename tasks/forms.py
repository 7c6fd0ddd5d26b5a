from django import forms
from django.utils import timezone

from beibei_dashboard.evidence import ACCEPT_ATTR, ALLOWED_TEXT, MAX_BYTES, MAX_REQUEST_BYTES, check_upload
from beibei_dashboard.forms import CleanCharField, free_text_formfield
from targets.models import HEADLINE_REFUSAL, Indicator
from targets.months import Month, parse_plan_month

from . import supervision
from .choices import ReportStatus
from .models import ReportAttachment, TaskReport
from .periods import Period

EVIDENCE_HELP = (
    f"可多选；{ALLOWED_TEXT}，每个文件不超过 {MAX_BYTES // (1024 * 1024)} MB，"
    f"一次提交合计不超过 {MAX_REQUEST_BYTES // (1024 * 1024)} MB。"
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTR}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


def _period_not_in_future(text):
    period = Period.parse(text)
    if period.start > timezone.localdate():
        raise forms.ValidationError("报告期不能晚于本月。")
    return period


class TaskReportForm(forms.ModelForm):
    """A progress report with a value field per quantitative target and evidence uploads."""

    attachments = MultipleFileField(
        label="佐证材料",
        help_text=EVIDENCE_HELP,
    )

    class Meta:
        model = TaskReport
        formfield_callback = free_text_formfield
        fields = ["period", "status", "done", "problems", "next_steps"]
        widgets = {
            "status": forms.RadioSelect,
            "done": forms.Textarea(attrs={"rows": 5}),
            "problems": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task
        self.instance.task = task
        self.targets = list(task.targets.all())
        editing = self.instance.pk is not None
        if editing:
            self.fields["period"].disabled = True
        else:
            self.initial.setdefault("period", str(supervision.open_period(timezone.localdate())[0]))
        current = {v.target_id: v.value for v in self.instance.values.all()} if editing else {}
        for target in self.targets:
            self.fields[f"target_{target.pk}"] = forms.DecimalField(
                label=f"{target.name}（{target.unit}）",
                help_text=f"截至报告期末的累计数；2027年目标：{target.target_text}",
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                initial=current.get(target.pk),
            )
        self.fields["status"].choices = ReportStatus.choices  # radio buttons without a blank choice
        self.order_fields(
            ["period", "status", "done", "problems", "next_steps", *[f"target_{t.pk}" for t in self.targets]]
        )
        if editing and self.instance.attachments.exists():
            self.fields["remove_attachments"] = forms.ModelMultipleChoiceField(
                label="删除已上传的佐证材料",
                queryset=ReportAttachment.objects.filter(report=self.instance),
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )

    def clean_period(self):
        if self.instance.pk is not None:
            return self.instance.period
        try:
            period = _period_not_in_future(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        if TaskReport.objects.filter(task=self.task, period=str(period)).exists():
            raise forms.ValidationError(f"本任务{period.label}已有进展报告，请在时间线中修改原报告。")
        return str(period)

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        checked, errors = [], []
        for upload in files:
            kind, error = check_upload(upload.name, upload.size, upload)
            if error:
                errors.append(error)
            else:
                checked.append((upload, kind))
        if errors:
            raise forms.ValidationError(errors)
        return checked

    @property
    def report_fields(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}

    @property
    def target_values(self):
        return {target: self.cleaned_data.get(f"target_{target.pk}") for target in self.targets}


class ReturnReportForm(forms.Form):
    comment = CleanCharField(label="退回意见", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)


class IndicatorValueForm(forms.Form):
    """A value of a district indicator for a month, recorded by bureau staff."""

    indicator = forms.ModelChoiceField(label="指标", queryset=Indicator.objects.all(), to_field_name="code")
    month = CleanCharField(label="数据月份", max_length=7, help_text="如 2026-09；年度数据填 12 月")
    value = forms.DecimalField(label="数值", max_digits=14, decimal_places=2)
    note = CleanCharField(label="备注（数据来源）", max_length=200, required=False)

    def clean_indicator(self):
        indicator = self.cleaned_data["indicator"]
        if indicator.metric:
            raise forms.ValidationError(HEADLINE_REFUSAL)
        return indicator

    def clean_month(self):
        text = self.cleaned_data["month"].strip()
        try:
            if Month.parse(text).is_future():
                raise forms.ValidationError("数据月份不能晚于本月。")
            # from the plan's base year-end (2022-12) through this month
            return parse_plan_month(text, first=Month.first().previous())
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class TaskContributionForm(forms.Form):
    """A responsible unit's contribution for a period, with evidence."""

    period = CleanCharField(label="报告期", max_length=7, help_text="月份如 2026-10，或季度如 2026-Q3")
    done = CleanCharField(label="配合推进情况", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    problems = CleanCharField(
        label="存在问题", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
    attachments = MultipleFileField(
        label="佐证材料",
        help_text=EVIDENCE_HELP,
    )

    def clean_period(self):
        try:
            return _period_not_in_future(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    clean_attachments = TaskReportForm.clean_attachments
