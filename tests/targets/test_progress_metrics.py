"""The progress definitions, with hand-computed values (no database)."""

from fractions import Fraction as F

import pytest

from targets import metrics, rate_words


def test_completion():
    assert metrics.completion(45, 60) == F(3, 4)
    assert metrics.completion(0, 4) == 0
    assert metrics.completion(3, 0) is None  # target 0: undefined, never 0 or infinity
    assert metrics.completion(None, 10) is None


def test_increment_completion():
    # 天生街道 2025: base 12 (2024 target), target 14, actual 13 -> (13-12)/(14-12) = 1/2
    assert metrics.increment_completion(13, 12, 14) == F(1, 2)
    assert metrics.increment_completion(11, 12, 14) == F(-1, 2)  # below the base
    assert metrics.increment_completion(2, 2, 2) is None  # target equal to last year's
    assert metrics.increment_completion(5, 6, 4) is None  # target below the base
    assert metrics.increment_completion(None, 1, 4) is None


def test_time_progress():
    assert metrics.time_progress(1) == F(1, 12)
    assert metrics.time_progress(6) == F(1, 2)
    assert metrics.time_progress(12) == 1


def test_base_is_december_count_else_last_years_plan_figure():
    assert metrics.base_for(17, 16) == 17
    assert metrics.base_for(None, 16) == 16
    assert metrics.base_for(0, 16) == 0


@pytest.mark.parametrize(
    ("actual", "base", "target", "progress", "expected"),
    [
        # an increment of at least SMALL_INCREMENT (5): the plain (actual − base) / (target − base)
        (26, 20, 30, F(1, 2), F(3, 5)),  # 6/10
        (18, 20, 30, F(1, 2), F(-1, 5)),  # below the base: negative, it is this year's work
        (30, 20, 30, F(1, 2), F(1)),
        (33, 20, 30, F(1, 2), F(13, 10)),  # beyond the target: 1 + 3/10
        # a small increment: time progress + firms off the path / 5; at or past the target 1 + firms over / 5
        (91, 92, 93, F(11, 12), F(8, 15)),  # 蔡家岗: 11/12 + (−1 − 11/12)/5 = 55/60 − 23/60
        (7, 5, 6, F(11, 12), F(6, 5)),  # 天府镇: 1 + (7 − 6)/5
        (13, 12, 14, F(1, 2), F(1, 2)),  # on the path (1 of 2 by June): exactly time progress
        (12, 12, 14, F(1, 2), F(3, 10)),  # one firm behind the path: 1/2 − 1/5
        (14, 12, 14, F(1, 2), F(1)),
        (2, 2, 2, F(1, 2), F(1)),  # target = base, held
        (3, 2, 2, F(1, 2), F(6, 5)),  # held with one more
        (1, 2, 2, F(1, 2), F(3, 10)),  # one below a held target: 1/2 + (−1 − 0)/5
        (5, 6, 4, F(1, 2), F(6, 5)),  # target below the base, reached: 1 + (5 − 4)/5
        (3, 6, 4, F(1, 2), F(1, 10)),  # 1/2 + (−3 − (−2)(1/2))/5
        (0, 0, 0, F(1, 2), F(1)),  # target 0 from base 0: nothing asked, nothing missed
        (None, 1, 4, F(1, 2), None),
        (3, None, 4, F(1, 2), None),
        (3, 1, None, F(1, 2), None),
    ],
)
def test_judged_rate(actual, base, target, progress, expected):
    assert metrics.judged_rate(actual, base, target, progress) == expected


def test_one_firm_moves_a_small_increment_by_a_fifth_not_by_all_of_it():
    # an increment of 1: one firm less in November was −100% and last place; now 20 points below the path
    june = F(1, 2)
    rates = [metrics.judged_rate(actual, 10, 11, june) for actual in (9, 10, 11, 12)]
    assert rates == [F(1, 2) - F(3, 10), F(1, 2) - F(1, 10), F(1), F(6, 5)]
    assert [b - a for a, b in zip(rates[:-1], rates[1:], strict=True)] == [
        F(1, 5),
        F(3, 5),
        F(1, 5),
    ]  # the target itself is the step
    # reaching the target is 已完成 whatever the size; missing it never is
    assert metrics.status(metrics.judged_rate(6, 5, 6, F(1, 12)), F(1, 12)) == metrics.STATUS_DONE
    assert metrics.status(metrics.judged_rate(5, 5, 6, F(11, 12)), F(11, 12)) != metrics.STATUS_DONE


