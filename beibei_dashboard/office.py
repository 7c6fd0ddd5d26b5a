"""Office formats shared by every file the platform writes: the national format for official
documents (GB/T 9704-2012) that the bulletin and the assessment annex follow, and the cells,
print setup and bytes of a workbook written from rows.

GB/T 9704-2012: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm, which leave a
156 × 225 mm text block; 22 lines of 28 characters in 3号 (16 pt) 仿宋_GB2312, so a line pitch
of 225 mm / 22 = 28.99 pt and a character pitch of 156 mm / 28 = 15.79 pt; title 2号 (22 pt)
小标宋; first-level headings 黑体, second-level 楷体; page numbers in 4号 (14 pt) 宋体.
"""

import datetime as dt
import io
import math
import struct
from copy import copy
from decimal import Decimal

from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree
from openpyxl import load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from .cleantext import safe_cell

# GB/T 9704-2012 -------------------------------------------------------------------------------

TITLE_FONT, TITLE_FALLBACK = "方正小标宋简体", "宋体"
BODY_FONT, BODY_FALLBACK = "仿宋_GB2312", "仿宋"
HEADING1_FONT = "黑体"
HEADING2_FONT, HEADING2_FALLBACK = "楷体_GB2312", "楷体"
PAGE_NUMBER_FONT = "宋体"
# Arabic numerals and Latin letters in the 公文 serif fonts: Times New Roman (the usual choice of
# Chinese offices; LibreOffice sets it in the metric-compatible Liberation Serif). Left to 仿宋_GB2312,
# a machine without that font sets them in a wide sans-serif, and "（125.0%）" no longer fits the
# end of a line: the line before it is stretched ("A 类 镇 街 新 增…").
LATIN_FONT = "Times New Roman"
# Where the GB2312 fonts are missing (a newer Windows, WPS), the ones that stand in for them.
FALLBACKS = {TITLE_FONT: TITLE_FALLBACK, BODY_FONT: BODY_FALLBACK, HEADING2_FONT: HEADING2_FALLBACK}

PT_TITLE, PT_BODY, PT_PAGE_NUMBER, PT_TABLE = 22, 16, 14, 10.5  # 2号, 3号, 4号, 五号
PAGE_MM = (210, 297)  # A4, portrait
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LINES, CHARS = 22, 28
LINE_PITCH_PT = (PAGE_MM[1] - MARGINS_MM["top"] - MARGINS_MM["bottom"]) / 25.4 * 72 / LINES  # 28.99
CHAR_PITCH_PT = (PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]) / 25.4 * 72 / CHARS  # 15.79
LINE_SPACING_PT = round(LINE_PITCH_PT, 2)  # the exact line spacing of body text


# A chart in a document: as wide as 150 mm of the 156 mm text block, and never taller than a third
# of its 225 mm, so that one that does not fit the rest of a page leaves at most a third of it blank.
PICTURE_WIDTH_MM, PICTURE_MAX_HEIGHT_MM = 150, 75


def picture_width_mm(png):
    """The width (mm) at which to set the PNG image `png`: `PICTURE_WIDTH_MM`, or less where that
    would make it taller than `PICTURE_MAX_HEIGHT_MM` (its size is read from the PNG header)."""
    width, height = struct.unpack(">II", png[16:24])
    if not width or not height:
        return PICTURE_WIDTH_MM
    return min(PICTURE_WIDTH_MM, PICTURE_MAX_HEIGHT_MM * width / height)


def a4_page(section):
    """A python-docx section in the national format: A4 portrait with GB/T 9704 margins."""
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])


# The order WordprocessingML requires of a paragraph's and a run's properties (ECMA-376 17.3.1.26,
# 17.3.2.28): Word refuses a file whose properties are out of order, where LibreOffice reads on.
PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
    "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd "
    "snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
).split()
RPR_ORDER = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof snapToGrid "
    "vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl cs "
    "em lang eastAsianLayout specVanish oMath"
).split()


def set_property(parent, name, order, **values):
    """The property `name` ("spacing") of a pPr or rPr `parent`, replacing one already there, at
    its place in `order` (PPR_ORDER, RPR_ORDER); `values` its attributes ("val": "0")."""
    for old in parent.findall(qn(f"w:{name}")):
        parent.remove(old)
    element = etree.Element(qn(f"w:{name}"))
    for key, value in values.items():
        element.set(qn(f"w:{key}"), str(value))
    later = {qn(f"w:{tag}") for tag in order[order.index(name) + 1 :]}
    follower = next((child for child in parent if child.tag in later), None)
    if follower is None:
        parent.append(element)
    else:
        follower.addprevious(element)
    return element


