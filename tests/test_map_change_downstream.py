"""Everything downstream follows the map (issue 27, points 3 and 4): the bulletin's 口径 note and
its table of units 目标待分解, published bulletins kept as they were, the counts, the officials of a
unit that left or joined, 待办, and the 口径说明 page. Figures are computed by hand in the comments
from the plan's attachment (北碚府办发〔2025〕46号) and the small counts each test logs.
"""

import datetime as dt
import io

import docx
import openpyxl
import pytest

from bulletins.models import BulletinVersion
from bulletins.schema import SCHEMA
from bulletins.services import publish
from targets.models import BoundaryChange, SubDistrict
from targets.months import Month
from tests.support import log, pinned

pytestmark = pytest.mark.usefixtures("map_2025_11")

NOV = Month(2025, 11)

# 2025 targets of the 12 continuing units (46号 attachment), high-tech and tech-based
TARGETS_2025 = {
    "tiansheng": (14, 439),
    "chaoyang": (2, 168),
    "beiwenquan": (61, 1114),
    "longfengqiao": (11, 243),
    "xiema": (52, 505),
    "dongyang": (4, 84),
    "chengjiang": (9, 59),
    "jingguan": (2, 53),
    "tianfu": (5, 28),
    "liuyin": (2, 18),
    "sansheng": (2, 19),
    "jindaoxia": (1, 19),
}
# the five towns that joined (illustrative counts of this test)
NEW_TOWNS = {"dawan": (30, 300), "tongjing": (2, 20), "dasheng": (1, 10), "xinglong": (4, 40), "cizhu": (0, 5)}
NOTE = (
    "大湾镇、统景镇、大盛镇、兴隆镇、茨竹镇由原渝北区划入。本期全区合计按原方案口径（延续的12个街镇）"
    "与北碚府办发〔2025〕46号附件目标比较；新划入的5个镇目标待分解，只列数据、不排名。"
)
LEFT = "蔡家岗街道、水土街道、复兴街道、施家梁镇、童家溪镇划出北碚区（划入两江新区）"


def log_month(month, values):
    for slug, (high_tech, tech_based) in values.items():
        log(slug, month, "high_tech", high_tech)
        log(slug, month, "tech_based", tech_based)


@pytest.fixture
def november(db):
    """Every unit of 2025-11 reported: each continuing unit exactly at its 2025 target."""
    log_month("2025-11", TARGETS_2025 | NEW_TOWNS)


@pytest.fixture
def published_november(november, bureau):
    with pinned():
        return publish(NOV, bureau)


def section(figures, metric="high_tech"):
    return figures["metrics"][metric]


def test_the_november_2025_figures_carry_the_note_and_keep_the_new_towns_apart(published_november):
    figures = published_november.figures
    assert figures["caliber_note"] == f"2025年11月起，{LEFT}，{NOTE}"
    assert figures["caliber"] == "原方案口径：延续的12个街镇"
    assert figures["territory"] == "现辖区17个街镇"
    high = section(figures)
    in_classes = [r["slug"] for c in high["classes"].values() for r in c["rows"]]
    assert sorted(in_classes) == sorted(TARGETS_2025)
    assert [r["slug"] for r in high["pending"]] == ["dawan", "tongjing", "dasheng", "xinglong", "cizhu"]
    assert [(r["actual"], r["rank"], r["status_label"]) for r in high["pending"]][0] == (30, None, "目标待分解")
    assert high["pending"][0]["note"] == "2025年11月由原渝北区划入"
    # like for like: 14+2+61+11+52+4+9+2+5+2+2+1 = 165 against the same units' 2025 targets (165)
    total = high["total"]
    assert (total["actual"], total["target"], total["reported"], total["expected"]) == (165, 165, 12, 12)
    assert total["completion_pct"] == 100.0
    # 现辖区: 165 + 30+2+1+4+0 = 202, compared with no target
    assert (total["territory_actual"], total["territory_reported"], total["territory_expected"]) == (202, 17, 17)
    tech = section(figures, "tech_based")["total"]
    # 439+168+1114+243+505+84+59+53+28+18+19+19 = 2749; + 300+20+10+40+5 = 3124
    assert (tech["actual"], tech["target"], tech["territory_actual"]) == (2749, 2749, 3124)
    assert figures["expected"] == 17 and figures["not_reported"] == [] and figures["complete"]
    # the ranking text never names a unit without targets (大湾镇 has the most firms)
    for metric in ("high_tech", "tech_based"):
        named = section(figures, metric)["ahead"] + section(figures, metric)["lagging"]
        assert not set(named) & {"大湾镇", "统景镇", "大盛镇", "兴隆镇", "茨竹镇"}
    summary = "".join(figures["summary"])
    assert "按原方案口径，延续的12个街镇国家高新技术企业合计165家，为这些街镇2025年目标165家的100.0%" in summary
    assert "现辖区17个街镇国家高新技术企业合计202家（含目标待分解的5个镇37家，只列数据、不与目标比较）" in summary
    # headline goals are over 46号's whole attachment: not judged, and the text says why
    assert figures["goals"] == []
    assert "对照总体目标：北碚府办发〔2025〕46号的总体目标按其附件全部街镇设定" in summary
    assert "总体目标暂不对照判定，待方案修订后按新口径判定" in summary


