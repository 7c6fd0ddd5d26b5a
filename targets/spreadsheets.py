"""Reading an uploaded spreadsheet, whatever program made it, without trusting it.

Both importers (a month's counts here in `targets`, the enterprise registry in `enterprises`)
read through `open_workbook`, which answers a `Workbook`: its sheets, visible or hidden, which
one is active, and each sheet's rows as (row number, tuple of values), sparse rows left out.

- .xlsx / .xlsm (macros ignored): every zip member's unpacked size and compression ratio are
  checked before anything is parsed; rows are read by openpyxl's streaming parser up to the row
  and column limits in settings, never from the sheet's declared dimension. A formula saved
  without its computed value reads as `UNCOMPUTED`, a number shown as a date as a `DateCell`.
- .xls, WPS .et, .ods: python-calamine in a child process held to a memory and time limit.
- CSV and "Unicode text": UTF-8 (with or without BOM), GBK, UTF-16; comma, semicolon or tab.
- Every text cell loses its control characters (`beibei_dashboard.cleantext`), whatever the
  format: an importer never sees, nor stores, what no document could hold.
- An encrypted (password-protected) file is refused with its own message; every other reader
  error becomes the one message `CORRUPT`.
"""

import codecs
import csv
import datetime as dt
import io
import pickle  # noqa: S403 - only our own child's output, never the upload, is unpickled
import re
import subprocess  # noqa: S404
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from beibei_dashboard.cleantext import clean_text

from .numbers import UNCOMPUTED, DateCell, strip_invisible

CORRUPT = "文件已损坏或不完整，无法作为表格读取。请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入。"
ENCRYPTED = "文件设有打开密码（已加密），无法读取。请在 Excel 或 WPS 中取消密码后另存，再导入。"
OVER_LIMITS = "文件超出读取限制（所需内存或时间异常），疑似异常文件，未读取。请在 Excel 或 WPS 中另存为 .xlsx 再导入。"
EMPTY = "文件为空，请选择填好的表格文件。"
NOT_A_TABLE = "文件不是表格：请上传 .xlsx、.xls、.et、.ods 或 .csv 文件。"
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods")
SUFFIXES = (*SPREADSHEET_SUFFIXES, ".csv", ".txt", ".tsv")
WRONG_SUFFIX = "只能导入 Excel（.xlsx、.xlsm、.xls）、WPS（.et）、LibreOffice（.ods）或 CSV（.csv、.txt）表格文件。"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE2 container holding these two streams (MS-OFFCRYPTO).
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


class FileRejected(Exception):
    """The file as a whole cannot be read; the message is Chinese and says what to do."""


@dataclass
class Sheet:
    name: str  # "" for a CSV
    visible: bool = True
    rows: list = field(default_factory=list)  # [(row number, tuple of values)], blank rows left out


@dataclass
class Workbook:
    kind: str  # "xlsx", "xls", "ods", "csv"
    sheets: list
    active: str | None = None  # the sheet open when the file was saved, where the format says

    @property
    def visible(self):
        return [sheet for sheet in self.sheets if sheet.visible]

    @property
    def hidden(self):
        return [sheet.name for sheet in self.sheets if not sheet.visible]


def limits():
    return settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS


def _too_many_rows(sheet):
    where = f"工作表“{sheet}”" if sheet else "文件"
    return FileRejected(f"{where}超过 {settings.IMPORT_MAX_ROWS} 行上限，不是正常的数据表，请检查或拆分后再导入。")


def _too_many_columns(sheet):
    where = f"工作表“{sheet}”" if sheet else "文件"
    return FileRejected(f"{where}超过 {settings.IMPORT_MAX_COLUMNS} 列上限，不是正常的数据表，请检查后再导入。")


def _too_many_cells(sheet):
    where = f"工作表“{sheet}”" if sheet else "文件"
    return FileRejected(
        f"{where}超过 {settings.IMPORT_MAX_CELLS} 个有内容的单元格，不是正常的数据表，请检查或拆分后再导入。"
    )


