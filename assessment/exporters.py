"""The assessment result as rows, then as xlsx and as a GB/T 9704 Word annex (rows first, format second)."""

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from beibei_dashboard.cleantext import clean_text
from beibei_dashboard.office import (
    BODY_FONT,
    BOX,
    HEAD_FILL,
    HEADING1_FONT,
    HEADING2_FALLBACK,
    LINE_SPACING_PT,
    PT_BODY,
    PT_TITLE,
    TITLE_FONT,
    a4_page,
    append_rows,
    break_before_blocks,
    chinese_layout,
    declare_fallback_fonts,
    fit_height,
    format_numbers,
    print_a4,
    saved_bytes,
)
from targets.choices import Category

PT_TABLE = 12  # 小四: the annex's tables are wider than the bulletin's


def _rate(value):
    return "—" if value is None else f"{value:g}%"


PENDING_CAPTION = "目标待分解的街镇（不计总分、不排名）"


def title(figures, result):
    state = f"（第{result.number}版）" if result else "（若按当前数据，未发布）"
    return f"北碚区“高科双企”双倍增{figures['year']}年度考核结果{state}"


def tables(figures):
    """[(caption, header, rows)]: one table per sub-district class, one for the lead units."""
    out = []
    for category, rows in figures["subdistricts"].items():
        if not rows:
            continue
        header = ["同类排名", "街镇"] + [f"{i['name']}（{i['weight']:g}分）" for i in rows[0]["items"]] + ["总分"]
        body = [
            [row["rank"], row["name"]]
            + [f"{_rate(i['rate'])} → {i['points']:g}分" for i in row["items"]]
            + [row["total"]]
            for row in rows
        ]
        out.append((f"{Category(category).label}", header, body))
    pending = figures.get("pending") or []
    if pending:
        header = ["街镇"] + [f"{i['name']}（{i['weight']:g}分）" for i in pending[0]["items"]] + ["总分"]
        body = [
            [row["name"]]
            + [i.get("note") or f"{_rate(i['rate'])} → {i['points']:g}分" for i in row["items"]]
            + [row["note"]]
            for row in pending
        ]
        out.append((PENDING_CAPTION, header, body))
    if figures["units"]:
        header = ["排名", "单位", "考核项目（完成率 → 得分）", "总分"]
        body = [
            [
                row["rank"],
                row["name"],
                "；".join(f"{i['name']} {_rate(i['rate'])} → {i['points']:g}/{i['weight']:g}分" for i in row["items"]),
                row["total"],
            ]  # fmt: skip
            for row in figures["units"]
        ]
        out.append(("牵头单位（重点任务）", header, body))
    return out


def number_tables(figures):
    """[(caption, header, rows)] with a number per cell (rate in %, points) for the spreadsheet."""
    out = []
    names = {row["code"]: row for row in figures["items"]}
    for category, rows in figures["subdistricts"].items():
        if not rows:
            continue
        items = rows[0]["items"]
        header = ["同类排名", "街镇"]
        for i in items:
            header += [f"{i['name']}完成率（%）", f"{i['name']}得分（满分{i['weight']:g}）"]
        body = [
            [row["rank"], row["name"], *(v for i in row["items"] for v in (i["rate"], i["points"])), row["total"]]
            for row in rows
        ]
        out.append((Category(category).label, [*header, "总分"], body))
    pending = figures.get("pending") or []
    if pending:
        header = ["街镇"]
        for i in pending[0]["items"]:
            header += [f"{i['name']}完成率（%）", f"{i['name']}得分（满分{i['weight']:g}）"]
        body = [
            [row["name"], *(v for i in row["items"] for v in ((i.get("note") or i["rate"]), i["points"])), row["note"]]
            for row in pending
        ]
        out.append((PENDING_CAPTION, [*header, "总分"], body))
    if figures["units"]:
        codes = [code for code in names if any(i["code"] == code for row in figures["units"] for i in row["items"])]
        header = ["排名", "单位"]
        labels = {i["code"]: i["name"] for row in figures["units"] for i in row["items"]}
        for code in codes:
            header += [f"{labels[code]}完成率（%）", f"{labels[code]}得分（满分{names[code]['weight']:g}）"]
        body = []
        for row in figures["units"]:
            by_code = {i["code"]: i for i in row["items"]}
            cells = [v for code in codes for v in ((by_code[code]["rate"], by_code[code]["points"])
                                                   if code in by_code else ("不适用", "不适用"))]  # fmt: skip
            body.append([row["rank"], row["name"], *cells, row["total"]])
        out.append(("牵头单位（重点任务）", [*header, "总分（百分制）"], body))
    return out


