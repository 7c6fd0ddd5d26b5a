"""The forecast assembled from counts and the registry, with hand-computed values."""

import datetime as dt
from fractions import Fraction

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.choices import Role
from enterprises import forecast
from enterprises.importers import run_import
from targets import forecast as model
from targets.models import MonthlyCount, SubDistrict
from targets.months import Month
from tests.support import HEADERS, code, d, firm, make_user, xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today", "map_2025_11")]


OCTOBER = Month(2026, 10)


def count(slug, month, value, metric="high_tech"):
    MonthlyCount.objects.create(
        subdistrict=SubDistrict.objects.get(slug=slug), month=month.date, metric=metric, value=value
    )


@pytest.fixture
def registry():
    firm(1, issue_dates=[d("2023-12-01")])  # lapses 2026-11-30, not renewed
    firm(2, issue_dates=[d("2023-11-15"), d("2026-10-10")])  # renewed this year
    firm(3, issue_dates=[d("2020-05-01")])  # expired 2023, not renewed
    firm(4, issue_dates=[d("2019-03-01"), d("2022-03-01")])  # renewed once, then expired 2025-02
    firm(5, issue_dates=[d("2024-06-01")])  # lapses in 2027
    firm(6, tech_year=2024, left_on=d("2026-12-15"))  # leaves the tech-based list in December
    count("tiansheng", Month(2025, 12), 10)
    count("tiansheng", OCTOBER, 15)


def test_registry_facts(registry):
    subs = list(SubDistrict.objects.filter(slug__in=["tiansheng", "shuitu"]))
    facts = forecast.registry_facts(subs, OCTOBER)
    tiansheng = {s.slug: s for s in subs}["tiansheng"]
    high = facts[(tiansheng.pk, "high_tech")]
    assert (high.expiring, high.expiring_later, high.recognised_this_year) == (1, 1, 1)
    assert (high.renewed, high.expired_before) == (1, 3) and high.renewal_rate == Fraction(1, 3)
    tech = facts[(tiansheng.pk, "tech_based")]
    assert tech.expiring == 1 and not tech.renewable
    shuitu = {s.slug: s for s in subs}["shuitu"]
    assert facts[(shuitu.pk, "high_tech")] is model.NO_REGISTRY


def test_forecast_of_a_subdistrict(registry):
    result = forecast.district_forecast(OCTOBER).row_for(SubDistrict.objects.get(slug="tiansheng"))
    ht = result.metrics["high_tech"]
    # linear (no earlier year logged): (15 − 10) / 10 × 2 months = 1; lapses 1 × (1 − 1/3) = 2/3
    assert ht.method == model.METHOD_LINEAR
    assert (ht.actual, ht.projected, ht.low, ht.high) == (15, 15, 14, 15)
    assert ht.target == 16 and ht.gap == 1
    assert "年内到期未重新认定 1 家（往年重新认定率 33%（1/3）），预计失效 1 家" in ht.basis_text
    assert "今年已新认定 1 家" in ht.basis_text


def test_one_subdistricts_forecast_is_its_row_of_the_districts(registry):
    """The sub-district page asks for its own forecast only: the same figures and basis as the
    district's row, the renewal rate still observed over the whole district, and no district
    line."""
    firm(8, sub="chaoyang", issue_dates=[d("2019-06-01"), d("2022-06-01")])  # renewed once, expired 2025
    tiansheng = SubDistrict.objects.get(slug="tiansheng")
    whole = forecast.district_forecast(OCTOBER).row_for(tiansheng)
    alone = forecast.district_forecast(OCTOBER, only=[tiansheng])
    assert [row.subdistrict for row in alone.rows] == [tiansheng] and alone.total == {}
    assert alone.rows[0].metrics == whole.metrics
    # district rate: tiansheng 1 renewed of 3 expired, chaoyang 1 of 2 → 2/5, not tiansheng's 1/3
    # (朝阳街道, a unit of 46号 still in Beibei in 2026: 水土街道 left in November 2025)
    assert "往年重新认定率 40%（2/5）" in alone.rows[0].metrics["high_tech"].basis_text


