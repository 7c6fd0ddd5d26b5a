"""Reporting periods of task progress reports: a month "2026-10" or a quarter "2026-Q3".

Supervision runs monthly (see `tasks.supervision`); a quarterly report covers each of its
three months, so a unit that reports by quarter is not flagged for the months it covered.
"""

import datetime as dt
import re
from dataclasses import dataclass

from targets.months import LAST_PLAN_MONTH, Month

_MONTH = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$", re.ASCII)


@dataclass(frozen=True)
class Period:
    year: int
    month: int | None = None
    quarter: int | None = None

    @classmethod
    def parse(cls, text):
        """'2026-10' or '2026-Q3' -> Period; ValueError with a Chinese message otherwise."""
        text = (text or "").strip()
        match = _MONTH.match(text) or _QUARTER.match(text)
        if not match:
            raise ValueError(f"报告期“{text}”格式不对，应为月份 2026-10 或季度 2026-Q3")
        year = int(match.group(1))
        if not Month.first().year <= year <= LAST_PLAN_MONTH.year:
            raise ValueError(f"报告期“{text}”不在计划期内（{Month.first().year}—{LAST_PLAN_MONTH.year}年）")
        if match.re is _QUARTER:
            return cls(year, quarter=int(match.group(2)))
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"报告期“{text}”的月份不在 1–12 之间")
        return cls(year, month=month)

    @classmethod
    def of_month(cls, month):
        return cls(month.year, month=month.month)

    @property
    def is_quarter(self):
        return self.quarter is not None

    @property
    def months(self):
        """The calendar months this period covers."""
        if self.is_quarter:
            first = 3 * self.quarter - 2
            return [Month(self.year, m) for m in range(first, first + 3)]
        return [Month(self.year, self.month)]

    @property
    def start(self):
        return self.months[0].date

    @property
    def end(self):
        """The last day of the period."""
        return self.months[-1].next().date - dt.timedelta(days=1)

    def covers(self, month):
        return month in self.months

    def __str__(self):
        return f"{self.year:04d}-Q{self.quarter}" if self.is_quarter else f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self):
        return f"{self.year}年第{self.quarter}季度" if self.is_quarter else f"{self.year}年{self.month}月"
