"""Spreadsheet input of a month's counts: parse, validate every row, then hand over to services.

Accepted: the downloadable template filled in Excel, WPS or LibreOffice, or any .xlsx, .xlsm,
.xls, .et, .ods or .csv (see `targets.spreadsheets`) with a sub-district column and the two
metrics' columns in its first rows, under any header in `HEADER_SYNONYMS` (units in brackets and
spaces do not matter; a two-row merged header is read). Sub-districts are matched by the alias
table of `targets.subdistrict_names`; group and subtotal rows are skipped and listed. Numbers are
read by `targets.numbers`, as the entry grid reads them. Every problem is reported with its sheet,
row and column (the first `MAX_ERRORS` of them, and their count); nothing is written unless the
whole file is valid.
"""

import re
import secrets
import time
from dataclasses import dataclass, field

from django.conf import settings

from . import territory
from .choices import Metric
from .models import MonthlyCount
from .months import Month
from .numbers import parse_whole_number
from .spreadsheets import (
    FileRejected,
    cell_place,
    cell_text,
    choose_sheet,
    column_letter,
    match_header,
    open_workbook,
)
from .subdistrict_names import SubDistrictNames, is_group_row, normalise

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ERRORS = 200
HEADER_SEARCH_ROWS = 10
NAME = "subdistrict"
NOTE = "note"  # one 备注 for the row (the template before issue 28): read for each metric
NOTES = {"high_tech": "note:high_tech", "tech_based": "note:tech_based"}  # 备注 of one metric
NOTE_MAX_LENGTH = MonthlyCount._meta.get_field("note").max_length
# The headers offices use for each column; a header is compared without spaces, quotes or a
# bracketed unit, so 高新技术企业（家） and “高新技术 企业” are 高新技术企业.
HEADER_SYNONYMS = {
    NAME: ("街镇", "镇街", "街道", "街镇名称", "镇街名称", "街道镇", "街道（镇）", "单位", "单位名称"),
    Metric.HIGH_TECH.value: (
        "高新技术企业",
        "国家高新技术企业",
        "高新技术企业数",
        "高新技术企业数量",
        "高新技术企业家数",
        "高企",
        "高企数",
        "高企数量",
        "有效高新技术企业",
    ),
    Metric.TECH_BASED.value: (
        "科技型企业",
        "市级科技型企业",
        "重庆市科技型企业",
        "科技型企业数",
        "科技型企业数量",
        "科技型企业家数",
        "入库科技型企业",
        "科技型中小企业",
    ),
    NOTE: ("备注", "说明"),
}
METRICS = (Metric.HIGH_TECH.value, Metric.TECH_BASED.value)
# 高新技术企业备注, 高企说明…; under a two-row header, 备注 below 高新技术企业 reads the same.
for _metric in METRICS:
    HEADER_SYNONYMS[NOTES[_metric]] = tuple(
        f"{name}{word}" for name in HEADER_SYNONYMS[_metric] for word in HEADER_SYNONYMS[NOTE]
    )
METRIC_LABELS = {Metric.HIGH_TECH.value: Metric.HIGH_TECH.label, Metric.TECH_BASED.value: Metric.TECH_BASED.label}
_TITLE_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")
# A month in a sheet's name: 10月, 10月份, 2026年10月, 2026-10, 2026.10, 202610 (a month without
# its year needs its 月, so that Sheet1 names no month).
_SHEET_MONTH = re.compile(r"(?<!\d)(?:(\d{4})(?:年|[-./_])?)?(\d{1,2})(?!\d)(月)?")


@dataclass
class ParsedCounts:
    """What a valid file says: {(sub_id, metric): (value, note)}; `errors` when it is not valid.

    `sheet` is the sheet read; `notes` what the preview says besides the figures: the sheet
    chosen and the hidden ones skipped, aliases used, rows skipped, cells read with a warning.
    """

    file_name: str
    entries: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    sheet: str = ""
    notes: list = field(default_factory=list)
    error_count: int = 0

    def error(self, message):
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)

    def close(self):
        if self.error_count > len(self.errors):
            self.errors.append(f"……共 {self.error_count} 个问题，以上只列出前 {MAX_ERRORS} 个，请改正后重新导入。")


def title_month(rows, until):
    """A month named in the rows above the header (the template's title), if any."""
    for _, values in rows[:until]:
        for value in values:
            match = _TITLE_MONTH.search(cell_text(value))
            if match:
                return Month(int(match.group(1)), int(match.group(2)))
    return None