def test_planting_expiring_certificates_through_the_import_lowers_the_projection(registry):
    tiansheng = SubDistrict.objects.get(slug="tiansheng")
    before = forecast.district_forecast(OCTOBER).row_for(tiansheng).metrics["high_tech"].projected
    rows = [(f"将到期企业{n}有限公司", code(100 + n), "天生街道", d("2023-11-20"), None) for n in range(3)]
    run_import(xlsx(rows, HEADERS), "到期企业.xlsx")
    after = forecast.district_forecast(OCTOBER).row_for(tiansheng).metrics["high_tech"]
    # 3 more expiring × (1 − 1/3) = 2 more lapses: 15 + 1 − 8/3 = 13.3
    assert after.expiring == 4 and before - after.projected == 2 == 15 - 13
    assert tiansheng in [row.subdistrict for row in forecast.district_forecast(OCTOBER).at_risk("high_tech")]


def test_expiring_firms_within_6_and_12_months(registry, official, other_official, leader):
    firm(7, sub="chaoyang", issue_dates=[d("2024-02-01")])  # lapses 2027-01-31
    # 水土街道 left Beibei in November 2025: its firm went with it, its lapse is no loss of Beibei
    firm(8, sub="shuitu", issue_dates=[d("2024-02-01")])
    chaoyang = make_user("chaoyang_user", Role.SUBDISTRICT, subdistrict="chaoyang")
    today = d("2026-11-15")
    rows = forecast.expiring_firms(leader, today)
    assert [(r.name, r.valid_until, r.within_6_months) for r in rows] == [
        ("测试企业1有限公司", d("2026-11-30"), True),
        ("测试企业5有限公司", d("2027-05-31"), False),
        ("测试企业7有限公司", d("2027-01-31"), True),
    ]
    assert [r.name for r in forecast.expiring_firms(official, today)] == ["测试企业1有限公司", "测试企业5有限公司"]
    assert [r.name for r in forecast.expiring_firms(chaoyang, today)] == ["测试企业7有限公司"]
    assert forecast.expiring_firms(other_official, today) == []


def test_add_months():
    assert forecast.add_months(d("2026-08-31"), 6) == d("2027-02-28")
    assert forecast.add_months(d("2026-11-15"), 12) == d("2027-11-15")


def test_queries_do_not_grow_with_firms_or_subdistricts(registry):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            forecast.district_forecast(OCTOBER)
        return len(ctx.captured_queries)

    # outside a request every version is read again: the plan's (twice: the map, figures), the
    # months', the registry's (twice: its facts, the pipeline's); and the map (units, plan lines),
    # plan figures, counts, certificates, firms, the pipeline's attempts and certificates
    few = queries()
    assert few <= 14
    for n in range(20, 40):
        firm(n, sub="chaoyang", issue_dates=[d("2024-01-05")], tech_year=2025)
    # the plan and the counts unchanged: the map (units, lines), figures and counts from the cache;
    # the registry changed: aggregated again
    assert queries() == few - 4
    assert queries() == few - 8  # the registry unchanged too: its aggregates and the pipeline from the cache


def api(client, url):
    response = client.get(url)
    return response.status_code, response.json()


