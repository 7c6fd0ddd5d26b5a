"""The map in force in a month (targets.territory): the change of 6 November 2025 as shipped, and
progress judged on it. Expected figures are the plan's own (北碚府办发〔2025〕46号 附件) and the facts
of the change (shared/facts/boundary-change-2025-11.md): the five units that left held 232 of the
341 high-tech firms of 2022 and 359 of the 573 of 2027; 1,178 of 2,849 and 2,152 of 5,631 tech-based."""

from fractions import Fraction

import pytest

from targets import metrics, territory
from targets.models import BoundaryChange, MonthlyCount, PlanVersion, SubDistrict
from targets.months import Month
from targets.progress import district_progress, district_size, latest_complete_month, plan_totals
from tests.support import log

LEFT = {"水土街道", "复兴街道", "蔡家岗街道", "施家梁镇", "童家溪镇"}
JOINED = {"大湾镇", "统景镇", "大盛镇", "兴隆镇", "茨竹镇"}
pytestmark = pytest.mark.django_db


def names(units):
    return {sub.name for sub in units}


def test_before_the_change_the_map_is_the_plans_17_units_judged_on_46号(map_2025_11):
    area = territory.map_of(Month(2025, 10))
    assert area.version.number == "北碚府办发〔2025〕46号"
    assert len(area.members) == 17 and area.is_whole and area.caliber == ""
    assert LEFT <= names(area.members) and not (JOINED & names(area.members))


def test_from_november_2025_five_units_left_and_five_towns_joined(map_2025_11):
    area = territory.map_of(Month(2025, 11))
    assert len(area.members) == 17  # 6 街道 and 11 镇: a different 17
    assert not (LEFT & names(area.members)) and JOINED <= names(area.members)
    assert names(area.outside) == LEFT
    assert names(area.untargeted) == JOINED  # 46号 has no line for them: 目标待分解
    assert len(area.targeted) == 12
    assert area.caliber == "原方案口径：延续的12个街镇"
    assert area.territory == "现辖区17个街镇"
    sub_count = sum(1 for sub in area.members if sub.name.endswith("街道"))
    assert (sub_count, 17 - sub_count) == (6, 11)


def test_the_change_is_data_with_its_source_and_the_units_keep_their_notes(map_2025_11):
    change = BoundaryChange.objects.get()
    assert change.announced.isoformat() == "2025-11-06"
    assert "中新社" in change.source and "国务院" in change.authority
    shuitu, dawan = SubDistrict.objects.get(slug="shuitu"), SubDistrict.objects.get(slug="dawan")
    assert shuitu.left_note == "2025年11月划出北碚区（划入两江新区）"
    assert dawan.joined_note == "2025年11月由原渝北区划入"
    assert territory.absence_message(shuitu, Month(2026, 10)) == "水土街道已于2025年11月划出北碚区（划入两江新区）"
    assert territory.absence_message(dawan, Month(2025, 10)) == "大湾镇于2025年11月由原渝北区划入，2025年10月不属本区"


def test_the_attachment_totals_over_the_continuing_units_are_the_plans_minus_the_five(map_2025_11):
    area = territory.map_of(Month(2026, 1))
    totals = plan_totals(area.targeted_members, area.version)
    assert (totals["high_tech"][2022], totals["high_tech"][2027]) == (341 - 232, 573 - 359)
    assert (totals["tech_based"][2022], totals["tech_based"][2027]) == (2849 - 1178, 5631 - 2152)
    whole = territory.map_of(Month(2025, 10))
    totals = plan_totals(whole.targeted_members, whole.version)
    assert (totals["high_tech"][2027], totals["tech_based"][2027]) == (573, 5631)


def fill(month, value_of):
    for sub in territory.map_of(month).members:
        for metric in ("high_tech", "tech_based"):
            log(sub.slug, str(month), metric, value_of(sub, metric))


