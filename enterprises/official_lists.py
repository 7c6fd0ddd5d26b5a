"""Import of the official high-tech lists as offices receive them (issue 29, item 2): a year's
申报名单 (the firms that filed, in one batch) and its 公示/备案名单 (the firms recognised, with
their 证书编号 and 发证日期).

Read through the same layer as the count and registry imports (`targets.spreadsheets`: xlsx,
xls, et, ods, csv in UTF-8/GBK/UTF-16, bounded memory, hostile files refused), in three steps:

1. `read`: the file into rows that keep their sheet and row numbers (a title row merged above
   the header, 序号 and 所属街镇 columns are fine);
2. `check`: every row matched to a firm of the registry, by credit code where the list gives
   one, else by its exact name (full-width/half-width and spaces normalised, nothing else);
   every problem (a malformed cell, a date or certificate of another year, a certificate number
   already on another firm, a row twice) collected with its sheet, row and column. Rows that
   match nothing are listed apart: they are never guessed and never written;
3. `write`: only when there is no problem, every matched row through `pipeline.advance_to` in
   one transaction (a refusal there rolls back every row).

The page (`/pipeline/import/`) and `manage.py import_official_list` both call `run`.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from beibei_dashboard.templatetags.dates import as_chinese
from targets.spreadsheets import (
    FileRejected,
    cell_text,
    choose_sheet,
    column_letter,
    match_header,
    missing_headers,
    open_workbook,
)

from . import pipeline, validity
from .choices import Programme, Stage
from .importers import MAX_BYTES, MAX_PROBLEMS, ImportProblem, ImportRefused, parse_date
from .models import Enterprise, HighTechRecognition, RecognitionAttempt

APPLICATION, RECOGNITION = "application", "recognition"
KINDS = {APPLICATION: "申报名单", RECOGNITION: "公示/备案名单（认定）"}
STAGE_OF = {APPLICATION: Stage.APPLIED, RECOGNITION: Stage.RECOGNISED}
HEADER_SEARCH_ROWS = 10
LABELS = {
    "name": "企业名称",
    "credit_code": "统一社会信用代码",
    "certificate_no": "证书编号",
    "issue_date": "发证日期",
    "subdistrict": "所属街镇",
}
SYNONYMS = {
    "name": ("企业名称", "企业全称", "单位名称", "申报单位", "申报企业名称", "企业名单"),
    "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码", "统一信用代码", "组织机构代码"),
    "certificate_no": ("证书编号", "高新技术企业证书编号", "高企证书编号", "证书号"),
    "issue_date": ("发证日期", "发证时间", "认定日期", "证书发证日期"),
    "subdistrict": ("所属街镇", "街镇", "镇街", "所属镇街", "所在街镇", "所属街道"),
}
REQUIRED = {APPLICATION: ("name",), RECOGNITION: ("name", "certificate_no", "issue_date")}
_YEAR_IN_TITLE = re.compile(r"(20\d\d)\s*年")
_SPACES = re.compile(r"\s+")


def name_key(text):
    """A firm's name as matched: full-width/half-width folded (NFKC) and every space removed,
    nothing else (a name that differs in a character is another name)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text or "")).replace("\u200b", "")


@dataclass
class ListRow:
    """One data row of the list and what it will do."""

    row: int
    name: str
    credit_code: str
    certificate_no: str = ""
    issue_date: object = None
    subdistrict_text: str = ""
    enterprise: Enterprise | None = None
    matched_by: str = ""  # 信用代码 / 企业名称
    action: str = ""  # what confirming does to this firm's attempt, in Chinese
    changes: bool = False
    unmatched_reason: str = ""
    notes: list = field(default_factory=list)


@dataclass
class ListPreview:
    """What a list would do: the matched rows (with their action), the unmatched ones (never
    written), the problems that refuse it, and how the file was read."""

    kind: str
    year: int
    batch: int
    file_name: str
    sheet: str | None
    matched: list
    unmatched: list
    notes: list

    @property
    def kind_label(self):
        return KINDS[self.kind]

    @property
    def rows(self):
        return len(self.matched) + len(self.unmatched)

    @property
    def changing(self):
        return sum(1 for row in self.matched if row.changes)

    @property
    def certificates(self):
        return sum(1 for row in self.matched if row.changes and self.kind == RECOGNITION)


def _refused(message, sheet=None, row=None):
    return ImportRefused([ImportProblem(sheet, row, None, message)])


def _header(sheet, kind):
    return match_header(sheet.rows, SYNONYMS, REQUIRED[kind], search_rows=HEADER_SEARCH_ROWS)


