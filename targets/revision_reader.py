"""Reading a revision of the plan (方案修订) from a spreadsheet shaped like the plan's attachment:
the header rows, the lines and the 合计, every problem with its sheet, row and column; nothing
is written here (`targets.revisions` checks the version, previews and writes)."""

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from . import territory
from .choices import ALL_YEARS, BASE_YEAR, Category, Metric
from .importers import HEADER_SYNONYMS, MAX_ERRORS, MAX_FILE_BYTES, NAME
from .models import SubDistrict
from .months import Month
from .numbers import parse_whole_number
from .spreadsheets import FileRejected, cell_place, cell_text, choose_sheet, column_letter, header_key, open_workbook
from .subdistrict_names import SubDistrictNames, is_group_row, normalise

HEADER_SEARCH_ROWS = 10
TARGET_YEAR = 2027
METRICS = tuple(Metric.values)
METRIC_LABELS = dict(Metric.choices)
# the headline goals' names, as 46号 writes them
GOAL_NAMES = {Metric.HIGH_TECH.value: "国家高新技术企业", Metric.TECH_BASED.value: "市级科技型企业"}
CATEGORY_KEYS = ("类型", "类别", "分类")
SEQ_KEYS = ("序号",)
_YEAR = re.compile(r"(\d{4})年(实际|目标)?")
_TOTAL = re.compile(r"^(?:全区)?(?:合计|总计)$")
_CATEGORY = re.compile(r"^([AB])(?:类)?(?:镇街|街镇|街道|乡镇)?$")
STAGE_KEY = "plan_revisions"
MAX_STAGED = 3


class RevisionRejected(Exception):
    """The revision is refused; `errors` (Chinese) say what and where. Nothing was written."""

    def __init__(self, errors):
        super().__init__("；".join(errors))
        self.errors = list(errors)


@dataclass
class RevisionMeta:
    """What the form (or the command line) says of the document."""

    number: str
    issued: date
    effective: Month
    title: str = ""
    reason: str = ""
    is_example: bool = False

    def as_dict(self):
        return {
            "number": self.number,
            "issued": self.issued.isoformat(),
            "effective": str(self.effective),
            "title": self.title,
            "reason": self.reason,
            "is_example": self.is_example,
        }

    @classmethod
    def from_dict(cls, data):
        return cls(
            number=data["number"],
            issued=date.fromisoformat(data["issued"]),
            effective=Month.parse(data["effective"]),
            title=data["title"],
            reason=data["reason"],
            is_example=data["is_example"],
        )

    @property
    def full_title(self):
        return self.title or f"高新技术企业和科技型企业培育目标任务分解表（{self.number}）"


@dataclass
class RevisionLine:
    """One line of the revision: a unit, its class and 序号, {metric: {year: value}}."""

    subdistrict_id: int
    name: str
    category: str
    seq: int
    figures: dict
    row: int = 0


@dataclass
class ParsedRevision:
    file_name: str
    sheet: str = ""
    lines: list = field(default_factory=list)
    totals: dict = field(default_factory=dict)  # {metric: {year: value}} of the file's 合计 row
    errors: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    total_row: int = 0
    named: set = field(default_factory=set)  # the units the file names (rows with problems too)

    def error(self, message):
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)


def _key(value):
    """A cell as compared: NFKC, no spaces at all (类型 typed "A\\n类镇街" in the attachment)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell_text(value)))


# --- the header ---------------------------------------------------------------------------------


@dataclass
class RevisionHeader:
    last: int  # index (into the sheet's rows) of the last header row
    name: int
    category: int
    seq: int | None
    # {metric: {year: [column, ...]}}: 2027 has two columns, 2027年目标数 and 年度 2027年目标数
    columns: dict
    labels: dict  # column -> header as written ("高新技术企业 2024年目标数")


def _lookup():
    keys = {}
    for field_name in (NAME, *METRICS):
        for key in HEADER_SYNONYMS[field_name]:
            keys[header_key(key)] = field_name
    for key in CATEGORY_KEYS:
        keys[key] = "category"
    for key in SEQ_KEYS:
        keys[key] = "seq"
    return keys


def kind_of_year(year):
    return "实际数" if year == BASE_YEAR else "目标数"


def find_header(rows):
    """The revision table's header in the first rows, or (None, problems) when it is not there."""
    lookup = _lookup()
    for index in range(min(HEADER_SEARCH_ROWS, len(rows))):
        top = [header_key(_key(v)) for v in rows[index][1]]
        named = {}
        for column, key in enumerate(top):
            if key in lookup:
                named.setdefault(lookup[key], []).append(column)
        if NAME not in named or not all(m in named for m in METRICS):
            continue
        return _header_from(rows, index, named, lookup)
    return None, []


