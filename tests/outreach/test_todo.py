"""待办 of 走访与诉求: the answering unit (department or sub-district) sees its open problems with
their due dates; the bureau supervises the overdue ones; leadership has nothing to do."""

import datetime as dt

import pytest

from beibei_dashboard.todo import items_for
from outreach import services
from tests.outreach.conftest import raise_at_visit, sub, unit

pytestmark = pytest.mark.django_db


def _problems(items):
    return [(item.group, item.text, item.url) for item in items if item.group in ("企业诉求", "诉求督办")]


def test_open_problems_wait_in_the_answering_units_todo(
    pinned_today, bureau, leader, official, other_official, unit_user, kejiju_user, tiansheng_firm, shuitu_firm
):
    visit = raise_at_visit(bureau, tiansheng_firm, ("funding", unit("区经济信息委"), dt.date(2026, 11, 10)),
                           ("talent", unit("区经济信息委"), dt.date(2026, 11, 30)),
                           ("policy", unit("区科技局"), dt.date(2026, 11, 20)))  # fmt: skip
    late, later, kjj = visit.problems.order_by("pk")
    answered = raise_at_visit(bureau, shuitu_firm, ("land", sub("tiansheng"), dt.date(2026, 11, 12)),
                              ("ip", unit("区科技局"), dt.date(2026, 11, 1))).problems.order_by("pk")  # fmt: skip
    land, closed = answered
    services.start_problem(land, official)
    services.close_problem(closed, kejiju_user, "已答复")

    assert _problems(items_for(unit_user)) == [
        (
            "企业诉求",
            "测试企业1有限公司资金诉求（待办理），已逾期5天（期限2026年11月10日）",
            f"/outreach/problems/{late.pk}/",
        ),
        ("企业诉求", "测试企业1有限公司人才诉求（待办理），2026年11月30日前答复", f"/outreach/problems/{later.pk}/"),
    ]
    assert _problems(items_for(kejiju_user)) == [
        ("企业诉求", "测试企业1有限公司政策兑现诉求（待办理），2026年11月20日前答复", f"/outreach/problems/{kjj.pk}/"),
    ]  # the answered one is gone
    # a sub-district answers too: 天生街道's official, for a firm of 水土
    assert _problems(items_for(official)) == [
        (
            "企业诉求",
            "测试企业2有限公司用地诉求（办理中），已逾期3天（期限2026年11月12日）",
            f"/outreach/problems/{land.pk}/",
        ),
    ]
    assert _problems(items_for(other_official)) == []  # raising (水土's firm) is not answering
    assert _problems(items_for(bureau)) == [
        ("诉求督办", "区经济信息委：测试企业1有限公司资金诉求（待办理），已逾期5天（期限2026年11月10日）",
         f"/outreach/problems/{late.pk}/"),
        ("诉求督办", "天生街道：测试企业2有限公司用地诉求（办理中），已逾期3天（期限2026年11月12日）",
         f"/outreach/problems/{land.pk}/"),
    ]  # fmt: skip
    assert _problems(items_for(leader)) == []


def test_the_todo_page_shows_the_problem_with_its_due_date(pinned_today, login, bureau, unit_user, tiansheng_firm):
    before = login(unit_user).get("/todo/count").json()["count"]  # the unit's reports due
    raise_at_visit(bureau, tiansheng_firm, ("funding", unit("区经济信息委"), dt.date(2026, 11, 30)))
    page = login(unit_user).get("/todo/").content.decode()
    assert "测试企业1有限公司资金诉求（待办理），2026年11月30日前答复" in page
    assert login(unit_user).get("/todo/count").json() == {"count": before + 1}