PROGRESS_EVERY = 5000


def open_workbook(data, file_name="", progress=None):
    """The workbook in `data`; FileRejected (Chinese) when it cannot or should not be read.

    `progress(rows read)` is called every PROGRESS_EVERY rows of an .xlsx or CSV (the background
    import's progress bar)."""
    suffix = Path(file_name).suffix.lower()
    if suffix and suffix not in SUFFIXES:
        raise FileRejected(WRONG_SUFFIX)
    if not data:
        raise FileRejected(EMPTY)
    if data[:4] == b"PK\x03\x04":
        return _read_zip(data, progress)
    if data[:8] == OLE_MAGIC:
        if _ENCRYPTED_STREAM in data:
            raise FileRejected(ENCRYPTED)
        return _read_with_calamine(data, "xls")
    if suffix in SPREADSHEET_SUFFIXES:
        raise FileRejected(CORRUPT)
    return Workbook("csv", [Sheet("", True, _read_csv(data, progress))])


# --- zip containers: .xlsx, .xlsm, .ods ------------------------------------------------------------


def _check_zip(archive):
    """Refuse a zip bomb from its directory, before a single member is unpacked."""
    total, limit = 0, settings.IMPORT_MAX_UNPACKED_MB * 1024 * 1024
    members = archive.infolist()
    if len(members) > 10_000:
        raise FileRejected(CORRUPT)
    for info in members:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > settings.IMPORT_MAX_ZIP_RATIO:
            raise FileRejected(
                f"文件中的“{info.filename}”压缩比异常（{ratio:.0f} 倍），疑似恶意文件，未读取。"
                "请在 Excel 或 WPS 中另存后再导入。"
            )
    if total > limit:
        raise FileRejected(
            f"文件解压后超过 {settings.IMPORT_MAX_UNPACKED_MB} MB，不是正常的数据表，未读取。请检查或拆分后再导入。"
        )


def _read_zip(data, progress=None):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        _check_zip(archive)
        names = set(archive.namelist())
        if "mimetype" in names and b"opendocument.spreadsheet" in archive.read("mimetype"):
            return _read_with_calamine(data, "ods")
        if "xl/workbook.xml" not in names and "[Content_Types].xml" not in names:
            raise FileRejected(NOT_A_TABLE)
    except FileRejected:
        raise
    except Exception as exc:  # zipfile raises many kinds on a broken file; none may become a 500
        raise FileRejected(CORRUPT) from exc
    return _read_xlsx(data, progress)


def _read_xlsx(data, progress=None):
    import openpyxl

    max_rows, max_columns = limits()
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a broken file; none may become a 500
        raise FileRejected(CORRUPT) from exc
    try:
        active = book.active.title if book.active is not None else None
        sheets = []
        for worksheet in book.worksheets:
            visible = worksheet.sheet_state == "visible"
            rows = _xlsx_rows(book, worksheet, max_rows, max_columns, progress) if visible else []
            sheets.append(Sheet(worksheet.title, visible, rows))
        return Workbook("xlsx", sheets, active)
    except FileRejected:
        raise
    except Exception as exc:
        raise FileRejected(CORRUPT) from exc
    finally:
        book.close()


