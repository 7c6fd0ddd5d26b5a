"""Writes of the key-task pages, each in one transaction with its history, and the bulletin summary."""

from django.db import transaction
from django.utils import timezone

from beibei_dashboard.history import with_history
from beibei_dashboard.races import first_write
from beibei_dashboard.tables import upload_name
from targets import metrics
from targets.models import IndicatorValue, plain_number
from targets.months import Month

from . import supervision
from .choices import Colour, ReportStatus, ReviewState
from .models import ContributionAttachment, KeyTask, ReportAttachment, TaskContribution, TaskReport, TaskTargetValue
from .status import task_status_rows


class ReviewError(Exception):
    """A Chinese message: the review step does not apply to the report's state."""


@transaction.atomic
def save_report(*, task, user, fields, values, uploads=(), remove=(), report=None):
    """Create or revise a report with its target values and evidence, as one change.

    `fields`: period, status, done, problems, next_steps; `values`: {TaskTarget: Decimal or
    None}; `uploads`: [(UploadedFile, kind)] already checked; `remove`: attachments to drop.
    A revision is submitted again (a returned report goes back to the bureau).
    """
    creating = report is None
    if creating:
        report = TaskReport(task=task)
        reason = "填报进展报告"
    else:
        reason = "修改后重新提交" if report.review_state == ReviewState.RETURNED else "修改进展报告"
    for name in ("period", "status", "done", "problems", "next_steps"):
        if name in fields:
            setattr(report, name, fields[name])
    report.submitted_by = user
    report.submitted_at = timezone.now()
    report.review_state = ReviewState.SUBMITTED
    with first_write():  # two first reports of one period: one is saved, the other told so
        with_history(report, user, reason).save()

    existing = {v.target_id: v for v in report.values.all()} if not creating else {}
    for target, value in values.items():
        row = existing.get(target.pk)
        if value is None:
            if row is not None:
                with_history(row, user, reason).delete()
        elif row is None:
            with_history(TaskTargetValue(report=report, target=target, value=value), user, reason).save()
        elif row.value != value:
            row.value = value
            with_history(row, user, reason).save()

    for attachment in remove:
        # The file stays on disk: the history still names it.
        with_history(attachment, user, "删除佐证材料").delete()
    _save_attachments(ReportAttachment, "report", report, user, uploads)
    return report


@transaction.atomic
def return_report(report, user, comment):
    """Send a submitted report back for revision with the bureau's comment."""
    report = TaskReport.objects.select_for_update().get(pk=report.pk)
    if report.review_state != ReviewState.SUBMITTED:
        raise ReviewError("只有“已提交”的报告可以退回。")
    if not comment.strip():
        raise ReviewError("请填写退回意见。")
    report.review_state = ReviewState.RETURNED
    report.review_comment = comment.strip()
    report.reviewed_by, report.reviewed_at = user, timezone.now()
    with_history(report, user, f"退回修改：{comment.strip()}").save()
    return report


@transaction.atomic
def accept_report(report, user):
    report = TaskReport.objects.select_for_update().get(pk=report.pk)
    if report.review_state != ReviewState.SUBMITTED:
        raise ReviewError("只有“已提交”的报告可以采纳。")
    report.review_state = ReviewState.ACCEPTED
    report.reviewed_by, report.reviewed_at = user, timezone.now()
    with_history(report, user, "采纳").save()
    return report


@transaction.atomic
def record_indicator_value(*, indicator, month, value, note, user):
    """Record (or correct) an indicator's value for a month; history says who and why."""
    if indicator.metric:
        raise ValueError("headline goals come from the monthly counts")
    row = IndicatorValue.objects.select_for_update().filter(indicator=indicator, month=month.date).first()
    if row is None:
        row = IndicatorValue(indicator=indicator, month=month.date)
        reason = "录入"
    else:
        reason = f"更正（原值 {row.value}）"
    row.value, row.note, row.recorded_by = value, note, user
    with first_write():  # two first values for a month: one is saved, the other told so
        with_history(row, user, reason).save()
    return row