def test_the_note_is_on_the_page_in_word_and_in_excel(published_november, bureau, login):
    client = login(bureau)
    with pinned():
        page = client.get("/bulletin/2025-11/").content.decode()
        word = docx.Document(io.BytesIO(client.get("/bulletin/2025-11.docx").content))
        book = openpyxl.load_workbook(io.BytesIO(client.get("/bulletin/2025-11.xlsx").content))
    note = f"口径说明：2025年11月起，{LEFT}，{NOTE}"
    assert note in page
    assert "目标待分解的街镇" in page and "全区合计（原方案口径：延续的12个街镇，12/12已填报）" in page
    assert "现辖区17个街镇合计（17/17已填报）" in page
    paragraphs = [p.text for p in word.paragraphs]
    assert note in paragraphs
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert "目标待分解的街镇" in cells and "大湾镇" in cells
    text = [c for ws in book for row in ws.iter_rows(values_only=True) for c in row if c]
    assert note in text
    assert "目标待分解的街镇" in text and "现辖区17个街镇合计（17/17已填报）" in text
    ranking = book["高新技术企业赛马比拼"]
    dawan = next(r for r in ranking.iter_rows(values_only=True) if r[1] == "大湾镇")
    assert dawan[2] == 30 and dawan[0] in (None, "", "—") and dawan[7] in (None, "", "—")


def test_october_2025_has_no_note_and_no_pending_table(bureau, login):
    log_month("2025-10", dict.fromkeys([s.slug for s in SubDistrict.objects.all() if s.joined is None], (5, 50)))
    with pinned():
        version = publish(Month(2025, 10), bureau)
    figures = version.figures
    assert figures["caliber_note"] == "" and figures["caliber"] == ""
    assert all(section(figures, m)["pending"] == [] for m in figures["metrics"])
    assert figures["expected"] == 17 and section(figures)["total"]["expected"] == 17
    assert "水土街道" in [r["name"] for c in section(figures)["classes"].values() for r in c["rows"]]


def test_a_bulletin_published_before_a_change_reads_the_same_after(published_november, bureau, login):
    client = login(bureau)
    with pinned():
        before_page = client.get("/bulletin/2025-11/").context["figures"]
        before_xlsx = client.get("/bulletin/2025-11.xlsx").content
    # the bureau records a later change, effective from the published month: 天生街道 merged away
    change = BoundaryChange.objects.create(
        district=SubDistrict.objects.get(slug="tiansheng").district,
        title="测试：天生街道并入北温泉街道",
        authority="测试文件",
        announced=dt.date(2025, 11, 2),
        effective=NOV.date,
    )
    SubDistrict.objects.filter(slug="tiansheng").update(
        left=NOV.date, left_how="merger", went_to="北温泉街道", left_by=change
    )
    from targets import freshness

    freshness.bump()
    with pinned():
        after = client.get("/bulletin/2025-11/")
        after_xlsx = client.get("/bulletin/2025-11.xlsx").content
    assert after.context["figures"] == before_page == BulletinVersion.objects.get().figures
    sheet = lambda data: [  # noqa: E731
        list(r) for r in openpyxl.load_workbook(io.BytesIO(data))["高新技术企业赛马比拼"].iter_rows(values_only=True)
    ]
    assert sheet(after_xlsx) == sheet(before_xlsx)
    # while a draft of the same month, computed now, follows the new map
    from bulletins.figures import build_figures

    with pinned():
        draft = build_figures(NOV)
    assert "天生街道并入北温泉街道" in draft["caliber_note"]
    assert draft["expected"] == 16