def _xlsx_rows(book, worksheet, max_rows, max_columns, progress=None):
    """The sheet's rows, parsed as they stream from the zip: only the cells the file holds."""
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element):
            cell = super().parse_cell(element)
            cell["value"] = clean_text(cell["value"])
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["value"] = UNCOMPUTED
            elif cell["data_type"] == "d" and element.get("t", "n") == "n":
                cell["value"] = DateCell(float(element.findtext(VALUE_TAG)), cell["value"])
            return cell

    rows, budget = [], settings.IMPORT_MAX_CELLS
    with worksheet._get_source() as source:
        parser = Parser(
            source,
            worksheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, cells in parser.parse():
            cells = [cell for cell in cells if cell["value"] is not None and cell["value"] != ""]
            if not cells:
                continue
            if number > max_rows:
                raise _too_many_rows(worksheet.title)
            width = max(cell["column"] for cell in cells)
            if width > max_columns:
                raise _too_many_columns(worksheet.title)
            budget -= len(cells)
            if budget < 0:
                raise _too_many_cells(worksheet.title)
            values = [None] * width
            for cell in cells:
                values[cell["column"] - 1] = cell["value"]
            rows.append((number, tuple(values)))
            if progress and len(rows) % PROGRESS_EVERY == 0:
                progress(len(rows))
    return rows


# --- .xls, .et, .ods: calamine, held in a child process -----------------------------------------


def _read_with_calamine(data, kind):
    max_rows, max_columns = limits()
    child = Path(__file__).with_name("calamine_child.py")
    memory = settings.IMPORT_CHILD_MEMORY_MB * 1024 * 1024
    try:
        done = subprocess.run(  # noqa: S603 - our own script, fixed arguments
            [sys.executable, "-I", str(child), str(max_rows), str(max_columns), str(memory)],
            input=data,
            capture_output=True,
            timeout=settings.IMPORT_CHILD_SECONDS,
            check=False,
        )
        result = pickle.loads(done.stdout) if done.returncode == 0 else {"error": "limits"}  # noqa: S301
    except subprocess.TimeoutExpired:
        raise FileRejected(OVER_LIMITS) from None
    except Exception as exc:
        raise FileRejected(CORRUPT) from exc
    error = result.get("error")
    if error == "encrypted":
        raise FileRejected(ENCRYPTED)
    if error == "rows":
        raise _too_many_rows(result.get("sheet"))
    if error == "columns":
        raise _too_many_columns(result.get("sheet"))
    if error == "limits":
        raise FileRejected(OVER_LIMITS)
    if error:
        raise FileRejected(CORRUPT)
    sheets = []
    for sheet in result["sheets"]:
        rows = [(n, tuple(_calamine_value(v, kind) for v in values)) for n, values in sheet["rows"]]
        sheets.append(Sheet(sheet["name"], sheet["visible"], rows))
    return Workbook(kind, sheets, None)


def _calamine_value(value, kind):
    """A date cell as a DateCell with the number it holds, so that a count shown as a date can
    be read. Excel's serials count 1900-02-29, which never was: before March 1900 they are one
    more than the days since the epoch (LibreOffice's .ods are not)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if isinstance(value, dt.datetime):
        serial = (value - _EXCEL_EPOCH).total_seconds() / 86400
        if kind == "xls" and value < dt.datetime(1900, 3, 1):
            serial -= 1
        return DateCell(serial, value)
    return clean_text(value)


# --- CSV and "Unicode text" ---------------------------------------------------------------------

DELIMITERS = (",", ";", "\t")


def decode_text(data):
    """Text of a CSV: UTF-16 (by its BOM, as Excel's "Unicode text" writes it), UTF-8, GBK."""
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise FileRejected(CORRUPT) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRejected("文件不是表格：无法识别其编码（CSV 须为 UTF-8、GBK 或 UTF-16“Unicode 文本”）。")
    if "\x00" in text:
        raise FileRejected(NOT_A_TABLE)
    return text


def sniff_delimiter(text):
    """The separator of the first lines: the one that splits them most consistently."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        counts = [len(next(csv.reader([line], delimiter=delimiter))) - 1 for line in lines]
        if not counts or max(counts) == 0:
            continue
        score = (min(counts) > 0, sum(counts))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(data, progress=None):
    text = decode_text(data)
    max_rows, max_columns = limits()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    rows = []
    try:
        for number, values in enumerate(reader, start=1):
            if number > max_rows:
                raise _too_many_rows("")
            if len(values) > max_columns:
                raise _too_many_columns("")
            values = [clean_text(v) for v in values]
            if any(v.strip() for v in values):
                rows.append((number, tuple(values)))
                if progress and len(rows) % PROGRESS_EVERY == 0:
                    progress(len(rows))
    except csv.Error as exc:
        raise FileRejected(f"CSV 文件格式有误（第{reader.line_num}行）：{exc}") from exc
    return rows


# --- headers and sheets -------------------------------------------------------------------------

_BRACKETED = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_QUOTES = re.compile(r"[“”\"'‘’《》]")
# Words that qualify a header in a second header row, or say which of two same columns is which.
THIS_MONTH_WORDS = ("实有", "本月", "当月", "截至本月", "月末")
OTHER_WORDS = ("目标", "计划", "任务", "上月", "去年", "同期", "预计", "差额", "缺口")
QUALIFIER_WORDS = (*THIS_MONTH_WORDS, *OTHER_WORDS, "数量", "家数", "累计", "新增", "年", "月", "家", "个", "数")


def header_key(text):
    """A header as compared: NFKC, no spaces or invisible characters, no bracketed unit or quotes."""
    key = unicodedata.normalize("NFKC", str(text or ""))
    key = strip_invisible(_QUOTES.sub("", key))
    return _BRACKETED.sub("", key) or key


def _texts(values):
    return [str(v).strip() if isinstance(v, str) else "" for v in values]


def _is_qualifier(key):
    return bool(key) and any(word in key for word in QUALIFIER_WORDS) and len(key) <= 16


@dataclass
class HeaderMatch:
    """Where a table starts: its last header row's index in the rows, the field of each column."""

    index: int  # index into the sheet's rows of the last header row
    columns: dict  # field -> (column index, header as written)
    notes: list  # said in the preview: which of two same columns was read, and why
    problems: list  # a required header twice with nothing to choose between them


def missing_headers(rows, synonyms, required, *, search_rows=10):
    """(row number, [missing fields]) of the row among the first that names most required fields."""
    lookup = {header_key(key): name for name, keys in synonyms.items() for key in keys}
    best = None
    for number, values in rows[:search_rows]:
        named = {lookup.get(header_key(t)) for t in _texts(values) if t}
        hits = sum(1 for name in required if name in named)
        if hits and (best is None or hits > best[0]):
            best = (hits, number, [name for name in required if name not in named])
    return (best[1], best[2]) if best else (None, list(required))


def column_letter(index):
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def match_header(rows, synonyms, required, *, search_rows=10, this_month=()):
    """The first header (one row, or two rows of which the second qualifies the first, as a merged
    two-row header reads) naming every required field, within the first `search_rows` rows.

    `synonyms` maps a field to the header keys that mean it. A required field found in two columns
    is resolved only when exactly one of them says it is this month's (`THIS_MONTH_WORDS` or the
    texts in `this_month`, e.g. "2026年10月"); otherwise it is a problem naming both columns.
    """
    lookup = {}
    for name, keys in synonyms.items():
        for key in keys:
            lookup[header_key(key)] = name
    for index in range(min(search_rows, len(rows))):
        upper = _texts(rows[index][1])
        lower = _texts(rows[index + 1][1]) if index + 1 < len(rows) else []
        two_rows = (
            bool(lower)
            and rows[index + 1][0] == rows[index][0] + 1
            and all(header_key(t) in lookup or _is_qualifier(header_key(t)) for t in lower if t)
            and any(lower)
            and all(isinstance(v, str) or v is None for v in rows[index + 1][1])
        )
        if two_rows and sum(1 for t in upper if t) < 2:
            # One cell above a full header is the table's title, not a header row.
            lower_alone = {name for name, _ in _labels(lower, [], lookup).values()}
            two_rows = not all(name in lower_alone for name in required)
        labels = _labels(upper, lower if two_rows else [], lookup)
        found = {}
        for column, (name, label) in labels.items():
            found.setdefault(name, []).append((column, label))
        if all(name in found for name in required):
            labels = {name: keys[0] for name, keys in synonyms.items()}
            columns, notes, problems = _resolve(found, required, this_month, labels)
            return HeaderMatch(index + 1 if two_rows else index, columns, notes, problems)
    return None


def _labels(upper, lower, lookup):
    """{column: (field, header as written)} of a one- or two-row header."""
    labels, parent = {}, ""
    for column in range(max(len(upper), len(lower))):
        top = upper[column] if column < len(upper) else ""
        bottom = lower[column] if column < len(lower) else ""
        if top:
            parent = top
        elif not lower:
            parent = ""
        name = lookup.get(header_key(bottom)) if bottom else None
        if name:
            label = (
                f"{parent} {bottom}".strip()
                if parent and parent != bottom and lookup.get(header_key(parent)) is None
                else bottom
            )
        elif lower and (top or parent):
            head = top or parent
            name = lookup.get(header_key(head))
            label = f"{head} {bottom}".strip()
        else:
            name = lookup.get(header_key(top))
            label = top
        if name:
            labels[column] = (name, label)
    return labels


def _this_months(label, this_month):
    key = header_key(label) + strip_invisible(label)
    return any(word in key for word in THIS_MONTH_WORDS) or any(strip_invisible(m) in key for m in this_month)


def _resolve(found, required, this_month, labels):
    columns, notes, problems = {}, [], []
    for name, hits in found.items():
        if len(hits) == 1:
            column, label = hits[0]
            other = [w for w in OTHER_WORDS if w in header_key(label)]
            if name in required and other and not _this_months(label, this_month):
                problems.append(
                    f"{column_letter(column)}列表头“{label}”含“{other[0]}”，看来不是本月数据，未读取。"
                    f"请把本月的“{labels[name]}”放在这一列或修改表头后再导入。"
                )
            columns[name] = hits[0]
            continue
        current = [hit for hit in hits if _this_months(hit[1], this_month)]
        where = "、".join(f"{column_letter(c)}列“{label}”" for c, label in hits)
        if len(current) == 1:
            columns[name] = current[0]
            notes.append(
                f"表头“{labels[name]}”有{len(hits)}列（{where}），按表明本月数据的{column_letter(current[0][0])}列读取。"
            )
        elif name in required:
            problems.append(
                f"表头“{labels[name]}”出现{len(hits)}次（{where}），无法确定哪一列是本月数据。"
                "请删去多余的列，或在本月数据的表头注明“本月实有”后再导入。"
            )
        else:
            columns[name] = hits[0]
    return columns, notes, problems


def choose_sheet(workbook, has_header, chosen=None):
    """The sheet to read and what to say about the choice; FileRejected when it is not clear.

    Hidden sheets are never read. With a `chosen` name, that visible sheet; otherwise the one
    visible sheet that has the headers. Several visible sheets with the headers are refused,
    naming them, so that the user picks one (the web page's 工作表 field, the commands' --sheet).
    """
    notes = []
    if workbook.hidden:
        notes.append(f"已跳过隐藏的工作表：{'、'.join(f'“{n}”' for n in workbook.hidden)}。")
    visible = workbook.visible
    if chosen:
        for sheet in visible:
            if sheet.name == chosen:
                return sheet, notes
        names = "、".join(f"“{s.name}”" for s in visible)
        raise FileRejected(f"文件中没有名为“{chosen}”的可见工作表（可见的工作表：{names}）。")
    if not visible:
        raise FileRejected("文件中没有可见的工作表。")
    with_header = [sheet for sheet in visible if has_header(sheet)]
    if len(with_header) > 1:
        names = "、".join(f"“{s.name}”" for s in with_header)
        active = f"（保存时打开的是“{workbook.active}”）" if workbook.active else ""
        raise FileRejected(
            f"文件中有{len(with_header)}个工作表都有表头：{names}{active}，无法确定导入哪一个。"
            "请在“工作表”一栏填写要导入的工作表名称（命令行用 --sheet），或删去其余工作表后再导入。"
        )
    if with_header:
        return with_header[0], notes
    active = [s for s in visible if s.name == workbook.active]
    return (active or visible)[0], notes
