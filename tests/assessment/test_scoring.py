"""The assessment's arithmetic, by hand, without a database."""

import datetime as dt
from fractions import Fraction

from assessment import catalogue, scoring
from tasks.periods import Period
from tasks.supervision import ReportFact


def test_points_are_linear_between_the_zero_and_full_lines():
    assert scoring.points(Fraction(1, 2), 35) == Fraction(35, 2)
    assert scoring.points(Fraction(3, 2), 35) == 35  # above full marks: capped
    assert scoring.points(Fraction(-1, 5), 35) == 0  # a drop: no negative points
    assert scoring.points(None, 35) == 0  # no data
    # full at 80%, zero at 20%: 50% is half-way
    assert scoring.points(Fraction(1, 2), 10, full=80, floor=20) == 5
    assert scoring.points(Fraction(1, 5), 10, full=80, floor=20) == 0


def test_mean_is_undefined_when_a_part_is():
    assert scoring.mean([Fraction(5, 8), Fraction(101, 143)]) == Fraction(1523, 2288)
    assert scoring.mean([Fraction(1, 2), None]) is None


def test_report_months_coverage_and_timeliness():
    months = Period.parse("2026-Q1").months + Period.parse("2026-Q2").months  # Jan–Jun

    def deadline(month):
        nxt = month.next()
        return dt.date(nxt.year, nxt.month, 10)

    quarter = ReportFact(Period.parse("2026-Q1"), "normal", dt.date(2026, 4, 8))  # on time for March only
    done = ReportFact(Period.parse("2026-05"), "done", dt.date(2026, 6, 20), accepted=True)  # late; June not due
    due, covered, on_time = scoring.report_months([quarter, done], months, deadline, lambda d: d)
    assert (due, covered, on_time) == (5, 4, 1)


def test_an_unaccepted_done_report_leaves_the_next_months_due():
    """已完成 ends the reports only once the bureau accepts it, as supervision judges overdue."""
    months = Period.parse("2026-Q2").months  # Apr–Jun
    done = ReportFact(Period.parse("2026-04"), "done", dt.date(2026, 5, 5), accepted=False)

    def deadline(month):
        nxt = month.next()
        return dt.date(nxt.year, nxt.month, 10)

    # April covered and on time; May and June still due and not covered
    assert scoring.report_months([done], months, deadline, lambda d: d) == (3, 1, 1)
    accepted = ReportFact(done.period, "done", done.submitted_at, accepted=True)
    assert scoring.report_months([accepted], months, deadline, lambda d: d) == (1, 1, 1)


def test_scale_to_full_only_when_some_items_do_not_apply():
    assert scoring.scale_to_full(Fraction(23), [50, 30], 100) == Fraction(115, 4)  # 28.75
    assert scoring.scale_to_full(Fraction(23), [50, 30, 20], 100) == 23


def test_scheme_checks_and_rule_text():
    assert catalogue.check_items(catalogue.default_items()) == []
    items = catalogue.default_items()
    items[0]["weight"] = 40
    items[4]["full"] = 0
    problems = catalogue.check_items(items)
    assert "街镇考核各项分值合计应为100分，现为105分。" in problems
    assert "“重点任务进展报送率”的满分线必须高于零分线。" in problems
    text = catalogue.rule_text({"code": "high_tech_increment", "weight": 35, "full": 100, "floor": 0})
    assert text.startswith("高新技术企业年度新增完成率（35分）") and "达到100%得满分，不高于0%得0分" in text
    assert scoring.rounded(Fraction(30460, 2288)) == scoring.Decimal("13.31")
