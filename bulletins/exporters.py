"""The monthly bulletin as xlsx and docx: rows first, then the file."""

import io

from docx import Document
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment, StrictUndefined
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from beibei_dashboard.tables import safe_cell
from targets.exporters import BOX, HEAD_FILL
from targets.months import Month

from . import text
from .docx_template import ANNEX_COLUMNS

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
    if figures.get("rules"):
        present.append("rules")
    return {key: NUMERALS[i] for i, key in enumerate(present)}


def warning_lines(figures):
    """四、预警: the forecast's sentences (`figures["forecast"]["lines"]`), once a forecast is
    stored with the figures; none before, and the section is left out."""
    forecast = figures.get("forecast") or {}
    return list(forecast.get("lines") or [])


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
        "note": "排名按年度目标完成率在同类镇街中排列，并列者名次相同；“—”为无法计算，“未填报”为当月未报送。",
        "rows": rows,
    }


def docx_context(figures, draft, images=None, document=None):
    """Every name the Word template may use. `images` maps chart keys to InlineImage objects
    (or is None when the charts could not be drawn, with `document["charts_note"]` saying why)."""
    document = document or {}
    metrics_ = list(figures["metrics"])
    images = images or {}
    charts_note = document.get("charts_note", "")
    return {
        "draft": draft,
        "title": figures["title"] + ("（草稿）" if draft else ""),
        "issuer": figures["issuer"],
        "date_cn": chinese_date(figures["date"]),
        "issue_label": issue_label(figures, draft),
        "no": section_numbers(figures),
        "overall": text.overall_paragraphs(figures),
        "race_rule": text.ranking_rule(figures),
        "race": text.race_sections(figures),
        "lagging": text.lagging_lines(figures),
        "warning": warning_lines(figures),
        "tasks": (figures.get("tasks") or {}).get("lines") or ["重点任务督办数据尚未纳入本通报。"],
        "rules": figures.get("rules") or [],
        "charts_overall": [images[k] for k in (f"curve-{m}" for m in metrics_) if k in images],
        "charts_race": [images[k] for k in (f"completion-{m}" for m in metrics_) if k in images],
        "charts_overall_note": charts_note,
        "charts_race_note": "",
        "send_to": document.get("send_to", ""),
        "copy_to": document.get("copy_to", ""),
        "annex1": annex(figures, metrics_[0]),
        "annex2": annex(figures, metrics_[1]),
    }


class TemplateBroken(Exception):
    """A Word template could not render a bulletin; the message says why, in Chinese."""


def render_docx(template_bytes, figures, draft, charts=None, document=None):
    """The bulletin as Word, from a docxtpl template. `charts`: {key: (caption, png bytes)}."""
    try:
        tpl = DocxTemplate(io.BytesIO(template_bytes))
        images = {
            key: {"image": InlineImage(tpl, io.BytesIO(png), width=Mm(150)), "caption": caption}
            for key, (caption, png) in (charts or {}).items()
        }
        tpl.render(
            docx_context(figures, draft, images, document),
            jinja_env=Environment(undefined=StrictUndefined, autoescape=True),
        )
        _finish_annex_tables(tpl.docx)
        out = io.BytesIO()
        tpl.save(out)
    except Exception as exc:  # docxtpl raises Jinja, lxml, zip and KeyError alike
        raise TemplateBroken(_template_error(exc)) from exc
    return out.getvalue()


def _template_error(exc):
    name = type(exc).__name__
    if name == "BadZipFile":
        return "文件不是有效的Word文档（.docx）。"
    if name in ("TemplateSyntaxError", "UndefinedError"):
        line = getattr(exc, "lineno", None)
        return f"模板标记有误：{exc}" + (f"（第{line}行附近）" if line else "")
    return f"模板无法生成通报：{name}：{exc}"


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
