"""The monthly bulletin: figures and summary by hand, publishing, revisions, exports, access."""

import io
import re
import shutil
import subprocess

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from bulletins.figures import build_figures
from bulletins.models import BulletinVersion
from bulletins.services import PublishRefused, publish
from targets.models import MonthlyCount, SubDistrict
from targets.months import Month
from targets.services import CountsRejected, save_month
from tests.support import OCT, log

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]


def row(figures, metric, slug):
    return next(r for c in figures["metrics"][metric]["classes"].values() for r in c["rows"] if r["slug"] == slug)


def test_ranking_tables_by_class_with_ties_changes_and_totals(uneven):
    figures = build_figures(OCT)
    ht = figures["metrics"]["high_tech"]
    a_rows = ht["classes"]["A"]["rows"]
    # by 新增完成率: beiwenquan (67-61)/(67-61) = longfengqiao at its target 12 = 100% (tie, rank 1, both
    # completion 100%), xiema 6/7 = 85.7%, fuxing 21 of 22 from 20 (two asked, read in firms):
    # 10/12 + (1 − 2 × 10/12)/5 = 70%, shuitu (170-160)/(177-160) = 10/17 = 58.8%
    assert [(r["name"], r["rank"]) for r in a_rows[:5]] == [
        ("北温泉街道", 1),
        ("龙凤桥街道", 1),
        ("歇马街道", 3),
        ("复兴街道", 4),
        ("水土街道", 5),
    ]
    fuxing = row(figures, "high_tech", "fuxing")
    assert (fuxing["increment_completion_pct"], fuxing["new_year"], fuxing["need"], fuxing["small"]) == (
        70.0,
        1,
        2,
        True,
    )
    assert all(r["rank"] is None and r["actual"] is None for r in a_rows[5:])  # unreported: no rank
    assert row(figures, "high_tech", "xiema")["new_month"] == 1
    assert row(figures, "high_tech", "shuitu")["new_month"] == -1
    # September (the same five ranked in class A): longfengqiao 1/1, beiwenquan 5/6, xiema 5/7,
    # fuxing 9/12 + (1 − 2 × 9/12)/5 = 65%, shuitu 11/17 = 64.7% -> 1, 2, 3, 4, 5
    assert row(figures, "high_tech", "beiwenquan")["rank_change"] == 1  # from 2nd to 1st
    assert row(figures, "high_tech", "longfengqiao")["rank_change"] == 0
    assert row(figures, "high_tech", "shuitu")["rank_change"] == 0
    assert row(figures, "high_tech", "fuxing")["rank_change"] == 0
    # overall: 澄江镇 reported in October only, so the district ranking is not comparable
    assert row(figures, "high_tech", "beiwenquan")["rank_overall"] == 1
    a_total = ht["classes"]["A"]["total"]
    assert (a_total["actual"], a_total["reported"], a_total["expected"]) == (67 + 12 + 58 + 21 + 170, 5, 11)
    # like for like: the five reporters' own targets and bases, not the class's
    assert a_total["target"] == 67 + 12 + 59 + 22 + 177 == 337
    assert a_total["base"] == 61 + 11 + 52 + 20 + 160 == 304
    assert a_total["increment_completion_pct"] == round(100 * 24 / 33, 1)  # (328-304)/(337-304)
    assert a_total["new_month"] == 1 + 0 + 1 + 0 - 1
    b = ht["classes"]["B"]
    assert [r["name"] for r in b["rows"]][0] == "澄江镇" and b["rows"][0]["rank"] == 1
    assert b["total"]["actual"] == 9
    assert ht["total"]["actual"] == 337 and ht["total"]["reported"] == 6
    assert ht["lagging"] == ["水土街道", "复兴街道", "澄江镇"]  # increments 10/17, 1/2, 1/2 < 73.3%


def test_summary_figures_by_hand(uneven):
    figures = build_figures(OCT)
    text = "".join(figures["summary"])
    # like for like: 337 of the six reporters' own target 337 + 10 = 347 (97.1%), never of the district's 524
    assert "已填报的6个街镇（共17个）国家高新技术企业合计337家，为这些街镇2026年目标347家的97.1%" in text
    assert "524" not in text
    assert "进度滞后的有水土街道、复兴街道、澄江镇（3个）" in text
    # counts are entered by the bureau from its lists of firms: the bulletin says so, not "请抓紧报送"
    assert "个的数据已录入" in text and "的数据尚未录入" in text and "天生街道" in text
    assert "请抓紧报送" not in text and "由区科技局根据企业名录录入" in text
    # no month in which every sub-district reported: no goal is judged on a subset
    assert "到2027年国家高新技术企业超过570家（暂无全部街镇填报的月份，暂不判定）" in text
    assert "到2025年国家高新技术企业超过470家，未判定（2025年12月数据未齐）" in text
    assert figures["time_progress_pct"] == 83.3
    assert figures["title"] == "北碚区“高科双企”双倍增工作进展月通报（2026年10月）"


