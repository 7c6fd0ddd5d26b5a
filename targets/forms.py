from django import forms
from django.db.models import Case, Q, When

from beibei_dashboard.forms import CleanCharField

from .boundaries import ChangeInput, Kind, split_names
from .choices import Metric
from .importers import MAX_FILE_BYTES
from .models import SubDistrict
from .months import LAST_PLAN_MONTH, Month, loggable_months, month_range
from .numbers import parse_whole_number


def _within_size(upload):
    """An import's upload, refused from its size before the view reads it into memory."""
    if upload.size > MAX_FILE_BYTES:
        raise forms.ValidationError(f"文件大小 {upload.size / 1024 / 1024:.1f} MB，超过 5 MB 上限。")
    return upload


# A correction's reason is a sentence or two: a box that shows it whole (500 characters at most);
# its line breaks become spaces, as the history shows it on one line.
REASON_BOX = {"rows": 4, "cols": 60, "maxlength": 500, "class": "reason-box"}


def cell_name(prefix, sub, metric):
    return f"{prefix}-{sub.slug}-{metric}"


class CountField(CleanCharField):
    """A count as the importers read it (targets.numbers): "1,234", "1 234" and "１２３４" are
    1234 here too, "5,11" is refused here too. A text input, so that what Excel copies pastes."""

    def __init__(self, *, label, **kwargs):
        self.count_label = label
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 6}))
        super().__init__(label=label, **kwargs)

    def prepare_value(self, value):
        return "" if value is None else str(value)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        parsed = parse_whole_number(value)
        if parsed.problem:
            raise forms.ValidationError(f"{self.count_label}：{parsed.problem}。", code="invalid")
        return parsed.value