def test_a_month_after_the_change_is_judged_on_the_continuing_units_and_the_new_towns_wait(map_2025_11):
    month = Month(2026, 3)
    # tiansheng 2026 target 16, December 2025 count 15: past its target of one new firm by one,
    # 1 + (17-16)/5 = 120 % (a small increment is read in firms); every other
    # continuing unit exactly at its December count: rate 0
    fill(Month(2025, 12), lambda sub, metric: 15 if sub.slug == "tiansheng" and metric == "high_tech" else 50)
    fill(month, lambda sub, metric: 17 if sub.slug == "tiansheng" and metric == "high_tech" else 50)
    progress = district_progress(month)
    assert progress.complete and progress.expected == 17
    tiansheng = next(r for r in progress.rows if r.subdistrict.slug == "tiansheng").metrics["high_tech"]
    assert (tiansheng.target, tiansheng.base, tiansheng.increment_completion) == (16, 15, Fraction(6, 5))
    dawan = next(r for r in progress.rows if r.subdistrict.slug == "dawan")
    assert dawan.pending and dawan.metrics["high_tech"].status == metrics.STATUS_PENDING
    assert dawan.metrics["high_tech"].rank_overall is None and dawan.metrics["high_tech"].actual == 50
    total = progress.total["high_tech"]
    # like for like: the 12 continuing units, their counts against their own targets
    assert (total.covered, total.expected) == (12, 12)
    assert total.actual == 17 + 11 * 50
    assert total.base == 15 + 11 * 50
    assert total.territory_actual == 17 + 16 * 50  # 现辖区: every unit of the month, no target
    ranked = [r for r in progress.rows if r.metrics["high_tech"].rank_overall is not None]
    assert len(ranked) == 12
    # ahead of tiansheng (120%): the units at 50 past a target t by more than one firm, 1 + (50 − t)/5 > 6/5
    ahead = [r for r in ranked if r.subdistrict.slug != "tiansheng" and r.metrics["high_tech"].target < 49]
    assert tiansheng.rank_overall == 1 + len(ahead)


def test_the_units_that_left_are_not_expected_and_their_counts_stay(map_2025_11):
    log("shuitu", "2025-10", "high_tech", 160)
    fill(Month(2025, 11), lambda sub, metric: 20)
    assert district_size(Month(2025, 11)) == 17
    assert latest_complete_month() == Month(2025, 11)
    progress = district_progress(Month(2025, 11))
    assert "水土街道" not in {r.subdistrict.name for r in progress.rows}
    assert progress.missing_names == []  # never 未填报
    assert MonthlyCount.objects.get(subdistrict__slug="shuitu", month="2025-10-01").value == 160


def test_a_partial_month_counts_the_units_of_that_month(map_2025_11):
    log("tiansheng", "2025-11", "high_tech", 16)
    log("tiansheng", "2025-11", "tech_based", 300)
    log("dawan", "2025-11", "high_tech", 3)
    log("dawan", "2025-11", "tech_based", 40)
    log("shuitu", "2025-11", "high_tech", 150)  # a count of a unit that had left does not count
    log("shuitu", "2025-11", "tech_based", 500)
    progress = district_progress(Month(2025, 11))
    assert progress.reporting_label == "2/17 个街镇已填报"
    total = progress.total["high_tech"]
    assert (total.actual, total.covered, total.expected) == (16, 1, 12)
    assert total.territory_actual == 16 + 3


def test_before_the_change_nothing_differs_from_the_plan_as_loaded_without_it(map_2025_11):
    assert PlanVersion.objects.count() == 1
    fill(Month(2025, 10), lambda sub, metric: 30)
    progress = district_progress(Month(2025, 10))
    assert progress.caliber == "" and not progress.pending_rows
    assert progress.total["high_tech"].actual == 17 * 30 == progress.total["high_tech"].territory_actual


def test_a_goal_whose_deadline_falls_after_the_change_says_why_it_is_not_judged(map_2025_11):
    """2025's headline goals were set for 46号's 17 units; December 2025's map is another 17. Even
    with every unit reported, the goal is not judged, and the words give the map as the reason,
    not missing counts."""
    from targets.goals import judge_goals
    from targets.models import Indicator

    fill(Month(2025, 12), lambda sub, metric: 50)
    goals = [i for i in Indicator.objects.filter(year=2025).exclude(metric="")]
    rows = judge_goals(Month(2026, 1), goals)
    assert rows and all(r.final and r.met is None for r in rows)
    assert all("区划调整" in r.verdict and "数据未齐" not in r.verdict for r in rows)
