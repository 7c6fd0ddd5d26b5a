"""Scores of uneven data, computed by hand; publishing freezes them; each role sees what it may."""

import io

import openpyxl
import pytest
from docx import Document

from accounts.choices import Role
from assessment import figures, services
from assessment.models import AssessmentResult, AssessmentScheme
from targets.models import MonthlyCount
from tasks.models import KeyTask
from tests.support import make_user

pytestmark = pytest.mark.django_db


def sub_row(data, slug):
    return next(r for rows in data["subdistricts"].values() for r in rows if r["slug"] == slug)


def unit_row(data, name):
    return next(r for r in data["units"] if r["name"] == name)


def points(row):
    return {i["code"]: i["points"] for i in row["items"]}


def test_subdistrict_scores_by_hand(uneven):
    data = figures.results(services.scheme_for(2026))
    assert data["counts_month"] == "2026年10月" and data["reports_month"] == "2026年10月"
    tiansheng = sub_row(data, "tiansheng")
    # 高新: two asked from 14, fewer than 5, read in firms: 10/12 + (1 − 2 × 10/12)/5 = 70% of 35 = 24.5; 科技型: (470−440)/(496−440) = 30/56 of 35 = 18.75
    # 2027: mean of (15−10)/(18−10) = 5/8 and (470−268)/(554−268) = 101/143 = 1523/2288, × 20 = 13.31
    # 配合: 4 各镇街 tasks (2, 4, 5, measure 1) × 10 months = 40 due; Q3 on task 4 (3) + October on task 2 (1) = 10%
    assert points(tiansheng) == {
        "high_tech_increment": 24.5,
        "tech_based_increment": 18.75,
        "progress_2027": 13.31,
        "participation": 1.0,
    }
    assert tiansheng["total"] == 57.56  # 24.5 + 18.75 + 13.3129… + 1
    assert [i["rate"] for i in tiansheng["items"]] == [70.0, 53.6, 66.6, 10.0]
    chaoyang = sub_row(data, "chaoyang")
    # base = plan 2025 (2, 168): 高新 (3−2)/(3−2) = 100%; 科技型 (200−168)/(190−168) > 100% capped;
    # 2027: mean of 2/3 and 98/108 = 85/108, × 20 = 15.74
    assert points(chaoyang) == {
        "high_tech_increment": 35.0,
        "tech_based_increment": 35.0,
        "progress_2027": 15.74,
        "participation": 0.0,
    }
    assert chaoyang["total"] == 85.74
    a_class = data["subdistricts"]["A"]
    assert [(r["slug"], r["rank"]) for r in a_class[:2]] == [("chaoyang", 1), ("tiansheng", 2)]
    assert all(r["rank"] == 3 and r["total"] == 0 for r in a_class[2:])  # no counts: 0, sharing the last rank
    assert all(r["rank"] == 1 for r in data["subdistricts"]["B"])


def test_unit_scores_by_hand(uneven):
    data = figures.results(services.scheme_for(2026))
    zhaoshang = unit_row(data, "区招商投资促进局")
    # task 3, January–October: Q1 (filed 04-08) covers Jan–Mar, on time for March only; May filed
    # 06-20 (late); September was sent back (not counted). Covered 4/10, on time 1/10.
    # 50 × 0.4 + 30 × 0.1 = 23 of the 80 points that apply (it is nobody's responsible unit) → 28.75
    assert points(zhaoshang) == {"report_coverage": 20.0, "report_timeliness": 3.0}
    assert zhaoshang["total"] == 28.75
    jxw = unit_row(data, "区经济信息委")
    # leads tasks 2, 4, 5, 7–10 without a report: 0 and 0; responsible on tasks 3, 6, 12, 13, 14, 16, 18 and
    # named on the four measures: 11 × 10 = 110 due, 1 done → 20/110 = 0.18
    assert points(jxw) == {"report_coverage": 0.0, "report_timeliness": 0.0, "contribution_rate": 0.18}
    assert jxw["total"] == 0.18
    assert data["units"][0]["name"] == "区招商投资促进局" and data["units"][0]["rank"] == 1


