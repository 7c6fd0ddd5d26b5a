"""Office formats shared by every file the platform writes: the national format for official
documents (GB/T 9704-2012) that the bulletin and the assessment annex follow, and the cells,
print setup and bytes of a workbook written from rows.

GB/T 9704-2012: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm, which leave a
156 × 225 mm text block; 22 lines of 28 characters in 3号 (16 pt) 仿宋_GB2312, so a line pitch
of 225 mm / 22 = 28.99 pt and a character pitch of 156 mm / 28 = 15.79 pt; title 2号 (22 pt)
小标宋; first-level headings 黑体, second-level 楷体; page numbers in 4号 (14 pt) 宋体.
"""

import io

from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree
from openpyxl.styles import Border, PatternFill, Side

from .tables import safe_cell

# GB/T 9704-2012 -------------------------------------------------------------------------------

TITLE_FONT, TITLE_FALLBACK = "方正小标宋简体", "宋体"
BODY_FONT, BODY_FALLBACK = "仿宋_GB2312", "仿宋"
HEADING1_FONT = "黑体"
HEADING2_FONT, HEADING2_FALLBACK = "楷体_GB2312", "楷体"
PAGE_NUMBER_FONT = "宋体"
# Where the GB2312 fonts are missing (a newer Windows, WPS), the ones that stand in for them.
FALLBACKS = {TITLE_FONT: TITLE_FALLBACK, BODY_FONT: BODY_FALLBACK, HEADING2_FONT: HEADING2_FALLBACK}

PT_TITLE, PT_BODY, PT_PAGE_NUMBER, PT_TABLE = 22, 16, 14, 10.5  # 2号, 3号, 4号, 五号
PAGE_MM = (210, 297)  # A4, portrait
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LINES, CHARS = 22, 28
LINE_PITCH_PT = (PAGE_MM[1] - MARGINS_MM["top"] - MARGINS_MM["bottom"]) / 25.4 * 72 / LINES  # 28.99
CHAR_PITCH_PT = (PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]) / 25.4 * 72 / CHARS  # 15.79
LINE_SPACING_PT = round(LINE_PITCH_PT, 2)  # the exact line spacing of body text


def a4_page(section):
    """A python-docx section in the national format: A4 portrait with GB/T 9704 margins."""
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])


def declare_fallback_fonts(doc):
    """Declare the 公文 fonts in the font table with the font Word and WPS use when they are not
    installed (w:altName): 方正小标宋简体 → 宋体, 仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体."""
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable"))
    root = etree.fromstring(part.blob)
    for name, fallback in FALLBACKS.items():
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        alt = etree.SubElement(font, qn("w:altName"))
        alt.set(qn("w:val"), fallback)
        charset = etree.SubElement(font, qn("w:charset"))
        charset.set(qn("w:val"), "86")
        family = etree.SubElement(font, qn("w:family"))
        family.set(qn("w:val"), "roman" if name != "黑体" else "modern")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


# Workbooks ------------------------------------------------------------------------------------

THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="EEF1F4")


def append_rows(sheet, rows):
    """Append `rows` below what `sheet` holds, each text written safely (`tables.safe_cell`:
    no control characters, never a formula)."""
    for row in rows:
        sheet.append([safe_cell(value) for value in row])


def print_a4(sheet, landscape=True, title_rows=None):
    """Print `sheet` on A4, as wide as the page and as many pages down as it needs."""
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        sheet.print_title_rows = title_rows


def saved_bytes(document):
    """The file of an openpyxl workbook or a python-docx document, as bytes."""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
