"""Every write of 走访与诉求, each in one transaction with its history (who, when, why)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from beibei_dashboard.history import with_history

from .choices import ProblemState
from .models import Problem, Visit, default_due


class ProblemRefused(Exception):
    """A change the problem's state does not allow; the message is for the user."""


def subdistrict_on(enterprise, day):
    """The firm's sub-district at the end of `day`, from its history (a firm that moved since is
    placed where it was); its first attribution for a day before it entered the registry."""
    end = timezone.make_aware(dt.datetime.combine(day, dt.time.max))
    records = enterprise.history.order_by("-history_date", "-history_id")
    record = records.filter(history_date__lte=end).first() or records.last()
    return record.subdistrict if record is not None else enterprise.subdistrict


@transaction.atomic
def log_visit(user, enterprise, date, visitors, findings, problems=()):
    """Write a visit and the problems raised at it, all or nothing.

    `problems` are dicts with `category`, `description`, `answer_unit` or `answer_subdistrict`,
    and `due_date` (None: `DEFAULT_DUE_DAYS` after the visit). Every row is checked (`full_clean`)
    before anything is saved; a ValidationError leaves nothing written.
    """
    visit = Visit(
        enterprise=enterprise,
        subdistrict=subdistrict_on(enterprise, date),
        date=date,
        visitors=visitors,
        findings=findings,
        recorded_by=user,
    )
    visit.full_clean()
    rows = [_problem(user, enterprise, visit.subdistrict, date, data) for data in problems]
    errors = {}
    for number, row in enumerate(rows, start=1):
        try:
            row.full_clean(exclude=["visit"])
        except ValidationError as exc:
            errors[number] = exc
    if errors:
        raise ValidationError([f"第{n}条诉求：{'；'.join(e.messages)}" for n, e in errors.items()])
    with_history(visit, user, "登记走访").save()
    for row in rows:
        row.visit = visit
        with_history(row, user, "走访中登记诉求").save()
    return visit


@transaction.atomic
def raise_problem(user, enterprise, data, today=None):
    """A problem raised outside a visit (by telephone, a letter, a meeting)."""
    today = today or timezone.localdate()
    problem = _problem(user, enterprise, subdistrict_on(enterprise, today), today, data)
    problem.full_clean()
    with_history(problem, user, "登记诉求").save()
    return problem


def _problem(user, enterprise, subdistrict, raised_on, data):
    return Problem(
        enterprise=enterprise,
        subdistrict=subdistrict,
        category=data["category"],
        description=data["description"],
        answer_unit=data.get("answer_unit"),
        answer_subdistrict=data.get("answer_subdistrict"),
        due_date=data.get("due_date") or default_due(raised_on),
        raised_on=raised_on,
        raised_by=user,
    )


@transaction.atomic
def start_problem(problem, user):
    """待办理 → 办理中."""
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if problem.state != ProblemState.PENDING:
        raise ProblemRefused(f"该诉求当前为“{problem.get_state_display()}”，不能再标记为办理中。")
    problem.state = ProblemState.IN_PROGRESS
    with_history(problem, user, "开始办理").save()
    return problem


@transaction.atomic
def close_problem(problem, user, answer):
    """Close with the answer the firm received (已答复)."""
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if problem.state == ProblemState.CLOSED:
        raise ProblemRefused("该诉求已答复办结。")
    if not answer.strip():
        raise ProblemRefused("办结须填写企业收到的答复。")
    problem.state, problem.answer = ProblemState.CLOSED, answer.strip()
    problem.answered_by, problem.answered_at = user, timezone.now()
    problem.full_clean()
    with_history(problem, user, "答复办结").save()
    return problem
