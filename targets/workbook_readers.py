"""The readers of an uploaded spreadsheet, one per format, each held to the limits in settings
(rows, columns, cells, unpacked size, a child's memory and time): what `targets.spreadsheets.open_workbook`
dispatches to. Each answers a `Workbook` or raises `FileRejected` with its Chinese message.
"""

import codecs
import csv
import datetime as dt
import io
import pickle  # noqa: S403 - only our own child's output, never the upload, is unpickled
import subprocess  # noqa: S404
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from beibei_dashboard.cleantext import clean_text

from .numbers import UNCOMPUTED, DateCell

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
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
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


def read_zip(data, progress=None):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        _check_zip(archive)
        names = set(archive.namelist())
        if "mimetype" in names and b"opendocument.spreadsheet" in archive.read("mimetype"):
            return read_with_calamine(data, "ods")
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


def read_with_calamine(data, kind):
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


def read_csv(data, progress=None):
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
