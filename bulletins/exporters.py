"""The monthly bulletin as xlsx and docx: rows first, then the file."""

import io
import math
from decimal import Decimal

from docx import Document
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from beibei_dashboard.cleantext import clean_text
from beibei_dashboard.tables import safe_cell
from targets import metrics
from targets.exporters import BOX, HEAD_FILL
from targets.months import Month

from . import text
from .docx_template import ANNEX_COLUMNS
from .word_template import SandboxedTemplates, TemplateBroken, error_message

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


def exact(value, kind):
    """A number as displayed, with no float noise: a percentage of 96.7 is stored as 0.967."""
    if value is None:
        return None
    if kind == "pct":
        return Decimal(str(value)).quantize(Decimal("0.1")) / 100
    return value


def _cell_value(row, key, kind):
    value = row.get(key)
    if kind == "pct":
        return exact(value, "pct")
    if kind == "change":
        return rank_change_text(value) if row["kind"] == "row" else ""
    if kind == "int" and value is None and row["kind"] == "row":
        return "未填报" if key == "actual" else None
    return safe_cell(value)


def subtitle(figures, draft):
    """ "北碚区…专班办公室（区科技局）　2026年11月25日　第3期"."""
    return "　".join([figures["issuer"], chinese_date(figures["date"]), issue_label(figures, draft)])


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


# The text sheet's printable height on A4 portrait, in points: 842 less openpyxl's default top and
# bottom margins (1 inch each; the header and footer sit inside them).
A4_PRINTABLE_HEIGHT = 842 - 2 * 72


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
        ("tasks", "重点任务推进情况", (figures.get("tasks") or {}).get("lines") or []),
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
        for letter, w in zip("ABCDEFGHIJ", [6, 28, 9, 9, 9, 9, 11, 9, 16, 9], strict=True):
            ws.column_dimensions[letter].width = w
        _print_setup(ws, "4:5", draft)

    _table_sheet(wb, figures, draft, "重点任务", "重点任务推进情况", TASK_COLUMNS, task_rows(figures))
    _table_sheet(wb, figures, draft, "预警", "预警：进度预警和滞后的街镇", WARNING_COLUMNS, warning_rows(figures))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


TASK_COLUMNS = [("类别", 16, "text"), ("任务", 60, "text"), ("牵头单位", 30, "text"), ("说明", 50, "text")]


def task_rows(figures):
    """The key-task section as rows: the state line, then each overdue and lagging task."""
    tasks = figures.get("tasks") or {}
    rows = []
    if tasks.get("lines"):
        rows.append(["总体情况", tasks["lines"][0], "", ""])
    for t in tasks.get("overdue", []):
        rows.append(
            ["逾期未报送", f"任务{t['number']}　{t['title']}", "、".join(t["lead_units"]), "请牵头单位尽快报送"]
        )
    for t in tasks.get("lagging", []):
        rows.append(
            ["进展滞后", f"任务{t['number']}　{t['title']}", "、".join(t["lead_units"]), text.clause(t["problems"])]
        )
    return rows or [["", "重点任务督办数据尚未纳入本通报", "", ""]]


WARNING_COLUMNS = [
    ("指标", 16, "text"),
    ("街镇", 16, "text"),
    ("状态", 14, "text"),
    ("月末存量（家）", 12, "int"),
    ("年度目标（家）", 12, "int"),
    ("年度目标完成率", 14, "pct"),
    ("新增完成率", 12, "pct"),
    ("序时进度", 10, "pct"),
    ("距年度目标（家）", 14, "int"),
]
WARNED = (metrics.STATUS_YELLOW, metrics.STATUS_RED)


