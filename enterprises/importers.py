"""Import of the enterprise registry from .xlsx or .csv, in three steps.

1. `parse`: the file into rows that keep their sheet and row numbers;
2. `validate`: every row checked, every problem collected as an `ImportProblem` (sheet, row,
   column, message in Chinese);
3. `write` (`import_plan`): only when there is no problem, in one transaction, with bulk
   operations and their history. A firm is matched by its credit code, so a re-import updates
   and never duplicates.

The web page (`/enterprises/import/`) and `manage.py import_enterprises` both call `run_import`.
"""

import datetime as dt
import gc
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from beibei_dashboard.cleantext import clean_text
from targets import territory
from targets.models import SubDistrict
from targets.months import Month
from targets.numbers import UNCOMPUTED, UNCOMPUTED_FORMULA_MESSAGE, DateCell
from targets.spreadsheets import FileRejected, choose_sheet, column_letter, match_header, missing_headers, open_workbook
from targets.subdistrict_names import SubDistrictNames, normalise

from . import validity
from .choices import Industry
from .columns import LABELS, REQUIRED, SYNONYMS
from .import_plan import FLAGS, chunks, plan, write
from .models import Enterprise

MAX_BYTES = 20 * 1024 * 1024
FIRST_YEAR = 2000
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓", "✔"}
FALSE_WORDS = {"", "否", "n", "no", "false", "0", "×"}
DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


@dataclass(frozen=True)
class ImportProblem:
    """One reason a file is refused: where (sheet, row, column) and why, in Chinese."""

    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self):
        where = []
        if self.sheet:
            where.append(f"工作表“{self.sheet}”")
        if self.row:
            where.append(f"第{self.row}行")
        if self.column:
            where.append(f"{self.column}列")
        return ("".join(where) + "：" if where else "") + self.message


class Problems(list):
    """The problems listed (at most MAX_PROBLEMS, then a line with the count) and `total`."""

    total = 0


class ImportRefused(Exception):
    """`problems`: the first MAX_PROBLEMS problems (and a line with the count); `total`: all."""

    def __init__(self, problems, total=None):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems
        self.total = total if total is not None else len(problems)


@dataclass
class ParsedFile:
    """The data rows of a file: `columns` maps a field to (header, column letter, index)."""

    sheet: str | None
    columns: dict
    rows: list  # [(row number, tuple of cell values)]
    notes: list = field(default_factory=list)  # which sheet was read, what was skipped


@dataclass(slots=True)
class CleanRow:
    row: int
    name: str
    credit_code: str
    subdistrict_id: int
    industry: str
    above_scale: bool
    specialized: bool
    little_giant: bool
    cultivation_pool: bool
    high_value_patent: bool
    single_champion: bool
    ipo_reserve: bool
    tech_registered_year: int | None
    tech_left_on: dt.date | None
    issue_date: dt.date | None
    certificate_no: str


