"""GET /api/v1/progress: the figures equal hand-computed ones for uneven data and the edge cases."""

import pytest

from tests.support import log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]


@pytest.fixture
def october(db):
    """Uneven data for 2026-10 (time progress 10/12): six sub-districts report high-tech."""
    log("tiansheng", "2025-12", "high_tech", 15)  # base from December's count, not the plan's 14
    log("tiansheng", "2026-10", "high_tech", 15)
    log("tiansheng", "2026-10", "tech_based", 490)
    log("shuitu", "2025-12", "high_tech", 160)
    log("shuitu", "2026-10", "high_tech", 170)
    log("xiema", "2026-10", "high_tech", 58)
    log("beiwenquan", "2026-10", "high_tech", 67)
    log("longfengqiao", "2026-10", "high_tech", 12)
    log("fuxing", "2026-10", "high_tech", 21)
    log("chaoyang", "2026-10", "tech_based", 185)


def rows(client):
    data = client.get("/api/v1/progress?month=2026-10").json()
    return data, {row["slug"]: row for row in data["subdistricts"]}


def test_figures_equal_hand_computed_values(login, leader, october):
    data, by_slug = rows(login(leader))
    assert data["month"] == "2026-10"
    assert data["time_progress"] == round(10 / 12, 4) == 0.8333
    t = by_slug["tiansheng"]["high_tech"]
    # target 16 (2026), base 15 (December 2025 count), actual 15: one firm asked, fewer than 5, so
    # read in firms: 10/12 + (0 − 1 × 10/12) / 5 = 5/6 − 1/6 = 2/3, below 序时进度 − 10 points
    assert (t["actual"], t["target"], t["base"]) == (15, 16, 15)
    assert (t["new_this_year"], t["increment_target"], t["small_increment"]) == (0, 1, True)
    assert t["completion"] == 0.9375
    assert t["increment_completion"] == 0.6667
    assert t["status"] == "red"
    tb = by_slug["tiansheng"]["tech_based"]
    # no December count: base is the plan's 2025 figure 439; (490-439)/(496-439) = 51/57
    assert (tb["base"], tb["target"]) == (439, 496)
    assert tb["completion"] == round(490 / 496, 4) == 0.9879
    assert tb["increment_completion"] == round(51 / 57, 4) == 0.8947
    assert tb["status"] == "green"
    s = by_slug["shuitu"]["high_tech"]
    assert (s["completion"], s["increment_completion"], s["status"]) == (0.9605, 0.5882, "red")  # 170/177, 10/17
    x = by_slug["xiema"]["high_tech"]
    assert (x["base"], x["increment_completion"], x["status"]) == (52, 0.8571, "green")  # 6/7
    assert by_slug["beiwenquan"]["high_tech"]["status"] == "done"
    f = by_slug["fuxing"]["high_tech"]
    # 21 of 22 from 20 (two asked): 5/6 + (1 − 2 × 5/6) / 5 = 5/6 − 2/15 = 0.7, below 0.7333
    assert (f["increment_completion"], f["status"]) == (0.7, "red")
    c = by_slug["chaoyang"]["tech_based"]
    assert (c["increment_completion"], c["status"]) == (round(17 / 22, 4), "yellow")  # 0.7727: within 10 pp
    missing = by_slug["jindaoxia"]["high_tech"]
    assert (missing["actual"], missing["completion"], missing["status"]) == (None, None, "missing")


def test_ranks_follow_the_judged_rate_and_leave_the_unreported_unranked(login, leader, october):
    _, by_slug = rows(login(leader))
    ranks = {slug: row["high_tech"]["rank_overall"] for slug, row in by_slug.items()}
    # 新增完成率: beiwenquan (67-61)/(67-61) = 1 = longfengqiao at its target of 12 (1 + 0/5), both
    # completion 1 (a tie that stays a tie); xiema 6/7 = 0.857; fuxing 0.7 and tiansheng 2/3 (small
    # increments read in firms); shuitu 10/17 = 0.588
    assert ranks["beiwenquan"] == ranks["longfengqiao"] == 1
    assert (ranks["xiema"], ranks["fuxing"], ranks["tiansheng"], ranks["shuitu"]) == (3, 4, 5, 6)
    assert ranks["jindaoxia"] is None and ranks["chaoyang"] is None  # 未填报: no rank at all
    assert by_slug["tiansheng"]["high_tech"]["rank_in_class"] == 5
    assert {by_slug[s]["high_tech"]["rank_in_class"] for s in ("chengjiang", "jindaoxia")} == {None}
    # 2026-09 is not reported by everyone: no rank change is given
    assert by_slug["tiansheng"]["high_tech"]["rank_change_overall"] is None