def test_scheme_weights_change_the_scores_and_keep_history(login, bureau, uneven):
    client = login(bureau)
    post = {f"{code}__{key}": value for code, w in [
        ("high_tech_increment", 50), ("tech_based_increment", 20), ("progress_2027", 20), ("participation", 10),
        ("report_coverage", 50), ("report_timeliness", 30), ("contribution_rate", 20),
    ] for key, value in (("weight", w), ("full", 100), ("floor", 0))}  # fmt: skip
    assert client.post("/assessment/2026/scheme/", post).status_code == 302
    scheme = AssessmentScheme.objects.get(year=2026)
    assert scheme.version == 1
    # tiansheng: 50 × 0.7 + 20 × 30/56 + 13.3129 + 1 = 35 + 10.7143 + 13.3129 + 1 = 60.03
    assert sub_row(figures.results(scheme), "tiansheng")["total"] == 60.03
    response = client.post("/assessment/2026/scheme/", post | {"high_tech_increment__weight": 60})
    assert "街镇考核各项分值合计应为100分，现为110分。" in response.content.decode()
    response = client.post("/assessment/2026/scheme/", post)
    assert "修改考核方案须填写修改原因" in response.content.decode()
    client.post("/assessment/2026/scheme/", post | {"reason": "按区政府办意见调整"})
    scheme.refresh_from_db()
    assert scheme.version == 2
    assert [h.history_change_reason for h in scheme.history.all()] == ["按区政府办意见调整", "设立考核方案"]


def test_publish_freezes_and_a_revision_needs_a_reason(login, bureau, leader, uneven):
    client = login(bureau)
    assert client.post("/assessment/2026/publish/").status_code == 302
    assert not AssessmentResult.objects.exists()  # no scheme yet: refused
    services.save_scheme(year=2026, items=services.scheme_for(2026).items, note="", user=bureau, reason="")
    client.post("/assessment/2026/publish/")
    result = AssessmentResult.objects.get()
    assert sub_row(result.figures, "tiansheng")["total"] == 57.56
    corrected = MonthlyCount.objects.get(subdistrict__slug="tiansheng", month="2026-10-01", metric="high_tech")
    corrected.value = 16  # a correction as the app saves it (a save, which gives the data a new version)
    corrected.save()
    page = login(leader).get("/assessment/2026/").content.decode()
    assert "57.56" in page and "若按当前数据" in page  # published unchanged, running moved (16 reaches target)
    # 16 reaches the target: 35 + 18.75 + 20 × mean(6/8, 101/143) = 20 × 833/1144 = 14.56… + 1 = 69.31
    assert sub_row(figures.results(services.scheme_for(2026)), "tiansheng")["total"] == 69.31
    client.post("/assessment/2026/publish/")
    assert AssessmentResult.objects.count() == 1  # no reason: refused
    client.post("/assessment/2026/publish/", {"reason": "天生街道10月数据更正"})
    assert AssessmentResult.objects.get(number=2).reason == "天生街道10月数据更正"
    assert login(leader).post("/assessment/2026/publish/", {"reason": "x"}).status_code == 403


def test_officials_and_units_see_only_their_own_published_score(login, bureau, official, other_official, zhaoshang,
                                                               unit_user, uneven, map_2025_11):  # fmt: skip
    assert "尚未发布" in login(official).get("/assessment/2026/").content.decode()
    assert "若按当前数据" not in login(official).get("/assessment/2026/").content.decode()
    services.save_scheme(year=2026, items=services.scheme_for(2026).items, note="", user=bureau, reason="")
    services.publish(year=2026, user=bureau)
    page = login(official).get("/assessment/2026/").content.decode()
    assert "天生街道" in page and "57.56" in page and "朝阳街道" not in page and "区招商投资促进局" not in page
    page = login(zhaoshang).get("/assessment/2026/").content.decode()
    assert "28.75" in page and "天生街道" not in page and "区经济信息委" not in page
    # 水土街道 left Beibei in November 2025: not assessed for 2026, its official reads no row
    api = login(other_official).get("/api/v1/assessment?year=2026").json()
    assert [r["slug"] for rows in api["published"]["subdistricts"].values() for r in rows] == []
    assert api["published"]["pending"] == []
    assert api["running"] is None and api["published"]["units"] == []
    # 大湾镇 joined without targets: its official reads its own row, 目标待分解, no total
    dawan = make_user("dawan_user", Role.SUBDISTRICT, subdistrict="dawan")
    api = login(dawan).get("/api/v1/assessment?year=2026").json()
    assert [r["slug"] for r in api["published"]["pending"]] == ["dawan"]
    assert api["published"]["pending"][0]["total"] is None
    assert [r for rows in api["published"]["subdistricts"].values() for r in rows] == []
    api = login(bureau).get("/api/v1/assessment?year=2026").json()
    assert len([r for rows in api["running"]["subdistricts"].values() for r in rows]) == 12
    assert len(api["running"]["pending"]) == 5
    assert login(bureau).get("/api/v1/assessment?year=2031").status_code == 400


