"""Issue 27, point 4 downstream: the enterprise registry, the forecast and 预警, the assessment
and the API follow the map (水土街道 and four others left Beibei from November 2025; 大湾镇 and
four other towns joined, without targets in 46号).

Every expected figure is worked out by hand in the comments.
"""

import datetime as dt

import pytest
import time_machine

from assessment import figures, services
from enterprises import changes, forecast_backtest, indicators
from enterprises import forecast as registry_forecast
from enterprises.importers import ImportRefused, run_import
from enterprises.models import Enterprise
from targets.choices import Metric
from targets.models import SubDistrict
from targets.months import Month
from tests.support import NOW, at, code, d, firm, firm_csv, log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("map_2025_11")]

LEFT = ["shuitu", "fuxing", "caijiagang", "shijialiang", "tongjiaxi"]
JOINED = ["dawan", "tongjing", "dasheng", "xinglong", "cizhu"]
SHUITU_GONE = "水土街道已于2025年11月划出北碚区（划入两江新区）"


def continuing():
    return [sub.slug for sub in SubDistrict.objects.exclude(slug__in=LEFT + JOINED)]


@pytest.fixture
def two_firms(db):
    """One firm of 水土街道 and one of 天生街道, entered in September 2025, each 规上, 小巨人,
    high-tech (certificate of 1 March 2024, valid to 28 February 2027) and tech-based since 2024."""
    with time_machine.travel(at(2025, 9, 10), tick=False):
        shuitu = firm(1, "shuitu", [d("2024-03-01")], tech_year=2024, above_scale=True, little_giant=True)
        tiansheng = firm(2, "tiansheng", [d("2024-03-01")], tech_year=2024, above_scale=True, little_giant=True)
    return shuitu, tiansheng


# --- 1. the registry ---------------------------------------------------------------------------


def test_registry_indicators_count_shuitu_firms_until_october_2025_only(two_firms):
    with time_machine.travel(NOW, tick=False):
        above = indicators.above_scale_high_tech(Month(2026, 10))
        giants = indicators.little_giants(Month(2026, 10))
    # September and October 2025: both firms (水土 still Beibei's); from November 2025: 天生's only
    assert above[Month(2025, 9)] == above[Month(2025, 10)] == 2
    assert above[Month(2025, 11)] == above[Month(2026, 10)] == 1
    assert giants[Month(2025, 10)] == 2 and giants[Month(2026, 10)] == 1
    # the firm itself is kept (history, readable), not deleted
    assert Enterprise.objects.filter(subdistrict__slug="shuitu").count() == 1


def test_reconciliation_is_on_the_months_units(login, bureau, two_firms):
    log("tiansheng", "2026-10", Metric.HIGH_TECH, 1)
    log("shuitu", "2025-10", Metric.HIGH_TECH, 1)
    with time_machine.travel(NOW, tick=False):
        client = login(bureau)
        after = {
            row.subdistrict.slug: row for row in client.get("/enterprises/reconcile/?month=2026-10").context["rows"]
        }
        before = {
            row.subdistrict.slug: row for row in client.get("/enterprises/reconcile/?month=2025-10").context["rows"]
        }
    # 2026-10: the 17 units of the new map, 水土 not among them; 天生's firm 1 = logged 1
    assert len(after) == 17 and not set(LEFT) & set(after) and set(JOINED) <= set(after)
    assert after["tiansheng"].registry == {Metric.HIGH_TECH: 1, Metric.TECH_BASED: 1}
    assert after["tiansheng"].difference(Metric.HIGH_TECH) == 0
    assert sum(row.registry[Metric.HIGH_TECH] for row in after.values()) == 1
    # 2025-10: the old 17, 水土 with its firm
    assert len(before) == 17 and set(LEFT) <= set(before) and not set(JOINED) & set(before)
    assert before["shuitu"].registry == {Metric.HIGH_TECH: 1, Metric.TECH_BASED: 1}
    assert before["shuitu"].difference(Metric.HIGH_TECH) == 0
    assert sum(row.registry[Metric.HIGH_TECH] for row in before.values()) == 2


def test_a_firm_of_a_unit_that_left_is_not_listed_as_moved_out(login, bureau, two_firms):
    shuitu = SubDistrict.objects.get(slug="shuitu")
    with time_machine.travel(NOW, tick=False):
        month = changes.month_changes(shuitu, Month(2025, 11))
        page = login(bureau).get("/enterprises/changes/shuitu/2025-11/").content.decode()
    for metric in Metric.values:
        assert month[metric].firms.get(changes.MOVED_OUT, []) == []
        assert month[metric].registry_before == month[metric].registry_after == 1  # went with its unit
    assert "2025年11月划出北碚区（划入两江新区）" in page and "不计为“迁出”" in page


