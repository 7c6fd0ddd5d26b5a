import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from targets import territory
from targets.models import SubDistrict
from targets.months import Month

from . import validity
from .choices import Industry
from .models import Enterprise

YES_NO = [("", "全部"), ("true", "是"), ("false", "否")]
DATE_INPUT = forms.DateInput(attrs={"type": "date"})


CURRENT_GROUP, LEFT_GROUP = "现辖区", "已划出"


def subdistrict_choices(user, month=None):
    """(the 所属街镇 options for `user`, the pks of its current units): the units of this month's
    map, and, when `user` may read units no longer in the district, those in a second group
    "已划出" ("水土街道（2025年11月划出北碚区（划入两江新区））"): their firms went with them and
    are listed only when asked for."""
    month = month or Month.current()
    allowed = list(SubDistrict.objects.visible_to(user).in_plan_order())
    mine = {sub.pk for sub in allowed}
    members = territory.map_of(month).members
    current = [(str(sub.pk), sub.name) for sub in members if sub.pk in mine]
    inside = {sub.pk for sub in members}
    gone = [
        (str(sub.pk), f"{sub.name}（{territory.membership_on(sub, month)}）") for sub in allowed if sub.pk not in inside
    ]
    choices = [(CURRENT_GROUP, current), (LEFT_GROUP, gone)] if gone else current
    return choices, [int(pk) for pk, _ in current]


class EnterpriseFilterSet(django_filters.FilterSet):
    """Search and filters of /enterprises/; `high_tech_on` and `tech_based_on` take a day."""

    q = django_filters.CharFilter(
        label="搜索", method="search", widget=forms.TextInput(attrs={"placeholder": "企业名称或信用代码"})
    )
    # the units of the current map by default; a unit that left only when chosen ("已划出" group)
    subdistrict = django_filters.ChoiceFilter(
        label="所属街镇", method="filter_subdistrict", choices=[], empty_label="全部"
    )
    industry = django_filters.ChoiceFilter(label="所属产业", choices=Industry.choices, empty_label="全部")
    above_scale = django_filters.BooleanFilter(label="规上", widget=forms.Select(choices=YES_NO))
    specialized = django_filters.BooleanFilter(label="专精特新", widget=forms.Select(choices=YES_NO))
    little_giant = django_filters.BooleanFilter(label="“小巨人”", widget=forms.Select(choices=YES_NO))
    cultivation_pool = django_filters.BooleanFilter(label="培优库", widget=forms.Select(choices=YES_NO))
    high_tech_on = django_filters.DateFilter(label="高新有效于", method="filter_high_tech_on", widget=DATE_INPUT)
    tech_based_on = django_filters.DateFilter(label="科技型在库于", method="filter_tech_based_on", widget=DATE_INPUT)
    expiring = django_filters.BooleanFilter(
        label="一年内到期", method="filter_expiring", widget=forms.CheckboxInput, help_text=""
    )

    class Meta:
        model = Enterprise
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request is not None else None
        choices, self.current_units = subdistrict_choices(user) if user is not None else ([], [])
        self.filters["subdistrict"].extra["choices"] = choices
        if choices and isinstance(choices[0][1], list):  # a unit that left is offered: say what "全部" is
            self.filters["subdistrict"].extra["empty_label"] = "全部（现辖区）"

    @property
    def qs(self):
        """Without a 所属街镇 (an unbound form too), the firms of the current map's units (all the
        user's own when none of them is in the district any more: an official of a unit that
        left reads its history)."""
        if not hasattr(self, "_map_qs"):
            queryset = super().qs
            chosen = self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("subdistrict")
            if not chosen and self.current_units:
                queryset = queryset.filter(subdistrict_id__in=self.current_units)
            self._map_qs = queryset
        return self._map_qs

    def filter_subdistrict(self, queryset, name, value):
        return queryset.filter(subdistrict_id=int(value))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__icontains=value.upper()))

    def filter_high_tech_on(self, queryset, name, value):
        return queryset.high_tech_on(value)

    def filter_tech_based_on(self, queryset, name, value):
        return queryset.tech_based_on(value)

    def filter_expiring(self, queryset, name, value):
        """Firms valid today whose high-tech status ends within a year (before its anniversary)."""
        if not value:
            return queryset
        today = timezone.localdate()
        horizon = validity.anniversary(today, years=1) - dt.timedelta(days=1)
        return queryset.filter(high_tech_until__gte=today, high_tech_until__lte=horizon)