def test_summary_above_or_below_time_progress():
    from bulletins.text import vs_progress

    assert vs_progress(88.3, 83.3) == "高于序时进度5.0个百分点"
    assert vs_progress(83.0, 83.3) == "低于序时进度0.3个百分点"
    assert vs_progress(83.3, 83.3) == "与序时进度持平"
    assert vs_progress(None, 83.3) == "新增完成率无法计算"


def test_goals_judged_at_december_of_their_year_with_every_subdistrict():
    for sub in SubDistrict.objects.all():
        MonthlyCount.objects.create(subdistrict=sub, month=Month(2025, 12).date, metric="high_tech", value=28)
    figures = build_figures(OCT)
    goal = next(g for g in figures["goals"] if g["metric"] == "high_tech" and g["year"] == 2025)
    # 17 × 28 = 476 > 470
    assert (goal["value"], goal["met"], goal["final"]) == (476, True, True)
    assert "已实现（2025年末476家）" in "".join(figures["summary"])


def test_publish_freezes_the_figures_and_locks_the_month(uneven, bureau, login):
    version = publish(OCT, bureau, confirm_partial=True)
    assert version.number == 1
    frozen_page = login(bureau).get("/bulletin/2026-10/").content.decode()
    frozen_xlsx = login(bureau).get("/bulletin/2026-10.xlsx").content
    xiema = SubDistrict.objects.get(slug="xiema")
    with pytest.raises(CountsRejected, match="已锁定"):
        save_month(OCT, {(xiema.pk, "high_tech"): (59, "")}, bureau)
    save_month(OCT, {(xiema.pk, "high_tech"): (59, "")}, bureau, reason="街道补报")
    again = login(bureau).get("/bulletin/2026-10/")
    assert again.context["figures"] == BulletinVersion.objects.get().figures
    assert row(again.context["figures"], "high_tech", "xiema")["actual"] == 58

    def without_tokens(html):  # a random CSRF token may itself contain "58"
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)

    assert without_tokens(again.content.decode()).count("58") == without_tokens(frozen_page).count("58")
    sheet = openpyxl.load_workbook(io.BytesIO(login(bureau).get("/bulletin/2026-10.xlsx").content))[
        "高新技术企业赛马比拼"
    ]
    before = openpyxl.load_workbook(io.BytesIO(frozen_xlsx))["高新技术企业赛马比拼"]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [list(r) for r in before.iter_rows(values_only=True)]


def test_revision_needs_a_reason_keeps_the_earlier_version_and_shows_changes(uneven, bureau, login):
    publish(OCT, bureau, confirm_partial=True)
    with pytest.raises(PublishRefused, match="无需发布修订版|须填写修订原因"):
        publish(OCT, bureau, confirm_partial=True)
    with pytest.raises(PublishRefused, match="无需发布修订版"):
        publish(OCT, bureau, "没有变化", confirm_partial=True)
    xiema = SubDistrict.objects.get(slug="xiema")
    save_month(OCT, {(xiema.pk, "high_tech"): (59, "")}, bureau, reason="街道补报")
    with pytest.raises(PublishRefused, match="须填写修订原因"):
        publish(OCT, bureau, confirm_partial=True)
    revised = publish(OCT, bureau, "歇马街道补报1家", confirm_partial=True)
    assert revised.number == 2
    c = login(bureau)
    page = c.get("/bulletin/2026-10/")
    assert ("歇马街道高新技术企业", 58, 59) in page.context["view"].changes
    html = page.content.decode()
    assert "修订说明" in html and "歇马街道补报1家" in html
    first = c.get("/bulletin/2026-10/?version=1")
    assert row(first.context["figures"], "high_tech", "xiema")["actual"] == 58
    assert "已被后续修订版取代" in first.content.decode()
    assert c.get("/bulletin/2026-10/?version=9").status_code == 404
    listing = c.get("/bulletin/").content.decode()
    assert "已发布（已修订）" in listing
    assert "数据未齐：0/17 个街镇已填报" in listing  # October: nobody reported both metrics


def test_publish_through_the_page_and_the_command(uneven, bureau, login, capsys):
    c = login(bureau)
    page = c.get("/bulletin/2026-10/publish/").content.decode()
    assert "确认在数据未齐时发布" in page and "0/17 个街镇已填报" in page
    unconfirmed = c.post("/bulletin/2026-10/publish/", {"reason": ""})
    assert unconfirmed.status_code == 302 and unconfirmed["Location"] == "/bulletin/2026-10/publish/"
    refused = c.post("/bulletin/2026-10/publish/", {"reason": "", "confirm": "1"}, follow=True)
    assert "数据未齐" in refused.content.decode() and "天生街道" in refused.content.decode()
    assert not BulletinVersion.objects.exists()
    response = c.post("/bulletin/2026-10/publish/", {"reason": "", "confirm": "1", "confirm_partial": "on"})
    assert response.status_code == 302
    assert BulletinVersion.objects.count() == 1
    with pytest.raises(CommandError, match="须填写修订原因|无需发布修订版"):
        call_command("publish_bulletin", "2026-10", "--confirm-partial")
    log("tiansheng", "2026-09", "high_tech", 16)
    with pytest.raises(CommandError, match="数据未齐.*北温泉街道"):
        call_command("publish_bulletin", "2026-09")
    call_command("publish_bulletin", "2026-09", "--confirm-partial")
    assert "2026年9月通报已发布（第1版）" in capsys.readouterr().out
    with pytest.raises(CommandError, match="尚无任何填报数据"):
        call_command("publish_bulletin", "2026-08")
    with pytest.raises(CommandError, match="不在可发布"):
        call_command("publish_bulletin", "2026-12")


