"""The monthly bulletin as a print-ready workbook: the text, one ranking sheet per metric, the
key tasks and 预警, each titled as the document is."""

import math

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from beibei_dashboard.cleantext import safe_cell
from beibei_dashboard.office import BOX, HEAD_FILL, INT_FORMAT, PCT_FORMAT, SHEET_MARGINS, print_a4, saved_bytes
from targets import rate_words
from targets.months import Month

from . import text
from .exporters import (
    RANKING_COLUMNS,
    TASK_COLUMNS,
    WARNING_COLUMNS,
    bulletin_table_rows,
    exact,
    rank_change_text,
    section_numbers,
    subtitle,
    task_rows,
    warning_lines,
    warning_rows,
)


def _cell_value(row, key, kind):
    value = row.get(key)
    if kind == "pct":
        return exact(value, "pct")
    if kind == "change":
        return rank_change_text(value) if row["kind"] == "row" else ""
    if kind == "int" and value is None and row["kind"] == "row":
        return "未填报" if key == "actual" else None
    if key == "firms":  # "+10/17", written by the application from two whole numbers: no formula to guard
        return value
    return safe_cell(value)


# The text sheet's one column, in Excel's units: 5.25 pt each with Excel's Calibri, wider where
# LibreOffice has no metric-compatible font; 68 fits A4 portrait in both.
TEXT_WIDTH = 68


def text_height(text, width=TEXT_WIDTH, size=12, indent=0):
    """Row height (points) that shows all of `text` wrapped in a column `width` units wide: a
    Chinese character is `size` points wide, anything else about half; a margin for safety."""
    line = max(size, width * 5.25 * 0.95 - indent * size)
    lines = sum(
        max(1, math.ceil(sum(size if ord(c) > 0x2E80 else size * 0.55 for c in part) / line))
        for part in str(text or "").split("\n")
    )
    return round(lines * size * 1.45 + 6, 1)


def _title_rows(ws, figures, draft, heading, width):
    """Rows 1–2: the bulletin's title and subtitle; row 3: the sheet's own heading."""
    title = figures["title"] + ("（草稿）" if draft else "")
    for r, (value, font) in enumerate(
        [
            (title, Font(bold=True, size=16)),
            (subtitle(figures, draft), Font(size=11)),
            (heading, Font(bold=True, size=13)),
        ],
        start=1,
    ):
        cell = ws.cell(row=r, column=1, value=value)
        cell.font = font
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if width > 1:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    if width == 1:  # the text sheet: one column, so the title may need two lines
        ws.row_dimensions[1].height = text_height(title, size=16)
        ws.row_dimensions[2].height = text_height(subtitle(figures, draft), size=11)
    else:
        ws.row_dimensions[1].height = 28
        ws.row_dimensions[2].height = 20
    ws.row_dimensions[3].height = 22


def _paragraph_style(heading):
    """(font size, indent) of a text-sheet row: a heading is larger and starts at the margin."""
    return (13, 0) if heading else (12, 2)


def _paragraph_height(text, heading):
    size, indent = _paragraph_style(heading)
    return text_height(text, size=size, indent=indent)


def _paragraph(ws, text, heading=False):
    size, indent = _paragraph_style(heading)
    r = ws.max_row + 1
    cell = ws.cell(row=r, column=1, value=safe_cell(text))
    cell.font = Font(bold=heading, size=size)
    cell.alignment = Alignment(wrap_text=True, vertical="top", indent=indent)
    ws.row_dimensions[r].height = _paragraph_height(text, heading)
    return r


# The text sheet's printable height on A4 portrait, in points: 842 less the top and bottom margins
# (`office.SHEET_MARGINS`, in inches; the header and footer sit inside them).
A4_PRINTABLE_HEIGHT = 842 - (SHEET_MARGINS["top"] + SHEET_MARGINS["bottom"]) * 72


def _flow(ws, items, repeated_rows):
    """Write `items` ([(text, is_heading)]) one row each, keeping each heading on the page of
    the paragraph that follows it: where a heading and the next row would not both fit on what
    is left of the page, a page break goes before the heading (a heading is never a page's last
    line). Rows are never split across pages, so a row that does not fit starts the next page."""
    repeat = sum(ws.row_dimensions[r].height or 15 for r in repeated_rows)
    used = sum(ws.row_dimensions[r].height or 15 for r in range(1, ws.max_row + 1))
    heights = [_paragraph_height(text, heading) for text, heading in items]
    for index, (value, heading) in enumerate(items):
        height = heights[index]
        following = heights[index + 1] if heading and index + 1 < len(heights) else 0
        row = _paragraph(ws, value, heading=heading)
        if used + height + following > A4_PRINTABLE_HEIGHT:
            if heading and used + height <= A4_PRINTABLE_HEIGHT:
                ws.row_breaks.append(Break(id=row - 1))  # it would have been the page's last line
            used = repeat
        used += height


