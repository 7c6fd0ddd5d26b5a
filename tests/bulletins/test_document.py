"""The bulletin as an official document: the Word file in the GB/T 9704 format from an editable
template, the Excel file, 期数, the publish confirmation, pending revisions, the text's punctuation."""

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
import time_machine
from docx.oxml.ns import qn

from bulletins import docx_export, exporters, services, text, xlsx_export
from bulletins import figures as figures_module
from bulletins.docx_template import TEMPLATE_PATH
from bulletins.figures import build_figures
from bulletins.models import Bulletin, BulletinSettings, BulletinTemplate, BulletinVersion
from bulletins.services import publish
from demo.services import seed_demo_counts
from targets.history import corrections_since_lock
from targets.models import SubDistrict
from targets.months import Month
from targets.services import save_month
from tests.support import OCT, edited_template, log, texts, upload_template, word

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]


def east_asian(style):
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


def correct(slug, value, bureau, month=OCT, metric="high_tech"):
    sub = SubDistrict.objects.get(slug=slug)
    save_month(month, {(sub.pk, metric): (value, "更正")}, bureau, reason="街道更正", confirmed=True)


def test_word_file_is_in_the_gbt_9704_format(uneven, bureau, login):
    publish(OCT, bureau, confirm_partial=True)
    document = word(login(bureau))
    page = document.sections[0]
    assert (round(page.page_width.mm), round(page.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (page.top_margin, page.bottom_margin, page.left_margin, page.right_margin)] == [
        37,
        35,
        28,
        26,
    ]
    styles = document.styles
    assert east_asian(styles["Normal"]) == "仿宋_GB2312" and styles["Normal"].font.size.pt == 16
    assert east_asian(styles["公文标题"]) == "方正小标宋简体" and styles["公文标题"].font.size.pt == 22
    assert east_asian(styles["Heading 1"]) == "黑体" and east_asian(styles["Heading 2"]) == "楷体_GB2312"
    # 22 lines of 28 characters: a 28.95 pt line pitch and 16 pt characters condensed to 15.75 pt.
    grid = page._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and int(grid.get(qn("w:linePitch"))) == 580
    spacing = styles["Normal"].element.rPr.find(qn("w:spacing"))
    assert 28 * (16 + int(spacing.get(qn("w:val"))) / 20) <= (210 - 28 - 26) / 25.4 * 72
    # Missing fonts fall back to 宋体 / 仿宋 / 楷体 (w:altName in the font table).
    fonts = next(r.target_part for r in document.part.rels.values() if r.reltype.endswith("/fontTable")).blob.decode()
    assert re.search(r'w:name="方正小标宋简体"><w:altName w:val="宋体"', fonts)
    assert re.search(r'w:name="仿宋_GB2312"><w:altName w:val="仿宋"', fonts)

    paragraphs = texts(document)
    assert "第1期" in paragraphs and "2026年11月15日" in paragraphs
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    # the forecast (issue 17) gives every month a 四、预警
    assert headings == ["一、总体进展", "二、赛马比拼", "三、进度滞后的街镇", "四、预警", "五、重点任务推进情况"]
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 2"] == [
        "（一）高新技术企业",
        "（二）科技型企业",
    ]
    assert "报送：区委、区政府主要领导，分管区领导" in paragraphs
    assert "抄送：区级有关部门，各镇人民政府、街道办事处" in paragraphs
    assert not any("{{" in p or "{%" in p for p in paragraphs)
    assert any("未附图表" in p for p in paragraphs)  # pictures switched off in tests: it says so

    # Page numbers "— 1 —", right on odd pages and left on even ones.
    odd, even = page.footer.paragraphs[0], page.even_page_footer.paragraphs[0]
    assert document.settings.odd_and_even_pages_header_footer
    assert odd.alignment == 2 and even.alignment == 0  # right, left
    assert odd.text.startswith("— ") and odd.text.endswith(" —") and "PAGE" in odd._p.xml
    assert east_asian(odd.style) == "宋体" and odd.style.font.size.pt == 14

    # Annex tables: landscape, two header rows repeated on every page, class headings spanning.
    annex = document.sections[1]
    assert annex.orientation == 1 and annex.page_width > annex.page_height
    assert len(document.tables) == 2
    for table in document.tables:
        header = [r for r in table.rows if r._tr.trPr is not None and r._tr.trPr.find(qn("w:tblHeader")) is not None]
        assert len(header) == 2 and table.rows[0]._tr is header[0]._tr
        rows = [[c.text for c in r.cells] for r in table.rows]
        assert rows[2] == ["A类镇街"] * 11  # one merged cell
        assert not any("§" in cell for row in rows for cell in row)
    first = [[c.text for c in r.cells] for r in document.tables[0].rows]
    xiema = next(r for r in first if r[1] == "歇马街道")
    assert xiema[2] == "58" and xiema[5].endswith("%") and xiema[6] == "+6/7"


