"""The 督办 rules as pure functions: calendar, overdue, colours (no database)."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction as F

import pytest

from targets import metrics
from targets.months import Month
from tasks import supervision
from tasks.choices import Colour, ReportStatus
from tasks.periods import Period
from tasks.supervision import ReportFact, assess

AT = dt.datetime(2026, 10, 5, 9, tzinfo=dt.UTC)


def fact(period, status=ReportStatus.NORMAL, at=AT):
    return ReportFact(Period.parse(period), status, at)


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026-10", dt.date(2026, 10, 1), dt.date(2026, 10, 31), "2026年10月"),
        ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28), "2026年2月"),
        ("2026-Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30), "2026年第3季度"),
        ("2026-q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31), "2026年第4季度"),
    ],
)
def test_periods(text, start, end, label):
    period = Period.parse(text)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert str(Period.parse(str(period))) == str(period)


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "2026/10", "", "十月", "0000-01", "9999-Q1", "2022-12"])
def test_bad_periods_are_refused_in_chinese(text):
    with pytest.raises(ValueError, match="报告期"):
        Period.parse(text)


def test_a_quarter_covers_its_three_months():
    q3 = Period.parse("2026-Q3")
    assert [q3.covers(Month(2026, m)) for m in (6, 7, 8, 9, 10)] == [False, True, True, True, False]


@pytest.mark.parametrize(
    ("today", "checked", "deadline"),
    [
        # On the deadline day September is still open: August is the checked month.
        (dt.date(2026, 10, 10), Month(2026, 8), dt.date(2026, 9, 10)),
        (dt.date(2026, 10, 11), Month(2026, 9), dt.date(2026, 10, 10)),
        (dt.date(2026, 10, 31), Month(2026, 9), dt.date(2026, 10, 10)),
        # January: December of last year is reported, November checked until the 10th.
        (dt.date(2027, 1, 5), Month(2026, 11), dt.date(2026, 12, 10)),
        (dt.date(2027, 1, 11), Month(2026, 12), dt.date(2027, 1, 10)),
        (dt.date(2027, 2, 1), Month(2026, 12), dt.date(2027, 1, 10)),
    ],
)
def test_checked_period_and_deadline(today, checked, deadline):
    assert supervision.checked_period(today, day=10) == (checked, deadline)


def test_open_period_is_last_month_with_the_deadline_setting(settings):
    settings.TASK_REPORT_DEADLINE_DAY = 15
    assert supervision.open_period(dt.date(2027, 1, 3)) == (Month(2026, 12), dt.date(2027, 1, 15))
    assert supervision.checked_period(dt.date(2027, 1, 15)) == (Month(2026, 11), dt.date(2026, 12, 15))
    assert supervision.checked_period(dt.date(2027, 1, 16)) == (Month(2026, 12), dt.date(2027, 1, 15))


@pytest.mark.parametrize(
    ("comparator", "target", "actual", "met"),
    [
        ("gte", Decimal(18), Decimal(18), True),
        ("gte", Decimal(18), Decimal(17), False),
        ("gt", Decimal(20), Decimal(20), False),
        ("gt", Decimal(20), Decimal("20.5"), True),
        ("gt", Decimal(20), None, None),
        ("lead", None, Decimal(1), None),
    ],
)
def test_target_met(comparator, target, actual, met):
    assert supervision.target_met(comparator, target, actual) is met


def test_progress_percent_is_undefined_for_a_zero_target_or_missing_value():
    assert supervision.progress_percent(Decimal(18), Decimal(12)) == 66.7
    assert supervision.progress_percent(Decimal(0), Decimal(12)) is None
    assert supervision.progress_percent(Decimal(18), None) is None


SEPT = Month(2026, 9)


def test_no_report_after_the_deadline_is_yellow():
    result = assess([], [], SEPT)
    assert (result.colour, result.overdue, result.latest) == (Colour.YELLOW, True, None)


def test_an_august_report_does_not_cover_september():
    result = assess([fact("2026-08")], [], SEPT)
    assert (result.colour, result.overdue) == (Colour.YELLOW, True)


def test_a_september_report_normal_is_green():
    result = assess([fact("2026-08", ReportStatus.LAGGING), fact("2026-09")], [], SEPT)
    assert (result.colour, result.overdue) == (Colour.GREEN, False)
    assert str(result.latest.period) == "2026-09"


def test_a_quarter_report_covers_september():
    assert assess([fact("2026-Q3")], [], SEPT).colour == Colour.GREEN


def test_latest_lagging_is_red_even_when_overdue():
    result = assess([fact("2026-08", ReportStatus.LAGGING)], [], SEPT)
    assert (result.colour, result.overdue) == (Colour.RED, True)


def test_latest_is_by_period_not_by_filing_order():
    late_filed_august = fact("2026-08", ReportStatus.LAGGING, at=AT + dt.timedelta(days=3))
    assert assess([fact("2026-09"), late_filed_august], [], SEPT).colour == Colour.GREEN


def test_done_is_blue_and_no_longer_owes_reports_once_the_bureau_accepts_it():
    accepted = ReportFact(Period.parse("2026-06"), ReportStatus.DONE, AT, "", True)
    result = assess([accepted], [], SEPT)
    assert (result.colour, result.overdue) == (Colour.BLUE, False)


def test_done_not_yet_accepted_is_green_and_still_owes_reports():
    result = assess([fact("2026-09", ReportStatus.DONE)], [], SEPT)
    assert (result.colour, result.overdue, result.declared_label) == (Colour.GREEN, False, "已完成（待区科技局验收）")
    assert assess([fact("2026-06", ReportStatus.DONE)], [], SEPT).colour == Colour.YELLOW  # overdue for September


def test_ten_of_two_hundred_firms_reported_done_stays_red():
    """Task 7: 聚集企业 200 by 2027 from 0 at the end of 2022. 10 firms at the end of 2026-09:
    10/200 = 5% of the path against 45/60 = 75% of its time: red, declared done or not."""
    progress = metrics.path_progress(2022, 2027, 2026, 9)
    assert progress == F(45, 60)
    rate, status = metrics.path_judgement(Decimal(10), Decimal(0), Decimal(200), progress)
    assert (rate, status) == (F(1, 20), "red")
    for accepted in (False, True):
        done = ReportFact(Period.parse("2026-09"), ReportStatus.DONE, AT, "", accepted)
        result = assess([done], [("gte", Decimal(200), Decimal(10))], SEPT, [status])
        assert (result.colour, result.data_status) == (Colour.RED, "red")


def test_data_caps_the_declared_status():
    normal = [fact("2026-09")]
    assert assess(normal, [("gte", 30, 20)], SEPT, ["yellow"]).colour == Colour.YELLOW
    assert assess(normal, [("gte", 30, 29)], SEPT, ["green"]).colour == Colour.GREEN
    assert assess(normal, [("gte", 30, 29), ("gte", 5, None)], SEPT, ["green", "missing"]).data_status == "green"
    assert supervision.data_status(["done", "yellow", "missing"]) == "yellow"
    assert supervision.data_status(["missing"]) is None


def test_path_progress_by_hand():
    assert metrics.path_progress(2022, 2027, 2023, 1) == F(1, 60)
    assert metrics.path_progress(2022, 2027, 2027, 12) == 1
    assert metrics.path_progress(2022, 2027, 2028, 3) == 1  # clipped
    assert metrics.path_progress(2025, 2027, 2026, 6) == F(6, 24)  # six months of 24


def test_every_target_met_is_blue():
    targets = [("gte", Decimal(18), Decimal(18)), ("gt", Decimal(20), Decimal(21))]
    result = assess([fact("2026-09")], targets, SEPT)
    assert result.colour == Colour.BLUE and result.targets_met == (True, True)


def test_one_target_short_or_missing_stays_green():
    assert assess([fact("2026-09")], [("gte", Decimal(18), Decimal(18)), ("gte", 30, 29)], SEPT).colour == "green"
    assert assess([fact("2026-09")], [("gte", Decimal(18), Decimal(18)), ("gte", 30, None)], SEPT).colour == "green"


def test_targets_met_but_overdue_is_yellow():
    result = assess([fact("2026-08")], [("gte", Decimal(18), Decimal(19))], SEPT)
    assert result.colour == Colour.YELLOW


def test_rules_text_is_built_from_the_rules_in_order():
    lines = supervision.rules_text(day=12)
    assert [colour for colour, _, _ in lines] == ["red", "red", "yellow", "yellow", "blue", "blue", "green", "grey"]
    assert lines[0][1] == "滞后" and "滞后" in lines[0][2]
    assert "次月12日" in lines[2][2] and lines[2][1] == "预警"
    assert "10个百分点" in lines[1][2] and "验收" in lines[4][2]
    assert "次月12日" in supervision.calendar_text(day=12)


def test_latest_values_take_the_latest_period_then_the_latest_filing():
    rows = [
        (1, Period.parse("2026-08"), AT, Decimal(10)),
        (1, Period.parse("2026-Q3"), AT, Decimal(12)),
        (1, Period.parse("2026-09"), AT + dt.timedelta(hours=1), Decimal(14)),
        (2, Period.parse("2026-07"), AT, Decimal(3)),
    ]
    latest = supervision.latest_values(rows)
    assert latest[1][0] == Decimal(14) and str(latest[1][1]) == "2026-09"
    assert latest[2][0] == Decimal(3)
