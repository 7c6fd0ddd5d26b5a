"""`{{ value|zh_date }}`: the one way a page writes a month or a date to its reader (issue 28):
2026年11月, 2026年11月15日, 2026年11月15日 14:30. ISO forms stay in URLs, the API and file names."""

import datetime as dt

from django import template
from django.utils import timezone

from targets.months import Month

register = template.Library()

TIME_FORMATS = {"day": None, "minute": "%H:%M", "second": "%H:%M:%S"}


@register.filter
def zh_date(value, precision="minute"):
    """A Month, "YYYY-MM", a date, "YYYY-MM-DD" or a datetime (in local time, to the minute, or
    as `precision` says: "day", "second") in Chinese; "" for None; anything else unchanged."""
    return as_chinese(value, precision)


def as_chinese(value, precision="minute"):
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = Month.parse(value) if len(value) == 7 else dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, Month):
        return value.label
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        day, time_format = f"{local.year}年{local.month}月{local.day}日", TIME_FORMATS[precision]
        return f"{day} {local.strftime(time_format)}" if time_format else day
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return value
