"""Calendar months as the application speaks of them: "2025-03", 2025年3月."""

import datetime as dt
import re
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone

from .choices import PLAN_YEARS

FIRST_MONTH = (2023, 1)  # the plan's first month; 2022's year-end comes from the plan itself
_PATTERN = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self):
        if not 1 <= self.month <= 12:
            raise ValueError(f"月份 {self.month} 不在 1–12 之间")

    @classmethod
    def parse(cls, text):
        """'2025-03' -> Month(2025, 3); ValueError with a Chinese message otherwise."""
        match = _PATTERN.match(text or "")
        if not match:
            raise ValueError(f"月份“{text}”格式不对，应为 YYYY-MM，如 2025-03")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, date):
        return cls(date.year, date.month)

    @classmethod
    def current(cls):
        return cls.of(timezone.localdate())

    @classmethod
    def first(cls):
        return cls(*FIRST_MONTH)

    @property
    def date(self):
        """The first day of the month: how a month is stored."""
        return dt.date(self.year, self.month, 1)

    def previous(self):
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def next(self):
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def __str__(self):
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self):
        return f"{self.year}年{self.month}月"

    def is_future(self):
        return self > Month.current()

    def is_loggable(self):
        """Counts are logged from 2023-01 through the current month."""
        return Month.first() <= self <= Month.current()


LAST_PLAN_MONTH = Month(PLAN_YEARS[-1], 12)


def parse_plan_month(text, last=None, first=None):
    """The one reader of a month a visitor typed (a page's ?month=, an API's month, a URL): a
    Month from 2023-01 through `last` (default: this month, never past 2027-12). ValueError
    with a Chinese message for anything else ("0000-01", "2025-13", "2022-12", "9999-12")."""
    month = Month.parse(text)
    first, last = first or Month.first(), last or min(Month.current(), LAST_PLAN_MONTH)
    plan_first, plan_last = min(first, Month.first()), max(last, LAST_PLAN_MONTH)
    if not plan_first <= month <= plan_last:
        raise ValueError(f"月份“{text}”不在计划期内（{plan_first} 至 {plan_last}）")
    if not first <= month <= last:
        # inside the plan, but still to come (or past the range this page offers)
        raise ValueError(f"月份“{text}”超出可查询的范围（{first} 至 {last}）")
    return month


def month_from_query(request, default, name="month", last=None):
    """A page's ?month=: `default` when absent; a month `parse_plan_month` refuses is a 404."""
    raw = request.GET.get(name)
    if not raw:
        return default
    try:
        return parse_plan_month(raw, last)
    except ValueError as exc:
        raise Http404(str(exc)) from None


def month_range(start, end):
    """Every month from `start` through `end`, inclusive."""
    out, month = [], start
    while month <= end:
        out.append(month)
        month = month.next()
    return out


def loggable_months():
    return month_range(Month.first(), Month.current())
