"""The assessment result as rows, then as xlsx and as a GB/T 9704 Word annex (rows first, format second)."""

import io

from beibei_dashboard.cleantext import clean_text
from beibei_dashboard.tables import safe_cell
from targets.choices import Category


def _rate(value):
    return "—" if value is None else f"{value:g}%"


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


def result_xlsx(figures, result):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "考核结果"
    sheet.append([safe_cell(title(figures, result))])
    sheet["A1"].font = Font(bold=True, size=14)
    for caption, header, body in number_tables(figures):
        sheet.append([])
        sheet.append([caption])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        sheet.append([safe_cell(h) for h in header])
        for row in body:
            sheet.append([safe_cell(v) if isinstance(v, str) else v for v in row])
    rules = workbook.create_sheet("计分规则")
    for line in basis(figures):
        rules.append([safe_cell(line)])
        rules.cell(rules.max_row, 1).alignment = Alignment(wrap_text=True)
    rules.column_dimensions["A"].width = 120
    sheet.column_dimensions["B"].width = 18
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# GB/T 9704—2012 党政机关公文格式: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm;
# body 仿宋 3号 (16 pt), headings 黑体 3号, the title 小标宋 2号 (22 pt), 22 lines of 28 characters.
BODY_FONT, HEADING_FONT, TITLE_FONT = "仿宋", "黑体", "方正小标宋简体"
SIZE_3, SIZE_2, SIZE_TABLE = 16, 22, 12


def result_docx(figures, result):
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)

    def write(paragraph, text, name=BODY_FONT, size=SIZE_3, bold=False):
        # A stored name or reason may hold a control character, which no .docx can hold.
        run = paragraph.add_run(clean_text(str(text)))
        run.font.name = name
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
        run.font.size = Pt(size)
        run.bold = bold
        return run

    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, Pt(SIZE_3)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    normal.paragraph_format.line_spacing = Pt(28.95)

    write(doc.add_paragraph(), "附件", HEADING_FONT)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    write(p, title(figures, result), TITLE_FONT, SIZE_2)
    headings = ["一、计分依据", "二、考核结果"]
    write(doc.add_paragraph(), headings[0], HEADING_FONT)
    for line in basis(figures):
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(SIZE_3 * 2)
        write(p, line)
    write(doc.add_paragraph(), headings[1], HEADING_FONT)
    for number, (caption, header, body) in enumerate(tables(figures), start=1):
        write(doc.add_paragraph(), f"（{'一二三四五'[number - 1]}）{caption}", "楷体")
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.paragraphs[0].paragraph_format.line_spacing = 1.0  # tables single-spaced, not the body's 28.95 pt
            write(cell.paragraphs[0], text, HEADING_FONT, SIZE_TABLE)
        for row in body:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.paragraphs[0].paragraph_format.line_spacing = 1.0
                text = f"{value:g}" if isinstance(value, float) else str(value)
                write(cell.paragraphs[0], text, BODY_FONT, SIZE_TABLE)
    if result:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        reason = f"（修订原因：{result.reason}）" if result.reason else ""
        write(p, f"{result.published_at:%Y年%m月%d日}发布{reason}")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