def test_forecast_section_appears_only_with_a_forecast(uneven, bureau):
    figures = build_figures(OCT)
    figures["warning"] = {"lines": []}  # no forecast (what schema.upgrade makes of a bulletin stored without one)
    figures["summary"] = [p for p in figures["summary"] if not p.startswith("预警：")]
    assert "warning" not in exporters.section_numbers(figures)
    headings = [
        p.text
        for p in docx.Document(
            io.BytesIO(docx_export.render_docx(TEMPLATE_PATH.read_bytes(), figures, False, {}, {"charts_note": ""}))
        ).paragraphs
        if p.style.name == "Heading 1"
    ]
    assert headings == ["一、总体进展", "二、赛马比拼", "三、进度滞后的街镇", "四、重点任务推进情况"]
    figures["warning"] = {"lines": ["按当前进度，预计年底1个街镇未完成高新技术企业年度目标：澄江镇（预计差1家）。"]}
    figures["summary"].append("预警：" + figures["warning"]["lines"][0])
    data = docx_export.render_docx(TEMPLATE_PATH.read_bytes(), figures, False, {}, {"charts_note": ""})
    document = docx.Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、总体进展", "二、赛马比拼", "三、进度滞后的街镇", "四、预警", "五、重点任务推进情况"]
    assert figures["warning"]["lines"][0] in texts(document)
    assert not any(p.startswith("预警：") for p in texts(document))  # said once, in its section
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_export.bulletin_xlsx(figures, False)))["通报正文"]
    assert "四、预警" in [c.value for c in sheet["A"]]


@pytest.mark.browser
@pytest.mark.skipif(not shutil.which("chromium") and not shutil.which("google-chrome"), reason="no Chromium")
def test_word_file_carries_the_charts_drawn_on_the_server(uneven, leader, login, settings):
    settings.BULLETIN_CHART_IMAGES = True
    settings.CHART_BROWSER = shutil.which("chromium") or shutil.which("google-chrome")
    document = word(login(leader))
    assert len(document.inline_shapes) == 4  # two district curves, two completion charts
    images = [p for p in document.part.package.iter_parts() if p.partname.startswith("/word/media/")]
    assert images and all(p.blob[:8] == b"\x89PNG\r\n\x1a\n" for p in images)
    assert not any("未附图表" in p for p in texts(document))


def test_without_a_browser_the_word_file_is_made_and_says_so(uneven, leader, login, settings):
    settings.BULLETIN_CHART_IMAGES = True
    settings.CHART_BROWSER = "/nonexistent/chromium"
    document = word(login(leader))
    assert len(document.inline_shapes) == 0
    assert any("未找到绘制图表所需的浏览器" in p for p in texts(document))


def test_issue_numbers_per_year_stored_at_first_publication(uneven, bureau):
    log("tiansheng", "2026-09", "high_tech", 16)
    log("tiansheng", "2025-12", "high_tech", 15)
    assert publish(Month(2026, 9), bureau, confirm_partial=True).figures["issue"] == {"year": 2026, "number": 1}
    assert publish(OCT, bureau, confirm_partial=True).figures["issue"] == {"year": 2026, "number": 2}
    assert publish(Month(2025, 12), bureau, confirm_partial=True).figures["issue"] == {"year": 2025, "number": 1}
    correct("xiema", 59, bureau)
    revised = publish(OCT, bureau, "歇马街道更正", confirm_partial=True)
    assert revised.figures["issue"]["number"] == 2  # a revision keeps its 期数
    assert Bulletin.objects.get(month=OCT.date).issue_number == 2
    assert services.publish_plan(Month(2026, 8)).issue_number == 3


