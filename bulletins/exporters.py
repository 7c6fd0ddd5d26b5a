"""The monthly bulletin as xlsx and docx: rows first, then the file."""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from beibei_dashboard.tables import safe_cell
from targets.exporters import BOX, HEAD_FILL
from targets.months import Month

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


RANKING_COLUMNS = [
    # (group, header, key, kind)
    ("", "排名", "rank", "int"),
    ("", "街镇", "name", "text"),
    ("月末存量（家）", "本月", "actual", "int"),
    ("月末存量（家）", "本月新增", "new_month", "int"),
    ("年度目标", "目标数", "target", "int"),
    ("年度目标", "完成率", "completion_pct", "pct"),
    ("年度目标", "新增完成率", "increment_completion_pct", "pct"),
    ("", "序时进度", "time_progress_pct", "pct"),
    ("", "状态", "status_label", "text"),
    ("", "排名变化", "rank_change", "change"),
]


RANKING_NOTE = (
    "注：排名与状态用同一个新增完成率（保持年达到目标记100%），并列时按年度目标完成率；"
    "未填报的街镇不排名。详见平台“口径说明”。"
)


def rank_change_text(change):
    if change is None:
        return "—"
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "持平"


def bulletin_table_rows(figures, metric):
    """Rows of a metric's ranking table, class by class with each class's 合计, then the district."""
    section = figures["metrics"][metric]
    time_pct = figures["time_progress_pct"]
    for category, klass in section["classes"].items():
        yield {"kind": "heading", "name": f"{category}类镇街"}
        for row in klass["rows"]:
            yield {"kind": "row", **row, "time_progress_pct": time_pct}
        total = klass["total"]
        yield {
            "kind": "total",
            "rank": "",
            "name": f"{category}类合计（{total['reported']}/{total['expected']}已填报）",
            **{
                k: total.get(k) for k in ("actual", "new_month", "target", "completion_pct", "increment_completion_pct")
            },
            "time_progress_pct": time_pct,
            "status_label": "",
            "rank_change": None,
        }
    t = section["total"]
    yield {
        "kind": "total",
        "rank": "",
        "name": f"全区合计（{t['reported']}/{t['expected']}已填报）",
        **{k: t.get(k) for k in ("actual", "new_month", "target", "completion_pct", "increment_completion_pct")},
        "time_progress_pct": time_pct,
        "status_label": t["status_label"],
        "rank_change": None,
    }


def _cell_value(row, key, kind):
    value = row.get(key)
    if kind == "pct":
        return None if value is None else value / 100
    if kind == "change":
        return rank_change_text(value) if row["kind"] == "row" else ""
    if kind == "int" and value is None and row["kind"] == "row":
        return "未填报" if key == "actual" else None
    return safe_cell(value)