def _units(task):
    return [unit.name for unit in task.lead_unit_list]


def _targets_at(row, status):
    """The task's quantitative targets judged `status` on their path, in /tasks/'s words:
    "市级以上孵化平台12/18个（完成5%，序时进度76.7%：滞后）"."""
    return [
        f"{p.target.name}{plain_number(p.latest)}/{plain_number(p.target.value)}{p.target.unit}（{p.judgement_text}）"
        for p in row.targets
        if p.status == status
    ]


def bulletin_task_summary(as_of_date):
    """What the monthly bulletin says of the key tasks, as plain data, as of `as_of_date`.

    Counts reports submitted up to the end of that day. Every task is counted in the colour
    /tasks/ gives it (`supervision.assess`, through `task_status_rows`), and every colour names
    its tasks (`numbers`); `lagging` holds every task coloured 滞后 with why (declared by its lead
    unit, its data below the path), `warned` every task coloured 预警 with why (overdue, its data
    slightly below the path).
    """
    rows = task_status_rows(KeyTask.objects.all(), as_of_date)
    checked, deadline = supervision.checked_period(as_of_date)
    counts = {colour.value: 0 for colour in Colour}
    numbers = {colour.value: [] for colour in Colour}
    for row in rows:
        counts[row.colour] += 1
        numbers[row.colour].append(row.task.number)

    def item(row, data_status):
        return {
            "number": row.task.number,
            "title": row.task.title,
            "lead_units": _units(row.task),
            "overdue": row.assessment.overdue,
            "data": _targets_at(row, data_status),
        }

    def declared_lagging(row):
        return row.latest is not None and row.latest.status == ReportStatus.LAGGING

    return {
        "as_of": as_of_date.isoformat(),
        "checked_period": str(checked),
        "checked_period_label": Month(checked.year, checked.month).label,
        "deadline": deadline.isoformat(),
        "total": len(rows),
        "counts": counts,
        "numbers": numbers,
        "overdue": [
            {"number": r.task.number, "title": r.task.title, "lead_units": _units(r.task)}
            for r in rows
            if r.assessment.overdue
        ],
        "lagging": [
            {
                **item(r, metrics.STATUS_RED),
                "declared": declared_lagging(r),
                "period": str(r.latest.period) if r.latest else "",
                "problems": r.latest.problems if declared_lagging(r) else "",
            }
            for r in rows
            if r.colour == Colour.RED
        ],
        "warned": [item(r, metrics.STATUS_YELLOW) for r in rows if r.colour == Colour.YELLOW],
    }


def _save_attachments(model, owner_field, owner, user, uploads):
    """Store checked uploads as `model` rows of `owner`; on failure remove the files written."""
    saved = []
    try:
        for upload, kind in uploads:
            name = upload_name(upload.name)
            attachment = model(
                **{owner_field: owner}, original_name=name, kind=kind, size=upload.size, uploaded_by=user
            )
            attachment.file.save(name, upload, save=False)
            saved.append(attachment.file.name)
            with_history(attachment, user, "上传佐证材料").save()
    except Exception:
        storage = model._meta.get_field("file").storage
        for name in saved:
            storage.delete(name)
        raise


@transaction.atomic
def save_contribution(*, task, key, user, period, done, problems="", uploads=(), remove=()):
    """Create or revise the contribution of contributor `key` ("unit"/"subdistrict", id) for `period`."""
    kind, pk = key
    lookup = {"task": task, "period": str(period), f"{kind}_id": pk}
    contribution = TaskContribution.objects.select_for_update().filter(**lookup).first()
    reason = "修改配合情况" if contribution else "填报配合情况"
    if contribution is None:
        contribution = TaskContribution(**lookup)
    contribution.done, contribution.problems = done, problems
    contribution.submitted_by, contribution.submitted_at = user, timezone.now()
    with_history(contribution, user, reason).save()
    for attachment in remove:
        with_history(attachment, user, "删除佐证材料").delete()
    _save_attachments(ContributionAttachment, "contribution", contribution, user, uploads)
    return contribution
