import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from targets.models import SubDistrict

from . import validity
from .choices import Industry
from .models import Enterprise

YES_NO = [("", "全部"), ("true", "是"), ("false", "否")]
DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def _visible_subdistricts(request):
    if request is None:
        return SubDistrict.objects.none()
    return SubDistrict.objects.visible_to(request.user).in_plan_order()


class EnterpriseFilterSet(django_filters.FilterSet):
    """Search and filters of /enterprises/; `high_tech_on` and `tech_based_on` take a day."""

    q = django_filters.CharFilter(
        label="搜索", method="search", widget=forms.TextInput(attrs={"placeholder": "企业名称或信用代码"})
    )
    subdistrict = django_filters.ModelChoiceFilter(label="所属街镇", queryset=_visible_subdistricts, empty_label="全部")
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