def test_publish_confirmation_lists_what_is_frozen_and_who_is_missing(uneven, bureau, login):
    page = login(bureau).get("/bulletin/2026-10/publish/")
    html = page.content.decode()
    assert "确认发布2026年10月通报" in html and "2026年第1期" in html
    assert "歇马街道" in html and "58" in html  # the counts to be frozen
    plan = page.context["plan"]
    assert "天生街道" in plan.figures["not_reported"]
    assert "尚未完成填报" in html and "天生街道" in html
    assert not BulletinVersion.objects.exists()
    publish(OCT, bureau, confirm_partial=True)
    correct("xiema", 59, bureau)
    html = login(bureau).get("/bulletin/2026-10/publish/").content.decode()
    assert "修订版（第2版）" in html and "与第1版相比的变化" in html and "修订原因" in html


@pytest.fixture
def clock():
    """Time that moves (from the pinned day), so that a correction comes after the publication."""
    with time_machine.travel(dt.datetime(2026, 11, 15, 10, 0), tick=True):
        yield


def test_pending_revision_notice_on_bulletin_list_and_dashboard(uneven, bureau, leader, login, clock):
    publish(OCT, bureau, confirm_partial=True)
    notice = "发布后已有1处更正，尚未发布修订版"
    urls = ["/bulletin/2026-10/", "/bulletin/", "/?month=2026-10"]
    for url in urls:
        assert notice not in login(leader).get(url).content.decode()
    correct("xiema", 59, bureau)
    for url in urls:
        html = login(bureau).get(url).content.decode()
        assert notice in html, url
        assert "/bulletin/2026-10/publish/" in html, url
        assert notice in login(leader).get(url).content.decode()
    assert "/bulletin/2026-10/publish/" not in login(leader).get("/?month=2026-10").content.decode()
    # the published bulletin keeps its figures; the revision clears the notice
    assert "58" in login(leader).get("/bulletin/2026-10/").content.decode()
    publish(OCT, bureau, "歇马街道更正", confirm_partial=True)
    for url in urls:
        assert "处更正，尚未发布修订版" not in login(bureau).get(url).content.decode()


def test_corrections_since_lock_counts_cells_that_differ(uneven, bureau, clock):
    assert corrections_since_lock() == {}
    publish(OCT, bureau, confirm_partial=True)
    correct("xiema", 59, bureau)
    correct("xiema", 60, bureau)
    correct("shuitu", 171, bureau)
    assert corrections_since_lock() == {OCT: 2}
    correct("shuitu", 170, bureau)  # back to what was published
    assert corrections_since_lock([OCT]) == {OCT: 1}
    assert corrections_since_lock([Month(2026, 9)]) == {}


def test_bureau_replaces_the_word_template_and_the_next_export_uses_it(uneven, bureau, login):
    c = login(bureau)
    assert c.get("/bulletin/settings/template.docx").content == TEMPLATE_PATH.read_bytes()
    before = publish(OCT, bureau, confirm_partial=True)
    assert before.template is None and before.template_label.startswith("系统模板")
    edited = edited_template("抄送：{{ copy_to }}", "抄送：区人大常委会办公室，区政协办公室")
    response = upload_template(c, edited)
    assert "已启用上传模板第1版" in response.content.decode()
    assert c.get("/bulletin/settings/template.docx").content == edited
    draft = texts(word(c, "/bulletin/2026-09.docx"))
    assert "抄送：区人大常委会办公室，区政协办公室" in draft
    # the published October keeps the template it was issued with
    assert "抄送：区级有关部门，各镇人民政府、街道办事处" in texts(word(c))
    correct("xiema", 59, bureau)
    revised = publish(OCT, bureau, "歇马街道更正", confirm_partial=True)
    assert (
        revised.template == BulletinTemplate.objects.get()
        and revised.template_label == f"上传模板第1版（{BulletinTemplate.objects.get().sha256[:8]}）"
    )
    assert "抄送：区人大常委会办公室，区政协办公室" in texts(word(c))
    assert "上传模板第1版" in c.get("/bulletin/settings/").content.decode()


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"not a zip", "不是有效的Word文档"),
        (None, "写法有误"),
        ("unknown", "titel"),
    ],
)
def test_a_broken_template_is_refused_with_the_reason_and_the_previous_kept(uneven, bureau, login, data, reason):
    c = login(bureau)
    good = edited_template("抄送：{{ copy_to }}", "抄送：{{ copy_to }}（第一版）")
    upload_template(c, good)
    if data is None:
        data = edited_template("{{ title }}", "{{ title }")
    elif data == "unknown":
        data = edited_template("{{ title }}", "{{ titel }}")
    html = upload_template(c, data).content.decode()
    assert "模板未更换（仍使用原模板）" in html and reason in html
    assert BulletinTemplate.objects.count() == 1
    assert c.get("/bulletin/settings/template.docx").content == good


