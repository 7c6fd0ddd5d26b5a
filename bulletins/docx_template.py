"""The Word template shipped with the application, built in code from the measures of the
national format for official documents (GB/T 9704-2012) written down once in
`beibei_dashboard.office`, which the assessment annex uses too.

`python manage.py build_bulletin_template` writes it to `bulletins/docx/bulletin.docx`; the
bureau downloads that file, edits the letterhead or the wording in Word or WPS and uploads it
back (`bulletins.template_store.save_template`). The tags are docxtpl's (Jinja2): `{{ title }}`,
`{%p for p in overall %}`…, `{%tr for r in annex1.rows %}`…; `docx_export.docx_context` lists
every name a template may use.

Beyond the measures of `office`: the document grid's `charSpace` is the character pitch less
16 pt, in 1/4096 pt; page numbers "— 1 —" are right on odd pages and left on even ones (the
outer side when printed on both sides).
"""

import io
import math
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from beibei_dashboard.office import (
    BODY_FONT,
    CHAR_PITCH_PT,
    HEADING1_FONT,
    HEADING2_FONT,
    LATIN_FONT,
    LINE_PITCH_PT,
    LINE_SPACING_PT,
    PAGE_NUMBER_FONT,
    PPR_ORDER,
    PT_BODY,
    PT_PAGE_NUMBER,
    PT_TABLE,
    PT_TITLE,
    RPR_ORDER,
    TITLE_FONT,
    a4_page,
    chinese_layout,
    declare_fallback_fonts,
    set_property,
)

TEMPLATE_PATH = Path(__file__).resolve().parent / "docx" / "bulletin.docx"

RED = "C00000"
# Character spacing (1/20 pt) that brings 16 pt characters to the 15.79 pt pitch of 28 a line.
CONDENSE_TWIPS = math.floor((CHAR_PITCH_PT - PT_BODY) * 20)  # -5

# The annex tables: one column per (header of the first row, header of the second row, key).
ANNEX_COLUMNS = [
    ("排名", "", "rank"),
    ("街镇", "", "name"),
    ("月末存量（家）", "本月", "actual"),
    ("月末存量（家）", "本月新增", "new_month"),
    ("年度目标", "目标数", "target"),
    ("年度目标", "完成率", "completion"),
    ("年度目标", "今年新增/应增", "firms"),
    ("年度目标", "新增完成率", "increment"),
    ("序时进度", "", "time_progress"),
    ("状态", "", "status"),
    ("排名变化", "", "rank_change"),
]
ANNEX_WIDTHS_CM = [1.2, 4.0, 1.8, 1.9, 1.8, 2.0, 2.0, 2.2, 2.0, 3.4, 2.0]  # 24.3 of the 24.7 cm


def _fonts(element_rpr, name):
    """`name` for Chinese; numerals and Latin letters in `LATIN_FONT` beside the serif fonts, in
    黑体 beside 黑体 (a sans-serif heading keeps sans-serif numerals)."""
    fonts = element_rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        element_rpr.insert(0, fonts)
    latin = name if name == HEADING1_FONT else LATIN_FONT
    for attr, font in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", name), ("w:cs", latin)):
        fonts.set(qn(attr), font)


def _style(doc, name, font, size, *, base=None, bold=False, align=None, indent=False, color=None, exact=True):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base:
        style.base_style = styles[base]
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor.from_string(color or "000000")
    _fonts(style.element.get_or_add_rPr(), font)
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    if exact:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_SPACING_PT)
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        set_property(style.element.get_or_add_pPr(), "snapToGrid", PPR_ORDER, val="0")
    if align is not None:
        fmt.alignment = align
    if indent:
        # Two characters, in characters, so that it follows the grid whatever the font size.
        ind = style.element.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), "200")
        ind.set(qn("w:firstLine"), str(2 * size * 20))
    return style


def _border(paragraph, edge, color=RED, size=12):
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = set_property(ppr, "pBdr", PPR_ORDER)
    line = OxmlElement(f"w:{edge}")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", "1"), ("color", color)):
        line.set(qn(f"w:{key}"), value)
    borders.append(line)


