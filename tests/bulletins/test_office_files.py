"""The bulletin's Word and Excel files as government paper (issue 28, item 5): Chinese
justification without stretched lines, pictures that fit, 附件 as GB/T 9704 writes it; every
sheet printable on whole pages with one number format and its paragraphs in wide cells."""

import io
import struct
import zlib

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from beibei_dashboard.office import picture_width_mm
from bulletins import docx_export, xlsx_export
from bulletins.docx_template import TEMPLATE_PATH
from bulletins.figures import build_figures
from bulletins.models import BulletinVersion
from bulletins.services import publish
from tests.support import OCT, texts, word

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]


def png(width, height):
    """A valid grey PNG of `width` × `height` pixels."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def rendered(figures, charts=None):
    data = docx_export.render_docx(TEMPLATE_PATH.read_bytes(), figures, False, charts or {}, {"charts_note": ""})
    return docx.Document(io.BytesIO(data))


def alignment(paragraph, document):
    """The paragraph's w:jc, its own or its style's (up the basedOn chain)."""
    ppr = paragraph._p.pPr
    jc = ppr.find(qn("w:jc")) if ppr is not None else None
    if jc is not None:
        return jc.get(qn("w:val"))
    style = paragraph.style
    while style is not None:
        ppr = style.element.pPr
        jc = ppr.find(qn("w:jc")) if ppr is not None else None
        if jc is not None:
            return jc.get(qn("w:val"))
        style = style.base_style
    return None


def test_body_text_is_justified_the_chinese_way_with_no_stretched_line(uneven, bureau):
    figures = build_figures(OCT)
    # a report's text typed over two lines, and a 报送 line with a line break in it
    figures["tasks"]["lines"] = ["截至2026年11月15日，19项重点任务中正常推进15项。\n配套资金尚未到位"]
    document = rendered(figures)
    body = document.paragraphs
    justified = [p for p in body if alignment(p, document) == "both"]
    assert len(justified) >= 10
    for paragraph in body:
        assert alignment(paragraph, document) != "distribute", paragraph.text
    for paragraph in justified:
        breaks = [b for b in paragraph._p.iter(qn("w:br")) if b.get(qn("w:type")) in (None, "textWrapping")]
        assert not breaks, paragraph.text
    # the two lines became two paragraphs
    assert "截至2026年11月15日，19项重点任务中正常推进15项。" in texts(document)
    assert "配套资金尚未到位" in texts(document)
    for style in document.styles:
        ppr = getattr(style.element, "pPr", None)
        jc = ppr.find(qn("w:jc")) if ppr is not None else None
        assert jc is None or jc.get(qn("w:val")) != "distribute", style.name

    settings = document.settings.element
    assert settings.find(qn("w:characterSpacingControl")).get(qn("w:val")) == "compressPunctuation"
    assert settings.find(qn("w:compat")).find(qn("w:doNotExpandShiftReturn")) is not None
    assert settings.find(qn("w:themeFontLang")).get(qn("w:eastAsia")) == "zh-CN"
    normal = document.styles["Normal"].element
    assert normal.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    for name in ("w:autoSpaceDE", "w:autoSpaceDN"):
        assert normal.pPr.find(qn(name)).get(qn("w:val")) == "0"
    fonts = document.styles["正文"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312" and fonts.get(qn("w:ascii")) == "Times New Roman"
    # properties in the order the schema requires (Word refuses a file otherwise)
    children = [child.tag.split("}")[1] for child in normal.pPr]
    assert children.index("autoSpaceDN") < children.index("spacing")
    rpr = [child.tag.split("}")[1] for child in normal.rPr]
    assert rpr.index("spacing") < rpr.index("sz") < rpr.index("lang")


def test_annex_list_and_annexes_as_gbt_9704_writes_them(uneven, bureau, login):
    publish(OCT, bureau, confirm_partial=True)
    document = word(login(bureau))
    paragraphs = document.paragraphs
    first = next(p for p in paragraphs if p.text.startswith("附件："))
    index = [p._p for p in paragraphs].index(first._p)
    second = paragraphs[index + 1]
    assert first.text == "附件：1.高新技术企业赛马比拼（2026年10月）"
    assert second.text == "2.科技型企业赛马比拼（2026年10月）"
    assert not any(p.text.startswith("附表") for p in paragraphs)
    # two characters in, "2." under "1.": left 5 characters, the first line hanging back by "附件："
    ind = first._p.pPr.find(qn("w:ind"))
    assert (ind.get(qn("w:leftChars")), ind.get(qn("w:hangingChars"))) == ("500", "300")
    assert second._p.pPr.find(qn("w:ind")).get(qn("w:leftChars")) == "500"
    assert second._p.pPr.find(qn("w:ind")).get(qn("w:hangingChars")) is None
    assert alignment(first, document) == "left"  # a name is never stretched
    assert round(first.paragraph_format.space_before.pt) == 29  # a line below the body

    headings = [p for p in paragraphs if p.style.name == "附件序号"]
    assert [p.text for p in headings] == ["附件1", "附件2"]
    assert document.styles["附件序号"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert alignment(headings[0], document) is None or alignment(headings[0], document) == "left"
    titles = [paragraphs[[p._p for p in paragraphs].index(h._p) + 1] for h in headings]
    assert [t.style.name for t in titles] == ["附件标题", "附件标题"]
    assert [t.text for t in titles] == ["高新技术企业赛马比拼（2026年10月）", "科技型企业赛马比拼（2026年10月）"]
    assert all(alignment(t, document) == "center" for t in titles)
    assert headings[1].paragraph_format.page_break_before


def test_pictures_are_never_taller_than_a_third_of_the_text_block(uneven):
    # 150 mm wide where that keeps them 75 mm tall or less, narrower where it would not
    assert picture_width_mm(png(1500, 600)) == 150  # 60 mm tall
    assert picture_width_mm(png(1000, 1000)) == 75  # 75 × 75 mm
    assert picture_width_mm(png(600, 1200)) == 37.5  # 37.5 × 75 mm
    figures = build_figures(OCT)
    document = rendered(
        figures, {"curve-high_tech": ("图：曲线", png(900, 600)), "completion-high_tech": ("图", png(300, 100))}
    )
    shapes = document.inline_shapes
    assert len(shapes) == 2
    sizes = sorted((round(s.width / Mm(1), 1), round(s.height / Mm(1), 1)) for s in shapes)
    assert sizes == [(112.5, 75), (150, 50)]  # 75 × 900/600 = 112.5 mm; 150 × 100/300 = 50 mm
    assert all(s.height <= Mm(75) + 1 for s in shapes)


def test_every_sheet_prints_on_whole_pages_with_one_number_format(uneven, bureau, login):
    publish(OCT, bureau, confirm_partial=True)
    content = login(bureau).get("/bulletin/2026-10.xlsx").content
    wb = openpyxl.load_workbook(io.BytesIO(content))
    formats = set()
    for ws in wb:
        setup = ws.page_setup
        assert str(setup.paperSize) == ws.PAPERSIZE_A4 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title
        assert ws.print_title_rows and ws.print_options.horizontalCentered
        assert ws.page_margins.left == ws.page_margins.right == 0.5 and ws.page_margins.top == 0.75
        assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
        expected = "portrait" if ws.title == "通报正文" else "landscape"
        assert setup.orientation == expected, ws.title
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    formats.add(cell.number_format)
    # counts without a thousands separator, rates with one decimal (※ where a rate is read in firms)
    assert formats <= {"0", "0.0%", '0.0%"※"'} and {"0", "0.0%"} <= formats

    # The forecast's sentences: one cell from 街镇 to the table's right edge, as tall as the text
    # wrapped in that width (16+14+12+12+14+12+10+14 = 104 units), not a tall row in a column of 16.
    warning = wb["预警"]
    merged = {str(r) for r in warning.merged_cells.ranges}
    lines = BulletinVersion.objects.get().figures["warning"]["lines"]
    rows = [r for r in range(5, warning.max_row + 1) if warning.cell(r, 1).value == "预测"]
    assert [warning.cell(r, 2).value for r in rows] == lines and lines
    for r in rows:
        assert f"B{r}:I{r}" in merged
        text = warning.cell(r, 2).value
        height = warning.row_dimensions[r].height
        assert height == max(18, xlsx_export.text_height(text, width=104, size=11))
        assert height < xlsx_export.text_height(text, width=16, size=11) / 4
    tasks = wb["重点任务"]
    assert tasks.cell(5, 1).value == "总体情况" and "B5:D5" in {str(r) for r in tasks.merged_cells.ranges}


def test_a_row_of_the_table_is_not_taken_for_a_paragraph():
    assert xlsx_export._paragraph_from(["预测", "按当前进度…", "", None, None]) == 1
    assert xlsx_export._paragraph_from(["总体情况", "截至…", "", ""]) == 1
    assert xlsx_export._paragraph_from(["高新技术企业", "天生街道", "滞后", 12, 15]) is None
    assert xlsx_export._paragraph_from(["逾期未报送", "任务3", "区招商投资促进局", "请牵头单位尽快报送"]) is None
    assert xlsx_export._paragraph_from(["高新技术企业", "天生街道", "滞后", None, None]) == 2
    assert xlsx_export._paragraph_from([None, None]) is None