@dataclass
class ImportSummary:
    """What an import did (or, in a preview, would do)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    recognitions_added: int = 0
    recognitions_updated: int = 0
    file_name: str = ""
    sheet: str | None = None
    notes: list = field(default_factory=list)
    _plan: object = field(default=None, repr=False)


# --- step 1: parse ---------------------------------------------------------------------------


HEADER_SEARCH_ROWS = 10
MAX_PROBLEMS = 200


def _blank(values):
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _refused(message):
    return ImportRefused([ImportProblem(None, None, None, message)])


def _header(sheet):
    return match_header(sheet.rows, SYNONYMS, tuple(REQUIRED.values()), search_rows=HEADER_SEARCH_ROWS)


def parse(data, filename, sheet=None, progress=None):
    """Bytes of an uploaded file -> ParsedFile; ImportRefused for a file that cannot be read.
    `progress("read", rows)` is told how far the reading got."""
    if len(data) > MAX_BYTES:
        raise _refused(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请拆分后导入。")
    try:
        workbook = open_workbook(data, filename, (lambda n: progress("read", n)) if progress else None)
        chosen, notes = choose_sheet(workbook, lambda s: _header(s) is not None, sheet)
    except FileRejected as rejected:
        raise _refused(str(rejected)) from None
    name = chosen.name or None
    if not chosen.rows:
        raise ImportRefused([ImportProblem(name, 1, None, "文件是空的：前几行应为表头。")])
    match = _header(chosen)
    if match is None:
        number, missing = missing_headers(chosen.rows, SYNONYMS, tuple(REQUIRED.values()))
        missing = "、".join(LABELS[field] for field in missing)
        where = "表头" if number else f"前{HEADER_SEARCH_ROWS}行中的表头"
        raise ImportRefused([ImportProblem(name, number, None, f"缺少{where}：{missing}（表头可带单位或括号说明）")])
    header_row = chosen.rows[match.index][0]
    if match.problems:
        raise ImportRefused([ImportProblem(name, header_row, None, p) for p in match.problems])
    columns = {field: (LABELS[field], column_letter(index), index) for field, (index, _) in match.columns.items()}
    body = [(number, values) for number, values in chosen.rows[match.index + 1 :] if not _blank(values)]
    if not body:
        raise ImportRefused([ImportProblem(name, header_row + 1, None, "文件中没有数据行（表头下面是空的）。")])
    if name:
        notes.insert(0, f"读取的工作表：“{name}”。")
    return ParsedFile(name, columns, body, notes + match.notes)


# --- step 2: validate ------------------------------------------------------------------------


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(unicodedata.normalize("NFKC", str(value)), multiline=False).strip()


def parse_date(value):
    """A cell -> date; ValueError with a Chinese message for text that is not a real date."""
    if value is None or value == "":
        return None
    if isinstance(value, DateCell):
        value = value.value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(*map(int, match.groups()))
            except ValueError:
                raise ValueError(f"日期“{text}”不存在") from None
    raise ValueError(f"“{text}”不是日期，应为 YYYY-MM-DD、YYYY/MM/DD 或 YYYY年M月D日")


def parse_year(value):
    text = _text(value).removesuffix("年")
    if not text:
        return None
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError(f"“{_text(value)}”不是年份，应为四位数字，如 2023")
    return int(text)


def parse_flag(value):
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"“{_text(value)}”应为“是”或“否”")


class _Row:
    """One data row being checked: reads cells by field name and collects its problems."""

    def __init__(self, parsed, number, values):
        self.parsed, self.number, self.values, self.problems = parsed, number, values, []

    def has(self, name):
        return name in self.parsed.columns

    def cell(self, name):
        spec = self.parsed.columns.get(name)
        if spec is None or spec[2] >= len(self.values):
            return None
        value = self.values[spec[2]]
        if value is UNCOMPUTED:
            self.problem(name, UNCOMPUTED_FORMULA_MESSAGE)
            return None
        return value

    def problem(self, name, message):
        header, letter, _ = self.parsed.columns[name]
        self.problems.append(ImportProblem(self.parsed.sheet, self.number, f"{letter}（{header}）", message))

    def read(self, name, reader):
        try:
            return reader(self.cell(name))
        except ValueError as error:
            self.problem(name, str(error))
            return None


def validate(parsed, today=None, progress=None):
    """ParsedFile -> ([CleanRow], [ImportProblem]); every row is checked, every problem kept."""
    today = today or timezone.localdate()
    # the units of today's map; a unit that has left (or not yet joined) is refused with its reason
    month = Month.of(today)
    away = territory.elsewhere(month)
    members = [sub for sub in SubDistrict.objects.all() if sub not in away]
    names, away_reasons = SubDistrictNames(members, elsewhere=away), set(away.values())
    subdistricts, aliases = {}, {}
    industries = {label: value for value, label in Industry.choices}
    clean, problems, first_row_of, problem_count = [], Problems(), {}, 0
    for index, (number, values) in enumerate(parsed.rows, start=1):
        if progress and index % 5000 == 0:
            progress("validated", index)
        row = _Row(parsed, number, values)
        name = _text(row.cell("name"))
        if not name:
            row.problem("name", "企业名称不能为空")
        elif len(name) > 200:
            row.problem("name", "企业名称超过200字")
        code = validity.normalise_credit_code(_text(row.cell("credit_code")))
        issue = validity.credit_code_problem(code) if code else "统一社会信用代码不能为空"
        if issue:
            row.problem("credit_code", issue)
        elif code in first_row_of:
            row.problem("credit_code", f"统一社会信用代码“{code}”与第{first_row_of[code]}行重复")
        else:
            first_row_of[code] = number
        sub_name = _text(row.cell("subdistrict"))
        if sub_name not in subdistricts:
            match = names.match(sub_name) if sub_name else None
            subdistricts[sub_name] = match
        match = subdistricts[sub_name]
        sub_id = match.subdistrict.pk if match and match.subdistrict else None
        if sub_id is None:
            if match is None:
                row.problem("subdistrict", "所属街镇不能为空")
            elif match.problem.startswith("未知街镇"):
                row.problem("subdistrict", f"所属街镇“{normalise(sub_name)}”不是本区的街镇")
            elif match.problem in away_reasons:
                row.problem("subdistrict", f"{match.problem}，其企业不再列入本区企业名录")
            else:
                row.problem("subdistrict", f"所属街镇{match.problem}")
        elif match.alias:
            aliases.setdefault((match.alias, match.subdistrict.name), []).append(number)
        industry = Industry.OTHER
        label = _text(row.cell("industry"))
        if label:
            industry = industries.get(label)
            if industry is None:
                row.problem("industry", f"所属产业“{label}”不在可选范围：{'、'.join(industries)}")
        flags = [bool(row.read(flag, parse_flag)) for flag in FLAGS]
        issue_date = row.read("issue_date", parse_date)
        if issue_date and (issue_date.year < FIRST_YEAR or issue_date > today):
            row.problem("issue_date", f"发证日期 {issue_date:%Y-%m-%d} 超出范围（{FIRST_YEAR}年1月1日至今天）")
        year = row.read("tech_registered_year", parse_year)
        if year and not FIRST_YEAR <= year <= today.year:
            row.problem("tech_registered_year", f"入库年份 {year} 超出范围（应在 {FIRST_YEAR}—{today.year} 年之间）")
        left_on = row.read("tech_left_on", parse_date)
        if left_on:
            if left_on.year < FIRST_YEAR or left_on > today:
                row.problem("tech_left_on", f"退库日期 {left_on:%Y-%m-%d} 超出范围（{FIRST_YEAR}年1月1日至今天）")
            elif not year:
                row.problem("tech_left_on", "有退库日期但没有科技型企业入库年份")
            elif left_on.year < year:
                row.problem("tech_left_on", f"退库日期 {left_on:%Y-%m-%d} 早于入库年份 {year}")
        certificate_no = _text(row.cell("certificate_no"))[:32]
        if row.problems:
            problem_count += len(row.problems)
            problems.extend(row.problems[: max(0, MAX_PROBLEMS - len(problems))])
            continue
        clean.append(CleanRow(number, name, code, sub_id, industry, *flags, year, left_on, issue_date, certificate_no))
    elsewhere = _registered_elsewhere(row.credit_code for row in clean)
    if elsewhere:
        header, letter, _ = parsed.columns["credit_code"]
        for row in clean:
            if row.credit_code in elsewhere:
                message = f"统一社会信用代码“{row.credit_code}”已登记在其他区县的企业名录中，不能导入本区"
                problem_count += 1
                if len(problems) < MAX_PROBLEMS:
                    problems.append(ImportProblem(parsed.sheet, row.row, f"{letter}（{header}）", message))
        clean = [row for row in clean if row.credit_code not in elsewhere]
        problems.sort(key=lambda p: p.row or 0)
    for (alias, sub_name), numbers in aliases.items():
        rows = "、".join(map(str, numbers[:5])) + ("等" if len(numbers) > 5 else "")
        parsed.notes.append(f"原表“{alias}” → {sub_name}（第{rows}行，共 {len(numbers)} 行）。")
    problems.total = problem_count
    if problem_count > len(problems):
        problems.append(
            ImportProblem(None, None, None, f"……共 {problem_count} 处错误，以上只列出前 {len(problems)} 处。")
        )
    return clean, problems


def _registered_elsewhere(codes):
    """The credit codes among `codes` that belong to another district's firm (the code is unique
    in the whole database, so such a row could neither be added nor may it move that firm)."""
    found = set()
    for chunk in chunks(codes):
        found.update(
            Enterprise._base_manager.filter(credit_code__in=chunk)
            .exclude(pk__in=Enterprise.objects.values("pk"))
            .values_list("credit_code", flat=True)
        )
    return found


@contextmanager
def _no_cyclic_gc():
    """Parsing builds a million small objects and no cycles; the cyclic collector would scan
    them again and again (a third of the time at 100,000 rows)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_import(data, filename, user=None, dry_run=False, today=None, sheet=None, progress=None):
    """Parse, validate and (unless `dry_run`) write a file; ImportRefused lists the problems
    (the first MAX_PROBLEMS of them and their count). `progress(step, rows)` hears how far it
    got: "read", "validated", "writing" and "written" (the background import's progress bar)."""
    with _no_cyclic_gc():
        return _run_import(data, filename, user, dry_run, today, sheet, progress or (lambda step, rows: None))


def _run_import(data, filename, user, dry_run, today, sheet, progress):
    parsed = parse(data, filename, sheet, progress)
    progress("total", len(parsed.rows))
    rows, problems = validate(parsed, today=today, progress=progress)
    progress("validated", len(parsed.rows))
    if problems:
        raise ImportRefused(problems, problems.total)
    the_plan = plan(rows)
    summary = ImportSummary(
        rows=len(rows),
        created=len(the_plan.new),
        updated=len(the_plan.changed),
        unchanged=the_plan.unchanged,
        recognitions_added=len(the_plan.recognitions),
        recognitions_updated=len(the_plan.recognitions_changed),
        file_name=filename,
        sheet=parsed.sheet,
        notes=parsed.notes,
    )
    if not dry_run:
        progress("writing", 0)
        write(the_plan, user=user, reason=f"表格导入：{Path(filename).name}")
        progress("written", len(rows))
    return summary
