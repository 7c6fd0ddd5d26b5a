"""/indicators/, recording values (bureau only, not the headline goals) and /api/v1/indicators."""

from decimal import Decimal

import pytest
import time_machine

from targets.models import Indicator, IndicatorValue, MonthlyCount, SubDistrict
from tests.support import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def counts():
    """August 2026: all 17 sub-districts report; September: only the first two."""
    subs = list(SubDistrict.objects.in_plan_order())
    rows = []
    for i, sub in enumerate(subs):
        rows.append(MonthlyCount(subdistrict=sub, month="2026-08-01", metric="high_tech", value=30 + i))
        rows.append(MonthlyCount(subdistrict=sub, month="2026-08-01", metric="tech_based", value=300 + i))
    for sub in subs[:2]:
        rows.append(MonthlyCount(subdistrict=sub, month="2026-09-01", metric="high_tech", value=40))
    MonthlyCount.objects.bulk_create(rows)
    # high_tech August: sum(30..46) = 17*30 + 136 = 646; tech_based: 17*300 + 136 = 5236


def test_page_shows_every_indicator_with_target_and_source(login, official, counts):
    response = login(official).get("/indicators/")
    assert response.status_code == 200
    html = response.content.decode()
    rows = {row.indicator.code: row for row in response.context["rows"]}
    assert len(rows) == Indicator.objects.count() == 11
    assert "超过570家" in html and "保持全市领先" in html and "达到45件" in html
    high = rows["high_tech_2027"]
    # September is incomplete (2 of 17): only August, the latest complete month, counts
    assert (high.as_of.label, high.value, high.met, high.currently_met) == ("2026年8月", 646, None, True)
    assert [(m.label, v) for m, v, _ in high.series] == [("2026年8月", 646)]
    # both distances to 2027, each labelled: 超过570 -> 571; the attachment's 合计 573
    assert (high.gap_goal, high.plan_total, high.gap_plan) == (0, 573, 0)
    tech = rows["tech_based_2027"]
    assert (tech.value, tech.met, tech.currently_met, tech.gap_goal) == (5236, None, False, 5601 - 5236)
    assert tech.gap_goal_label == "距总体目标（超过5600家）"
    assert tech.gap_plan_label == "距附件分解表2027年合计（5631家）" and tech.gap_plan == 5631 - 5236
    # a 2025 goal is judged on December 2025 only, never on a later month
    t2025 = rows["tech_based_2025"]
    assert (t2025.final, t2025.met, t2025.verdict) == (True, None, "未判定（2025年12月数据未齐）")
    assert "各街镇月度数据（全区合计，仅计全部街镇已填报的月份）" in html
    assert "距附件分解表2027年合计（573家）尚差 0 家" in html
    assert html.count('data-chart="chart-') == 4  # the four headline goals have data (August)
    assert "录入指标数值" not in html  # officials read only


@time_machine.travel(at(2026, 10, 5), tick=False)
def test_bureau_records_and_corrects_a_value_with_history(login, bureau):
    c = login(bureau)
    assert c.get("/indicators/record/?indicator=little_giants").status_code == 200
    data = {"indicator": "little_giants", "month": "2026-09", "value": "15", "note": "区经济信息委提供"}
    assert c.post("/indicators/record/", data).status_code == 302
    data["value"] = "16"
    c.post("/indicators/record/", data)
    row = IndicatorValue.objects.get()
    assert (row.value, row.month.isoformat(), row.recorded_by) == (Decimal(16), "2026-09-01", bureau)
    history = list(row.history.order_by("history_date").values_list("value", "history_change_reason"))
    assert history == [(Decimal(15), "录入"), (Decimal(16), "更正（原值 15.00）")]
    page = c.get("/indicators/")
    little = next(r for r in page.context["rows"] if r.indicator.code == "little_giants")
    # the goal is 超过20家 by 2027: not judged before December 2027, short of it for now
    assert (little.value, little.met, little.currently_met) == (Decimal(16), None, False)
    assert little.latest[2] == "区科技局录入：区经济信息委提供"
    assert "录入指标数值" in page.content.decode()


@time_machine.travel(at(2026, 10, 5), tick=False)
def test_headline_goals_cannot_be_typed(login, bureau):
    response = login(bureau).post(
        "/indicators/record/", {"indicator": "high_tech_2027", "month": "2026-09", "value": "600"}
    )
    assert response.status_code == 200
    assert "取自各街镇月度数据的全区合计，不在此重复录入" in response.content.decode()
    assert not IndicatorValue.objects.exists()
    future = login(bureau).post("/indicators/record/", {"indicator": "little_giants", "month": "2026-11", "value": "1"})
    assert "数据月份不能晚于本月" in future.content.decode()
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize("who", ["leader", "official", "unit_user"])
def test_only_bureau_records(login, request, who):
    c = login(request.getfixturevalue(who))
    assert c.get("/indicators/record/").status_code == 403
    assert (
        c.post("/indicators/record/", {"indicator": "little_giants", "month": "2026-01", "value": "1"}).status_code
        == 403
    )
    assert not IndicatorValue.objects.exists()


def test_api_indicators(login, unit_user, bureau, counts):
    IndicatorValue.objects.create(
        indicator=Indicator.objects.get(code="rd_spending_share"), month="2025-12-01", value=Decimal("4.3")
    )
    data = login(unit_user).get("/api/v1/indicators").json()
    by_code = {i["code"]: i for i in data["indicators"]}
    assert list(by_code)[:4] == ["high_tech_2025", "tech_based_2025", "high_tech_2027", "tech_based_2027"]
    judged = by_code["tech_based_2027"]["judged"]
    assert (judged["value"], judged["as_of"], judged["met"], judged["currently_met"]) == (5236, "2026-08", None, False)
    assert (judged["gap_to_goal"], judged["plan_total"], judged["gap_to_plan_total"]) == (365, 5631, 395)
    assert by_code["tech_based_2027"]["value_source"].startswith("各街镇月度数据")
    assert by_code["high_tech_2027"]["values"][-1] == {"period": "2026-08", "value": 646, "how": ""}
    assert by_code["high_tech_2025"]["judged"]["verdict"] == "未判定（2025年12月数据未齐）"
    rd = by_code["rd_spending_share"]
    assert (rd["target_text"], rd["value"], rd["met"]) == ("超过4%", 4, None)  # a 2027 goal, judged in 2027
    assert rd["judged"]["value"] == 4.3 and rd["judged"]["currently_met"] is True
    assert by_code["emerging_industry_share"]["judged"]["value"] is None
    assert by_code["emerging_industry_share"]["value"] is None


def test_indicator_page_queries_are_fixed(login, leader, counts, django_assert_max_num_queries):
    c = login(leader)
    # the goals (5), the default month (2), the registry's history for its indicators (2)
    with django_assert_max_num_queries(14) as before:
        c.get("/indicators/")
    for code in ("little_giants", "rd_spending_share", "above_scale_high_tech"):
        for month in range(1, 10):
            IndicatorValue.objects.create(
                indicator=Indicator.objects.get(code=code), month=f"2026-0{month}-01", value=month
            )
    with django_assert_max_num_queries(len(before.captured_queries)):
        c.get("/indicators/")
