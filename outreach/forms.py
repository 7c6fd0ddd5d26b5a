"""One visit with its problems on one page: the visit's form and a formset of problem rows,
validated in full (every row's errors at once) before the service writes anything."""

from django import forms
from django.utils import timezone

from beibei_dashboard.forms import CleanCharField
from targets import territory
from targets.months import Month
from tasks.models import Unit

from .choices import DEFAULT_DUE_DAYS, ProblemCategory

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
UNIT, SUBDISTRICT = "unit", "sub"


def answering_choices(month=None):
    """The units a problem may be assigned to, grouped: the plan's departments (without 各镇街,
    which stands for every sub-district) and the sub-districts of this month's map."""
    units = [(f"{UNIT}:{u.pk}", u.name) for u in Unit.objects.filter(all_subdistricts=False).order_by("pk")]
    subs = [(f"{SUBDISTRICT}:{s.pk}", s.name) for s in territory.map_of(month or Month.current()).members]
    return [("", "——请选择——"), ("部门", units), ("街镇", subs)]


class VisitForm(forms.Form):
    date = forms.DateField(label="走访日期", widget=DATE_INPUT)
    visitors = CleanCharField(label="走访人员", max_length=200, help_text="姓名，多人用顿号分隔。")
    findings = CleanCharField(label="走访情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("走访日期不能晚于今天。")
        return date


class ProblemForm(forms.Form):
    """One problem: its category, what the firm asks, the unit that must answer, the due date."""

    category = forms.ChoiceField(label="诉求类别", choices=[("", "——请选择——"), *ProblemCategory.choices])
    description = CleanCharField(label="诉求内容", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    answering = forms.ChoiceField(label="承办单位", choices=())
    due_date = forms.DateField(
        label="办理期限", required=False, widget=DATE_INPUT, help_text=f"留空则为提出之日后{DEFAULT_DUE_DAYS}日。"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answering"].choices = answering_choices()

    def clean(self):
        data = super().clean()
        kind, _, pk = (data.pop("answering", "") or "").partition(":")
        data["answer_unit"] = Unit.objects.filter(pk=pk, all_subdistricts=False).first() if kind == UNIT else None
        data["answer_subdistrict"] = None
        if kind == SUBDISTRICT:
            data["answer_subdistrict"] = next(
                (s for s in territory.map_of(Month.current()).members if str(s.pk) == pk), None
            )
        return data


class BaseProblemFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        due_floor = getattr(self, "raised_on", None)
        for form in self.forms:
            due = form.cleaned_data.get("due_date") if form.has_changed() and form.is_valid() else None
            if due and due_floor and due < due_floor:
                form.add_error("due_date", "办理期限不能早于走访日期。")

    @property
    def problems(self):
        """The filled rows' cleaned data (blank extra rows are not problems)."""
        return [form.cleaned_data for form in self.forms if form.has_changed()]


ProblemFormSet = forms.formset_factory(ProblemForm, formset=BaseProblemFormSet, extra=3, max_num=20, absolute_max=20)


class CloseProblemForm(forms.Form):
    answer = CleanCharField(
        label="答复内容（企业收到的答复）", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
