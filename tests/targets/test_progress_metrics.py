"""The progress definitions, with hand-computed values (no database)."""

from fractions import Fraction as F

import pytest

from targets import metrics


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
    ("actual", "target", "increment", "progress", "expected"),
    [
        (None, 10, None, F(1, 2), "missing"),
        (10, 10, F(1), F(1, 2), "done"),
        (12, 10, None, F(1, 2), "done"),  # done even when the increment is undefined
        (2, 0, None, F(1, 2), "done"),  # target 0 reached
        (8, 10, F(1, 2), F(1, 2), "green"),  # exactly on schedule
        (8, 10, F(41, 100), F(1, 2), "yellow"),  # 9 pp below
        (8, 10, F(40, 100), F(1, 2), "yellow"),  # exactly 10 pp below
        (8, 10, F(39, 100), F(1, 2), "red"),  # 11 pp below
        (1, 2, None, F(1, 2), "red"),  # target equal to last year's, not reached
    ],
)
def test_status(actual, target, increment, progress, expected):
    assert metrics.status(actual, target, increment, progress, yellow_pp=10) == expected


def test_status_threshold_is_a_parameter():
    assert metrics.status(8, 10, F(30, 100), F(1, 2), yellow_pp=25) == "yellow"
    assert metrics.status(8, 10, F(30, 100), F(1, 2), yellow_pp=10) == "red"


def test_competition_ranks_share_ties_and_put_undefined_last():
    ranks = metrics.competition_ranks(
        {"a": F(9, 10), "b": F(8, 10), "c": F(8, 10), "d": F(5, 10), "e": None, "f": None}
    )
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4, "e": 5, "f": 5}
    assert metrics.competition_ranks({}) == {}
    assert metrics.competition_ranks({"x": None}) == {"x": 1}


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
    # a count on the band's edges gets the status the band says
    increment = metrics.increment_completion(124, 100, 160)
    assert metrics.status(124, 160, increment, metrics.time_progress(6)) == metrics.STATUS_YELLOW
    increment = metrics.increment_completion(123, 100, 160)
    assert metrics.status(123, 160, increment, metrics.time_progress(6)) == metrics.STATUS_RED