class MonthlyCountGridForm(forms.Form):
    """The month's grid: a value, a note and (when asked) a confirmation per sub-district × metric.

    `o-*` fields carry the value each cell had when the page was opened, so that a save never
    overwrites a change someone else made in the meantime.
    """

    reason = CleanCharField(
        label="更正原因", required=False, max_length=500, multiline=False, widget=forms.Textarea(REASON_BOX)
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        for cell in plan.cells:
            sub, metric = cell.subdistrict, cell.metric
            label = f"{sub.name}{Metric(metric).label}"
            self.fields[cell_name("v", sub, metric)] = CountField(label=label, required=False, initial=cell.old)
            self.fields[cell_name("n", sub, metric)] = CleanCharField(
                label=f"{label}备注", required=False, max_length=200, initial=cell.note
            )
            self.fields[cell_name("c", sub, metric)] = forms.BooleanField(label="确认", required=False)
            self.fields[cell_name("o", sub, metric)] = CleanCharField(
                required=False, widget=forms.HiddenInput, initial="" if cell.old is None else str(cell.old)
            )

    def clean(self):
        data = super().clean()
        for cell in self.plan.cells:
            name = cell_name("v", cell.subdistrict, cell.metric)
            if name in data and data[name] is None and cell.old is not None and name not in self.errors:
                self.add_error(
                    name, f"{cell.subdistrict.name}{cell.metric_label}：已填报的数值不能清空，请填写正确数字。"
                )
        return data

    def entries(self):
        data, out = self.cleaned_data, {}
        for cell in self.plan.cells:
            sub, metric = cell.subdistrict, cell.metric
            value = data.get(cell_name("v", sub, metric))
            if value is not None:
                out[(sub.pk, metric)] = (value, data.get(cell_name("n", sub, metric), "").strip())
        return out

    def confirmed_keys(self):
        return {
            (c.subdistrict.pk, c.metric)
            for c in self.plan.cells
            if self.cleaned_data.get(cell_name("c", c.subdistrict, c.metric))
        }

    def expected_old(self):
        out = {}
        for cell in self.plan.cells:
            raw = self.data.get(cell_name("o", cell.subdistrict, cell.metric), "")
            out[(cell.subdistrict.pk, cell.metric)] = int(raw) if raw.isdigit() else None
        return out

    def rows(self):
        """The grid as the template draws it: one row per sub-district with its two cells."""
        rows, by_sub = [], {}
        for cell in self.plan.cells:
            sub = cell.subdistrict
            if sub.pk not in by_sub:
                by_sub[sub.pk] = {"subdistrict": sub, "cells": []}
                rows.append(by_sub[sub.pk])
            by_sub[sub.pk]["cells"].append(
                {
                    "cell": cell,
                    "value": self[cell_name("v", sub, cell.metric)],
                    "note": self[cell_name("n", sub, cell.metric)],
                    "confirm": self[cell_name("c", sub, cell.metric)],
                    "old": self[cell_name("o", sub, cell.metric)],
                }
            )
        return rows


def importable_month_choices():
    """The months a count file may be imported for (2023年1月 through this month), newest first."""
    return [(str(m), m.label) for m in reversed(loggable_months())]


class CountImportForm(forms.Form):
    month = forms.ChoiceField(
        label="月份",
        help_text="数据所属月份（月末数）",
        error_messages={"invalid_choice": "月份“%(value)s”不可导入：只能导入2023年1月至本月的数据。"},
    )
    file = forms.FileField(
        label="表格文件", help_text=".xlsx、.xlsm、.xls、.et、.ods 或 .csv（UTF-8、GBK、UTF-16），不超过 5 MB"
    )
    partial = forms.BooleanField(label="仅更新部分街镇（文件可不含全部街镇）", required=False)
    sheet = CleanCharField(
        label="工作表",
        required=False,
        max_length=100,
        help_text="不填则读取唯一有表头的可见工作表；有多个时读取以所选月份命名的一个（如“10月”“2026年10月”），否则须在此填写",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = importable_month_choices()

    def clean_month(self):
        return Month.parse(self.cleaned_data["month"])

    def clean_file(self):
        return _within_size(self.cleaned_data["file"])


class CountImportConfirmForm(forms.Form):
    token = CleanCharField(widget=forms.HiddenInput)
    month = CleanCharField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(label="已核对：确认较上月下降或增长超过20%的数值无误", required=False)
    note = CleanCharField(label="说明（用于下降或大幅增长的数值）", required=False, max_length=200)
    reason = CleanCharField(
        label="更正原因（已发布月份必填）",
        required=False,
        max_length=500,
        multiline=False,  # stored on one line, as the history shows it
        widget=forms.Textarea(REASON_BOX),
    )


def revision_month_choices():
    """Every month a revision may take effect in (the plan's period), as a select offers them."""
    return [(str(m), m.label) for m in month_range(Month.first(), LAST_PLAN_MONTH)]


class RevisionImportForm(forms.Form):
    """A revision of the plan: its document (文号, date, title), the month it takes effect in,
    why, and its attachment table."""

    file = forms.FileField(
        label="修订表（目标任务分解表）",
        help_text="格式同方案附件：类型、序号、街镇，各类企业下分2022年实际数、2027年目标数和年度目标数，含合计行；"
        ".xlsx、.xls、.et、.ods 或 .csv，不超过 5 MB",
    )
    number = CleanCharField(label="文号", max_length=64, help_text="如 北碚府办发〔2026〕1号")
    issued = forms.DateField(label="印发日期", widget=forms.DateInput(attrs={"type": "date"}))
    effective = forms.ChoiceField(label="起用月份", help_text="自该月起各月按修订后的目标评价")
    title = CleanCharField(label="标题", max_length=200, required=False)
    reason = CleanCharField(
        label="修订原因",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="起用月份起已有月通报发布时必填（已发布的通报保持发布时的数值）",
    )
    is_example = forms.BooleanField(label="示例（演示用，非正式文件）", required=False)
    sheet = CleanCharField(label="工作表", required=False, max_length=100, help_text="文件有多个填好的工作表时填写")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective"].choices = revision_month_choices()

    def clean_effective(self):
        return Month.parse(self.cleaned_data["effective"])

    def clean_file(self):
        return _within_size(self.cleaned_data["file"])


class RevisionConfirmForm(forms.Form):
    token = CleanCharField(widget=forms.HiddenInput)


def _change_months():
    return [(str(m), m.label) for m in month_range(Month.first(), LAST_PLAN_MONTH)]


class BoundaryChangeForm(forms.Form):
    """A change of the district's map as the bureau types it: one move with its authority."""

    kind = forms.ChoiceField(label="调整方式", choices=Kind.CHOICES)
    units = forms.ModelMultipleChoiceField(
        label="涉及的现有街镇",
        queryset=SubDistrict.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="划出：划出的街镇；合并：被合并的街镇（至少两个）；拆分：被拆分的街镇（一个）；划入不选",
    )
    names = CleanCharField(
        label="新街镇名称",
        required=False,
        max_length=200,
        help_text="划入：划入的街镇；合并：合并后的街镇（可为现有街镇）；拆分：分设的街镇（至少两个）。多个名称用“、”分隔",
    )
    place = CleanCharField(
        label="去向或来源",
        required=False,
        max_length=64,
        help_text="划出：划入何处（如两江新区）；划入：由何处划入（如原渝北区）",
    )
    title = CleanCharField(label="调整事项", max_length=100)
    authority = CleanCharField(label="依据（文件或公告）", max_length=200)
    announced = forms.DateField(label="公布日期", help_text="YYYY-MM-DD")
    effective = forms.ChoiceField(label="生效月份", help_text="自该月月末数起按调整后的区划统计")
    source = CleanCharField(label="来源", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = Month.current()
        self.fields["units"].queryset = SubDistrict.objects.filter(
            Q(left__isnull=True) | Q(left__gt=today.date)
        ).order_by(Case(When(category="", then=1), default=0), "category", "seq", "pk")  # A, B, then unclassed
        self.fields["effective"].choices = _change_months()
        self.fields["effective"].initial = str(min(today.next(), LAST_PLAN_MONTH))

    def change_input(self):
        data = self.cleaned_data
        return ChangeInput(
            kind=data["kind"], title=data["title"].strip(), authority=data["authority"].strip(),
            announced=data["announced"], effective=Month.parse(data["effective"]), source=data["source"].strip(),
            units=tuple(unit.pk for unit in data["units"]), names=tuple(split_names(data["names"])),
            place=data["place"].strip(),
        )  # fmt: skip


class BoundaryChangeConfirmForm(forms.Form):
    token = CleanCharField(widget=forms.HiddenInput)