def read(data, file_name, kind, year, sheet=None):
    """(sheet name, {field: (label, letter, index)}, [(row number, values)], notes); ImportRefused
    for a file that cannot be read, has no header, or whose title names another year."""
    if len(data) > MAX_BYTES:
        raise _refused(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请拆分后导入。")
    try:
        workbook = open_workbook(data, file_name)
        chosen, notes = choose_sheet(workbook, lambda s: _header(s, kind) is not None, sheet)
    except FileRejected as rejected:
        raise _refused(str(rejected)) from None
    name = chosen.name or None
    match = _header(chosen, kind) if chosen.rows else None
    if match is None:
        number, missing = missing_headers(chosen.rows, SYNONYMS, REQUIRED[kind], search_rows=HEADER_SEARCH_ROWS)
        missing = "、".join(LABELS[f] for f in missing)
        where = "表头" if number else f"前{HEADER_SEARCH_ROWS}行中的表头"
        raise ImportRefused([ImportProblem(name, number, None, f"{KINDS[kind]}缺少{where}：{missing}")])
    header_row = chosen.rows[match.index][0]
    if match.problems:
        raise ImportRefused([ImportProblem(name, header_row, None, p) for p in match.problems])
    for number, values in chosen.rows[: match.index]:
        for value in values:
            text = cell_text(value)
            years = {int(y) for y in _YEAR_IN_TITLE.findall(text)}
            if years and year not in years:
                raise _refused(
                    f"表题“{text}”是{'、'.join(map(str, sorted(years)))}年的名单，与所选年度{year}年不符，未导入。",
                    name,
                    number,
                )
    columns = {f: (LABELS[f], column_letter(index), index) for f, (index, _) in match.columns.items()}
    body = [(n, v) for n, v in chosen.rows[match.index + 1 :] if any(cell_text(c) for c in v)]
    if not body:
        raise ImportRefused([ImportProblem(name, header_row + 1, None, "名单中没有数据行（表头下面是空的）。")])
    if name:
        notes.insert(0, f"读取的工作表：“{name}”。")
    return name, columns, body, notes + match.notes


def _cell(values, columns, name):
    spec = columns.get(name)
    if spec is None or spec[2] >= len(values):
        return None
    return values[spec[2]]


def _text(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return cell_text(value)


class _Checker:
    """Checks every row of a list against the registry, in a fixed number of queries."""

    def __init__(self, kind, year, sheet, columns, today):
        self.kind, self.year, self.sheet, self.columns, self.today = kind, year, sheet, columns, today
        self.problems, self.total = [], 0
        # one query whatever the list's size; only what matching and the preview read
        firms = list(Enterprise.objects.select_related("subdistrict").only("name", "credit_code", "subdistrict__name"))
        self.by_code = {f.credit_code: f for f in firms}
        self.by_name = {}
        for firm in firms:
            self.by_name.setdefault(name_key(firm.name), []).append(firm)

    def problem(self, row, name, message):
        self.total += 1
        if len(self.problems) < MAX_PROBLEMS:
            where = f"{self.columns[name][1]}（{self.columns[name][0]}）" if name in self.columns else None
            self.problems.append(ImportProblem(self.sheet, row, where, message))

    def row(self, number, values):
        name = _text(_cell(values, self.columns, "name"))
        code = validity.normalise_credit_code(_text(_cell(values, self.columns, "credit_code")))
        row = ListRow(number, name, code, subdistrict_text=_text(_cell(values, self.columns, "subdistrict")))
        if not name:
            self.problem(number, "name", "企业名称不能为空")
        elif len(name) > 200:
            self.problem(number, "name", "企业名称超过200字")
        if code and (issue := validity.credit_code_problem(code)):
            self.problem(number, "credit_code", issue)
        if self.kind == RECOGNITION:
            self._certificate(row, values)
        return row

    def _certificate(self, row, values):
        number = _text(_cell(values, self.columns, "certificate_no")).upper().replace(" ", "")
        row.certificate_no = number
        if not pipeline.CERTIFICATE_NO.fullmatch(number):
            self.problem(row.row, "certificate_no", f"证书编号“{number}”应为GR加12位数字，如GR{self.year}50000123")
        elif int(number[2:6]) != self.year:
            self.problem(
                row.row, "certificate_no", f"证书编号{number}是{number[2:6]}年的证书，与所选年度{self.year}年不符"
            )
        try:
            row.issue_date = parse_date(_cell(values, self.columns, "issue_date"))
        except ValueError as error:
            self.problem(row.row, "issue_date", str(error))
            return
        if row.issue_date is None:
            self.problem(row.row, "issue_date", "发证日期不能为空")
        elif row.issue_date.year != self.year:
            self.problem(
                row.row, "issue_date", f"发证日期{as_chinese(row.issue_date, 'day')}不在所选年度{self.year}年内，未导入"
            )
        elif row.issue_date > self.today:
            self.problem(row.row, "issue_date", f"发证日期{as_chinese(row.issue_date, 'day')}晚于今天")

    def match(self, row):
        """The firm `row` names, or why none: by credit code where given, else by exact name."""
        if row.credit_code:
            firm = self.by_code.get(row.credit_code)
            if firm is not None:
                row.enterprise, row.matched_by = firm, "信用代码"
                if name_key(firm.name) != name_key(row.name):
                    row.notes.append(f"名单上的名称“{row.name}”与名录中的“{firm.name}”不同（按信用代码匹配）")
                return
            same_name = self.by_name.get(name_key(row.name), [])
            row.unmatched_reason = f"统一社会信用代码{row.credit_code}不在本区企业名录中" + (
                f"（名录中同名企业的信用代码为{'、'.join(f.credit_code for f in same_name)}，请核实）"
                if same_name
                else ""
            )
            return
        same_name = self.by_name.get(name_key(row.name), [])
        if len(same_name) == 1:
            row.enterprise, row.matched_by = same_name[0], "企业名称"
        elif same_name:
            row.unmatched_reason = f"名录中有{len(same_name)}家企业名称相同，请在名单中填写统一社会信用代码"
        else:
            row.unmatched_reason = "名录中没有名称完全相同的企业（名单未给统一社会信用代码）"


def check(sheet, columns, body, kind, year, batch, today=None):
    """(matched rows, unmatched rows, problems, total problems) of a list read by `read`."""
    today = today or timezone.localdate()
    checker = _Checker(kind, year, sheet, columns, today)
    rows = [checker.row(number, values) for number, values in body]
    seen_firm, seen_certificate = {}, {}
    for row in rows:
        if row.name:
            checker.match(row)
        firm = row.enterprise
        if firm is not None:
            if firm.pk in seen_firm:
                checker.problem(row.row, "name", f"与第{seen_firm[firm.pk]}行是同一家企业（{firm.name}）")
            seen_firm.setdefault(firm.pk, row.row)
        if row.certificate_no:
            if row.certificate_no in seen_certificate:
                message = f"证书编号{row.certificate_no}与第{seen_certificate[row.certificate_no]}行重复"
                checker.problem(row.row, "certificate_no", message)
            seen_certificate.setdefault(row.certificate_no, row.row)
    _certificates_elsewhere(checker, rows)
    matched = [row for row in rows if row.enterprise is not None]
    _plan_actions(matched, kind, year, batch, checker)
    unmatched = [row for row in rows if row.enterprise is None and row.name]
    checker.problems.sort(key=lambda p: p.row or 0)
    return matched, unmatched, checker.problems, checker.total


def _certificates_elsewhere(checker, rows):
    """A certificate number already held by another firm (or, for the same firm, by a certificate
    of another issue date) refuses the list."""
    numbers = [row.certificate_no for row in rows if row.certificate_no]
    held = {}
    for rec in HighTechRecognition.objects.filter(certificate_no__in=numbers).select_related("enterprise"):
        held[rec.certificate_no] = rec
    for row in rows:
        rec = held.get(row.certificate_no)
        if rec is None:
            continue
        if row.enterprise is None or rec.enterprise_id != row.enterprise.pk:
            checker.problem(
                row.row,
                "certificate_no",
                f"证书编号{row.certificate_no}已登记在另一家企业（{rec.enterprise.name}）名下，未导入",
            )
        elif row.issue_date and rec.issue_date != row.issue_date:
            checker.problem(
                row.row,
                "issue_date",
                f"名录中证书{row.certificate_no}的发证日期为{as_chinese(rec.issue_date, 'day')}，与名单的"
                f"{as_chinese(row.issue_date, 'day')}不一致",
            )


def _plan_actions(matched, kind, year, batch, checker):
    """Say what confirming does to each matched firm (the same decisions `pipeline.advance_to`
    takes), and refuse what it would refuse."""
    firms = [row.enterprise.pk for row in matched]
    attempts = {
        a.enterprise_id: a
        for a in RecognitionAttempt.objects.filter(
            enterprise__in=firms, year=year, programme=Programme.HIGH_TECH
        ).select_related("certificate")
    }
    same_day = {}
    if kind == RECOGNITION:
        for rec in HighTechRecognition.objects.filter(enterprise__in=firms, issue_date__year=year):
            same_day[(rec.enterprise_id, rec.issue_date)] = rec
    renewals = _renewals_due(firms, year)
    target = STAGE_OF[kind]
    target_label = Stage(target).label
    for row in matched:
        attempt = attempts.get(row.enterprise.pk)
        what = f"{target_label}（第{batch}批）"
        if kind == RECOGNITION and row.issue_date:
            what = f"认定（第{batch}批，证书{row.certificate_no}，发证日期{as_chinese(row.issue_date, 'day')}）"
        if kind == RECOGNITION and row.issue_date:
            rec = same_day.get((row.enterprise.pk, row.issue_date))
            if rec is not None and rec.certificate_no and rec.certificate_no != row.certificate_no:
                checker.problem(
                    row.row,
                    "certificate_no",
                    f"名录中该企业{as_chinese(row.issue_date, 'day')}的证书编号为{rec.certificate_no}，"
                    f"与名单的{row.certificate_no}不一致",
                )
        if attempt is None:
            kind_text = "重新认定" if row.enterprise.pk in renewals else "新认定"
            row.action, row.changes = f"新建{year}年{kind_text}进程：{what}", True
        elif attempt.stage in (Stage.RECOGNISED, Stage.FAILED) or (
            target == Stage.APPLIED and attempt.stage in (Stage.APPLIED, Stage.REVIEW)
        ):
            row.action = f"不变：{year}年进程已处于“{attempt.get_stage_display()}”"
            if attempt.stage == Stage.FAILED and kind == RECOGNITION:
                row.notes.append("该企业本年度进程已记为未通过，名单不改变它，请核实后在进程页处理")
            held = attempt.certificate.certificate_no if attempt.certificate_id else ""
            if kind == RECOGNITION and held and held != row.certificate_no:
                message = f"该企业{year}年已认定，证书编号为{held}，与名单的{row.certificate_no}不一致"
                checker.problem(row.row, "certificate_no", message)
        else:
            row.action, row.changes = f"{attempt.get_stage_display()} → {what}", True


def _renewals_due(firm_ids, year):
    """The firms whose latest certificate's last valid day falls in `year` (`due_for_renewal`)."""
    latest = {}
    for rec in HighTechRecognition.objects.filter(enterprise__in=firm_ids).order_by("issue_date"):
        latest[rec.enterprise_id] = rec
    return {firm for firm, rec in latest.items() if rec.valid_until.year == year}


def preview(data, file_name, kind, year, batch, sheet=None, today=None):
    """ListPreview of a file; ImportRefused (with every problem) when it cannot be imported."""
    sheet_name, columns, body, notes = read(data, file_name, kind, year, sheet)
    matched, unmatched, problems, total = check(sheet_name, columns, body, kind, year, batch, today)
    if problems:
        if total > len(problems):
            problems.append(ImportProblem(None, None, None, f"……共 {total} 处错误，以上只列出前 {len(problems)} 处。"))
        raise ImportRefused(problems, total)
    if "credit_code" not in columns:
        notes.append("名单没有统一社会信用代码列，全部按企业名称（全角半角、空格不计）匹配。")
    return ListPreview(kind, year, batch, file_name, sheet_name, matched, unmatched, notes)


def reason_of(the_preview):
    return f"{the_preview.year}年第{the_preview.batch}批{KINDS[the_preview.kind]}导入：{the_preview.file_name}"


@transaction.atomic
def write(the_preview, user):
    """Every matched row through `pipeline.advance_to`, in one transaction; returns how many
    attempts changed. A refusal of any row (ImportRefused) writes nothing."""
    reason, changed = reason_of(the_preview), 0
    stage = STAGE_OF[the_preview.kind]
    for row in the_preview.matched:
        outcome = {}
        if the_preview.kind == RECOGNITION:
            outcome = {"certificate_no": row.certificate_no, "issue_date": row.issue_date}
        try:
            _, moved = pipeline.advance_to(
                row.enterprise, the_preview.year, stage, user=user, reason=reason, batch=the_preview.batch, **outcome
            )
        except ValidationError as error:
            messages = "；".join(m for ms in error.message_dict.values() for m in ms)
            raise ImportRefused([ImportProblem(the_preview.sheet, row.row, None, f"{row.name}：{messages}")]) from None
        changed += moved
    return changed


def run(data, file_name, kind, year, batch, *, user, confirm=False, accept_unmatched=None, sheet=None, today=None):
    """Preview a list and, with `confirm`, write it. `accept_unmatched`: the number of unmatched
    rows the user was shown and agreed not to import; the list is refused when rows are unmatched
    and that number is not theirs (the file or the registry changed since the preview)."""
    the_preview = preview(data, file_name, kind, year, batch, sheet, today)
    if confirm:
        if not the_preview.matched:
            raise _refused("名单中没有一行匹配到名录中的企业，没有可导入的内容。")
        count = len(the_preview.unmatched)
        if count and accept_unmatched != count:
            raise _refused(f"{count}行未匹配到名录中的企业：请确认“{count}行未匹配，不导入”后再导入。")
        the_preview.written = write(the_preview, user)
    return the_preview