def _grid(section):
    """22 lines a page: a document grid of lines (the paragraphs' exact line spacing gives the same
    pitch). The 28 characters come from the body's condensed spacing (`CONDENSE_TWIPS`) rather than
    a character grid, which LibreOffice and WPS each read their own way."""
    sect = section._sectPr
    for old in sect.findall(qn("w:docGrid")):
        sect.remove(old)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))
    sect.append(grid)


def _condense(style, twips):
    set_property(style.element.get_or_add_rPr(), "spacing", RPR_ORDER, val=twips)


def _page_number(paragraph, align, indent_side):
    """ "— 1 —" with the page as a field, one character in from the outer edge."""
    paragraph.style = "页码"
    paragraph.alignment = align
    setattr(paragraph.paragraph_format, f"{indent_side}_indent", Pt(PT_PAGE_NUMBER))
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    paragraph.add_run(" —")


def _repeat_header(row):
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)
    cant_split = OxmlElement("w:cantSplit")
    trpr.append(cant_split)


def _para(doc, text="", style="正文", **kwargs):
    p = doc.add_paragraph(text, style=style)
    for key, value in kwargs.items():
        setattr(p.paragraph_format, key, value)
    return p


def _paragraphs(doc, name, style="正文"):
    """One paragraph for each text in the list `name` (docxtpl repeats the `{%p for %}` paragraph)."""
    _para(doc, f"{{%p for p in {name} %}}")
    _para(doc, "{{ p }}", style=style)
    _para(doc, "{%p endfor %}")