def test_small_increment_and_its_words():
    assert metrics.is_small_increment(92, 93) and metrics.is_small_increment(30, 30)
    assert not metrics.is_small_increment(20, 25) and not metrics.is_small_increment(None, 3)
    assert metrics.increment_scale(92, 93) == 5 and metrics.increment_scale(20, 30) == 10
    assert rate_words.firms_text(-1, 1) == "-1/1"
    assert rate_words.firms_text(2, 1) == "+2/1"
    assert rate_words.firms_text(0, -2) == "0/0"  # a target below the base asks for nothing new
    assert rate_words.firms_text(None, 3) == "—/3"
    assert rate_words.rate_text(53.3, True) == "53.3%※"
    assert rate_words.rate_text(60.0, False) == "60.0%"
    assert rate_words.rate_text(None, True) == "—"
    assert "不足5家" in rate_words.small_increment_note() and rate_words.small_increment_note(None) == ""


def test_path_rate_of_a_key_task_is_the_plain_share():
    assert metrics.path_rate(13, 12, 14) == F(1, 2)  # no firm scale for a task's target
    assert metrics.path_rate(2, 2, 2) == 1
    assert metrics.path_rate(1, 2, 2) == F(-1, 2)
    assert metrics.path_rate(None, 2, 2) is None


def test_hold_year():
    assert metrics.is_hold_year(2, 2) and metrics.is_hold_year(6, 4)
    assert not metrics.is_hold_year(12, 14)
    assert not metrics.is_hold_year(None, 4)


@pytest.mark.parametrize(
    ("rate", "progress", "expected"),
    [
        (None, F(1, 2), "missing"),
        (F(1), F(1, 2), "done"),
        (F(3, 2), F(1, 12), "done"),
        (F(1, 2), F(1, 2), "green"),  # exactly on schedule
        (F(41, 100), F(1, 2), "yellow"),  # 9 pp below
        (F(40, 100), F(1, 2), "yellow"),  # exactly 10 pp below
        (F(39, 100), F(1, 2), "red"),  # 11 pp below
        (F(-1, 2), F(1, 2), "red"),
        (F(-1, 100), F(1, 12), "yellow"),  # January: 1/12 - 10 pp is below 0
        (F(99, 100), F(1), "yellow"),  # December: green means done
    ],
)
def test_status(rate, progress, expected):
    assert metrics.status(rate, progress, yellow_pp=10) == expected


def test_status_threshold_is_a_parameter():
    assert metrics.status(F(30, 100), F(1, 2), yellow_pp=25) == "yellow"
    assert metrics.status(F(30, 100), F(1, 2), yellow_pp=10) == "red"


def test_status_never_improves_as_the_rate_falls():
    """The property the ranking relies on: a lower rate never gets a better status."""
    order = {s: i for i, s in enumerate(metrics.STATUS_ORDER)}
    rates = [F(n, 40) for n in range(-40, 60)]
    for month in range(1, 13):
        statuses = [metrics.status(r, metrics.time_progress(month)) for r in sorted(rates, reverse=True)]
        assert [order[s] for s in statuses] == sorted(order[s] for s in statuses)


def test_one_vocabulary():
    assert list(metrics.STATUS_LABELS) == metrics.STATUS_ORDER
    assert metrics.STATUS_LABELS["green"] == "达到序时进度"


def test_rank_key_orders_by_rate_then_completion():
    assert metrics.rank_key(None, F(1)) is None
    # same rate 100%: 11/11 before an undefined completion (target 0) before nothing
    assert metrics.rank_key(F(1), F(1)) > metrics.rank_key(F(1), None)
    assert metrics.rank_key(F(1), F(9, 10)) < metrics.rank_key(F(1), F(1))
    assert metrics.rank_key(F(1, 2), F(99, 100)) < metrics.rank_key(F(3, 5), F(1, 2))  # the rate decides first


def test_competition_ranks_share_ties_and_leave_undefined_unranked():
    ranks = metrics.competition_ranks(
        {"a": F(9, 10), "b": F(8, 10), "c": F(8, 10), "d": F(5, 10), "e": None, "f": None}
    )
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4, "e": None, "f": None}
    assert metrics.competition_ranks({}) == {}
    assert metrics.competition_ranks({"x": None}) == {"x": None}


def test_rank_change():
    assert metrics.rank_change(5, 2) == 3
    assert metrics.rank_change(2, 5) == -3
    assert metrics.rank_change(None, 1) is None
    assert metrics.rank_change(1, None) is None


def test_leading_names_every_tied_member_at_the_cutoff():
    ranked = [
        ("甲", 1, "done"),
        ("乙", 1, "done"),
        ("丙", 3, "green"),
        ("丁", 4, "yellow"),  # within the cut-off but not on schedule
        ("戊", 5, "green"),
        ("己", 5, "green"),  # tied at the cut-off: named too
        ("庚", 7, "green"),
        ("辛", None, "missing"),
    ]
    assert metrics.leading(ranked, cutoff=5) == ["甲", "乙", "丙", "戊", "己"]
    assert metrics.leading([("甲", 1, "red")]) == []