def bulletin_xlsx(figures, draft):
    """The bulletin's ranking tables as a print-ready workbook: one sheet per metric plus the text."""
    wb = Workbook()
    wb.remove(wb.active)
    title = figures["title"] + ("（草稿）" if draft else "")
    for metric, section in figures["metrics"].items():
        ws = wb.create_sheet(f"{section['label']}赛马比拼")
        width = len(RANKING_COLUMNS)
        ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        ws.cell(row=2, column=1, value=f"{section['label']}：{figures['issuer']}　{figures['date']}")
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
        for r in (1, 2):
            ws.cell(row=r, column=1).alignment = Alignment(horizontal="center")
        _two_level_header(ws, 3)
        r = 5
        for row in bulletin_table_rows(figures, metric):
            if row["kind"] == "heading":
                ws.cell(row=r, column=1, value=row["name"]).font = Font(bold=True)
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
            else:
                for c, (_, _, key, kind) in enumerate(RANKING_COLUMNS, start=1):
                    cell = ws.cell(row=r, column=c, value=_cell_value(row, key, kind))
                    if kind == "pct":
                        cell.number_format = "0.0%"
                    elif kind == "int":
                        cell.number_format = "#,##0"
                    if row["kind"] == "total":
                        cell.font = Font(bold=True)
                        cell.fill = HEAD_FILL
            for c in range(1, width + 1):
                ws.cell(row=r, column=c).border = BOX
            r += 1
        for letter, w in zip("ABCDEFGHIJ", [6, 26, 9, 9, 9, 9, 11, 9, 16, 9], strict=True):
            ws.column_dimensions[letter].width = w
        _print_setup(ws, "3:4", draft)
    text = wb.create_sheet("通报正文")
    text.column_dimensions["A"].width = 110
    text.append([title])
    text["A1"].font = Font(bold=True, size=14)
    for paragraph in figures["summary"]:
        text.append([safe_cell(paragraph)])
        text.cell(row=text.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    _print_setup(text, None, draft)
    wb.move_sheet("通报正文", offset=-len(figures["metrics"]))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _two_level_header(ws, top):
    col = 1
    groups = []
    for group, header, _, _ in RANKING_COLUMNS:
        if group and groups and groups[-1][0] == group:
            groups[-1][2] = col
        elif group:
            groups.append([group, col, col])
        else:
            ws.cell(row=top, column=col, value=header)
            ws.merge_cells(start_row=top, start_column=col, end_row=top + 1, end_column=col)
        ws.cell(row=top + 1, column=col, value=header if group else None)
        col += 1
    for group, start, end in groups:
        ws.cell(row=top, column=start, value=group)
        ws.merge_cells(start_row=top, start_column=start, end_row=top, end_column=end)
    for row in ws.iter_rows(min_row=top, max_row=top + 1, max_col=len(RANKING_COLUMNS)):
        for cell in row:
            cell.font, cell.fill, cell.border = Font(bold=True), HEAD_FILL, BOX
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _print_setup(ws, title_rows, draft):
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    if draft:
        ws.oddHeader.center.text = "草稿"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def bulletin_docx(figures, draft):
    """The bulletin as a Word document in the form an office issues it."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.2)

    def font(run, name="仿宋", size=14, bold=False, color=None):
        run.font.name = name
        run._element.rPr.rFonts.set(qn("w:eastAsia"), name)
        run.font.size = Pt(size)
        run.bold = bold
        if color:
            run.font.color.rgb = RGBColor.from_string(color)

    normal = doc.styles["Normal"]
    normal.font.name = "仿宋"
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    if draft:
        font(section.header.paragraphs[0].add_run("草稿"), "黑体", 16, True, "C62828")
        section.header.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    font(p.add_run(figures["title"] + ("（草稿）" if draft else "")), "宋体", 20, True)
    for line in (figures["issuer"], _chinese_date(figures["date"])):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        font(p.add_run(line), "楷体", 14)
    for paragraph in figures["summary"]:
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(28)
        p.paragraph_format.line_spacing = Pt(28)
        font(p.add_run(paragraph))
    if figures.get("tasks"):
        p = doc.add_paragraph()
        font(p.add_run("重点任务推进情况"), "黑体", 14)
        for line in figures["tasks"].get("lines", []):
            p = doc.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(28)
            font(p.add_run(line))
    landscape = doc.add_section()
    landscape.orientation = WD_ORIENT.LANDSCAPE
    landscape.page_width, landscape.page_height = Cm(29.7), Cm(21.0)
    landscape.left_margin = landscape.right_margin = Cm(1.5)
    for number, (metric, sec) in enumerate(figures["metrics"].items(), start=1):
        p = doc.add_paragraph()
        font(p.add_run(f"附表{number}　{sec['label']}赛马比拼（{Month.parse(figures['month']).label}）"), "黑体", 14)
        rows = list(bulletin_table_rows(figures, metric))
        table = doc.add_table(rows=2, cols=len(RANKING_COLUMNS))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for c, (group, header, _, _) in enumerate(RANKING_COLUMNS):
            table.cell(0, c).text = group or header
            table.cell(1, c).text = header if group else ""
        for c in range(len(RANKING_COLUMNS)):
            if not RANKING_COLUMNS[c][0]:
                table.cell(0, c).merge(table.cell(1, c))
        c = 0
        while c < len(RANKING_COLUMNS):
            group = RANKING_COLUMNS[c][0]
            end = c
            while group and end + 1 < len(RANKING_COLUMNS) and RANKING_COLUMNS[end + 1][0] == group:
                end += 1
            if end > c:
                merged = table.cell(0, c).merge(table.cell(0, end))
                merged.text = group
            c = end + 1
        for row in rows:
            cells = table.add_row().cells
            if row["kind"] == "heading":
                merged = cells[0].merge(cells[-1])
                merged.text = row["name"]
                continue
            for i, (_, _, key, kind) in enumerate(RANKING_COLUMNS):
                cells[i].text = _docx_text(row, key, kind)
        table.autofit = False
        widths = [Cm(w) for w in DOCX_WIDTHS_CM]
        for column, cm in zip(table.columns, widths, strict=True):
            column.width = cm  # LibreOffice and WPS read the grid, Word the cells
        for tr in table.rows:
            for cell, cm in zip(tr.cells, widths, strict=True):
                cell.width = cm
                for paragraph in cell.paragraphs:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    for run in paragraph.runs:
                        font(run, "宋体", 10)
        p = doc.add_paragraph()
        font(p.add_run(RANKING_NOTE), "仿宋", 10)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


DOCX_WIDTHS_CM = [1.3, 4.6, 2.0, 2.0, 2.0, 2.2, 2.4, 2.0, 3.8, 2.0]


def _docx_text(row, key, kind):
    value = row.get(key)
    if kind == "pct":
        return "—" if value is None else f"{value:.1f}%"
    if kind == "change":
        return rank_change_text(value) if row["kind"] == "row" else ""
    if value is None:
        return "未填报" if key == "actual" and row["kind"] == "row" else "—"
    return str(value)


def _chinese_date(iso):
    year, month, day = (int(x) for x in iso.split("-"))
    return f"{year}年{month}月{day}日"