# --- counts: the grid, the template, the import and the month list show the month's units -------

OLD_UNITS = {"tiansheng", "shuitu", "fuxing", "caijiagang", "shijialiang", "tongjiaxi"}


def old_map_rows():
    """A file as an office types it from last year's list: the 17 units of October 2025."""
    return [[sub.name, 10, 100] for sub in SubDistrict.objects.in_plan_order() if sub.joined is None]


def test_the_grid_and_the_template_list_the_months_own_units(bureau, login):
    client = login(bureau)
    with pinned():
        october_2025 = client.get("/counts/2025-10/").content.decode()
        october_2026 = client.get("/counts/2026-10/").content.decode()
        template = openpyxl.load_workbook(io.BytesIO(client.get("/counts/2026-10/template.xlsx").content)).active
        old_template = openpyxl.load_workbook(io.BytesIO(client.get("/counts/2025-10/template.xlsx").content)).active
    assert 'name="v-shuitu-high_tech"' in october_2025 and 'name="v-dawan-high_tech"' not in october_2025
    assert 'name="v-dawan-high_tech"' in october_2026 and 'name="v-shuitu-high_tech"' not in october_2026
    names = [row[2].value for row in template.iter_rows(min_row=4) if row[2].value]
    old_names = [row[2].value for row in old_template.iter_rows(min_row=4) if row[2].value]
    assert len(names) == 17 and "大湾镇" in names and "水土街道" not in names
    assert len(old_names) == 17 and "水土街道" in old_names and "大湾镇" not in old_names


def test_a_file_naming_shuitu_is_refused_for_2026_10_and_accepted_for_2025_10(db):
    from targets.models import MonthlyCount
    from targets.services import CountsRejected, import_counts
    from tests.support import xlsx_bytes

    data = xlsx_bytes(old_map_rows())
    with pinned(), pytest.raises(CountsRejected) as info:
        import_counts(Month(2026, 10), "十月.xlsx", data, None, confirmed=True)
    # row 1 is the header, then the units in the attachment's order: 水土街道 is the 7th
    assert "工作表“Sheet1”第8行 A列（街镇）：水土街道已于2025年11月划出北碚区（划入两江新区）。" in info.value.errors
    assert not MonthlyCount.objects.exists()
    with pinned():
        written = import_counts(Month(2025, 10), "十月.xlsx", data, None, confirmed=True, default_note="测试")
    assert len(written) == 34
    assert MonthlyCount.objects.filter(subdistrict__slug="shuitu", month=dt.date(2025, 10, 1)).count() == 2


def test_the_new_towns_counts_are_entered_in_the_grid(bureau, login):
    from targets.models import MonthlyCount
    from tests.support import grid_data

    with pinned():
        response = login(bureau).post(
            "/counts/2026-10/", grid_data({("dawan", "high_tech"): 3, ("dawan", "tech_based"): 31})
        )
    assert response.status_code == 302, response.content.decode()[:500]
    got = dict(MonthlyCount.objects.filter(subdistrict__slug="dawan").values_list("metric", "value"))
    assert got == {"high_tech": 3, "tech_based": 31}


def test_the_month_list_counts_each_months_own_units(bureau, login):
    # 2025-10: the 17 old units all reported; 2025-11: the 12 continuing units and 大湾镇
    log_month("2025-10", dict.fromkeys([s.slug for s in SubDistrict.objects.all() if s.joined is None], (5, 50)))
    log_month("2025-11", dict.fromkeys(list(TARGETS_2025) + ["dawan"], (5, 50)))
    with pinned():
        statuses = login(bureau).get("/counts/").context["statuses"]
    by_month = {str(s.month): (s.reported, s.expected) for s in statuses}
    # 水土's October count is still there, and counts for October's 17; November's 17 are another 17
    assert by_month["2025-10"] == (17, 17)
    assert by_month["2025-11"] == (13, 17)
    assert by_month["2026-10"] == (0, 17)


# --- officials: of a unit that left (水土街道) and of a town that joined (大湾镇) -------------------


@pytest.fixture
def shuitu_official(db):
    from accounts.choices import Role
    from tests.support import make_user

    return make_user("shuitu_official", Role.SUBDISTRICT, subdistrict="shuitu")


@pytest.fixture
def dawan_official(db):
    from accounts.choices import Role
    from tests.support import make_user

    return make_user("dawan_official", Role.SUBDISTRICT, subdistrict="dawan")