def test_api_hold_year_and_no_registry_firms_hand_computed(login, leader):
    from targets.models import PlanFigure

    for month, value in [((2023, 10), 12), ((2023, 12), 14), ((2024, 10), 14), ((2024, 12), 14),
                         ((2025, 10), 15), ((2025, 12), 18), ((2026, 10), 20)]:  # fmt: skip
        count("chaoyang", Month(*month), value)
    plan = dict(
        PlanFigure.objects.filter(subdistrict__slug="chaoyang", metric="high_tech").values_list("year", "value")
    )
    status, body = api(login(leader), "/api/v1/forecast?year=2026")
    assert status == 200 and body["as_of"] == "2026-10"
    chaoyang = next(r for r in body["subdistricts"] if r["slug"] == "chaoyang")["high_tech"]
    # growth after October: (2 + 0 + 3) / (12 + 14 + 15) = 5/41; 20 × 5/41 = 2.44; the hold year 2024 is the low
    assert chaoyang["method"] == "rhythm" and chaoyang["growth"] == round(5 / 41, 2)
    assert (chaoyang["projected"], chaoyang["low"], chaoyang["high"]) == (22, 20, 24)
    assert chaoyang["target"] == plan[2026] and chaoyang["gap"] == max(0, plan[2026] - 22)
    assert chaoyang["expiring"] == 0 and "企业名录中无该街镇企业" in "；".join(chaoyang["basis"])
    status, body = api(login(leader), "/api/v1/forecast?year=2027")
    chaoyang = next(r for r in body["subdistricts"] if r["slug"] == "chaoyang")["high_tech"]
    # 2026's 22 + the mean December-to-December net increase, whole firms, for the one year left;
    # the range 2026's 20–24 continued by the smallest and largest yearly net increase
    yearly = [14 - plan[2022], 0, 4]
    step = model.round_half_up(Fraction(sum(yearly), 3))
    assert (chaoyang["from_projected"], chaoyang["step"], chaoyang["years_left"]) == (22, step, 1)
    assert chaoyang["projected"] == 22 + step
    assert (chaoyang["low"], chaoyang["high"]) == (20 + min(yearly), 24 + max(yearly))
    assert chaoyang["target"] == plan[2027]
    assert f"预计2027年底 22 + {step} × 1 = {22 + step} 家" in "；".join(chaoyang["basis"])


def test_api_is_scoped_like_progress(registry, login, official, other_official, unit_user):
    status, body = api(login(official), "/api/v1/forecast")
    assert status == 200 and [r["slug"] for r in body["subdistricts"]] == ["tiansheng"]
    tiansheng = body["subdistricts"][0]["high_tech"]
    assert (tiansheng["projected"], tiansheng["low"], tiansheng["high"], tiansheng["expiring"]) == (15, 14, 15, 1)
    assert tiansheng["renewal_rate"] == 0.33
    # 水土街道 left Beibei in November 2025: no forecast of it against Beibei's targets in 2026
    assert [r["slug"] for r in api(login(other_official), "/api/v1/forecast")[1]["subdistricts"]] == []
    chaoyang = make_user("chaoyang_user", Role.SUBDISTRICT, subdistrict="chaoyang")
    assert [r["slug"] for r in api(login(chaoyang), "/api/v1/forecast")[1]["subdistricts"]] == ["chaoyang"]
    status, body = api(login(unit_user), "/api/v1/forecast")
    assert status == 200 and body["subdistricts"] == [] and "total" in body


@pytest.mark.parametrize("year", ["2022", "2028", "20x6"])
def test_api_refuses_a_year_outside_the_plan(login, leader, year):
    status, body = api(login(leader), f"/api/v1/forecast?year={year}")
    assert status == 400 and year in body["error"]


def test_api_refuses_a_year_between_this_one_and_2027(login, leader):
    count("tiansheng", Month(2025, 10), 3)
    with time_machine.travel(dt.datetime(2025, 11, 15, 10, 0), tick=False):
        status, body = api(login(leader), "/api/v1/forecast?year=2026")
    assert status == 400 and "只能预计本年（2025年）或2027年" in body["error"]


