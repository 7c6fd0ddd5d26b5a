"""走访与诉求: the models' rules, the firm's sub-district on the day of a visit, and the state
changes with their history."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from beibei_dashboard.history import with_history
from outreach import services
from outreach.choices import ProblemState
from outreach.models import Problem, Visit
from tests.outreach.conftest import raise_at_visit, sub, unit
from tests.support import firm

pytestmark = pytest.mark.django_db


def _problem(enterprise, user, **fields):
    values = {
        "enterprise": enterprise,
        "subdistrict": enterprise.subdistrict,
        "category": "funding",
        "description": "资金缺口",
        "answer_unit": unit("区经济信息委"),
        "due_date": dt.date(2026, 11, 10),
        "raised_on": dt.date(2026, 10, 20),
        "raised_by": user,
    }
    return Problem(**(values | fields))


def _messages(exc):
    return [m for ms in exc.value.message_dict.values() for m in ms]


def test_a_problem_has_exactly_one_answering_unit(pinned_today, bureau, tiansheng_firm):
    with pytest.raises(ValidationError) as both:
        _problem(tiansheng_firm, bureau, answer_subdistrict=sub("tiansheng")).full_clean()
    with pytest.raises(ValidationError) as neither:
        _problem(tiansheng_firm, bureau, answer_unit=None).full_clean()
    assert "请指定一个承办单位：部门或街镇，二者只选其一。" in _messages(both)
    assert "请指定一个承办单位：部门或街镇，二者只选其一。" in _messages(neither)
    # the database refuses it too (the named constraint)
    with pytest.raises(IntegrityError, match="problem_one_answering_unit|CHECK"), transaction.atomic():
        _problem(tiansheng_firm, bureau, answer_unit=None).save()


def test_closing_needs_the_answer_and_the_due_date_follows_the_raising(pinned_today, bureau, tiansheng_firm):
    with pytest.raises(ValidationError) as unanswered:
        _problem(tiansheng_firm, bureau, state=ProblemState.CLOSED, answer="  ").full_clean()
    assert "办结的诉求须填写企业收到的答复。" in _messages(unanswered)
    with pytest.raises(ValidationError) as early:
        _problem(tiansheng_firm, bureau, due_date=dt.date(2026, 10, 19)).full_clean()
    assert "办理期限不能早于提出日期。" in _messages(early)
    _problem(tiansheng_firm, bureau, due_date=dt.date(2026, 10, 20)).full_clean()  # the same day is fine


def test_each_of_the_plans_various_units_is_not_one_answering_unit(pinned_today, bureau, tiansheng_firm):
    with pytest.raises(ValidationError) as exc:
        _problem(tiansheng_firm, bureau, answer_unit=unit("各镇街")).full_clean()
    assert "“各镇街”不是一个承办单位，请选择具体街镇。" in _messages(exc)


def test_a_visit_is_not_in_the_future_and_names_who_went(pinned_today, bureau, tiansheng_firm):
    visit = Visit(enterprise=tiansheng_firm, subdistrict=tiansheng_firm.subdistrict, date=dt.date(2026, 11, 16),
                  visitors="", findings="好", recorded_by=bureau)  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        visit.full_clean()
    assert exc.value.message_dict["date"] == ["走访日期不能晚于今天。"]
    assert "visitors" in exc.value.message_dict


def test_overdue_starts_the_day_after_the_due_date_and_ends_with_the_answer(pinned_today, bureau, tiansheng_firm):
    visit = raise_at_visit(bureau, tiansheng_firm, ("funding", unit("区科技局"), dt.date(2026, 11, 14)),
                           ("talent", unit("区科技局"), dt.date(2026, 11, 15)))  # fmt: skip
    late, due_today = visit.problems.order_by("due_date")
    today = dt.date(2026, 11, 15)
    assert (late.overdue_days(today), due_today.overdue_days(today)) == (1, 0)
    assert list(Problem.objects.overdue(today)) == [late]
    services.close_problem(late, bureau, "已拨付")
    assert Problem.objects.overdue(today).count() == 0


def test_a_problem_without_a_due_date_is_due_15_days_after_the_visit(pinned_today, bureau, tiansheng_firm):
    visit = raise_at_visit(bureau, tiansheng_firm, ("land", sub("tiansheng"), None), date=dt.date(2026, 10, 31))
    assert visit.problems.get().due_date == dt.date(2026, 11, 15)


def test_a_visit_keeps_the_firms_sub_district_of_its_day(bureau):
    with time_machine.travel(dt.datetime(2026, 3, 1, 10), tick=False):
        moving = firm(7, sub="tiansheng")
    with time_machine.travel(dt.datetime(2026, 6, 1, 10), tick=False):
        moving.subdistrict = sub("jingguan")
        with_history(moving, bureau, "属地核实").save()
    with time_machine.travel(dt.datetime(2026, 11, 15, 10), tick=False):
        before = raise_at_visit(bureau, moving, ("ip", unit("区市场监管局"), None), date=dt.date(2026, 4, 10))
        after = raise_at_visit(bureau, moving, date=dt.date(2026, 7, 1))
    assert (before.subdistrict.slug, after.subdistrict.slug) == ("tiansheng", "jingguan")
    assert before.problems.get().subdistrict.slug == "tiansheng"


def test_every_change_keeps_who_when_and_why(pinned_today, bureau, official, kejiju_user, tiansheng_firm):
    visit = raise_at_visit(official, tiansheng_firm, ("policy", unit("区科技局"), dt.date(2026, 11, 30)))
    problem = visit.problems.get()
    services.start_problem(problem, kejiju_user)
    services.close_problem(problem, kejiju_user, "奖补资金已拨付到企业账户。")
    records = problem.history.order_by("history_id")
    assert [(r.state, r.history_user.username, r.history_change_reason) for r in records] == [
        ("pending", "tiansheng_user", "走访中登记诉求"),
        ("in_progress", "kjj_unit", "开始办理"),
        ("closed", "kjj_unit", "答复办结"),
    ]
    problem.refresh_from_db()
    assert (problem.answer, problem.answered_by) == ("奖补资金已拨付到企业账户。", kejiju_user)
    assert visit.history.get().history_change_reason == "登记走访"


def test_a_closed_problem_is_not_closed_or_started_again(pinned_today, bureau, tiansheng_firm):
    problem = raise_at_visit(bureau, tiansheng_firm, ("other", unit("区科技局"), None)).problems.get()
    services.close_problem(problem, bureau, "已答复")
    with pytest.raises(services.ProblemRefused, match="该诉求已答复办结。"):
        services.close_problem(problem, bureau, "再答复")
    with pytest.raises(services.ProblemRefused, match="不能再标记为办理中"):
        services.start_problem(problem, bureau)


def test_a_bad_problem_row_leaves_nothing_written(pinned_today, bureau, tiansheng_firm):
    with pytest.raises(ValidationError) as exc:
        raise_at_visit(bureau, tiansheng_firm, ("funding", unit("区科技局"), None),
                       ("talent", unit("区科技局"), dt.date(2026, 10, 1)))  # fmt: skip
    assert exc.value.messages == ["第2条诉求：办理期限不能早于提出日期。"]
    assert (Visit.objects.count(), Problem.objects.count(), Visit.history.count()) == (0, 0, 0)
