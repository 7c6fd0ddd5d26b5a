"""What the pages of 走访与诉求 read, each in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Prefetch

from enterprises.models import Enterprise

from .choices import ProblemState
from .models import Problem, Visit


def firm_outreach(firm, user, today):
    """A firm's visits (newest first, each with its problems), the problems raised outside a
    visit, and whether `user` may log a visit to it; four queries."""
    problems = Problem.objects.select_related("answer_unit", "answer_subdistrict").order_by("pk")
    visits = list(
        Visit.objects.visible_to(user)
        .filter(enterprise=firm)
        .select_related("recorded_by", "subdistrict")
        .prefetch_related(Prefetch("problems", queryset=problems.visible_to(user)))
    )
    alone = list(problems.visible_to(user).filter(enterprise=firm, visit__isnull=True))
    for problem in [p for v in visits for p in v.problems.all()] + alone:
        problem.overdue = problem.overdue_days(today)
    return {
        "visits": visits,
        "lone_problems": alone,
        "can_log": Enterprise.objects.restrict(user, "visit").filter(pk=firm.pk).exists(),
    }


@dataclass(frozen=True)
class ProblemChange:
    when: object
    who: object
    state: str
    reason: str


def problem_history(problem):
    """Every change of the problem, oldest first: who, when, the state after it, why; one query."""
    labels = dict(ProblemState.choices)
    records = problem.history.order_by("history_date", "history_id").select_related("history_user")
    return [
        ProblemChange(r.history_date, r.history_user, labels.get(r.state, r.state), r.history_change_reason or "")
        for r in records
    ]
