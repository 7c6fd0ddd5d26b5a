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

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from beibei_dashboard.cleantext import clean_text

from .numbers import strip_invisible
from .workbook_readers import (
    CORRUPT,
    EMPTY,
    ENCRYPTED,
    ENCRYPTED_STREAM,
    OLE_MAGIC,
    SPREADSHEET_SUFFIXES,
    SUFFIXES,
    WRONG_SUFFIX,
    FileRejected,
    Sheet,
    Workbook,
    read_csv,
    read_with_calamine,
    read_zip,
)


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
        return read_zip(data, progress)
    if data[:8] == OLE_MAGIC:
        if ENCRYPTED_STREAM in data:
            raise FileRejected(ENCRYPTED)
        return read_with_calamine(data, "xls")
    if suffix in SPREADSHEET_SUFFIXES:
        raise FileRejected(CORRUPT)
    return Workbook("csv", [Sheet("", True, read_csv(data, progress))])


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


def cell_place(sheet, row, column=None, header=None):
    """Where an import's problem stands, as its message names it: 工作表“…”第3行 B列（街镇）."""
    place = f"工作表“{sheet}”第{row}行" if sheet else f"第{row}行"
    if column is not None:
        place += f" {column_letter(column)}列"
        if header:
            place += f"（{header}）"
    return place


def cell_text(value):
    """A cell as one line of text (the reading layer already removed its control characters)."""
    return "" if value is None else clean_text(str(value), multiline=False).strip()


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
        # 备注 below 高新技术企业 is 高新技术企业备注 when that is a field of its own
        combined = lookup.get(header_key(parent + bottom)) if bottom and parent and parent != bottom else None
        name = lookup.get(header_key(bottom)) if bottom else None
        if combined:
            name, label = combined, f"{parent} {bottom}"
        elif name:
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


def choose_sheet(workbook, has_header, chosen=None, prefer=None):
    """The sheet to read and what to say about the choice; FileRejected when it is not clear.

    Hidden sheets are never read. With a `chosen` name, that visible sheet; otherwise the one
    visible sheet that has the headers. When several visible sheets have the headers, the one
    whose name `prefer(name)` accepts (a workbook with one sheet per month: the sheet named after
    the month chosen), said in the notes with the sheets left unread; with none or several such,
    the file is refused naming them, so that the user picks one (the web page's 工作表 field, the
    commands' --sheet).
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
    if len(with_header) > 1 and prefer is not None:
        preferred = [sheet for sheet in with_header if prefer(sheet.name)]
        if len(preferred) == 1:
            others = "、".join(f"“{s.name}”" for s in with_header if s is not preferred[0])
            notes.append(
                f"文件中有{len(with_header)}个工作表都有表头，按所选月份读取工作表“{preferred[0].name}”，"
                f"未读取：{others}。"
            )
            return preferred[0], notes
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
