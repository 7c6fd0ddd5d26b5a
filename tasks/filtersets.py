import django_filters
from django import forms
from django.db.models import Q

from accounts import scope

from .choices import Colour, TaskKind
from .models import KeyTask, TaskGroup, Unit
from .status import task_status_rows


class KeyTaskFilterSet(django_filters.FilterSet):
    """Filters of /tasks/: 本单位任务, unit (lead or responsible), group and status colour."""

    mine = django_filters.BooleanFilter(label="本单位任务", method="filter_mine", widget=forms.CheckboxInput)
    unit = django_filters.ModelChoiceFilter(
        label="单位（牵头或责任）", queryset=Unit.objects.all(), method="filter_unit", empty_label="全部单位"
    )
    group = django_filters.ModelChoiceFilter(
        label="分组", queryset=TaskGroup.objects.filter(kind=TaskKind.TASK), empty_label="全部分组"
    )
    status = django_filters.ChoiceFilter(
        label="状态", choices=Colour.choices, method="filter_status", empty_label="全部状态"
    )

    class Meta:
        model = KeyTask
        fields = []

    def filter_mine(self, queryset, name, value):
        if not value or not scope.has_own_tasks(self.request.user):
            return queryset
        return queryset.own_for(self.request.user)

    def filter_unit(self, queryset, name, value):
        units = KeyTask.objects.filter(Q(lead_units=value) | Q(responsible_units=value)).values("pk")
        return queryset.filter(pk__in=units)

    def filter_status(self, queryset, name, value):
        # The colour is computed by tasks.supervision, not stored; compute it for the rows left.
        return queryset.filter(pk__in=[row.task.pk for row in task_status_rows(queryset) if row.colour == value])
