from .months import Month


class MonthConverter:
    """`<month:month>` in a URL: "2025-03" <-> Month(2025, 3); anything else is a 404."""

    regex = r"\d{4}-\d{2}"

    def to_python(self, value):
        return Month.parse(value)

    def to_url(self, value):
        return str(value)