def _header_from(rows, index, named, lookup):
    problems = []
    metric_of, current = {}, None
    width = max(len(values) for _, values in rows[index : index + 4])
    starts = {column: metric for metric in METRICS for column in named[metric]}
    for column in range(width):
        if column in starts:
            current = starts[column]
        elif column < len(rows[index][1]) and _key(rows[index][1][column]) and column not in starts:
            current = None  # another heading ends the metric's span
        if current:
            metric_of[column] = current
    columns = {metric: {} for metric in METRICS}
    labels, last = {}, index
    for below in range(index + 1, min(index + 4, len(rows))):
        found = False
        for column, value in enumerate(rows[below][1]):
            text = _key(value) if isinstance(value, str) else ""
            match = _YEAR.match(header_key(text)) if text else None
            if not match or column not in metric_of:
                continue
            year, kind = int(match.group(1)), match.group(2)
            if year not in ALL_YEARS or (year == BASE_YEAR) != (kind == "实际"):
                continue
            found = True
            metric = metric_of[column]
            columns[metric].setdefault(year, []).append(column)
            labels[column] = f"{METRIC_LABELS[metric]} {text}"
        if not found:
            break
        last = below
    for metric in METRICS:
        missing = [
            f"{year}年{'实际数' if year == BASE_YEAR else '目标数'}"
            for year in ALL_YEARS
            if year not in columns[metric]
        ]
        if missing:
            problems.append(f"“{METRIC_LABELS[metric]}”下缺少{'、'.join(missing)}列")
    if "category" not in named:
        problems.append("缺少“类型”列（A类镇街/B类镇街）")
    if problems:
        return None, problems
    header = RevisionHeader(
        last=last,
        name=named[NAME][0],
        category=named["category"][0],
        seq=named["seq"][0] if "seq" in named else None,
        columns=columns,
        labels=labels,
    )
    return header, []


# --- reading ------------------------------------------------------------------------------------


def members_of(month):
    """The units of the district in `month` (the revision must give each a line)."""
    return [sub for sub in SubDistrict.objects.order_by("pk") if sub.is_member(month)]


def parse_revision(file_name, data, effective, *, sheet=None):
    """Read and check a revision's table for `effective`; never raises for bad content."""
    result = ParsedRevision(file_name=file_name)
    if len(data) > MAX_FILE_BYTES:
        result.errors.append(f"文件大小 {len(data) / 1024 / 1024:.1f} MB，超过 5 MB 上限。")
        return result
    try:
        workbook = open_workbook(data, file_name)
        chosen, notes = choose_sheet(workbook, lambda s: find_header(s.rows)[0] is not None, sheet)
    except FileRejected as exc:
        result.errors.append(str(exc))
        return result
    result.sheet, rows = chosen.name, chosen.rows
    where_sheet = f"工作表“{chosen.name}”" if chosen.name else "文件"
    header, problems = find_header(rows)
    if header is None:
        detail = "；".join(problems) if problems else "须有“类型”“序号”“街镇”“高新技术企业”“科技型企业”表头"
        result.errors.append(
            f"{where_sheet}前{HEADER_SEARCH_ROWS}行中找不到目标任务分解表的表头：{detail}"
            "（表头应与方案附件相同：各类企业下分2022年实际数、2027年目标数和年度2023—2027年目标数）。"
        )
        return result
    if chosen.name:
        result.notes.append(f"读取的工作表：“{chosen.name}”。")
    result.notes += notes
    members = members_of(effective)
    names = SubDistrictNames(members, elsewhere=territory.elsewhere(effective, exclude=members))
    _read_lines(result, rows[header.last + 1 :], header, names)
    _check_lines(result, header, members, effective)
    return result


def _figures(result, sheet, row_no, values, header):
    """{metric: {year: value}} of a row, or None (its problems reported)."""
    figures, ok = {}, True
    for metric in METRICS:
        figures[metric] = {}
        for year in ALL_YEARS:
            read = []
            for column in header.columns[metric][year]:
                raw = values[column] if column < len(values) else None
                place = cell_place(sheet, row_no, column, header.labels.get(column))
                if cell_text(raw) == "":
                    result.error(f"{place}：缺少数值。")
                    ok = False
                    continue
                parsed = parse_whole_number(raw)
                if parsed.problem:
                    result.error(f"{place}：{parsed.problem}。")
                    ok = False
                    continue
                read.append((column, parsed.value))
            if len({value for _, value in read}) > 1:
                (c1, v1), (c2, v2) = read[0], read[1]
                result.error(
                    f"{cell_place(sheet, row_no)}：{METRIC_LABELS[metric]}{year}年目标数在{column_letter(c1)}列为{v1}、"
                    f"在{column_letter(c2)}列（年度）为{v2}，两处不一致。"
                )
                ok = False
            elif read:
                figures[metric][year] = read[0][1]
    return figures if ok else None


