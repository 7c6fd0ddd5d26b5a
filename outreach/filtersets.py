import django_filters
from django import forms
from django.utils import timezone

from .choices import OPEN_STATES, ProblemCategory, ProblemState
from .forms import SUBDISTRICT, UNIT, answering_choices
from .models import Problem

OPEN = "open"


class ProblemFilterSet(django_filters.FilterSet):
    """Filters of the problem list: state (未办结 = 待办理 and 办理中), category, answering unit,
    overdue."""

    state = django_filters.ChoiceFilter(
        label="办理状态",
        method="filter_state",
        choices=[(OPEN, "未办结"), *ProblemState.choices],
        empty_label="全部",
    )
    category = django_filters.ChoiceFilter(label="诉求类别", choices=ProblemCategory.choices, empty_label="全部")
    answering = django_filters.ChoiceFilter(label="承办单位", method="filter_answering", choices=[], empty_label="全部")
    overdue = django_filters.BooleanFilter(label="仅看逾期", method="filter_overdue", widget=forms.CheckboxInput)

    class Meta:
        model = Problem
        fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["answering"].extra["choices"] = answering_choices()[1:]

    def filter_state(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(state__in=OPEN_STATES)
        return queryset.filter(state=value)

    def filter_answering(self, queryset, name, value):
        kind, _, pk = value.partition(":")
        if kind == UNIT and pk.isdigit():
            return queryset.filter(answer_unit_id=pk)
        if kind == SUBDISTRICT and pk.isdigit():
            return queryset.filter(answer_subdistrict_id=pk)
        return queryset.none()

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.localdate()) if value else queryset
