from .months import LAST_PLAN_MONTH, parse_plan_month


class MonthConverter:
    """`<month:month>` in a URL: "2025-03" <-> Month(2025, 3) within the plan (2023-01 to
    2027-12; a future month is each view's business); anything else is a 404."""

    regex = r"\d{4}-\d{2}"

    def to_python(self, value):
        return parse_plan_month(value, last=LAST_PLAN_MONTH)

    def to_url(self, value):
        return str(value)