def test_a_firm_of_shuitu_reads_with_a_notice(login, bureau, two_firms):
    shuitu, tiansheng = two_firms
    with time_machine.travel(NOW, tick=False):
        client = login(bureau)
        gone = client.get(f"/enterprises/{shuitu.pk}/").content.decode()
        here = client.get(f"/enterprises/{tiansheng.pk}/").content.decode()
    assert "所属街镇水土街道2025年11月划出北碚区（划入两江新区）：该企业随街镇一并划转" in gone
    assert "随街镇一并划转" not in here


def test_the_list_defaults_to_the_current_map_and_offers_the_units_that_left(login, bureau, two_firms):
    shuitu = SubDistrict.objects.get(slug="shuitu")
    with time_machine.travel(NOW, tick=False):
        client = login(bureau)
        listed = client.get("/enterprises/")
        asked = client.get(f"/enterprises/?subdistrict={shuitu.pk}")
    assert [f.name for f in listed.context["table"].data] == ["测试企业2有限公司"]
    assert [f.name for f in asked.context["table"].data] == ["测试企业1有限公司"]
    groups = dict(listed.context["filter"].form.fields["subdistrict"].choices[1:])
    assert ("已划出" in groups) and (str(shuitu.pk), "水土街道（2025年11月划出北碚区（划入两江新区））") in groups[
        "已划出"
    ]
    assert len(groups["现辖区"]) == 17
    assert "全部（现辖区）" in listed.content.decode()


def test_an_official_of_a_unit_that_left_still_reads_its_firms(login, other_official, two_firms):
    with time_machine.travel(NOW, tick=False):
        listed = login(other_official).get("/enterprises/")
    assert [f.name for f in listed.context["table"].data] == ["测试企业1有限公司"]


def test_profile_and_summary_are_on_the_current_map(login, bureau, two_firms):
    with time_machine.travel(NOW, tick=False):
        client = login(bureau)
        rows = client.get("/enterprises/profile/").context["rows"]
        summary = client.get("/api/v1/enterprises/summary").json()
    assert "shuitu" not in {row.subdistrict.slug for row in rows} and len(rows) == 17
    assert "shuitu" not in {row["slug"] for row in summary["subdistricts"]}
    assert sum(row["high_tech"] for row in summary["subdistricts"]) == 1


def test_importing_a_firm_of_shuitu_now_is_refused_and_nothing_written():
    good = firm_csv([["水土新材料有限公司", code(7), "水土街道", "", ""]])
    with time_machine.travel(NOW, tick=False), pytest.raises(ImportRefused) as info:
        run_import(good, "名录.csv")
    problems = [str(p) for p in info.value.problems]
    assert any(SHUITU_GONE in p and "C" in p for p in problems), problems
    assert not Enterprise.objects.exists()
    # the same file before November 2025 is accepted
    with time_machine.travel(at(2025, 10, 20), tick=False):
        summary = run_import(good, "名录.csv")
    assert Enterprise.objects.get().subdistrict.slug == "shuitu" and summary


# --- 2. the forecast and 预警 --------------------------------------------------------------------


@pytest.fixture
def counts_2026(db):
    """Each of the 12 continuing units: 10 high-tech firms in December 2025 and 20 in October
    2026; the five new towns 50 → 80 and the five units that left 100 in October 2025."""
    for slug in continuing():
        log(slug, "2025-12", Metric.HIGH_TECH, 10)
        log(slug, "2026-10", Metric.HIGH_TECH, 20)
    for slug in JOINED:
        log(slug, "2025-12", Metric.HIGH_TECH, 50)
        log(slug, "2026-10", Metric.HIGH_TECH, 80)
    for slug in LEFT:
        log(slug, "2025-10", Metric.HIGH_TECH, 100)


def test_district_forecast_2026_is_the_sum_over_the_12_continuing_units(counts_2026):
    with time_machine.travel(NOW, tick=False):
        district = registry_forecast.district_forecast(Month(2026, 10))
    slugs = {row.subdistrict.slug for row in district.rows}
    assert slugs == set(continuing()) and len(slugs) == 12
    # no earlier year with October and December: linear; (20 − 10) / 10 months = 1 a month,
    # 2 months left → 22 each, 12 × 22 = 264; already 12 × 20 = 240
    for row in district.rows:
        assert row.metrics[Metric.HIGH_TECH].projected == 22
    total = district.total[Metric.HIGH_TECH]
    assert (total.actual, total.projected) == (240, 264)