def test_warnings_page_lists_risks_and_expiring_firms_in_scope(registry, login, leader, official, other_official):
    import io

    import openpyxl

    firm(7, sub="chaoyang", issue_dates=[d("2024-02-01")])
    count("chaoyang", Month(2025, 12), 3)
    for month, value in enumerate([3, 3, 4, 4, 4, 3, 3, 3, 2, 2], start=1):
        count("chaoyang", Month(2026, month), value)
    chaoyang = make_user("chaoyang_user", Role.SUBDISTRICT, subdistrict="chaoyang")
    response = login(leader).get("/warnings/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "预计2026年底未完成高新技术企业年度目标" in html and "预计2027年底未完成" in html
    assert "测试企业1有限公司" in html and "测试企业7有限公司" in html
    assert "年内到期未重新认定 1 家" in html  # tiansheng's reasons
    # the page and each table headed with the year it projects, each table with its range
    assert "<h1>预警：预计2026年底与2027年底完成情况与到期证书（截至2026年10月）</h1>" in html
    assert "<th>预计2026年底</th><th>区间</th>" in html and "<th>预计2027年底</th><th>区间</th>" in html
    later = next(s for s in response.context["risks"] if s.until_2027 and s.metric == "high_tech")
    assert later.year == 2027 and [r.subdistrict.slug for r, _ in later.rows] == ["chaoyang"]
    # chaoyang (no complete earlier year): 2 + (2 − 3) / 10 × 2 = 1.8 → 2, monthly changes −1 … +1:
    # 2026 0–4; 2027 continues by this year's net change 2 − 3 = −1: 1, range 0 − 3 → 0 to 4 + 1 = 5
    result = later.rows[0][1]
    assert (result.projected, result.low, result.high) == (2, 0, 4)
    assert (result.projected_2027, result.low_2027, result.high_2027) == (1, 0, 5)
    assert '<td class="num">1</td>\n      <td class="num range">0–5</td>' in html
    assert "往年无完整年度数据，此后每年按本年预计净减少 1 家，预计2027年底 2 − 1 × 1 = 1 家（区间 0–5 家）" in html
    assert "2027年另有 1 家证书到期未重新认定，按年净增推算，不另扣减" in html  # firm 7, 2027-01-31
    own = login(official).get("/warnings/").content.decode()
    assert "测试企业1有限公司" in own and "测试企业7有限公司" not in own
    sheet = openpyxl.load_workbook(io.BytesIO(login(chaoyang).get("/warnings/?export=xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("所属街镇", "企业名称", "统一社会信用代码", "所属产业", "证书有效期至", "6个月内到期")
    assert rows[1:] == [("朝阳街道", "测试企业7有限公司", code(7), "其他", "2027-01-31", "是")]
    # the official of 水土街道 (left in November 2025): nothing of Beibei's to warn about
    assert login(other_official).get("/warnings/").status_code == 200


def test_backtest_page_shows_errors_from_the_counts(login, leader):
    from demo.services import seed_demo_counts

    seed_demo_counts()
    response = login(leader).get("/warnings/accuracy/")
    assert response.status_code == 200
    sections = response.context["sections"]
    assert sections[0].years == [2023, 2024, 2025]
    # like for like: the 12 units of 46号 still in Beibei, in each of the three years
    assert all(row.cases == 12 * 3 and row.mae is not None for row in sections[0].subdistricts)
    assert "预测准确度" in response.content.decode()


def test_dashboard_and_subdistrict_page_show_the_forecast(registry, login, leader, official):
    html = login(leader).get("/?month=2026-10").content.decode()
    assert "预计2026年底" in html and "预计2027年底" in html
    assert '<td class="num forecast at-risk">15</td>' in html  # tiansheng's line of the league
    response = login(official).get("/subdistricts/tiansheng/?month=2026-10")
    ht = response.context["row"].metrics["high_tech"].forecast
    assert (ht.projected, ht.low, ht.high) == (15, 14, 15)
    html = response.content.decode()
    assert "<dt>预计2026年底</dt><dd><strong>15 家</strong>（区间 14–15）" in html and "预计差 1 家" in html
    assert "<dt>预计2027年底</dt><dd>20 家（区间 18–20）" in html
    assert "年内到期未重新认定 1 家" in html
    figure = next(c for c in response.context["charts"] if c["metric"] == "high_tech")["figure"]
    dotted = next(t for t in figure["data"] if t["name"].startswith("预计2026年底"))
    assert dotted["y"] == [15, 15] and dotted["line"]["dash"] == "dot"
    band = next(t for t in figure["data"] if t["name"].startswith("预计区间"))
    assert band["y"] == [15, 15, 14, 15] and band["fill"] == "toself"


def test_a_registry_import_refreshes_the_cached_dashboard(registry, login, leader, settings):
    settings.PAGE_CACHE_SECONDS = 600
    c = login(leader)
    assert '<td class="num forecast at-risk">15</td>' in c.get("/?month=2026-10").content.decode()
    rows = [(f"将到期企业{n}有限公司", code(100 + n), "天生街道", d("2023-11-20"), None) for n in range(3)]
    run_import(xlsx(rows, HEADERS), "到期企业.xlsx")
    assert '<td class="num forecast at-risk">13</td>' in c.get("/?month=2026-10").content.decode()


def test_bulletin_warning_section_is_frozen_on_publication(registry, bureau, login):
    from bulletins.figures import build_figures
    from bulletins.services import publish

    figures = build_figures(OCTOBER)
    high = figures["warning"]["metrics"]["high_tech"]
    assert [(r["name"], r["projected"], r["gap"]) for r in high["at_risk"]] == [("天生街道", 15, 1)]
    assert (
        "预警：按当前进度，预计2026年底1个街镇未完成高新技术企业年度目标：天生街道（预计差1家）；部分街镇本月未填报"
        in (figures["summary"][-2])
    )
    version = publish(OCTOBER, bureau, confirm_partial=True)  # a partial month (issue 12)
    firm(50, issue_dates=[d("2023-12-20")])  # two more lapses planted after publication: 15 + 1 − 3 × 2/3
    firm(51, issue_dates=[d("2023-12-21")])
    assert version.figures["warning"] == figures["warning"]
    assert "天生街道（预计差1家）" in login(bureau).get("/bulletin/2026-10/").content.decode()
    assert build_figures(OCTOBER)["warning"]["metrics"]["high_tech"]["at_risk"][0]["gap"] == 2


@pytest.mark.parametrize("url", ["/warnings/", "/api/v1/forecast", "/warnings/accuracy/"])
def test_forecast_pages_cost_the_same_queries_with_more_firms(registry, login, leader, url):
    c = login(leader)
    with CaptureQueriesContext(connection) as few:
        assert c.get(url).status_code == 200
    for n in range(60, 90):
        firm(n, sub="shuitu" if n % 2 else "tiansheng", issue_dates=[d("2023-12-05")], tech_year=2024)
    count("shuitu", OCTOBER, 40)
    with CaptureQueriesContext(connection) as more:
        assert c.get(url).status_code == 200
    assert len(more.captured_queries) <= len(few.captured_queries)  # fewer: the plan comes from the cache


def test_earlier_years_lapses_after_the_month_from_the_registry():
    firm(80, sub="shuitu", issue_dates=[d("2020-11-10")])  # lapsed 2023-11-09
    firm(81, sub="shuitu", issue_dates=[d("2021-12-01"), d("2024-12-15")])  # renewed within 2024
    firm(82, sub="shuitu", issue_dates=[d("2021-06-01")])  # lapsed 2024-05-31: before October
    firm(83, sub="shuitu", issue_dates=[d("2022-11-20"), d("2026-03-01")])  # lapsed 2025-11-19, renewed only in 2026
    shuitu = SubDistrict.objects.get(slug="shuitu")
    facts = forecast.registry_facts([shuitu], OCTOBER)[(shuitu.pk, "high_tech")]
    assert facts.earlier_lapses == {2023: 1, 2025: 1}
    assert (facts.renewed, facts.expired_before) == (2, 4)  # renewed: 81's and 83's first certificates


def test_each_forecast_is_kept_under_its_inputs(registry, settings, monkeypatch):
    """A sub-district's forecast is recomputed when its own counts change, and read from the
    cache when only another sub-district's did (the page after a correction)."""
    settings.PAGE_CACHE_SECONDS = 600
    tiansheng = SubDistrict.objects.get(slug="tiansheng")
    count("chaoyang", OCTOBER, 20)
    first = forecast.district_forecast(OCTOBER)
    calls, real = [], forecast._unit_forecast
    monkeypatch.setattr(forecast, "_unit_forecast", lambda *args: calls.append(args) or real(*args))
    chaoyang_count = MonthlyCount.objects.get(subdistrict__slug="chaoyang", month=OCTOBER.date)
    chaoyang_count.value = 21
    chaoyang_count.save()
    again = forecast.district_forecast(OCTOBER)
    assert len(calls) == 1 and calls[0][0][-1] == (OCTOBER, 21)  # chaoyang's high-tech only
    assert again.row_for(tiansheng).metrics == first.row_for(tiansheng).metrics
    chaoyang = SubDistrict.objects.get(slug="chaoyang")
    assert again.row_for(chaoyang).metrics["high_tech"].actual == 21