def _cell(values, column):
    return values[column] if column is not None and column < len(values) else None


def _read_lines(result, rows, header, names):
    sheet = result.sheet
    category, seen, skipped, total_row = "", {}, [], None
    for row_no, values in rows:
        cell = functools.partial(_cell, values)
        name = cell_text(cell(header.name))
        leading = [_key(v) for v in values[: min(header.columns[m][BASE_YEAR][0] for m in METRICS)]]
        if _TOTAL.match(_key(name)) or (not name and any(_TOTAL.match(k) for k in leading if k)):
            if total_row is not None:
                result.error(f"{cell_place(sheet, row_no)}：合计行重复出现（第{total_row}行已有）。")
                continue
            total_row = row_no
            result.totals = _figures(result, sheet, row_no, values, header) or {}
            continue
        kind = _key(cell(header.category))
        if kind:
            match = _CATEGORY.match(kind)
            if match:
                category = match.group(1)
            elif not is_group_row(kind):
                place = cell_place(sheet, row_no, header.category, "类型")
                result.error(f"{place}：类型“{kind}”无法识别，应为“A类镇街”或“B类镇街”。")
                continue
        if name and is_group_row(name):
            skipped.append(f"第{row_no}行“{normalise(name)}”")
            continue
        if not name:
            if any(cell_text(v) for i, v in enumerate(values) if i not in (header.category, header.seq)):
                result.error(f"{cell_place(sheet, row_no, header.name, '街镇')}：缺少街镇名称。")
            continue
        sub = names.match_row(name, row_no, cell_place(sheet, row_no, header.name, "街镇"), seen, result)
        if sub is None:
            continue
        result.named.add(sub.pk)
        if not category:
            result.error(f"{cell_place(sheet, row_no, header.category, '类型')}：缺少类型（A类镇街或B类镇街）。")
            continue
        seq = None
        if header.seq is not None:
            parsed = parse_whole_number(cell(header.seq))
            if cell_text(cell(header.seq)) == "":
                problem = "缺少序号"
            else:
                problem = parsed.problem or (None if parsed.value else "序号须为正整数")
            if problem:
                result.error(f"{cell_place(sheet, row_no, header.seq, '序号')}：{problem}。")
                continue
            seq = parsed.value
        figures = _figures(result, sheet, row_no, values, header)
        if figures is not None:
            result.lines.append(RevisionLine(sub.pk, sub.name, category, seq, figures, row_no))
    if skipped:
        result.notes.append(f"已跳过{len(skipped)}个分组或小计行：{'、'.join(skipped)}。")
    if total_row is None:
        where = f"工作表“{sheet}”" if sheet else "文件"
        result.error(f"{where}没有合计行：修订表须有“合计”行，用于核对各街镇之和。")
    else:
        result.total_row = total_row


def _check_lines(result, header, members, effective):
    sheet = result.sheet
    missing = [sub.name for sub in members if sub.pk not in result.named]
    if missing:
        where = f"工作表“{sheet}”" if sheet else "文件"
        result.error(
            f"{where}缺少{len(missing)}个街镇的行：{'、'.join(missing)}（修订须分解到{effective.label}"
            f"全区{len(members)}个街镇，每个街镇一行）。"
        )
    by_seq = {}
    for line in result.lines:
        if line.seq is None:
            line.seq = sum(
                1 for other in result.lines[: result.lines.index(line) + 1] if other.category == line.category
            )
        key = (line.category, line.seq)
        if key in by_seq:
            result.error(
                f"{cell_place(sheet, line.row, header.seq, '序号')}：{Category(line.category).label}序号{line.seq}"
                f"重复（第{by_seq[key]}行已有）。"
            )
        by_seq.setdefault(key, line.row)
    if not result.totals or result.errors:
        return  # a line with a problem is not in the sum: the totals are compared once it is put right
    for metric in METRICS:
        for year in ALL_YEARS:
            total = sum(line.figures[metric][year] for line in result.lines)
            stated = result.totals[metric][year]
            if stated != total:
                for column in header.columns[metric][year]:
                    result.error(
                        f"{cell_place(sheet, result.total_row, column, header.labels.get(column))}：合计为{stated}，"
                        f"各街镇之和为{total}，两者不一致。"
                    )


# --- the version --------------------------------------------------------------------------------