def warning_rows(figures):
    """Sub-districts in 预警 or 滞后 for each metric, worst first; then the forecast's lines."""
    rows = []
    for section in figures["metrics"].values():
        listed = [r for klass in section["classes"].values() for r in klass["rows"] if r["status"] in WARNED]
        listed.sort(key=lambda r: (WARNED.index(r["status"]) * -1, r["increment_completion_pct"] or 0))
        for r in listed:
            rows.append(
                [
                    section["label"],
                    r["name"],
                    r["status_label"],
                    r["actual"],
                    r["target"],
                    exact(r["completion_pct"], "pct"),
                    exact(r["increment_completion_pct"], "pct"),
                    exact(figures["time_progress_pct"], "pct"),
                    r["gap_year"],
                ]
            )
    rows += [["预测", line, "", None, None, None, None, None, None] for line in warning_lines(figures)]
    return rows or [["", "本月无进度预警或滞后的街镇", "", None, None, None, None, None, None]]


def _table_sheet(wb, figures, draft, name, heading, columns, rows):
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
        for c, ((_, w, kind), value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = ws.cell(row=r, column=c, value=safe_cell(value) if kind == "text" else value)
            cell.border = BOX
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if kind == "pct":
                cell.number_format = "0.0%"
            elif kind == "int":
                cell.number_format = "#,##0"
            if kind == "text" and value:
                tallest = max(tallest, text_height(value, width=w, size=11))
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
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    if title_rows:
        ws.print_title_rows = title_rows
    if draft:
        ws.oddHeader.center.text = "草稿"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def chinese_date(iso):
    """ "2026-11-25" → "2026年11月25日"."""
    year, month, day = (int(x) for x in iso.split("-"))
    return f"{year}年{month}月{day}日"


NUMERALS = "一二三四五六七八九十"


def section_numbers(figures):
    """The first-level headings' numerals: 四、预警 only when there is a forecast, and the
    sections after it numbered on without a gap."""
    present = ["overall", "race", "lagging"]
    if warning_lines(figures):
        present.append("warning")
    present.append("tasks")
    return {key: NUMERALS[i] for i, key in enumerate(present)}


def warning_lines(figures):
    """四、预警: the forecast's sentences, once a forecast is stored with the figures (issue 17
    stores them as `figures["warning"]["lines"]`); none before, and the section is left out."""
    section = figures.get("warning") or figures.get("forecast") or {}
    return list(section.get("lines") or [])


def issue_label(figures, draft):
    issue = figures.get("issue")
    if draft or not issue:
        return "（草稿，期数发布时确定）"
    return f"第{issue['number']}期"


def _annex_text(row, key):
    if key == "rank":
        return {"heading": "§H", "total": "§T"}.get(row["kind"], str(row.get("rank") or ""))
    if key == "name":
        return row["name"]
    if row["kind"] == "heading":
        return ""
    column = {"completion": "completion_pct", "increment": "increment_completion_pct"}.get(key, key)
    column = {"time_progress": "time_progress_pct", "status": "status_label"}.get(column, column)
    kind = next((k for _, _, name, k in RANKING_COLUMNS if name == column), "text")
    return _docx_text(row, column, kind)


def annex(figures, metric):
    """附表: title, note and rows of plain strings for the Word template."""
    section = figures["metrics"][metric]
    rows = [{key: _annex_text(row, key) for _, _, key in ANNEX_COLUMNS} for row in bulletin_table_rows(figures, metric)]
    return {
        "title": f"{section['label']}赛马比拼（{Month.parse(figures['month']).label}）",
        "note": RANKING_NOTE + "“—”为无法计算。",
        "rows": rows,
    }


def docx_context(figures, draft, images=None, document=None):
    """Every name the Word template may use. `images` maps chart keys to InlineImage objects
    (or is None when the charts could not be drawn, with `document["charts_note"]` saying why)."""
    document = document or {}
    metrics_ = list(figures["metrics"])
    images = images or {}
    charts_note = document.get("charts_note", "")
    context = {
        "draft": draft,
        "title": figures["title"] + ("（草稿）" if draft else ""),
        "issuer": figures["issuer"],
        "date_cn": chinese_date(figures["date"]),
        "issue_label": issue_label(figures, draft),
        "no": section_numbers(figures),
        "overall": text.overall_paragraphs(figures),
        "race_rule": text.ranking_rule(figures),
        "race": [
            {**s, "chart": images.get(f"completion-{m}")}
            for s, m in zip(text.race_sections(figures), metrics_, strict=True)
        ],
        "lagging": text.lagging_lines(figures),
        "warning": warning_lines(figures),
        "tasks": (figures.get("tasks") or {}).get("lines") or ["重点任务督办数据尚未纳入本通报。"],
        "rules": text.rules_lines(figures),
        "charts_overall": [images[k] for k in (f"curve-{m}" for m in metrics_) if k in images],
        "charts_overall_note": charts_note,
        "send_to": document.get("send_to", ""),
        "copy_to": document.get("copy_to", ""),
        "annex1": annex(figures, metrics_[0]),
        "annex2": annex(figures, metrics_[1]),
    }
    return _cleaned(context)


def _cleaned(value):
    """`value` with every text in it cleaned (lists and dicts walked, pictures left as they are):
    figures stored before texts were cleaned on entry may hold a control character, and lxml
    refuses to put one in a .docx."""
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_cleaned(item) for item in value]
    return clean_text(value)


