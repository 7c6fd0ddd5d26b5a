"""Issue 28, item 1: one firm does not swing a sub-district from first to last. The demo's own
cases, computed by hand from the counts it logs."""

from fractions import Fraction

import pytest

from demo.services import seed_demo_counts
from targets import metrics
from targets.models import MonthlyCount
from targets.months import Month
from targets.progress import district_progress

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]


def count(slug, month, metric):
    return MonthlyCount.objects.get(subdistrict__slug=slug, month=month.date, metric=metric).value


def test_the_demos_small_increments_are_read_in_firms(map_2025_11):
    seed_demo_counts()
    october = Month(2026, 10)
    progress = district_progress(october)
    rows = {r.subdistrict.slug: r for r in progress.rows}
    checked = 0
    for slug, row in rows.items():
        if row.pending:
            continue
        for metric, line in row.metrics.items():
            base, target, actual = line.base, line.target, line.actual
            assert base == count(slug, Month(2025, 12), metric)  # December's count, logged by the demo
            need, p = target - base, Fraction(10, 12)
            if actual >= target:
                expected = 1 + Fraction(actual - target, max(need, 5))
            else:
                expected = p + (actual - base - need * p) / max(need, 5)
            assert line.increment_completion == expected, (slug, metric)
            assert line.small_increment == (need < 5)
            # one firm more or less moves the rate by at most 20 points (up to 40 across the target), never 100
            one_more = metrics.judged_rate(actual + 1, base, target, p)
            one_less = metrics.judged_rate(actual - 1, base, target, p)
            assert one_more - line.increment_completion <= Fraction(2, 5)
            assert line.increment_completion - one_less <= Fraction(2, 5)
            checked += 1
    assert checked == 24  # the 12 continuing units × 2 metrics
    tianfu = rows["tianfu"].metrics["high_tech"]
    assert tianfu.small_increment  # 天府镇's high-tech asks fewer than five firms a year


def test_a_shortfall_of_one_firm_does_not_rank_below_a_real_one():
    """Hand-made: 蔡家岗 at 91 of 93 from 92 (one asked, one lost) against a unit at half of a
    twenty-firm increment in November: −100% ranked last before; now 53.3% ranks above 50%."""
    p = metrics.time_progress(11)
    caijiagang = metrics.judged_rate(91, 92, 93, p)
    half = metrics.judged_rate(110, 100, 120, p)
    tianfu = metrics.judged_rate(7, 5, 6, p)
    assert caijiagang == Fraction(8, 15) and half == Fraction(1, 2) and tianfu == Fraction(6, 5)
    keys = {
        "caijiagang": metrics.rank_key(caijiagang, metrics.completion(91, 93)),
        "half": metrics.rank_key(half, metrics.completion(110, 120)),
        "tianfu": metrics.rank_key(tianfu, metrics.completion(7, 6)),
    }
    assert metrics.competition_ranks(keys) == {"tianfu": 1, "caijiagang": 2, "half": 3}
    assert metrics.status(caijiagang, p) == metrics.STATUS_RED  # two firms short in November is still 滞后


def test_the_target_curve_starts_from_the_base_the_rates_use():
    """天生's 2026: the plan's 2025 figure is 14, December 2025's count 16; the rates start from 16,
    and so does the curve a chart draws and the month table's 目标曲线."""
    from targets.charts import curve_name, year_window
    from targets.progress import plan_curve

    plan = {2022: 10, 2023: 11, 2024: 12, 2025: 14, 2026: 16, 2027: 18}
    by_plan = dict(plan_curve(plan))
    assert by_plan[Month(2026, 6)] == 15  # 14 → 16 by the plan alone
    curve = dict(plan_curve(plan, {2025: 16}))
    assert curve[Month(2026, 6)] == 16 and curve[Month(2026, 12)] == 16  # a year asking nothing new: flat
    window = year_window(plan_curve(plan), 2026, base=16)
    assert window[0] == (Month(2025, 12), 16) and dict(window)[Month(2026, 12)] == 16
    assert curve_name(16, 18, 2026) == "目标曲线（16→18家）"
    assert curve_name(None, 18, 2026) == "目标曲线（年度目标按月分解）"