def test_only_bureau_staff_publish(uneven, leader, official, unit_user, login):
    for user in (leader, official, unit_user):
        assert login(user).post("/bulletin/2026-10/publish/", {"confirm": "1"}).status_code == 403
        assert login(user).get("/bulletin/2026-10/publish/").status_code == 403
    assert not BulletinVersion.objects.exists()


def test_who_sees_drafts_and_published_bulletins(uneven, bureau, leader, official, unit_user, login):
    urls = ["/bulletin/2026-10/", "/bulletin/2026-10.xlsx", "/bulletin/2026-10.docx"]
    for url in urls:
        assert login(bureau).get(url).status_code == 200
        assert login(leader).get(url).status_code == 200
        assert login(official).get(url).status_code == 403
        assert login(unit_user).get(url).status_code == 403
    assert "2026年10月" not in login(official).get("/bulletin/").content.decode()
    publish(OCT, bureau, confirm_partial=True)
    for url in urls:
        assert login(official).get(url).status_code == 200
        assert login(unit_user).get(url).status_code == 200
    assert "2026年10月" in login(official).get("/bulletin/").content.decode()


def test_draft_is_marked_on_the_page_and_in_the_exports(uneven, leader, login):
    c = login(leader)
    assert "草稿" in c.get("/bulletin/2026-10/").content.decode()
    wb = openpyxl.load_workbook(io.BytesIO(c.get("/bulletin/2026-10.xlsx").content))
    assert "草稿" in wb["高新技术企业赛马比拼"]["A1"].value
    import docx

    document = docx.Document(io.BytesIO(c.get("/bulletin/2026-10.docx").content))
    title = next(p for p in document.paragraphs if p.style.name == "公文标题")
    assert "草稿" in title.text and any("期数发布时确定" in p.text for p in document.paragraphs)


def test_an_unreported_line_has_no_rank_on_the_page(uneven, leader, login):
    """In a partial month the ranking table shows "—" for a sub-district that did not report,
    as the Word and Excel tables leave it blank: never Python's "None"."""
    html = login(leader).get("/bulletin/2026-10/").content.decode()
    assert '<td>—</td><td class="name">天生街道</td>' in html
    assert "<td>None</td>" not in html


def test_xlsx_is_print_ready(uneven, leader, login):
    wb = openpyxl.load_workbook(io.BytesIO(login(leader).get("/bulletin/2026-10.xlsx").content))
    assert wb.sheetnames == ["通报正文", "高新技术企业赛马比拼", "科技型企业赛马比拼", "重点任务", "预警"]
    ws = wb["高新技术企业赛马比拼"]
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$4:$5"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"C4:D4", "E4:H4", "A4:A5", "B4:B5"} <= merged  # two-level header
    values = [[c.value for c in r] for r in ws.iter_rows(min_row=6)]
    beiwenquan = next(r for r in values if r[1] == "北温泉街道")
    assert beiwenquan[2] == 67 and beiwenquan[5] == 1.0
    percent_cell = next(c for r in ws.iter_rows(min_row=6) for c in r if c.column == 6 and c.value is not None)
    assert percent_cell.number_format == "0.0%"


def test_exports_never_emit_formulas_from_text(uneven, leader, login):
    figures = build_figures(OCT)
    figures["summary"] = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)"]
    from bulletins.xlsx_export import bulletin_xlsx

    wb = openpyxl.load_workbook(io.BytesIO(bulletin_xlsx(figures, draft=True)))
    cells = [row[0] for row in wb["通报正文"].iter_rows(min_row=5) if str(row[0].value).startswith("'")]
    assert len(cells) == 4 and all(c.data_type == "s" for c in cells)


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_libreoffice_converts_the_exports_to_pdf(uneven, leader, login, tmp_path, fmt):
    source = tmp_path / f"bulletin.{fmt}"
    source.write_bytes(login(leader).get(f"/bulletin/2026-10.{fmt}").content)
    result = subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        timeout=180,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    pdf = tmp_path / "bulletin.pdf"
    assert pdf.exists(), result.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 5000


def test_bulletin_page_costs_a_fixed_number_of_queries(uneven, leader, login, django_assert_max_num_queries):
    c = login(leader)
    # counts, plan, goals, the key tasks' state, the 预警 forecast, the registry for tasks 13 and 17, the curves (3)
    with django_assert_max_num_queries(29):
        c.get("/bulletin/2026-10/")
    # two read the data's version and the version of which counts exist (the months' completeness, cached)
    with django_assert_max_num_queries(10):
        c.get("/bulletin/")
    with django_assert_max_num_queries(8):  # now from the cache
        c.get("/bulletin/")
