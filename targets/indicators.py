"""The district indicators with their values: recorded ones, and the headline goals' sums.

The headline goals (高新技术企业, 科技型企业) are measured by the monthly counts: their value
for a month is the district sum of the sub-districts that reported that month, shown with how
many of them did. Nothing is typed twice.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Sum

from targets.models import MonthlyCount, SubDistrict
from targets.months import Month

from .models import Indicator, IndicatorValue


@dataclass
class IndicatorPoint:
    month: Month
    value: object
    reported: int | None = None  # sub-districts that reported, for the monthly-count sums
    note: str = ""


@dataclass
class IndicatorRow:
    indicator: Indicator
    points: list = field(default_factory=list)
    subdistricts: int = 0

    @property
    def from_counts(self):
        return bool(self.indicator.metric)

    @property
    def latest(self):
        return self.points[-1] if self.points else None

    @property
    def complete(self):
        """Whether the latest value is a full district figure (every sub-district reported)."""
        latest = self.latest
        if latest is None:
            return False
        return latest.reported is None or latest.reported == self.subdistricts

    @property
    def met(self):
        if not self.complete:
            return None
        return self.indicator.is_met_by(self.latest.value)

    @property
    def source_text(self):
        if self.from_counts:
            return "各街镇月度数据（全区合计）"
        return "区科技局录入"


def indicator_rows(indicators=None):
    """Every indicator with its values by month, in four queries."""
    indicators = list(indicators if indicators is not None else Indicator.objects.all())
    subdistricts = SubDistrict.objects.count()
    sums = {}
    for metric, month, total, n in (
        MonthlyCount.objects.values("metric", "month")
        .annotate(total=Sum("value"), n=Count("id"))
        .order_by("month")
        .values_list("metric", "month", "total", "n")
    ):
        sums.setdefault(metric, []).append(IndicatorPoint(Month.of(month), total, n))
    recorded = {}
    for indicator_id, month, value, note in IndicatorValue.objects.order_by("month").values_list(
        "indicator_id", "month", "value", "note"
    ):
        recorded.setdefault(indicator_id, []).append(IndicatorPoint(Month.of(month), value, None, note))
    return [
        IndicatorRow(
            indicator,
            sums.get(indicator.metric, []) if indicator.metric else recorded.get(indicator.pk, []),
            subdistricts,
        )
        for indicator in indicators
    ]