def chinese_layout(doc):
    """Settings that make Word, WPS and LibreOffice set the text as Chinese: the language of East
    Asian text zh-CN (the default template says ja-JP, whose line-breaking rules are Japanese),
    full-width punctuation compressed where two meet ("）、"), no automatic gap between Chinese
    and Latin or numerals (which breaks the 28-character line), and a line ended by a manual
    break not stretched across the page in a justified paragraph."""
    settings = doc.settings.element
    control = settings.find(qn("w:characterSpacingControl"))
    if control is None:
        control = etree.SubElement(settings, qn("w:characterSpacingControl"))
    control.set(qn("w:val"), "compressPunctuation")
    theme = settings.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:eastAsia"), "zh-CN")
    compat = settings.find(qn("w:compat"))
    if compat is None:
        compat = etree.SubElement(settings, qn("w:compat"))
    if compat.find(qn("w:doNotExpandShiftReturn")) is None:
        compat.insert(0, etree.Element(qn("w:doNotExpandShiftReturn")))
    normal = doc.styles["Normal"].element
    set_property(normal.get_or_add_rPr(), "lang", RPR_ORDER, val="en-US", eastAsia="zh-CN")
    ppr = normal.get_or_add_pPr()
    set_property(ppr, "autoSpaceDE", PPR_ORDER, val="0")
    set_property(ppr, "autoSpaceDN", PPR_ORDER, val="0")


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


# One number format in every workbook: counts of firms without a thousands separator (a table of
# the bulletin read beside the Word file writes 1209, not 1,209), rates with one decimal.
INT_FORMAT = "0"
PCT_FORMAT = "0.0%"  # a rate stored as a fraction: 0.978 shows 97.8%
DECIMAL_FORMAT = "0.0#"  # a rate already in percent (97.8) or points (6.25)
DATE_FORMAT = 'yyyy"年"m"月"d"日"'  # a date as the pages write it (zh_date), still a date to Excel
MOMENT_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'
NUMBER_FORMATS = (INT_FORMAT, PCT_FORMAT, DECIMAL_FORMAT, DATE_FORMAT, MOMENT_FORMAT)


def number_format(value, kind=None):
    """The format of a numeric cell: `kind` "pct" for a fraction shown as a percentage, else by
    the value (a whole number or not; a date or a moment in the pages' style); None for a cell
    that is not a number."""
    if isinstance(value, dt.datetime):  # a date written through tablib arrives as midnight
        return MOMENT_FORMAT if value.time() != dt.time() else DATE_FORMAT
    if isinstance(value, dt.date):
        return DATE_FORMAT
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    if kind == "pct":
        return PCT_FORMAT
    return INT_FORMAT if value == int(value) else DECIMAL_FORMAT


def format_numbers(sheet):
    """Every numeric cell of `sheet` that has no format of the house's gets one (`number_format`)."""
    for row in sheet.iter_rows():
        for cell in row:
            fmt = number_format(cell.value)
            if fmt and cell.number_format not in NUMBER_FORMATS:
                cell.number_format = fmt


def append_rows(sheet, rows):
    """Append `rows` below what `sheet` holds, each text written safely (`tables.safe_cell`:
    no control characters, never a formula)."""
    for row in rows:
        sheet.append([safe_cell(value) for value in row])


# Margins in inches (what openpyxl and Excel store): 1.9 cm above and below with the header and
# footer inside them, 1.3 cm at the sides.
SHEET_MARGINS = {"top": 0.75, "bottom": 0.75, "left": 0.5, "right": 0.5, "header": 0.3, "footer": 0.3}
PAGE_FOOTER = "第 &P 页，共 &N 页"


def print_a4(sheet, landscape=True, title_rows=None):
    """Print `sheet` on A4, as wide as the page and as many pages down as it needs: the rows
    `title_rows` ("1:2") repeated at the top of every page, centred between the margins, the
    page number and count in the footer."""
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    for side, inches in SHEET_MARGINS.items():
        setattr(sheet.page_margins, side, inches)
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = PAGE_FOOTER
    if title_rows:
        sheet.print_title_rows = title_rows


def text_width(value):
    """How many of a sheet's width units `value` needs on one line: 2 for a Chinese character
    (or any wide one), 1.1 for anything else."""
    return sum(2 if ord(c) > 0x2E80 else 1.1 for c in str(value))


