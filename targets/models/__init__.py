"""The models of `targets`: the plan (`plan`) and the monthly counts (`counts`)."""

from .counts import DataVersion, MonthLock, MonthlyCount, MonthStatus, is_month_locked
from .plan import (
    HEADLINE_REFUSAL,
    District,
    DistrictScopedHistoryManager,
    DistrictScopedManager,
    Indicator,
    IndicatorValue,
    PlanFigure,
    PlanRow,
    SubDistrict,
    plain_number,
)
from .territory import BoundaryChange, PlanLine, PlanVersion

__all__ = [
    "HEADLINE_REFUSAL",
    "BoundaryChange",
    "PlanLine",
    "PlanVersion",
    "DataVersion",
    "District",
    "DistrictScopedHistoryManager",
    "DistrictScopedManager",
    "Indicator",
    "IndicatorValue",
    "MonthLock",
    "MonthStatus",
    "MonthlyCount",
    "PlanFigure",
    "PlanRow",
    "SubDistrict",
    "is_month_locked",
    "plain_number",
]