def test_rule_examples_are_computed():
    examples = rate_words.rule_examples(10)
    # June (50%): (52-40)/(60-40) = 60% green; 40% yellow; 25% red; 60/60 done
    assert [(e["rate_pct"], e["status"]) for e in examples[:4]] == [
        (60.0, "green"),
        (40.0, "yellow"),
        (25.0, "red"),
        (100.0, "done"),
    ]
    # small increments, November (91.7%) and June: 蔡家岗's 91 of 93 from 92 is 53.3%, red; 天府镇's
    # 7 of 6 from 5 is 120%, done; 11 of 12 from 10 in June is on the path, 50% green; a held 30
    # with 31 is 120%, with 27 is 50% − 3/5 = −10%, red
    assert [(e["small"], e["firms"], e["rate"], e["status"]) for e in examples[4:]] == [
        (True, "-1/1", "53.3%※", "red"),
        (True, "+2/1", "120.0%※", "done"),
        (True, "+1/2", "50.0%※", "green"),
        (True, "+1/0", "120.0%※", "done"),
        (True, "-3/0", "-10.0%※", "red"),
    ]


def test_curve_is_linear_within_the_year():
    # 北温泉 high-tech 2023: from 44 (2022) to 48 -> March: 44 + 4 * 3/12 = 45
    assert metrics.curve_value(44, 48, 3) == 45
    assert metrics.curve_value(44, 48, 12) == 48
    assert metrics.curve_value(10, 11, 6) == F(21, 2)
    assert metrics.curve_value(None, 11, 6) is None


def test_months_left_and_needed_pace():
    assert metrics.months_left(2026, 10, 2026) == 2
    assert metrics.months_left(2026, 10, 2027) == 14
    assert metrics.months_left(2026, 12, 2026) == 0
    # 20 still missing with 2 months left -> 10 a month
    assert metrics.needed_pace(80, 100, 2) == 10
    assert metrics.needed_pace(100, 100, 2) == 0
    assert metrics.needed_pace(120, 100, 2) == 0
    assert metrics.needed_pace(99, 100, 0) is None  # December, target missed: no month left
    assert metrics.needed_pace(90, 100, 3) == F(10, 3)
    assert metrics.needed_pace(None, 100, 3) is None


def test_gap():
    assert metrics.gap(80, 100) == 20
    assert metrics.gap(120, 100) == 0
    assert metrics.gap(None, 100) is None


def test_headline_goals_are_strictly_greater():
    assert metrics.goal_met(470, 470, "gt") is False
    assert metrics.goal_met(471, 470, "gt") is True
    assert metrics.goal_met(45, 45, "gte") is True
    assert metrics.goal_met(None, 470, "gt") is None


def test_as_percent():
    assert metrics.as_percent(F(1, 3)) == 33.3
    assert metrics.as_percent(None) is None


def test_whole_firms_rounds_up():
    assert metrics.whole_firms(F(1, 10)) == 1  # "每月须增 0.1 家" is one firm a month
    assert metrics.whole_firms(F(768, 100)) == 8
    assert metrics.whole_firms(F(12)) == 12
    assert metrics.whole_firms(0) == 0
    assert metrics.whole_firms(7.0) == 7
    assert metrics.whole_firms(None) is None


def test_status_band_follows_the_status_rule():
    # base 100, target 160: at month 6 the line of 序时进度 is 130; 10 points of 60 below it is 124
    assert metrics.status_band(100, 160, 6) == (F(124), F(130))
    assert metrics.status_band(100, 160, 0) == (F(94), F(100))
    assert metrics.status_band(100, 160, 12, yellow_pp=20) == (F(148), F(160))
    assert metrics.status_band(100, 100, 6) is None  # target equal to the base: undefined
    assert metrics.status_band(None, 160, 6) is None
    # a small increment: the band is 10 points of 5 firms (half a firm) below the path
    assert metrics.status_band(10, 12, 6) == (F(21, 2), F(11))
    # a count on the band's edges gets the status the band says
    for actual, expected in [(130, metrics.STATUS_GREEN), (124, metrics.STATUS_YELLOW), (123, metrics.STATUS_RED)]:
        rate = metrics.judged_rate(actual, 100, 160, metrics.time_progress(6))
        assert metrics.status(rate, metrics.time_progress(6)) == expected
    for actual, expected in [(11, metrics.STATUS_GREEN), (10, metrics.STATUS_RED)]:
        rate = metrics.judged_rate(actual, 10, 12, metrics.time_progress(6))
        assert metrics.status(rate, metrics.time_progress(6)) == expected