def test_template_upload_refuses_other_files_and_other_roles(uneven, bureau, leader, login):
    assert "请上传Word文档" in upload_template(login(bureau), b"x", name="a.txt").content.decode()
    assert upload_template(login(leader), TEMPLATE_PATH.read_bytes()).status_code == 403
    assert not BulletinTemplate.objects.exists()


def test_a_long_template_name_is_kept_with_its_extension(uneven, bureau, login):
    long = "北碚区高科双企月通报公文格式模板" * 20  # 320 characters before the extension
    assert (
        "已启用上传模板第1版"
        in upload_template(login(bureau), TEMPLATE_PATH.read_bytes(), name=long + ".docx").content.decode()
    )
    assert BulletinTemplate.objects.get().filename == long[:195] + ".docx"


def test_settings_page_changes_the_lines_of_the_next_publication(uneven, bureau, login):
    c = login(bureau)
    c.post("/bulletin/settings/", {"send_to": "区委主要领导", "copy_to": "区科技局各科室"})
    assert BulletinSettings.current().copy_to == "区科技局各科室"
    version = publish(OCT, bureau, confirm_partial=True)
    assert version.figures["document"]["copy_to"] == "区科技局各科室"
    c.post("/bulletin/settings/", {"send_to": "区委主要领导", "copy_to": "改了"})
    assert "抄送：区科技局各科室" in texts(word(c))  # the published version keeps its lines


def test_excel_is_complete_printable_and_exact(uneven, bureau, login):
    publish(OCT, bureau, confirm_partial=True)
    content = login(bureau).get("/bulletin/2026-10.xlsx").content
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["通报正文", "高新技术企业赛马比拼", "科技型企业赛马比拼", "重点任务", "预警"]
    text_sheet = wb["通报正文"]
    assert text_sheet["A1"].value == "北碚区“高科双企”双倍增工作进展月通报（2026年10月）"
    assert text_sheet["A2"].value == "北碚区“高科双企”双倍增工作推进专班办公室（区科技局）　2026年11月15日　第1期"
    column = [c.value for c in text_sheet["A"]]
    assert ["一、总体进展", "二、赛马比拼", "三、进度滞后的街镇", "四、预警", "五、重点任务推进情况"] == [
        v for v in column if v and re.match("^[一二三四五六]、", v)
    ]
    for cell in text_sheet["A"][3:]:
        assert cell.alignment.wrap_text
        assert text_sheet.row_dimensions[cell.row].height >= xlsx_export.text_height(cell.value, indent=2) - 5
    long = max(text_sheet["A"][3:], key=lambda c: len(c.value))
    assert text_sheet.row_dimensions[long.row].height >= 3 * 12 * 1.45  # several lines, not one
    ranking = wb["高新技术企业赛马比拼"]
    assert ranking["A2"].value.endswith("第1期") and ranking["A3"].value == "高新技术企业赛马比拼（2026年10月）"
    beiwenquan = next(r for r in ranking.iter_rows(min_row=6, values_only=True) if r[1] == "北温泉街道")
    assert beiwenquan[2] == 67 and beiwenquan[5] == 1  # 67/67
    shuitu = next(r for r in ranking.iter_rows(min_row=6, values_only=True) if r[1] == "水土街道")
    # 170/177 = 96.0%; 今年新增/应增 +10/17; (170-160)/(177-160) = 58.8%
    assert (shuitu[5], shuitu[6], shuitu[7]) == (0.96, "+10/17", 0.588)
    sheets = zipfile.ZipFile(io.BytesIO(content))
    for name in sheets.namelist():
        if name.startswith("xl/worksheets/"):
            assert not re.search(rb"<v>-?\d+\.\d{6,}</v>", sheets.read(name)), name  # no float noise
    assert [c.value for c in wb["重点任务"][4]] == ["类别", "任务", "牵头单位", "说明"]
    warning = [r for r in wb["预警"].iter_rows(min_row=5, values_only=True)]
    figures = BulletinVersion.objects.get().figures
    lagging = figures["metrics"]["high_tech"]["lagging"]
    assert lagging and {r[1] for r in warning if r[0] == "高新技术企业" and r[2] == "滞后"} == set(lagging)
    for ws in wb:
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 and ws.print_title_rows