def test_warning_pages_name_no_unit_outside_the_targets(login, bureau, counts_2026):
    # certificates of 2024-03-01 are valid to 2027-02-28: within 12 months of 15 November 2026
    firm(1, "shuitu", [d("2024-03-01")], tech_year=2024)
    firm(2, "tiansheng", [d("2024-03-01")], tech_year=2024)
    with time_machine.travel(NOW, tick=False):
        client = login(bureau)
        warnings = client.get("/warnings/")
        accuracy = client.get("/warnings/accuracy/")
    assert warnings.status_code == accuracy.status_code == 200
    # the expiring firms: 天生's only (水土's firm went with its unit: its lapse is no loss of Beibei)
    assert [f.name for f in warnings.context["table"].data] == ["测试企业2有限公司"]
    listed = {row.subdistrict.slug for section in warnings.context["risks"] for row, _ in section.rows}
    assert listed <= set(continuing())
    html = warnings.content.decode()
    assert "水土街道" not in html and "水土街道" not in accuracy.content.decode()
    # the 口径 note: the 12 continuing units; the five new towns 目标待分解, not forecast
    assert "预计与目标比较按<strong>原方案口径：延续的12个街镇</strong>" in html
    assert "大湾镇、统景镇、大盛镇、兴隆镇、茨竹镇目标待分解，不作对目标的预计" in html


def test_backtest_is_like_for_like_over_the_continuing_units(counts_2026, monkeypatch):
    tried = []
    # the pure backtest (targets.backtest, "accuracy" in enterprises.forecast_backtest)
    pure = forecast_backtest.accuracy
    real = pure.backtest

    def spy(series_list, years, registry=None, pipeline=None):
        tried.append(len(series_list))
        return real(series_list, years, registry, pipeline)

    monkeypatch.setattr(pure, "backtest", spy)
    with time_machine.travel(NOW, tick=False):
        forecast_backtest.backtest()
    # every year tried is over the same 12 units (those with a line in 46号 still in Beibei)
    assert tried and set(tried) == {12}


# --- 3. the assessment ----------------------------------------------------------------------------


def test_assessment_2026_covers_the_new_map_and_says_pending_for_the_new_towns(login, bureau, counts_2026):
    with time_machine.travel(NOW, tick=False):
        data = figures.results(services.scheme_for(2026))
        page = login(bureau).get("/assessment/2026/")
    scored = [row["slug"] for rows in data["subdistricts"].values() for row in rows]
    assert sorted(scored) == sorted(continuing())
    assert [row["slug"] for row in data["pending"]] == JOINED
    dawan = data["pending"][0]
    assert dawan["total"] is None and dawan["rank"] is None and dawan["note"] == "目标待分解"
    target_items = [i for i in dawan["items"] if i["code"] in figures.TARGET_ITEMS]
    assert target_items and all(i["points"] is None and i["note"] == "目标待分解" for i in target_items)
    assert page.status_code == 200
    html = page.content.decode()
    assert "水土街道" not in html and "大湾镇" in html and "目标待分解" in html


def test_assessment_2025_covers_the_units_of_the_years_end(counts_2026):
    with time_machine.travel(NOW, tick=False):
        data = figures.results(services.scheme_for(2025))
    scored = {row["slug"] for rows in data["subdistricts"].values() for row in rows}
    assert data["counts_month"] == "2025年12月"
    assert scored == set(continuing()) and {row["slug"] for row in data["pending"]} == set(JOINED)


def test_assessment_exports_carry_the_pending_towns(login, bureau, counts_2026):
    with time_machine.travel(NOW, tick=False):
        client = login(bureau)
        assert client.get("/assessment/2026.xlsx").status_code == 200
        assert client.get("/assessment/2026.docx").status_code == 200


# --- 4. the API (read only: targets/api.py belongs to another piece) ------------------------------


def test_progress_api_lists_the_pending_towns_without_targets(login, bureau, counts_2026):
    with time_machine.travel(NOW, tick=False):
        payload = login(bureau).get("/api/v1/progress?month=2026-10").json()
    text = str(payload)
    assert "水土街道" not in text and "大湾镇" in text
    rows = {row["slug"]: row for row in payload["subdistricts"]}
    assert len(rows) == 17
    dawan, tiansheng = rows["dawan"][Metric.HIGH_TECH], rows["tiansheng"][Metric.HIGH_TECH]
    assert dawan["actual"] == 80 and dawan["status"] == "pending" and dawan["status_label"] == "目标待分解"
    assert dawan["target"] is None and dawan["rank_in_class"] is None and dawan["rank_overall"] is None
    assert tiansheng["actual"] == 20 and tiansheng["target"] is not None and tiansheng["rank_overall"] is not None


def test_registry_figures_of_a_moved_firm_stay_in_history(two_firms):
    shuitu, _ = two_firms
    assert shuitu.history.count() == 1 and dt.date(2024, 3, 1) == shuitu.recognitions.get().issue_date


def test_a_unit_that_left_is_no_destination_of_a_firms_move(two_firms):
    from enterprises.forms import AttributionFlagForm, ResolveFlagForm

    tiansheng = SubDistrict.objects.get(slug="tiansheng")
    with time_machine.travel(NOW, tick=False):
        offered = {sub.slug for sub in AttributionFlagForm(subdistrict=tiansheng).fields["destination"].queryset}
        resolved = {sub.slug for sub in ResolveFlagForm().fields["destination"].queryset}
    assert offered == set(continuing() + JOINED) - {"tiansheng"} and resolved == set(continuing() + JOINED)