def _annex(doc, number, key):
    """附件N (GB/T 9704 8: "附件1" in 黑体 at the top left of the page, its title centred on the
    second line), a note and a table whose two header rows repeat on every page."""
    heading = _para(doc, f"附件{number}", style="附件序号")
    if number > 1:
        heading.paragraph_format.page_break_before = True
    _para(doc, f"{{{{ {key}.title }}}}", style="附件标题")
    _para(doc, f"{{{{ {key}.note }}}}", style="表注")
    table = doc.add_table(rows=5, cols=len(ANNEX_COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for c, (top, bottom, _) in enumerate(ANNEX_COLUMNS):
        table.cell(0, c).text = top
        table.cell(1, c).text = bottom
    c = 0
    while c < len(ANNEX_COLUMNS):
        top, bottom, _ = ANNEX_COLUMNS[c]
        if not bottom:
            merged = table.cell(0, c).merge(table.cell(1, c))
            merged.text = top
            c += 1
            continue
        end = c
        while end + 1 < len(ANNEX_COLUMNS) and ANNEX_COLUMNS[end + 1][0] == top:
            end += 1
        table.cell(0, c).merge(table.cell(0, end)).text = top
        c = end + 1
    for row in table.rows[:2]:
        _repeat_header(row)
    table.rows[3]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a data row stays on one page
    # docxtpl row tags: the rows between {%tr for %} and {%tr endfor %} repeat once per data row.
    table.cell(2, 0).text = f"{{%tr for r in {key}.rows %}}"
    for c, (_, _, name) in enumerate(ANNEX_COLUMNS):
        table.cell(3, c).text = f"{{{{ r.{name} }}}}"
    table.cell(4, 0).text = "{%tr endfor %}"
    for row in table.rows:
        row.height = Cm(0.5)  # at least; a wrapped name makes its row taller
    widths = [Cm(w) for w in ANNEX_WIDTHS_CM]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for r, row in enumerate(table.rows):
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
            for p in cell.paragraphs:
                p.style = "表格"
                if r < 2:
                    for run in p.runs:
                        run.bold = True


def build_default_template():
    """The shipped template, as bytes."""
    doc = Document()
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)

    normal = _style(doc, "Normal", BODY_FONT, PT_BODY)
    normal.font.bold = False
    _condense(normal, CONDENSE_TWIPS)
    chinese_layout(doc)
    _style(doc, "正文", BODY_FONT, PT_BODY, base="Normal", indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _style(doc, "版头", TITLE_FONT, 30, base="Normal", align=WD_ALIGN_PARAGRAPH.CENTER, color=RED, exact=False)
    _style(doc, "期数", BODY_FONT, PT_BODY, base="Normal", align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(doc, "发文机关", HEADING2_FONT, PT_BODY, base="Normal", align=WD_ALIGN_PARAGRAPH.CENTER)
    title = _style(doc, "公文标题", TITLE_FONT, PT_TITLE, base="Normal", align=WD_ALIGN_PARAGRAPH.CENTER, exact=False)
    title.paragraph_format.space_before = Pt(LINE_PITCH_PT)
    title.paragraph_format.space_after = Pt(LINE_PITCH_PT)
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    title.paragraph_format.line_spacing = Pt(35)
    h1 = _style(doc, "Heading 1", HEADING1_FONT, PT_BODY, base="Normal", indent=True)
    h1.paragraph_format.keep_with_next = True
    h2 = _style(doc, "Heading 2", HEADING2_FONT, PT_BODY, base="Normal", indent=True)
    h2.paragraph_format.keep_with_next = True
    picture = _style(doc, "图", BODY_FONT, PT_BODY, base="Normal", align=WD_ALIGN_PARAGRAPH.CENTER, exact=False)
    picture.paragraph_format.keep_with_next = True  # a picture never leaves its caption behind
    _style(doc, "图题", HEADING2_FONT, 14, base="Normal", align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(doc, "草稿", HEADING1_FONT, PT_BODY, base="Normal", align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)
    _style(doc, "版记", BODY_FONT, 14, base="Normal", exact=False).paragraph_format.line_spacing = Pt(24)
    _style(doc, "页码", PAGE_NUMBER_FONT, PT_PAGE_NUMBER, base="Normal", exact=False)
    _style(doc, "附件序号", HEADING1_FONT, PT_BODY, base="Normal", exact=False).paragraph_format.keep_with_next = True
    # The annex title in 小标宋 like the document's, a size down (小二, 18 pt): a table of every
    # sub-district still fits its landscape page under it.
    annex_title = _style(doc, "附件标题", TITLE_FONT, PT_ANNEX_TITLE, base="Normal", align=WD_ALIGN_PARAGRAPH.CENTER)
    annex_title.paragraph_format.line_spacing = Pt(PT_ANNEX_TITLE * 1.5)
    annex_title.paragraph_format.keep_with_next = True
    _annex_list_style(doc)
    _style(doc, "表注", BODY_FONT, 12, base="Normal", exact=False).paragraph_format.space_after = Pt(4)
    notes = _style(doc, "注", BODY_FONT, 12, base="Normal", indent=True, exact=False)
    notes.paragraph_format.space_before = Pt(8)
    # Table text at an exact 12 pt line: whatever the line height of the font that stands in for 宋体,
    # a table of every sub-district fits its landscape page.
    table_text = _style(doc, "表格", "宋体", PT_TABLE, base="Normal", align=WD_ALIGN_PARAGRAPH.CENTER, exact=False)
    table_text.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    table_text.paragraph_format.line_spacing = Pt(12)

    section = doc.sections[0]
    a4_page(section)
    section.header_distance, section.footer_distance = Mm(15), Mm(22)
    _grid(section)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT, "right")
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT, "left")

    # 版头: the office's letterhead, 期数, issuer and date, then the red line.
    _para(doc, "“高科双企”双倍增工作通报", style="版头")
    _para(doc, "{{ issue_label }}", style="期数")
    _para(doc, "{{ issuer }}", style="发文机关")
    _border(_para(doc, "{{ date_cn }}", style="发文机关"), "bottom", size=18)
    _para(doc, "{%p if draft %}", style="Normal")
    _para(doc, "草稿 · 未发布，数据随填报实时变化，不作正式通报", style="草稿")
    _para(doc, "{%p endif %}", style="Normal")
    _para(doc, "{{ title }}", style="公文标题")

    _para(doc, "{{ no.overall }}、总体进展", style="Heading 1")
    _paragraphs(doc, "overall")
    _charts(doc, "charts_overall")

    _para(doc, "{{ no.race }}、赛马比拼", style="Heading 1")
    _para(doc, "{{ race_rule }}")
    _para(doc, "{%p for s in race %}")
    _para(doc, "{{ s.heading }}", style="Heading 2")
    _para(doc, "{{ s.text }}")
    _para(doc, "{%p if s.chart %}")
    _para(doc, "{{ s.chart.image }}", style="图")
    _para(doc, "{{ s.chart.caption }}", style="图题")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endfor %}")

    _para(doc, "{{ no.lagging }}、进度滞后的街镇", style="Heading 1")
    _paragraphs(doc, "lagging")

    _para(doc, "{%p if warning %}")
    _para(doc, "{{ no.warning }}、预警", style="Heading 1")
    _paragraphs(doc, "warning")
    _para(doc, "{%p endif %}")

    _para(doc, "{{ no.tasks }}、重点任务推进情况", style="Heading 1")
    _paragraphs(doc, "tasks")

    # 注: the 口径 in short (the platform's 口径说明 page has it in full).
    _paragraphs(doc, "rules", style="注")

    # 附件说明 (GB/T 9704 7.3.5): a line below the body, two characters in, "附件：1.…", each further
    # annex on a line of its own aligned with the first one's number, no punctuation after a name.
    first = _para(doc, "附件：1.{{ annex1.title }}", style="附件说明")
    first.paragraph_format.space_before = Pt(LINE_PITCH_PT)
    _annex_indent(first, hanging=True)
    _annex_indent(_para(doc, "2.{{ annex2.title }}", style="附件说明"), hanging=False)

    # 版记: 报送 and 抄送 between thin lines, at the end of the text (before the annex tables, so
    # that they never sit alone on a page of their own).
    first = _para(doc, "报送：{{ send_to }}", style="版记")
    first.paragraph_format.space_before = Pt(LINE_PITCH_PT)
    first.paragraph_format.keep_with_next = True
    _border(first, "top", color="000000", size=8)
    _border(_para(doc, "抄送：{{ copy_to }}", style="版记"), "bottom", color="000000", size=8)

    annex = doc.add_section(WD_SECTION.NEW_PAGE)
    annex.orientation = WD_ORIENT.LANDSCAPE
    annex.page_width, annex.page_height = Mm(297), Mm(210)
    # Landscape annex pages: narrower margins so that a table of 17 sub-districts fits a page.
    annex.top_margin, annex.bottom_margin = Mm(15), Mm(18)
    annex.left_margin, annex.right_margin = Mm(25), Mm(25)
    annex.footer_distance = Mm(10)
    for grid in annex._sectPr.findall(qn("w:docGrid")):
        annex._sectPr.remove(grid)
    _annex(doc, 1, "annex1")
    _annex(doc, 2, "annex2")
    declare_fallback_fonts(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


ANNEX_LABEL_CHARS = 3  # "附件："
PT_ANNEX_TITLE = 18


def _annex_list_style(doc):
    """附件说明: body text, left-aligned (a name is never stretched), kept with the next line, so that
    the annex list and the 报送/抄送 lines (four short lines) share a page."""
    style = _style(doc, "附件说明", BODY_FONT, PT_BODY, base="Normal", align=WD_ALIGN_PARAGRAPH.LEFT)
    style.paragraph_format.keep_with_next = True


def _annex_indent(paragraph, hanging):
    """Indent of an annex line in characters: the names' numbers start two characters plus "附件："
    in; the first line hangs back by "附件：" so that it starts two characters in."""
    left = 2 + ANNEX_LABEL_CHARS
    values = {"leftChars": left * 100, "left": left * PT_BODY * 20}
    if hanging:
        values |= {"hangingChars": ANNEX_LABEL_CHARS * 100, "hanging": ANNEX_LABEL_CHARS * PT_BODY * 20}
    set_property(paragraph._p.get_or_add_pPr(), "ind", PPR_ORDER, **values)


def _charts(doc, name):
    _para(doc, f"{{%p for c in {name} %}}")
    _para(doc, "{{ c.image }}", style="图")
    _para(doc, "{{ c.caption }}", style="图题")
    _para(doc, "{%p endfor %}")
    _para(doc, f"{{%p if {name}_note %}}")
    _para(doc, f"{{{{ {name}_note }}}}")
    _para(doc, "{%p endif %}")