def month_words(month):
    return (f"{month.year}年{month.month}月", f"{month.year}-{month.month:02d}", f"{month.month}月")


def sheet_names_month(name, month):
    """Whether a sheet's name names `month` and no other: 10月, 2026年10月, 2026-10, 202610…"""
    named = [
        (int(year) if year else None, int(number))
        for year, number, word in _SHEET_MONTH.findall(normalise(name))
        if (year or word) and 1 <= int(number) <= 12
    ]
    return bool(named) and all(number == month.month and year in (None, month.year) for year, number in named)


def find_header(rows, month):
    return match_header(
        rows, HEADER_SYNONYMS, (NAME, *METRICS), search_rows=HEADER_SEARCH_ROWS, this_month=month_words(month)
    )


def parse_counts(file_name, data, month, subdistricts, *, partial=False, sheet=None):
    """Read a month's counts from a file and validate every row; never raises for bad content."""
    result = ParsedCounts(file_name=file_name)
    if len(data) > MAX_FILE_BYTES:
        result.errors.append(f"文件大小 {len(data) / 1024 / 1024:.1f} MB，超过 5 MB 上限。")
        return result
    try:
        workbook = open_workbook(data, file_name)
        chosen, notes = choose_sheet(
            workbook,
            lambda s: find_header(s.rows, month) is not None,
            sheet,
            prefer=lambda name: sheet_names_month(name, month),
        )
    except FileRejected as exc:
        result.errors.append(str(exc))
        return result
    result.sheet, rows = chosen.name, chosen.rows
    header = find_header(rows, month)
    where_sheet = f"工作表“{chosen.name}”" if chosen.name else "文件"
    if header is None:
        if not rows:
            result.errors.append(f"{where_sheet}没有内容。")
        else:
            result.errors.append(
                f"{where_sheet}前{HEADER_SEARCH_ROWS}行中找不到表头：须有“街镇”“高新技术企业”“科技型企业”三列"
                "（表头可带单位，如“高新技术企业（家）”；可下载模板填写）。"
            )
        return result
    if chosen.name:
        result.notes.append(f"读取的工作表：“{chosen.name}”。")
    result.notes += notes + header.notes + _note_columns(header.columns)
    result.errors += header.problems
    named = title_month(rows, header.index)
    if named is not None and named != month:
        place = cell_place(chosen.name, rows[0][0])
        result.errors.append(f"{place}：文件标题写的是{named.label}，与所选月份{month.label}不符。")
    if result.errors:
        return result
    names = SubDistrictNames(subdistricts, elsewhere=territory.elsewhere(month, exclude=subdistricts))
    _read_rows(result, chosen.name, rows[header.index + 1 :], header.columns, subdistricts, partial, names)
    result.close()
    return result


def _read_rows(result, sheet, rows, columns, subdistricts, partial, names):
    seen, skipped = {}, []
    name_col, name_header = columns[NAME]
    for row_no, values in rows:
        cells = {key: values[i] if i < len(values) else None for key, (i, _) in columns.items()}
        name = cell_text(cells[NAME])
        if is_group_row(name) or (not name and any(is_group_row(v) for v in values if isinstance(v, str))):
            skipped.append(f"第{row_no}行“{normalise(name) or next(v for v in values if isinstance(v, str))}”")
            continue
        if not name and not any(cell_text(cells[m]) for m in METRICS):
            continue
        if not normalise(name):
            result.error(f"{cell_place(sheet, row_no, name_col, name_header)}：缺少街镇名称。")
            continue
        sub = names.match_row(name, row_no, cell_place(sheet, row_no, name_col, name_header), seen, result)
        if sub is None:
            continue
        notes = _row_notes(result, sheet, row_no, cells, columns)
        if notes is None:
            continue
        for metric in METRICS:
            column, header = columns[metric]
            raw = cells[metric]
            if cell_text(raw) == "":
                if not partial:
                    result.error(f"{cell_place(sheet, row_no, column, header)}：缺少数值。")
                continue
            parsed = parse_whole_number(raw)
            if parsed.problem:
                result.error(f"{cell_place(sheet, row_no, column, header)}：{parsed.problem}。")
                continue
            if parsed.warning:
                result.notes.append(f"{cell_place(sheet, row_no, column, header)}：{parsed.warning}。")
            result.entries[(sub.pk, metric)] = (parsed.value, notes[metric] or None)
    if skipped:
        result.notes.append(f"已跳过{len(skipped)}个分组或合计行：{'、'.join(skipped)}。")
    if not partial:
        missing = [sub.name for sub in subdistricts if sub.pk not in seen]
        if missing:
            where = f"工作表“{sheet}”" if sheet else "文件"
            result.error(
                f"{where}缺少{len(missing)}个街镇的行：{'、'.join(missing)}"
                "（整月导入须包含全部街镇；只更新部分街镇请勾选“仅更新部分街镇”）。"
            )