def test_exact_percentages():
    assert exporters.exact(96.7, "pct") == exporters.Decimal("0.967")
    assert exporters.exact(100.0, "pct") == 1 and exporters.exact(58.8, "pct") == exporters.Decimal("0.588")
    assert exporters.exact(None, "pct") is None


def test_text_never_doubles_punctuation(uneven, bureau, monkeypatch):
    def summary(as_of):
        return {
            "as_of": as_of.isoformat(),
            "checked_period": "2026-10-01",
            "checked_period_label": "2026年10月",
            "deadline": "2026-11-10",
            "total": 19,
            "counts": {"green": 15, "blue": 0, "red": 3, "yellow": 1, "grey": 0},
            "numbers": {
                "green": [1, 2, 4, 5, 6, 7, 8, 10, 11, 12, 15, 16, 17, 18, 19],
                "blue": [],
                "red": [9, 13, 14],
                "yellow": [3],
                "grey": [],
            },  # fmt: skip
            "overdue": [{"number": 3, "title": "鼓励投资并购引进科技型企业。", "lead_units": ["区招商投资促进局"]}],
            "warned": [
                {
                    "number": 3,
                    "title": "鼓励投资并购引进科技型企业。",
                    "lead_units": ["区招商投资促进局"],
                    "overdue": True,
                    "data": [],
                }
            ],
            "lagging": [
                {
                    "number": 9,
                    "title": "壮大功能新材料产业",
                    "lead_units": ["区经济信息委"],
                    "declared": True,
                    "data": [],
                    "overdue": False,
                    "problems": "配套资金尚未到位。",
                },
                {
                    "number": 13,
                    "title": "强化科技金融支撑作用",
                    "lead_units": ["区金融发展中心"],
                    "declared": True,
                    "data": [],
                    "overdue": False,
                    "problems": "到位。；",
                },
                {
                    "number": 14,
                    "title": "标题",
                    "lead_units": ["区科技局"],
                    "declared": True,
                    "data": ["产值3/5亿元（完成60%，序时进度83.3%：滞后）"],
                    "overdue": True,
                    "problems": "资金。。尚未到位，",
                },
            ],
        }

    monkeypatch.setattr(figures_module, "bulletin_task_summary", summary)
    figures = build_figures(OCT)
    sentences = text.all_sentences(figures)
    assert len(sentences) >= 8
    for sentence in sentences:
        assert not text.has_doubled_punctuation(sentence), sentence
    lines = "".join(figures["tasks"]["lines"])
    assert "配套资金尚未到位。滞后任务13" in lines and "资金。尚未到位，请牵头单位尽快报送。" in lines
    assert text.has_doubled_punctuation("配套资金尚未到位。；任务13") and text.has_doubled_punctuation("到位。。")
    assert not text.has_doubled_punctuation("（序时进度83.3%）。")


def test_text_of_a_demo_bulletin_has_no_doubled_punctuation(bureau):
    seed_demo_counts(until=Month(2026, 10))
    for month in (Month(2026, 10), Month(2026, 1), Month(2025, 12)):
        for sentence in text.all_sentences(build_figures(month)):
            assert not text.has_doubled_punctuation(sentence), sentence


SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