def test_total_is_like_for_like_in_a_partial_month(login, leader, october):
    data, _ = rows(login(leader))
    assert data["complete"] is False
    assert data["reporting"] == "1/17 个街镇已填报"  # only tiansheng reported both metrics
    total = data["total"]["high_tech"]
    assert total["actual"] == 15 + 170 + 58 + 67 + 12 + 21 == 343
    assert (total["reported"], total["expected"]) == (6, 17)
    # the six reporters' own targets and bases, never the district's 524
    assert total["target"] == 16 + 177 + 59 + 67 + 12 + 22 == 353
    assert total["base"] == 15 + 160 + 52 + 61 + 11 + 20 == 319
    assert total["completion"] == round(343 / 353, 4)
    assert total["increment_completion"] == round(24 / 34, 4)
    assert data["total"]["tech_based"]["reported"] == 2
    assert data["total"]["tech_based"]["target"] == 496 + 190


def test_target_equal_to_last_years(login, leader):
    # 柳荫镇 high-tech: 2024 target 2, 2025 target 2 -> nothing new asked (fewer than 5, read in
    # firms): one below the target in June is 1/2 + (−1 − 0) / 5 = 30%, red
    log("liuyin", "2025-06", "high_tech", 1)
    log("chaoyang", "2025-06", "high_tech", 2)
    data = login(leader).get("/api/v1/progress?month=2025-06").json()
    by_slug = {row["slug"]: row for row in data["subdistricts"]}
    liuyin = by_slug["liuyin"]["high_tech"]
    assert (liuyin["target"], liuyin["base"], liuyin["increment_completion"], liuyin["completion"]) == (2, 2, 0.3, 0.5)
    assert liuyin["hold_year"] is True
    assert liuyin["status"] == "red"
    assert by_slug["chaoyang"]["high_tech"]["status"] == "done"


def test_target_zero(login, leader):
    # 金刀峡镇 high-tech: 2022 actual 0, 2023 target 0
    log("jindaoxia", "2023-03", "high_tech", 0)
    log("tiansheng", "2023-03", "high_tech", 11)
    data = login(leader).get("/api/v1/progress?month=2023-03").json()
    by_slug = {row["slug"]: row for row in data["subdistricts"]}
    j = by_slug["jindaoxia"]["high_tech"]
    # a hold year (target 0 = base 0) held: 100%, done
    assert (j["target"], j["completion"], j["increment_completion"], j["status"]) == (0, None, 1.0, "done")
    # tie at 100% with tiansheng (11-10)/(11-10); the tie-break, 年度目标完成率, puts 11/11 first
    assert j["rank_overall"] == 2
    assert by_slug["tiansheng"]["high_tech"]["rank_overall"] == 1


def test_january_uses_last_december(login, leader):
    log("tiansheng", "2025-12", "high_tech", 13)
    log("tiansheng", "2026-01", "high_tech", 14)
    data = login(leader).get("/api/v1/progress?month=2026-01").json()
    t = data["subdistricts"][0]["high_tech"]
    # three asked (fewer than 5): 1/12 + (1 − 3 × 1/12) / 5 = 5/60 + 9/60 = 14/60
    assert (t["base"], t["target"], t["increment_completion"]) == (13, 16, round(14 / 60, 4))
    assert data["time_progress"] == round(1 / 12, 4)


def test_an_official_receives_only_their_own_row(login, official, october):
    data = login(official).get("/api/v1/progress?month=2026-10").json()
    assert [row["slug"] for row in data["subdistricts"]] == ["tiansheng"]
    assert data["subdistricts"][0]["high_tech"]["rank_overall"] == 5  # still ranked among all 17


def test_api_costs_a_fixed_number_of_queries(login, leader, october, django_assert_max_num_queries):
    c = login(leader)
    with django_assert_max_num_queries(10):
        c.get("/api/v1/progress?month=2026-10")
