"""Writes that touch several rows and their history, each in one transaction."""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, Q

from beibei_dashboard.history import with_history
from beibei_dashboard.races import SavedMeanwhile, first_write

from . import metrics, territory
from .choices import BASE_YEAR, CountSource, Metric
from .importers import parse_counts
from .models import MonthlyCount, PlanFigure, SubDistrict, is_month_locked
from .months import Month

FLAG_LABELS = {"drop": "较上月下降", "rise": "较上月增长超过20%"}


class CountsRejected(Exception):
    """The whole batch was refused; `errors` are Chinese messages, nothing was written."""

    def __init__(self, errors):
        super().__init__("\n".join(errors))  # each message is a sentence of its own
        self.errors = list(errors)


@dataclass
class CellChange:
    """One cell of a month's grid: what it was, what it becomes, and whether to confirm."""

    subdistrict: SubDistrict
    metric: str
    previous: int | None  # the last logged count before this month (or the plan's 2022 actual)
    old: int | None  # this month's stored count before the change
    new: int | None
    note: str = ""
    flag: str | None = None

    @property
    def key(self):
        return f"{self.subdistrict.slug}:{self.metric}"

    @property
    def changed(self):
        return self.new is not None and (self.new != self.old)

    @property
    def delta(self):
        return metrics.change(self.previous, self.new)

    @property
    def flag_label(self):
        return FLAG_LABELS.get(self.flag, "")

    @property
    def metric_label(self):
        return Metric(self.metric).label


@dataclass
class MonthPlan:
    month: Month
    cells: list = field(default_factory=list)
    locked: bool = False

    @property
    def changes(self):
        return [c for c in self.cells if c.changed]

    @property
    def flagged(self):
        return [c for c in self.changes if c.flag]


def previous_values(month, subdistricts):
    """{(sub_id, metric): the last count logged before `month`}, else the plan's 2022 actual."""
    previous = {
        (sub_id, metric): value
        for sub_id, metric, value in PlanFigure.objects.filter(
            version=territory.version_in_force(month), subdistrict__in=subdistricts, year=BASE_YEAR
        ).values_list("subdistrict_id", "metric", "value")
    }
    latest = (
        MonthlyCount.objects.filter(subdistrict__in=subdistricts, month__lt=month.date)
        .values("subdistrict_id", "metric")
        .annotate(last=Max("month"))
    )
    wanted = Q(pk__in=[])
    for row in latest:
        wanted |= Q(subdistrict_id=row["subdistrict_id"], metric=row["metric"], month=row["last"])
    for sub_id, metric, value in MonthlyCount.objects.filter(wanted).values_list("subdistrict_id", "metric", "value"):
        previous[(sub_id, metric)] = value
    return previous


def district_subdistricts(month):
    """The units whose counts the bureau logs for `month`: those of the month's map, in the
    order of the plan version in force (`territory.map_of`)."""
    return list(territory.map_of(month).members)


def plan_month(month, entries, subdistricts=None):
    """What saving `entries` ({(sub_id, metric): (value or None, note or None)}) would do.

    Every cell of the grid is returned; a cell not in `entries` (or with value None) keeps its
    stored value. Nothing is written.
    """
    subs = list(subdistricts if subdistricts is not None else district_subdistricts(month))
    stored = {
        (sub_id, metric): (value, note)
        for sub_id, metric, value, note in MonthlyCount.objects.filter(
            subdistrict__in=subs, month=month.date
        ).values_list("subdistrict_id", "metric", "value", "note")
    }
    previous = previous_values(month, subs)
    plan = MonthPlan(month=month, locked=is_month_locked(month))
    for sub in subs:
        for metric in Metric.values:
            key = (sub.pk, metric)
            old, old_note = stored.get(key, (None, ""))
            new, note = entries.get(key, (None, None))
            cell = CellChange(sub, metric, previous.get(key), old, new, old_note if note is None else note)
            if cell.new is None or cell.new == old:
                # An unchanged count is not a change, whatever its note says (a file's one 备注
                # for both metrics): it keeps its stored value and note (issue 28).
                cell.new, cell.note = None, old_note
            if cell.changed and cell.new != old:
                cell.flag = metrics.change_flag(cell.previous, cell.new)
            plan.cells.append(cell)
    return plan


def _describe(cell):
    return f"{cell.subdistrict.name}{cell.metric_label}"


def month_errors(month):
    if month.is_future():
        return [f"{month.label}尚未到来，不能填报未来月份。"]
    if month < Month.first():
        return [f"{month.label}早于计划起始月份（2023年1月），2022年数据以计划附件为准。"]
    return []


def _is_confirmed(confirmed, cell):
    """`confirmed` is True for the whole batch, or the set of confirmed (sub_id, metric) keys."""
    if isinstance(confirmed, bool):
        return confirmed
    return (cell.subdistrict.pk, cell.metric) in confirmed