def _to_pages(source, workdir):
    """Convert with LibreOffice, then every page to PNG (tests/screenshots/, to look at) and its
    text; returns [(png path, text)]."""
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(workdir), str(source)],
        capture_output=True,
        timeout=240,
        env={"HOME": str(workdir), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    pdf = workdir / f"{source.stem}.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    SCREENSHOTS.mkdir(exist_ok=True)
    for old in SCREENSHOTS.glob(f"{source.stem}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(SCREENSHOTS / source.stem)], check=True, timeout=120)
    pngs = sorted(SCREENSHOTS.glob(f"{source.stem}-*.png"))
    out = []
    for number, png in enumerate(pngs, start=1):
        page = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"], capture_output=True, check=True
        )
        out.append((png, re.sub(r"\s", "", page.stdout.decode())))
    return out


@pytest.mark.browser
@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftoppm") and shutil.which("chromium")),
    reason="needs LibreOffice (soffice), poppler-utils (pdftoppm) and Chromium",
)
def test_published_bulletin_converts_to_pages_that_read_as_a_bulletin(bureau, login, settings, tmp_path):
    """Publish a whole month, download both files, convert them with LibreOffice and check every
    page (the PNGs are in tests/screenshots/bulletin-docx-N.png and bulletin-xlsx-N.png)."""
    settings.BULLETIN_CHART_IMAGES = True
    settings.CHART_BROWSER = shutil.which("chromium")
    seed_demo_counts(until=OCT)
    publish(OCT, bureau)
    c = login(bureau)
    for fmt in ("docx", "xlsx"):
        source = tmp_path / f"bulletin-{fmt}.{fmt}"
        source.write_bytes(c.get(f"/bulletin/2026-10.{fmt}").content)
        pages = _to_pages(source, tmp_path)
        assert 4 <= len(pages) <= 12, len(pages)
        for png, page_text in pages:
            assert len(page_text) >= 150, f"{png.name} is nearly blank: {page_text!r}"
        whole = "".join(t for _, t in pages)
        for words in (
            "第1期",
            "2026年11月15日",
            "二、赛马比拼",
            "三、进度滞后的街镇",
            "四、预警",
            "五、重点任务推进情况",
        ):
            assert words in whole, (fmt, words)
        assert "抄送" in whole if fmt == "docx" else "高新技术企业赛马比拼" in whole
    docx_pages = [t for p, t in _to_pages(tmp_path / "bulletin-docx.docx", tmp_path)]
    assert "—1—" in docx_pages[0] and "附件1" in "".join(docx_pages)
    assert "图：高新技术企业全区实际与目标曲线" in "".join(docx_pages)


def test_a_version_published_before_issue_numbers_shows_the_one_it_was_given(uneven, bureau, login):
    version = publish(OCT, bureau, confirm_partial=True)
    del version.figures["issue"]
    version.save()
    document = word(login(bureau))
    assert "第1期" in texts(document)
    assert "第1期" in login(bureau).get("/bulletin/2026-10/").content.decode()


def test_only_lines_at_or_above_the_time_progress_are_named_ahead():
    """赛马比拼 names as 居前 the first three sub-districts at or above 序时进度 and any tied with
    the third; a class with none says so and names its first, ties included (a 0.0% line was
    once listed as 居前)."""
    from bulletins.text import race_sections

    def row(name, rank, pct, status):
        return {"name": name, "rank": rank, "actual": 10, "increment_completion_pct": pct, "status": status}

    a_rows = [
        row("甲街道", 1, 120.0, "done"),
        row("乙街道", 2, 100.0, "done"),
        row("丙街道", 3, 90.0, "green"),
        row("丁街道", 3, 90.0, "green"),
        row("戊街道", 5, 85.0, "green"),
        row("己街道", 6, 0.0, "red"),
    ]
    b_rows = [row("庚镇", 1, 0.0, "red"), row("辛镇", 1, 0.0, "red"), row("壬镇", 3, -5.0, "red")]
    section = {
        "label": "高新技术企业",
        "classes": {"A": {"rows": a_rows}, "B": {"rows": b_rows}},
        "total": {"increment_completion_pct": None},
        "vs_progress": "",
    }
    (race,) = race_sections({"metrics": {"high_tech": section}})
    assert race["text"] == (
        "A类镇街新增完成率居前3位且达到序时进度的有4个（第3位2个并列），"
        "依次为甲街道（120.0%）、乙街道（100.0%）、丙街道（90.0%）、丁街道（90.0%）；"
        "B类镇街均未达到序时进度，新增完成率并列最高的有2个：庚镇（0.0%）、辛镇（0.0%）。"
    )
