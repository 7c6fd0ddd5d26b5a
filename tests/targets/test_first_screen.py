"""The dashboard's first screen: league order, the attention line, the meter (plain values)."""

from fractions import Fraction as F
from types import SimpleNamespace

from targets import metrics
from targets.dashboard import attention, league, meter


def row(name, status, rate, completion=F(9, 10)):
    progress = SimpleNamespace(status=status, rank_key=metrics.rank_key(rate, completion))
    return SimpleNamespace(subdistrict=SimpleNamespace(name=name), metrics={"high_tech": progress})


def test_league_puts_lagging_first_then_by_the_ranking_measure():
    rows = [
        row("甲", metrics.STATUS_DONE, F(12, 10)),
        row("乙", metrics.STATUS_RED, F(5, 10)),
        row("丙", metrics.STATUS_GREEN, F(9, 10)),
        row("丁", metrics.STATUS_RED, F(3, 10)),
        row("戊", metrics.STATUS_MISSING, None),
        row("己", metrics.STATUS_YELLOW, F(78, 100)),
        row("庚", metrics.STATUS_RED, F(5, 10), completion=F(8, 10)),  # tie on rate: lower completion first
    ]
    names = [r.subdistrict.name for r in league(rows, "high_tech")]
    assert names == ["丁", "庚", "乙", "己", "戊", "丙", "甲"]


def test_attention_names_red_then_yellow_then_missing_per_metric():
    rows = [row("乙", metrics.STATUS_RED, F(5, 10)), row("丙", metrics.STATUS_GREEN, F(9, 10))]
    leagues = [{"label": "高新技术企业", "rows": league(rows, "high_tech")}]
    [(status, label, per_metric)] = attention(leagues)
    assert (status, label) == (metrics.STATUS_RED, "滞后")
    assert [(m, [r.subdistrict.name for r in rs]) for m, rs in per_metric] == [("高新技术企业", ["乙"])]
    assert attention([{"label": "X", "rows": league(rows[1:], "high_tech")}]) == []


def test_meter_keeps_100_and_the_time_mark_in_view():
    assert meter(50.0, 83.3) == {"bar": 50.0, "mark": 83.3, "full": 100.0}
    assert meter(150.0, 83.3) == {"bar": 100.0, "mark": 55.5, "full": 66.7}
    assert meter(-20.0, 50.0)["bar"] == 0.0
    assert meter(None, 50.0) is None