def check_plan(plan, *, reason="", confirmed=False, expected_old=None):
    """Every reason to refuse `plan`, as Chinese messages (empty when it may be written)."""
    errors = month_errors(plan.month)
    if plan.locked and not reason.strip():
        errors.append(f"{plan.month.label}月通报已发布，数据已锁定：修改须作为更正并填写更正原因。")
    for cell in plan.flagged:
        if not _is_confirmed(confirmed, cell):
            errors.append(
                f"{_describe(cell)}：{cell.flag_label}（{cell.previous} → {cell.new}），请确认并填写备注说明原因。"
            )
        elif not cell.note.strip():
            errors.append(f"{_describe(cell)}：{cell.flag_label}（{cell.previous} → {cell.new}），须填写备注说明原因。")
    if expected_old is not None:
        for cell in plan.cells:
            key = (cell.subdistrict.pk, cell.metric)
            if key in expected_old and expected_old[key] != cell.old:
                errors.append(
                    f"{_describe(cell)}：打开页面后已被他人改为 {cell.old if cell.old is not None else '空'}，"
                    "请刷新页面后重新填写，以免覆盖他人的修改。"
                )
    return errors


def change_reason(source, source_file="", reason=""):
    """The history's "how and why": 网页填报 / 表格导入：file.xlsx / 更正：reason."""
    text = CountSource(source).label
    if source_file:
        text += f"：{source_file}"
    if reason:
        text += f"；原因：{reason}"
    return text


@transaction.atomic
def save_month(
    month, entries, user, *, source=CountSource.GRID, source_file="", reason="", confirmed=False, expected_old=None,
    subdistricts=None,
):  # fmt: skip
    """Validate and write a month's counts in one transaction, with history; all or nothing.

    Raises CountsRejected with every problem when anything is wrong. A locked month (its
    bulletin published) is written as a correction and needs `reason`.
    """
    subs = list(subdistricts if subdistricts is not None else district_subdistricts(month))
    # Lock the month's rows so two people saving at once cannot interleave (PostgreSQL).
    list(MonthlyCount.objects.select_for_update().filter(subdistrict__in=subs, month=month.date))
    plan = plan_month(month, entries, subs)
    errors = check_plan(plan, reason=reason, confirmed=confirmed, expected_old=expected_old)
    if errors:
        raise CountsRejected(errors)
    if plan.locked:
        source = CountSource.CORRECTION
    why = change_reason(source, source_file, reason)
    stored = MonthlyCount.objects.filter(subdistrict__in=subs, month=month.date)
    existing = {(row.subdistrict_id, row.metric): row for row in stored}
    written = []
    for cell in plan.changes:
        row = existing.get((cell.subdistrict.pk, cell.metric)) or MonthlyCount(
            subdistrict=cell.subdistrict, month=month.date, metric=cell.metric
        )
        row.value, row.note, row.source, row.source_file, row.updated_by = (
            cell.new,
            cell.note,
            source,
            source_file,
            user,
        )
        with_history(row, user, why)
        row.full_clean(validate_unique=False)
        try:
            with first_write():  # an empty cell saved by two people at once: the first wins
                row.save()
        except SavedMeanwhile as exc:
            raise CountsRejected([f"{_describe(cell)}：{exc}"]) from exc
        written.append(cell)
    return written


def import_counts(
    month,
    file_name,
    data,
    user,
    *,
    partial=False,
    reason="",
    confirmed=False,
    default_note="",
    expected_old=None,
    sheet=None,
    notes=None,
):
    """Import a month's counts from a spreadsheet: everything is checked, then written at once.

    `default_note` is the note given to confirmed drops and large rises that the file itself
    leaves without one (the command's --reason, or the web form's note). `sheet` names the sheet
    to read; `notes`, a list, receives what the reading says (sheet read, aliases, skipped rows).
    """
    subs = district_subdistricts(month)
    errors = month_errors(month)
    parsed = parse_counts(file_name, data, month, subs, partial=partial, sheet=sheet)
    if notes is not None:
        notes.extend(parsed.notes)
    errors += parsed.errors
    if errors:
        raise CountsRejected(errors)
    entries = dict(parsed.entries)
    if confirmed and default_note:
        for cell in plan_month(month, entries, subs).flagged:
            key = (cell.subdistrict.pk, cell.metric)
            if not cell.note.strip():
                entries[key] = (entries[key][0], default_note[: MonthlyCount._meta.get_field("note").max_length])
    return save_month(
        month,
        entries,
        user,
        source=CountSource.IMPORT,
        source_file=file_name,
        reason=reason,
        confirmed=confirmed,
        expected_old=expected_old,
        subdistricts=subs,
    )