def test_an_official_of_a_unit_that_left_is_offered_nothing_to_fill_in(shuitu_official, dawan_official, login):
    from beibei_dashboard.todo import items_for
    from tasks.contributions import contribution_status
    from tasks.models import KeyTask
    from tasks.periods import Period

    with pinned():
        shuitu_items = items_for(shuitu_official)
        dawan_items = items_for(dawan_official)
        # task 2 asks 各镇街: the units of October 2026's map, 大湾镇 and not 水土街道
        status = contribution_status(KeyTask.objects.with_units().get(kind="task", number=2), Period.parse("2026-10"))
        client = login(shuitu_official)
        form = client.get("/tasks/task/2/contributions/new/?period=2026-10")
        task_response = client.get("/tasks/2/")
        task_page = task_response.content.decode()
        check = client.get("/enterprises/check/")
        missing = client.post("/enterprises/check/missing/", {})
    assert [i for i in shuitu_items if i.group in ("配合情况", "进展报告", "属地核实")] == []
    assert any(i.group == "配合情况" for i in dawan_items)
    names = [row.contributor.name for row in status.rows]
    assert "大湾镇" in names and "水土街道" not in names and len(names) == 2 + 17
    assert form.status_code == 403
    assert task_response.status_code == 200 and "/contributions/new/" not in task_page
    # 属地核实: nothing to check or flag (its firms went with it)
    assert check.status_code == 200 and check.context["checks"] is False
    assert missing.status_code == 403
    # October 2025's contributors were the old 17
    old = contribution_status(KeyTask.objects.with_units().get(kind="task", number=2), Period.parse("2025-10"))
    assert "水土街道" in [row.contributor.name for row in old.rows]