def test_a_town_that_joined_is_asked_for_contributions_from_the_month_it_joined(bureau, map_2025_11):
    """大湾镇 joined in November 2025: of 2025 it owes November and December on the four 各镇街
    tasks (2, 4, 5, measure 1), 8 contributions, not 4 × 12 = 48."""
    import time_machine

    from tasks.services import save_contribution
    from tests.support import at

    dawan = make_user("dawan_user", Role.SUBDISTRICT, subdistrict="dawan")
    key = ("subdistrict", dawan.subdistrict_id)
    task = KeyTask.objects.get(kind="task", number=2)
    with time_machine.travel(at(2026, 1, 5), tick=False):
        save_contribution(task=task, key=key, user=dawan, period="2025-11", done="配合")
        save_contribution(task=task, key=key, user=dawan, period="2025-12", done="配合")
    data = figures.results(services.scheme_for(2025))
    assert data["reports_month"] == "2025年12月"
    row = next(r for r in data["pending"] if r["slug"] == "dawan")
    participation = next(i for i in row["items"] if i["code"] == "participation")
    assert participation["rate"] == 25.0  # 2 of 8, not 2 of 48 (4.2%)
    assert participation["points"] == 2.5  # 10 × 25%


def test_exports_xlsx_and_gbt9704_docx(login, leader, uneven):
    client = login(leader)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/assessment/2026.xlsx").content))["考核结果"]
    cells = [c.value for r in sheet.iter_rows() for c in r if c.value is not None]
    assert "北碚区“高科双企”双倍增2026年度考核结果（若按当前数据，未发布）" in cells
    assert "朝阳街道" in cells and 85.74 in cells and 28.75 in cells
    rows = {r[1]: list(r[: max(i for i, v in enumerate(r) if v is not None) + 1])
            for r in sheet.iter_rows(values_only=True) if len(r) > 1 and r[1]}  # fmt: skip
    # numbers, not text: rate in %, points, for every item; 32/22 = 145.5%, 85/108 = 78.7%
    assert rows["朝阳街道"] == [1, "朝阳街道", 100.0, 35.0, 145.5, 35.0, 78.7, 15.74, 0.0, 0.0, 85.74]
    assert rows["区招商投资促进局"] == [1, "区招商投资促进局", 40.0, 20.0, 10.0, 3.0, "不适用", "不适用", 28.75]
    doc = Document(io.BytesIO(client.get("/assessment/2026.docx").content))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4, stored in twips
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    assert doc.paragraphs[0].text == "附件" and doc.paragraphs[0].runs[0].font.name == "黑体"
    body = next(p for p in doc.paragraphs if p.text.startswith("数据截至"))
    assert body.runs[0].font.name == "仿宋_GB2312" and body.runs[0].font.size.pt == 16
    assert any("85.74" in cell.text for table in doc.tables for row in table.rows for cell in row.cells)


def test_result_workbook_prints_on_whole_pages_with_one_number_format(login, leader, uneven):
    workbook = openpyxl.load_workbook(io.BytesIO(login(leader).get("/assessment/2026.xlsx").content))
    result, rules = workbook["考核结果"], workbook["计分规则"]
    for sheet, orientation in ((result, "landscape"), (rules, "portrait")):
        setup = sheet.page_setup
        assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == (orientation, 1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and str(setup.paperSize) == sheet.PAPERSIZE_A4
    assert result.print_title_rows == "$1:$1" and "A1:K1" in {str(r) for r in result.merged_cells.ranges}
    numbers = {
        (type(c.value).__name__, c.number_format)
        for r in result.iter_rows()
        for c in r
        if isinstance(c.value, int | float)
    }
    # whole numbers (ranks, 100.0, 35.0) without decimals, the others (85.74, 145.5) as written
    assert {fmt for _, fmt in numbers} == {"0", "0.0#"}
    header = next(r for r in result.iter_rows() if r[1].value == "街镇")
    assert header[2].font.bold and header[2].alignment.wrap_text
    assert result.row_dimensions[header[2].row].height > 15  # the wrapped header shows whole


@pytest.mark.parametrize("url", ["/assessment/2026/", "/todo/", "/api/v1/assessment?year=2026"])
def test_pages_cost_the_same_queries_with_more_reports_and_contributions(login, bureau, unit_user, official, url,
                                                                         django_assert_max_num_queries):  # fmt: skip
    from tasks.services import save_contribution
    from tests.support import at, file_report

    client = login(bureau)
    file_report(2, "2026-01", unit_user, when=at(2026, 2, 5))
    with django_assert_max_num_queries(60) as before:
        assert client.get(url).status_code == 200
    baseline = len(before)
    for month in range(2, 10):
        file_report(2, f"2026-{month:02d}", unit_user, when=at(2026, month + 1, 5))
        file_report(4, f"2026-{month:02d}", unit_user, when=at(2026, month + 1, 15))
        save_contribution(task=KeyTask.objects.get(kind="task", number=4), key=("subdistrict", official.subdistrict_id),
                          user=official, period=f"2026-{month:02d}", done="配合")  # fmt: skip
    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200
