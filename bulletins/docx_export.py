"""The monthly bulletin as Word: the names a template may use, rendered in the sandbox of
`word_template`, with the annex tables finished."""

import io
import re

from docx import Document
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from beibei_dashboard.cleantext import clean_text
from beibei_dashboard.office import picture_width_mm
from targets import rate_words
from targets.months import Month

from . import text
from .docx_template import ANNEX_COLUMNS
from .exporters import (
    RANKING_COLUMNS,
    bulletin_table_rows,
    chinese_date,
    issue_label,
    rank_change_text,
    ranking_note,
    section_numbers,
    warning_lines,
)
from .word_template import SandboxedTemplates, TemplateBroken, error_message


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
        "note": ranking_note(figures) + "“—”为无法计算。",
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
        "tasks": figures["tasks"]["lines"] or ["重点任务督办数据尚未纳入本通报。"],
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
    refuses to put one in a .docx. No text keeps a line break, which docxtpl would write as a
    manual break (w:br) and Word would stretch the line before it across a justified paragraph:
    a list of paragraphs gets one paragraph per line, any other text its lines joined."""
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        if all(isinstance(item, str) for item in value):
            return [line for item in value for line in _lines(clean_text(item))]
        return [_cleaned(item) for item in value]
    if isinstance(value, str):
        return _joined(_lines(clean_text(value)))
    return value


_BREAKS = re.compile(r"[\r\n\v\f\u2028\u2029]+")
_ENDS = tuple("。；，、：！？）”")


def _lines(text):
    """The lines of `text` without their surrounding blanks, empty ones left out."""
    return [line.strip() for line in _BREAKS.split(text) if line.strip()]


def _joined(lines):
    """Lines as one text: "，" between two where the first does not end in punctuation."""
    out = ""
    for line in lines:
        out += ("" if not out or out.endswith(_ENDS) else "，") + line
    return out


def render_docx(template_bytes, figures, draft, charts=None, document=None):
    """The bulletin as Word, from a docxtpl template rendered in the sandbox of `word_template`
    (every tag checked before it is compiled). `charts`: {key: (caption, png bytes)}."""
    try:
        tpl = DocxTemplate(io.BytesIO(template_bytes))
        images = {
            key: {"image": InlineImage(tpl, io.BytesIO(png), width=Mm(picture_width_mm(png))), "caption": caption}
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
        return rate_words.rate_text(value, key == "increment_completion_pct" and row.get("small"))
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
