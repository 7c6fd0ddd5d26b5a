"""One date style for readers (issue 28): months 2026年11月, dates 2026年11月15日, moments in local time."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.template import Context, Template

from beibei_dashboard.templatetags.dates import as_chinese
from targets.months import Month


def test_months_dates_and_moments_in_chinese():
    assert as_chinese(Month(2026, 11)) == "2026年11月"
    assert as_chinese(Month(2027, 1)) == "2027年1月"
    assert as_chinese("2026-03") == "2026年3月"
    assert as_chinese(dt.date(2026, 11, 5)) == "2026年11月5日"
    assert as_chinese("2026-12-08") == "2026年12月8日"
    # 18:05 UTC on the 7th is 02:05 on the 8th in Chongqing (Asia/Shanghai, the site's zone)
    moment = dt.datetime(2026, 12, 7, 18, 5, 9, tzinfo=dt.UTC)
    assert as_chinese(moment) == "2026年12月8日 02:05"
    assert as_chinese(moment, "day") == "2026年12月8日"
    assert as_chinese(moment, "second") == "2026年12月8日 02:05:09"
    assert as_chinese(dt.datetime(2026, 1, 31, 23, 59, tzinfo=ZoneInfo("Asia/Shanghai"))) == "2026年1月31日 23:59"


def test_nothing_and_other_text_left_alone():
    assert as_chinese(None) == ""
    assert as_chinese("") == ""
    assert as_chinese("未报告") == "未报告"
    assert as_chinese("2026-13") == "2026-13"


def test_the_template_filter():
    template = Template('{% load dates %}{{ m|zh_date }}·{{ d|zh_date:"day" }}·{{ none|zh_date|default:"无" }}')
    context = Context({"m": Month(2026, 11), "d": dt.datetime(2026, 11, 15, 1, 0, tzinfo=dt.UTC), "none": None})
    assert template.render(context) == "2026年11月·2026年11月15日·无"
