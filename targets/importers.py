"""Spreadsheet input of a month's counts: parse, validate every row, then hand over to services.

Accepted: the downloadable template filled in Excel, WPS or LibreOffice, or any .xlsx or .csv
(UTF-8, UTF-8 with BOM, GBK) with the headers 街镇, 高新技术企业, 科技型企业 in its first rows.
Every problem is reported with its sheet, row and column; nothing is written unless the whole
file is valid.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

import openpyxl
from django.conf import settings
from openpyxl.utils import get_column_letter

from .choices import Metric
from .months import Month

MAX_FILE_BYTES = 5 * 1024 * 1024
HEADER_SEARCH_ROWS = 10
NAME_HEADER = "街镇"
NOTE_HEADER = "备注"
METRIC_HEADERS = {Metric.HIGH_TECH.label: Metric.HIGH_TECH.value, Metric.TECH_BASED.label: Metric.TECH_BASED.value}
SKIPPED_NAMES = {"合计", "总计", "小计"}
_TITLE_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?\d*\.\d+$")


class FileRejected(Exception):
    """The file as a whole cannot be read; the message is Chinese."""


@dataclass
class ParsedCounts:
    """What a valid file says: {(sub_id, metric): (value, note)}; `errors` when it is not valid."""

    file_name: str
    entries: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)


def _where(sheet, row, column=None, header=None):
    place = f"工作表“{sheet}”第{row}行" if sheet else f"第{row}行"
    if column is not None:
        place += f" {get_column_letter(column + 1)}列"
        if header:
            place += f"（{header}）"
    return place


def read_rows(file_name, data):
    """[(sheet name, [(row number, [cell values])])] from xlsx or csv bytes; FileRejected otherwise."""
    if len(data) == 0:
        raise FileRejected("文件为空，请选择填好的表格文件。")
    if len(data) > MAX_FILE_BYTES:
        raise FileRejected(f"文件大小 {len(data) / 1024 / 1024:.1f} MB，超过 5 MB 上限。")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileRejected("这是旧版 Excel（.xls）文件，请在 Excel 或 WPS 中另存为 .xlsx 或 .csv 后再导入。")
    return [("", _read_csv(data))]


def _read_xlsx(data):
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise FileRejected("文件已损坏或不完整，无法作为 Excel 表格读取，请重新保存后再导入。") from exc
    except Exception as exc:  # openpyxl raises many kinds on a broken file; none may escape as a 500
        raise FileRejected("文件不是有效的 Excel 表格（.xlsx），请检查后再导入。") from exc
    try:
        sheets = []
        for sheet in workbook.worksheets:
            rows = [(n, list(values)) for n, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
            sheets.append((sheet.title, rows))
        return sheets
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise FileRejected("文件已损坏或不完整，无法读完全部内容，请重新保存后再导入。") from exc
    finally:
        workbook.close()


def _read_csv(data):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRejected("文件不是表格：既不是 .xlsx，也不是 UTF-8 或 GBK 编码的 .csv。")
    if "\x00" in text:
        raise FileRejected("文件不是表格：既不是 .xlsx，也不是 UTF-8 或 GBK 编码的 .csv。")
    try:
        return [(n, row) for n, row in enumerate(csv.reader(io.StringIO(text)), start=1)]
    except csv.Error as exc:
        raise FileRejected(f"CSV 文件格式有误：{exc}") from exc


def _text(value):
    return "" if value is None else str(value).strip()


def find_header(rows):
    """(index into rows, {column index: header}) of the first row with the three headers."""
    for index, (_, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        headers = {i: _text(v) for i, v in enumerate(values) if _text(v)}
        names = set(headers.values())
        if NAME_HEADER in names and all(label in names for label in METRIC_HEADERS):
            return index, headers
    return None, None


def title_month(rows, until):
    """A month named in the rows above the header (the template's title), if any."""
    for _, values in rows[:until]:
        for value in values:
            match = _TITLE_MONTH.search(_text(value))
            if match:
                return Month(int(match.group(1)), int(match.group(2)))
    return None


def parse_count(value):
    """(int, None) or (None, Chinese reason) for one cell."""
    if isinstance(value, bool):
        return None, f"“{value}”不是数字"
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            return None, f"“{value:g}”是小数，企业数量必须是整数"
        number = int(value)
    else:
        text = _text(value).replace(",", "").replace("，", "")
        if _INTEGER.match(text):
            number = int(text)
        elif _DECIMAL.match(text):
            if float(text).is_integer():
                number = int(float(text))
            else:
                return None, f"“{text}”是小数，企业数量必须是整数"
        else:
            return None, f"“{_text(value)}”不是数字"
    if number < 0:
        return None, f"“{number}”是负数，企业数量不能为负"
    if number > settings.MAX_PLAUSIBLE_COUNT:
        return None, f"“{number}”超出合理范围（单个街镇不超过 {settings.MAX_PLAUSIBLE_COUNT} 家），请核对"
    return number, None


def parse_counts(file_name, data, month, subdistricts, *, partial=False):
    """Read a month's counts from a file and validate every row; never raises for bad content."""
    result = ParsedCounts(file_name=file_name)
    try:
        sheets = read_rows(file_name, data)
    except FileRejected as exc:
        result.errors.append(str(exc))
        return result
    by_name = {sub.name: sub for sub in subdistricts}
    for sheet, rows in sheets:  # noqa: B007 - the sheet with the header is the one read below
        header_index, headers = find_header(rows)
        if header_index is not None:
            break
    else:
        sheet = sheets[0][0] if sheets else ""
        where = f"工作表“{sheet}”" if sheet else "文件"
        if not any(values for _, rows in sheets for _, values in rows if any(_text(v) for v in values)):
            result.errors.append(f"{where}没有内容。")
        else:
            result.errors.append(
                f"{where}前{HEADER_SEARCH_ROWS}行中找不到表头：须有“街镇”“高新技术企业”“科技型企业”三列（可下载模板填写）。"
            )
        return result
    named = title_month(rows, header_index)
    if named is not None and named != month:
        result.errors.append(f"{_where(sheet, rows[0][0])}：文件标题写的是{named.label}，与所选月份{month.label}不符。")
    columns = {header: index for index, header in headers.items()}
    seen = {}
    for row_no, values in rows[header_index + 1 :]:
        cells = {header: values[i] if i < len(values) else None for header, i in columns.items()}
        name = _text(cells[NAME_HEADER])
        if not name and not any(_text(cells[h]) for h in METRIC_HEADERS):
            continue
        if name in SKIPPED_NAMES:
            continue
        name_col = columns[NAME_HEADER]
        if not name:
            result.errors.append(f"{_where(sheet, row_no, name_col, NAME_HEADER)}：缺少街镇名称。")
            continue
        sub = by_name.get(name)
        if sub is None:
            result.errors.append(f"{_where(sheet, row_no, name_col, NAME_HEADER)}：未知街镇“{name}”。")
            continue
        if sub.pk in seen:
            result.errors.append(
                f"{_where(sheet, row_no, name_col, NAME_HEADER)}：“{name}”重复出现（第{seen[sub.pk]}行已有）。"
            )
            continue
        seen[sub.pk] = row_no
        note = _text(cells.get(NOTE_HEADER)) if NOTE_HEADER in cells else None
        for header, metric in METRIC_HEADERS.items():
            raw = cells[header]
            if _text(raw) == "":
                if not partial:
                    result.errors.append(f"{_where(sheet, row_no, columns[header], header)}：缺少数值。")
                continue
            value, problem = parse_count(raw)
            if problem:
                result.errors.append(f"{_where(sheet, row_no, columns[header], header)}：{problem}。")
                continue
            result.entries[(sub.pk, metric)] = (value, note or None)
    if not partial:
        missing = [sub.name for sub in subdistricts if sub.pk not in seen]
        if missing:
            where = f"工作表“{sheet}”" if sheet else "文件"
            result.errors.append(
                f"{where}缺少{len(missing)}个街镇的行：{'、'.join(missing)}"
                "（整月导入须包含全部街镇；只更新部分街镇请勾选“仅更新部分街镇”）。"
            )
    return result


IMPORT_SESSION_KEY = "count_import"


def stage_import(month, parsed, plan):
    """What the preview step keeps in the session: the validated entries and the old values seen."""
    return {
        "month": str(month),
        "file_name": parsed.file_name,
        "entries": [[sub_id, metric, value, note] for (sub_id, metric), (value, note) in parsed.entries.items()],
        "expected_old": [[c.subdistrict.pk, c.metric, c.old] for c in plan.cells],
    }


def unstage_import(staged):
    entries = {(sub_id, metric): (value, note) for sub_id, metric, value, note in staged["entries"]}
    expected_old = {(sub_id, metric): old for sub_id, metric, old in staged["expected_old"]}
    return Month.parse(staged["month"]), entries, expected_old