def test_the_official_of_a_unit_that_left_reads_its_history_with_the_notice(shuitu_official, login):
    log("shuitu", "2025-10", "high_tech", 130)
    log("shuitu", "2025-10", "tech_based", 1200)
    with pinned():
        page = login(shuitu_official).get("/subdistricts/shuitu/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "2025年11月划出北碚区（划入两江新区）" in html
    assert page.context["month"] == Month(2025, 10)  # the default month falls back into its membership
    assert all(m <= Month(2025, 10) for m in page.context["months"])


def test_a_new_town_official_sees_its_page_with_targets_pending(dawan_official, login):
    log_month("2026-10", {"dawan": (3, 31)})
    with pinned():
        page = login(dawan_official).get("/subdistricts/dawan/?month=2026-10")
    html = page.content.decode()
    assert page.status_code == 200
    assert "目标待分解" in html and "2025年11月由原渝北区划入" in html


# --- the 口径说明 page -------------------------------------------------------------------------


def test_the_rules_page_explains_the_map_and_lists_the_changes_from_the_data(official, login):
    with pinned():
        html = login(official).get("/rules/").content.decode()
    assert "六、区划调整与方案版本" in html and "目标待分解" in html and "新增同口径" in html
    assert "本月为“原方案口径：延续的12个街镇”" in html
    assert f"2025年11月起，{LEFT}，大湾镇、统景镇、大盛镇、兴隆镇、茨竹镇由原渝北区划入" in html
    assert "经党中央、国务院批准，重庆市2025年11月6日新闻发布会公布" in html and "2025年11月6日" in html
    assert "北碚府办发〔2025〕46号" in html and "2023年1月起（现行）" in html
    # a change recorded later is listed from its row, with nothing typed in the template
    BoundaryChange.objects.create(
        district=SubDistrict.objects.get(slug="tiansheng").district,
        title="测试调整",
        authority="测试公告第1号",
        announced=dt.date(2026, 12, 1),
        effective=dt.date(2027, 1, 1),
    )
    with pinned():
        html = login(official).get("/rules/").content.decode()
    assert "测试公告第1号" in html and "2027年1月起" in html


# --- progress by hand: a partial month straddling the change, a transfer out, a transfer in --------


def test_a_partial_november_2025_is_judged_on_its_own_units_like_for_like(db):
    from fractions import Fraction

    from targets.metrics import STATUS_PENDING
    from targets.progress import district_progress

    # October 2025 (old map): 水土街道 reported; November: two continuing units and 大湾镇
    log_month("2025-10", {"shuitu": (130, 1200), "tiansheng": (13, 430)})
    log_month("2025-11", {"tiansheng": (14, 439), "xiema": (50, 505), "dawan": (30, 300)})
    with pinned():
        progress = district_progress(NOV)
        october = district_progress(Month(2025, 10))
    slugs = [row.subdistrict.slug for row in progress.rows]
    assert len(slugs) == 17 and "shuitu" not in slugs and "dawan" in slugs
    assert progress.reporting_label == "3/17 个街镇已填报"
    assert "水土街道" not in progress.missing_names and "大湾镇" not in progress.missing_names
    total = progress.total["high_tech"]
    # like for like over the continuing units that reported: 天生 14 + 歇马 50 = 64 against their
    # own 2025 targets 14 + 52 = 66; bases (no December 2024 count) the 2024 figures 12 + 44 = 56
    assert (total.actual, total.target, total.base) == (64, 66, 56)
    assert (total.covered, total.expected) == (2, 12)
    assert total.completion == Fraction(64, 66)
    assert total.increment_completion == Fraction(64 - 56, 66 - 56)  # 80%
    # 现辖区: 64 + 大湾镇 30 = 94, compared with no target
    assert total.territory_actual == 94 and total.territory_covered == 3
    dawan = progress.row_for(SubDistrict.objects.get(slug="dawan")).metrics["high_tech"]
    assert (dawan.actual, dawan.status, dawan.rank_in_class, dawan.rank_overall, dawan.target) == (
        30,
        STATUS_PENDING,
        None,
        None,
        None,
    )
    ranked = [r.subdistrict.slug for r in progress.rows if r.metrics["high_tech"].rank_overall is not None]
    assert sorted(ranked) == ["tiansheng", "xiema"]
    # the transfer out: 水土街道's October count is intact and judged on the old map
    shuitu = october.row_for(SubDistrict.objects.get(slug="shuitu")).metrics["high_tech"]
    assert shuitu.actual == 130 and len(october.rows) == 17
    assert "dawan" not in [row.subdistrict.slug for row in october.rows]


def test_the_assessment_scores_the_units_of_the_years_map(db):
    from assessment import figures, services

    with pinned():
        data = figures.results(services.scheme_for(2026))
    scored = [row["slug"] for rows in data["subdistricts"].values() for row in rows]
    assert sorted(scored) == sorted(TARGETS_2025)  # the 12 continuing units, in their classes
    assert [row["name"] for row in data["pending"]] == ["大湾镇", "统景镇", "大盛镇", "兴隆镇", "茨竹镇"]
    assert data["pending"][0]["note"] == "目标待分解"


def test_figures_stored_in_schema_2_read_as_a_whole_map(bureau, login):
    log_month("2025-10", dict.fromkeys([s.slug for s in SubDistrict.objects.all() if s.joined is None], (5, 50)))
    with pinned():
        version = publish(Month(2025, 10), bureau)
        page = login(bureau).get("/bulletin/2025-10/")
    old = dict(version.figures)
    for key in ("caliber", "territory", "caliber_note", "goals_note", "pending_title"):
        old.pop(key)
    old["schema"] = 2
    old["metrics"] = {
        metric: {k: v for k, v in section.items() if k != "pending"} for metric, section in old["metrics"].items()
    }
    for section in old["metrics"].values():
        section["total"] = {k: v for k, v in section["total"].items() if not k.startswith("territory_")}
    BulletinVersion.objects.filter(pk=version.pk).update(figures=old)
    from django.core.cache import cache

    cache.clear()
    with pinned():
        again = login(bureau).get("/bulletin/2025-10/")
    upgraded = again.context["figures"]
    assert upgraded["schema"] == SCHEMA and upgraded["caliber_note"] == "" and upgraded["caliber"] == ""
    assert all(section["pending"] == [] for section in upgraded["metrics"].values())
    total = upgraded["metrics"]["high_tech"]["total"]
    assert (total["territory_actual"], total["territory_expected"]) == (total["actual"], 17)
    assert again.context["tables"] == page.context["tables"]
    assert "口径说明：" not in again.content.decode()


def test_the_publish_page_lists_what_it_freezes_including_the_new_towns(november, bureau, login):
    with pinned():
        page = login(bureau).get("/bulletin/2025-11/publish/")
    counts = page.context["plan"].counts
    assert [row["name"] for row in counts][-5:] == ["大湾镇", "统景镇", "大盛镇", "兴隆镇", "茨竹镇"]
    assert counts[-5]["high_tech"] == 30 and len(counts) == 17
    assert "水土街道" not in [row["name"] for row in counts]