def basis(figures):
    """The lines that say what the scores are computed from."""
    months = f"企业数考核月：{figures['counts_month'] or '无'}；重点任务考核至：{figures['reports_month'] or '无'}"
    return [f"数据截至：{figures['as_of']}；{months}；考核方案第{figures['scheme_version']}版。", *figures["rules"]]


# The result sheet's columns: rank, name, then each item's rate and points and the total.
RESULT_WIDTHS = (8, 18)
ITEM_WIDTH = 13
RULES_WIDTH = 90  # the rules sheet's one column: A4 portrait


def result_xlsx(figures, result):
    """The result as a workbook ready to print: each table with its caption and a bold wrapped
    header, one number format, landscape A4 as wide as the page; the rules on a second sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "考核结果"
    append_rows(sheet, [[title(figures, result)]])
    sheet["A1"].font = Font(bold=True, size=14)
    widest, starts = 1, set()
    for caption, header, body in number_tables(figures):
        starts.add(sheet.max_row + 1)
        append_rows(sheet, [[], [caption]])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        top = sheet.max_row + 1
        append_rows(sheet, [header, *body])
        widest = max(widest, len(header))
        for row in sheet.iter_rows(min_row=top, max_row=sheet.max_row, max_col=len(header)):
            for cell in row:
                cell.border = BOX
                cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
                if cell.row == top:
                    cell.font, cell.fill = Font(bold=True), HEAD_FILL
    for column in range(1, widest + 1):
        width = RESULT_WIDTHS[column - 1] if column <= len(RESULT_WIDTHS) else ITEM_WIDTH
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row in range(2, sheet.max_row + 1):
        fit_height(sheet, row)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=widest)
    sheet.row_dimensions[1].height = 24
    format_numbers(sheet)
    print_a4(sheet, landscape=True, title_rows="1:1")
    break_before_blocks(sheet, starts)  # a caption never ends a page without its table

    rules = workbook.create_sheet("计分规则")
    append_rows(rules, [[line] for line in basis(figures)])
    for (cell,) in rules.iter_rows():
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    rules.column_dimensions["A"].width = RULES_WIDTH
    for row in range(1, rules.max_row + 1):
        fit_height(rules, row)
    print_a4(rules, landscape=False)
    return saved_bytes(workbook)


def result_docx(figures, result):
    """The result as a Word annex in the national format (GB/T 9704, `beibei_dashboard.office`)."""
    doc = Document()
    a4_page(doc.sections[0])
    declare_fallback_fonts(doc)
    chinese_layout(doc)

    def write(paragraph, text, name=BODY_FONT, size=PT_BODY, bold=False):
        # A stored name or reason may hold a control character, which no .docx can hold.
        run = paragraph.add_run(clean_text(str(text)))
        run.font.name = name
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
        run.font.size = Pt(size)
        run.bold = bold
        return run

    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, Pt(PT_BODY)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    normal.paragraph_format.line_spacing = Pt(LINE_SPACING_PT)

    write(doc.add_paragraph(), "附件", HEADING1_FONT)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    write(p, title(figures, result), TITLE_FONT, PT_TITLE)
    headings = ["一、计分依据", "二、考核结果"]
    write(doc.add_paragraph(), headings[0], HEADING1_FONT)
    for line in basis(figures):
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(PT_BODY * 2)
        write(p, line)
    write(doc.add_paragraph(), headings[1], HEADING1_FONT)
    for number, (caption, header, body) in enumerate(tables(figures), start=1):
        write(doc.add_paragraph(), f"（{'一二三四五'[number - 1]}）{caption}", HEADING2_FALLBACK)
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.paragraphs[0].paragraph_format.line_spacing = 1.0  # tables single-spaced, not the body's 28.95 pt
            write(cell.paragraphs[0], text, HEADING1_FONT, PT_TABLE)
        for row in body:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.paragraphs[0].paragraph_format.line_spacing = 1.0
                text = f"{value:g}" if isinstance(value, float) else str(value)
                write(cell.paragraphs[0], text, BODY_FONT, PT_TABLE)
    if result:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        reason = f"（修订原因：{result.reason}）" if result.reason else ""
        write(p, f"{result.published_at:%Y年%m月%d日}发布{reason}")
    return saved_bytes(doc)