def _note_field(metric, columns):
    """The column a metric's note is read from: its own 备注, else the row's one 备注."""
    return NOTES[metric] if NOTES[metric] in columns else NOTE


def _note_columns(columns):
    """What the preview says about a row's 备注 that no metric reads (each has its own)."""
    if NOTE in columns and all(NOTES[metric] in columns for metric in METRICS):
        column, header = columns[NOTE]
        return [f"{column_letter(column)}列“{header}”未读取：两项指标各有备注列。"]
    return []


def _row_notes(result, sheet, row_no, cells, columns):
    """{metric: note as written} of a row, or None once a note too long is refused on `result`."""
    notes, too_long = {}, set()
    for metric in METRICS:
        field_name = _note_field(metric, columns)
        note = cell_text(cells.get(field_name)) if field_name in columns else ""
        if len(note) > NOTE_MAX_LENGTH and field_name not in too_long:
            too_long.add(field_name)
            column, header = columns[field_name]
            place = cell_place(sheet, row_no, column, header)
            result.error(f"{place}：备注有{len(note)}个字，超过{NOTE_MAX_LENGTH}个字的上限，请精简。")
        notes[metric] = note
    return None if too_long else notes


IMPORT_SESSION_KEY = "count_imports"
MAX_STAGED = 5


def stage_import(session, month, parsed, plan):
    """Keep a preview's validated entries under a token of its own; returns the token.

    Each upload is its own stage, so that two tabs previewing two files never confirm each
    other's file: the confirmation names its token, and the token carries its file and month.
    Stages older than IMPORT_STAGE_MINUTES are dropped, and at most MAX_STAGED are kept.
    """
    now = time.time()
    stages = {t: s for t, s in session.get(IMPORT_SESSION_KEY, {}).items() if not _expired(s, now)}
    for old in sorted(stages, key=lambda t: stages[t]["staged_at"])[: max(0, len(stages) - MAX_STAGED + 1)]:
        del stages[old]
    token = secrets.token_urlsafe(18)
    stages[token] = {
        "month": str(month),
        "file_name": parsed.file_name,
        "sheet": parsed.sheet,
        "notes": parsed.notes[:MAX_ERRORS],
        "entries": [[sub_id, metric, value, note] for (sub_id, metric), (value, note) in parsed.entries.items()],
        "expected_old": [[c.subdistrict.pk, c.metric, c.old] for c in plan.cells],
        "staged_at": now,
    }
    session[IMPORT_SESSION_KEY] = stages
    return token


def _expired(staged, now):
    return now - staged.get("staged_at", 0) > settings.IMPORT_STAGE_MINUTES * 60


def staged_import(session, token):
    """(stage, None) for this session's `token`, or (None, Chinese reason)."""
    stages = session.get(IMPORT_SESSION_KEY, {})
    staged = stages.get(token) if token else None
    if staged is None:
        return (
            None,
            "找不到这次上传的待确认导入（可能已确认、已被取消或属于其他页面），未写入任何数据，请重新上传文件。",
        )
    if _expired(staged, time.time()):
        drop_staged(session, token)
        minutes = settings.IMPORT_STAGE_MINUTES
        return None, f"这次上传已超过 {minutes} 分钟未确认，已失效，未写入任何数据，请重新上传文件。"
    return staged, None


def drop_staged(session, token):
    stages = dict(session.get(IMPORT_SESSION_KEY, {}))
    if stages.pop(token, None) is not None:
        session[IMPORT_SESSION_KEY] = stages


def unstage_import(staged):
    entries = {(sub_id, metric): (value, note) for sub_id, metric, value, note in staged["entries"]}
    expected_old = {(sub_id, metric): old for sub_id, metric, old in staged["expected_old"]}
    return Month.parse(staged["month"]), entries, expected_old