def render_docx(template_bytes, figures, draft, charts=None, document=None):
    """The bulletin as Word, from a docxtpl template rendered in the sandbox of `word_template`
    (every tag checked before it is compiled). `charts`: {key: (caption, png bytes)}."""
    try:
        tpl = DocxTemplate(io.BytesIO(template_bytes))
        images = {
            key: {"image": InlineImage(tpl, io.BytesIO(png), width=Mm(150)), "caption": caption}
            for key, (caption, png) in (charts or {}).items()
        }
        tpl.render(docx_context(figures, draft, images, document), jinja_env=SandboxedTemplates())
        _finish_annex_tables(tpl.docx)
        out = io.BytesIO()
        tpl.save(out)
    except TemplateBroken:
        raise
    except Exception as exc:  # docxtpl raises Jinja, lxml, zip and KeyError alike
        raise TemplateBroken(error_message(exc)) from exc
    return out.getvalue()


def _finish_annex_tables(document):
    """Class headings span the whole row; 合计 rows are bold (marked by the rank column)."""
    for table in document.tables:
        for row in table.rows:
            cells = row.cells
            marker = cells[0].text
            if marker == "§T":
                _set_text(cells[0], "")
                for cell in cells:
                    for run in (r for p in cell.paragraphs for r in p.runs):
                        run.bold = True
            elif marker == "§H":
                name = cells[1].text
                merged = cells[0].merge(cells[-1])
                for p in merged.paragraphs[1:]:
                    p._p.getparent().remove(p._p)
                _set_text(merged, name)
                merged.paragraphs[0].alignment = 0  # left
                for run in merged.paragraphs[0].runs:
                    run.bold = True


def _set_text(cell, text):
    """Replace a cell's text keeping its paragraph style and first run's format."""
    paragraph = cell.paragraphs[0]
    runs = paragraph.runs
    if runs:
        runs[0].text = text
        for run in runs[1:]:
            run._r.getparent().remove(run._r)
    else:
        paragraph.add_run(text)


def _docx_text(row, key, kind):
    value = row.get(key)
    if kind == "pct":
        return "—" if value is None else f"{value:.1f}%"
    if kind == "change":
        return rank_change_text(value) if row["kind"] == "row" else ""
    if value is None:
        return "未填报" if key == "actual" and row["kind"] == "row" else "—"
    return str(value)


def unrendered_tags(data):
    """Template tags left in a rendered file (a tag Word split across runs), or ""."""
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    found = [t for t in texts if "{{" in t or "{%" in t]
    return found[0][:60] if found else ""