def fit_height(sheet, row, size=11, cells=None):
    """Set the height of `row` to show every wrapped text in it, each in its column's width (an
    Excel width unit is about half a Chinese character at 11 pt); merged cells and texts that do
    not wrap are left to their writers. Excel does not always grow a row for a wrapped text as
    LibreOffice does, so the height is written. `cells`: the row's cells, where the caller has them
    (`sheet[row]` walks the whole sheet to find its width)."""
    lines = 1
    for cell in sheet[row] if cells is None else cells:
        if cell.value is None or type(cell).__name__ == "MergedCell" or not cell.alignment.wrap_text:
            continue  # a text that does not wrap runs on over the empty cells beside it
        width = sheet.column_dimensions[get_column_letter(cell.column)].width or 8.43
        room = max(1.0, (width - 1) * 11 / size)
        lines = max(lines, sum(max(1, math.ceil(text_width(part) / room)) for part in str(cell.value).split("\n")))
    sheet.row_dimensions[row].height = round(lines * size * 1.4 + 4, 1)


A4_POINTS = (595, 842)  # portrait width, height
WIDTH_UNIT_PT = 5.25  # one Excel width unit, in points, at the default font


def break_before_blocks(sheet, starts, keep=5, landscape=True, repeated=1):
    """Page breaks in `sheet` (set up by `print_a4`) so that none of the blocks starting at the rows
    `starts` (a caption, its table's header, …) is parted from its first `keep` rows: a break goes
    before a block whose first rows would not fit what is left of the page. The page's height is
    scaled as fit-to-width scales it; the first `repeated` rows print again on every page."""
    columns = {cell.column for row in sheet.iter_rows() for cell in row if cell.value is not None}
    width = sum((sheet.column_dimensions[get_column_letter(c)].width or 8.43) * WIDTH_UNIT_PT for c in columns)
    page_w, page_h = A4_POINTS[::-1] if landscape else A4_POINTS
    margins = sheet.page_margins
    scale = min(1.0, (page_w - (margins.left + margins.right) * 72) / max(width, 1))
    capacity = (page_h - (margins.top + margins.bottom) * 72) / scale

    def height(row):
        return sheet.row_dimensions[row].height or 15

    repeat = sum(height(r) for r in range(1, repeated + 1))
    used = 0
    for row in range(1, sheet.max_row + 1):
        if row in starts and row > 1:
            need = sum(height(r) for r in range(row, min(sheet.max_row, row + keep - 1) + 1))
            if used + need > capacity:
                sheet.row_breaks.append(Break(id=row - 1))
                used = repeat
        if used + height(row) > capacity:
            used = repeat
        used += height(row)


# A column of a listed table is at most this wide (its longer texts wrap) and at least this.
COLUMN_MAX, COLUMN_MIN = 40, 6
# Wider than this (in width units) and a table prints landscape: A4 portrait holds about 90.
PORTRAIT_WIDTH = 90


# Beyond this many rows a table (a registry of 100,000 firms) is printed as it is: header, widths and
# page setup, but no box, wrapping or height cell by cell, which would take minutes.
STYLED_ROWS_MAX = 5000


def printable_table(data, header_rows=1):
    """An xlsx written as plain rows (a table exported by django-tables2 and tablib) made ready to
    print: the header bold, filled and repeated on every page, boxes, each column as wide as its
    longest text up to `COLUMN_MAX` (longer texts wrap), one number format, A4 as wide as the page
    (landscape when the columns are wider than portrait holds). Each kind of cell is styled once
    and its style copied to the others: a registry of 100,000 cells costs seconds, not minutes."""
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows())
        widths = {}
        for row in rows:
            for cell in row:
                if cell.value is not None:
                    # A header may wrap over up to three lines; a body text keeps one line up to COLUMN_MAX.
                    width = text_width(cell.value) / (3 if cell.row <= header_rows else 1) + 2
                    widths[cell.column] = max(widths.get(cell.column, 0), width)
        for column, width in widths.items():
            sheet.column_dimensions[get_column_letter(column)].width = min(COLUMN_MAX, max(COLUMN_MIN, width))
        styles = {}
        for row in rows[: header_rows + STYLED_ROWS_MAX]:
            for cell in row:
                key = (cell.row <= header_rows, number_format(cell.value))
                if key in styles:
                    cell._style = copy(styles[key])
                    continue
                head, fmt = key
                cell.border = BOX
                cell.alignment = Alignment(
                    wrap_text=True, vertical="center" if head else "top", horizontal="center" if head else None
                )
                if head:
                    cell.font, cell.fill = Font(bold=True), HEAD_FILL
                if fmt:
                    cell.number_format = fmt
                styles[key] = copy(cell._style)
            if row:
                fit_height(sheet, row[0].row, cells=row)
        total = sum(min(COLUMN_MAX, max(COLUMN_MIN, w)) for w in widths.values())
        print_a4(sheet, landscape=total > PORTRAIT_WIDTH, title_rows=f"1:{header_rows}")
        sheet.freeze_panes = sheet.cell(row=header_rows + 1, column=1)
    return saved_bytes(workbook)


def saved_bytes(document):
    """The file of an openpyxl workbook or a python-docx document, as bytes."""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