def bulletin_xlsx(figures, draft):
    """The bulletin as a print-ready workbook: the text, one ranking sheet per metric, the key
    tasks and 预警, each titled as the document is; numbers exactly as displayed."""
    wb = Workbook()
    wb.remove(wb.active)
    numbers = section_numbers(figures)
    text_sheet = wb.create_sheet("通报正文")
    text_sheet.column_dimensions["A"].width = TEXT_WIDTH
    _title_rows(text_sheet, figures, draft, "通报正文", 1)
    items = []
    for key, heading, paragraphs in [
        ("overall", "总体进展", text.overall_paragraphs(figures, word=False)),
        (
            "race",
            "赛马比拼",
            [text.ranking_rule(figures)] + [f"{s['heading']}{s['text']}" for s in text.race_sections(figures)],
        ),
        ("lagging", "进度滞后的街镇", text.lagging_lines(figures)),
        ("warning", "预警", warning_lines(figures)),
        ("tasks", "重点任务推进情况", figures["tasks"]["lines"]),
    ]:
        if key not in numbers:
            continue
        items.append((f"{numbers[key]}、{heading}", True))
        items.extend((paragraph, False) for paragraph in paragraphs)
    items.extend((paragraph, False) for paragraph in text.rules_lines(figures))
    document = figures.get("document") or {}
    for label, key in (("报送", "send_to"), ("抄送", "copy_to")):
        if document.get(key):
            items.append((f"{label}：{document[key]}", False))
    _flow(text_sheet, items, repeated_rows=(1, 2))
    _print_setup(text_sheet, "1:2", draft, landscape=False)

    for metric, section in figures["metrics"].items():
        ws = wb.create_sheet(f"{section['label']}赛马比拼")
        width = len(RANKING_COLUMNS)
        _title_rows(ws, figures, draft, f"{section['label']}赛马比拼（{Month.parse(figures['month']).label}）", width)
        _two_level_header(ws, 4)
        r = 6
        for row in bulletin_table_rows(figures, metric):
            if row["kind"] == "heading":
                ws.cell(row=r, column=1, value=row["name"]).font = Font(bold=True)
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
            else:
                for c, (_, _, key, kind) in enumerate(RANKING_COLUMNS, start=1):
                    cell = ws.cell(row=r, column=c, value=_cell_value(row, key, kind))
                    cell.alignment = Alignment(horizontal="left" if key == "name" else "center", wrap_text=True)
                    if kind == "pct":  # a rate read in firms is marked as on the page
                        small = key == "increment_completion_pct" and row.get("small")
                        cell.number_format = f'{PCT_FORMAT}"{rate_words.SMALL_MARK}"' if small else PCT_FORMAT
                    elif kind == "int":
                        cell.number_format = INT_FORMAT
                    if row["kind"] == "total":
                        cell.font = Font(bold=True)
                        cell.fill = HEAD_FILL
            for c in range(1, width + 1):
                ws.cell(row=r, column=c).border = BOX
            r += 1
        for letter, w in zip("ABCDEFGHIJK", [6, 24, 9, 9, 9, 9, 9, 11, 9, 16, 9], strict=True):
            ws.column_dimensions[letter].width = w
        _print_setup(ws, "4:5", draft)

    _table_sheet(wb, figures, draft, "重点任务", "重点任务推进情况", TASK_COLUMNS, task_rows(figures))
    _table_sheet(wb, figures, draft, "预警", "预警：进度预警和滞后的街镇", WARNING_COLUMNS, warning_rows(figures))
    return saved_bytes(wb)


def _paragraph_from(values):
    """The column (0-based) from which a row is a paragraph: a text with nothing after it (the
    forecast's sentences on the 预警 sheet, the tasks' summary), or None for a row of a table."""
    filled = [i for i, value in enumerate(values) if value not in (None, "")]
    if not filled or filled[-1] == len(values) - 1 or not isinstance(values[filled[-1]], str):
        return None
    return filled[-1]


def _table_sheet(wb, figures, draft, name, heading, columns, rows):
    """A titled table, one row per item; a row that is a paragraph (`_paragraph_from`) is one
    cell merged to the table's right edge, as tall as its wrapped text."""
    ws = wb.create_sheet(name)
    width = len(columns)
    _title_rows(ws, figures, draft, heading, width)
    for c, (label, w, _) in enumerate(columns, start=1):
        cell = ws.cell(row=4, column=c, value=label)
        cell.font, cell.fill, cell.border = Font(bold=True), HEAD_FILL, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = w
    for r, values in enumerate(rows, start=5):
        tallest = 1
        paragraph = _paragraph_from(values)
        for c, ((_, w, kind), value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = ws.cell(row=r, column=c, value=safe_cell(value) if kind == "text" else value)
            cell.border = BOX
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if kind == "pct":
                cell.number_format = PCT_FORMAT
            elif kind == "int":
                cell.number_format = INT_FORMAT
            if paragraph is not None and c - 1 == paragraph:
                w = sum(column[1] for column in columns[paragraph:])
            if kind == "text" and value and (paragraph is None or c - 1 <= paragraph):
                tallest = max(tallest, text_height(value, width=w, size=11))
        if paragraph is not None:
            ws.merge_cells(start_row=r, start_column=paragraph + 1, end_row=r, end_column=width)
        ws.row_dimensions[r].height = max(tallest, 18)
    _print_setup(ws, "4:4", draft)


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


def _print_setup(ws, title_rows, draft, landscape=True):
    print_a4(ws, landscape, title_rows)
    if draft:
        ws.oddHeader.center.text = "草稿"
