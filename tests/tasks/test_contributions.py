"""Responsible units contribute (issue 18): who may, what the lead unit and the bureau see."""

import pytest
import time_machine

from accounts.choices import Role
from tasks.contributions import contribution_status, expected_contributors, plan_subdistricts
from tasks.models import KeyTask, TaskContribution
from tasks.periods import Period
from tests.support import NOW, make_user, pdf_upload


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def measure(number):
    return KeyTask.objects.with_units().get(kind="measure", number=number)


def the_task(number):
    return KeyTask.objects.with_units().get(kind="task", number=number)


@pytest.mark.django_db
def test_gezhenjie_is_expanded_to_the_17_subdistricts():
    names = [c.name for c in expected_contributors(the_task(2), plan_subdistricts())]
    # task 2: 北碚经开区管委会, 区发展改革委, 各镇街 -> 2 units + 17 sub-districts; lead units write the report
    assert len(names) == 19
    assert names[:2] == ["北碚经开区管委会", "区发展改革委"] and "天生街道" in names
    assert "区经济信息委" not in names


@pytest.mark.django_db
def test_a_measure_asks_every_named_unit():
    names = [c.name for c in expected_contributors(measure(3), plan_subdistricts())]
    assert names == ["区政府办", "区科技局", "区经济信息委", "区国资委", "区统计局"]


def test_responsible_unit_contributes_and_lead_unit_sees_it(login, unit_user, media_root):
    lead = make_user("zhaoshang", Role.UNIT, unit="区招商投资促进局")
    response = login(unit_user).post(
        "/tasks/task/3/contributions/new/",
        {"period": "2026-10", "done": "配合引进企业2家", "problems": "", "attachments": [pdf_upload()]},
    )
    assert response.status_code == 302
    contribution = TaskContribution.objects.get()
    assert contribution.unit.name == "区经济信息委" and contribution.attachments.count() == 1
    assert contribution.history.get().history_change_reason == "填报配合情况"
    page = login(lead).get("/tasks/3/reports/new/").content.decode()
    assert "配合引进企业2家" in page and "已填报 1 / 5" in page
    # a second submission for the same period revises the same row, with history; the form starts from it
    assert "配合引进企业2家" in login(unit_user).get("/tasks/task/3/contributions/new/?period=2026-10").content.decode()
    login(unit_user).post("/tasks/task/3/contributions/new/", {"period": "2026-10", "done": "引进3家"})
    contribution.refresh_from_db()
    assert contribution.done == "引进3家" and contribution.history.count() == 2


def test_lead_unit_and_outsiders_cannot_contribute(login, unit_user, official):
    # 区经济信息委 leads task 2: it writes the report, not a contribution; task 1 does not name it
    assert login(unit_user).get("/tasks/task/2/contributions/new/").status_code == 403
    assert login(unit_user).get("/tasks/task/1/contributions/new/").status_code == 403
    assert login(official).get("/tasks/task/3/contributions/new/").status_code == 403


def test_official_contributes_for_their_subdistrict(login, official, bureau, map_2025_11):
    response = login(official).post("/tasks/task/4/contributions/new/", {"period": "2026-10", "done": "走访企业5家"})
    assert response.status_code == 302
    contribution = TaskContribution.objects.get()
    assert contribution.subdistrict.slug == "tiansheng" and contribution.unit is None
    status = contribution_status(the_task(4), Period.parse("2026-10"))
    assert status.done_count == 1 and len(status.rows) == 19
    page = login(bureau).get("/tasks/task/4/contributions/?period=2026-10").content.decode()
    assert "已填报 1 / 19" in page and "走访企业5家" in page and "大湾镇" in page
    assert "水土街道" not in page  # 各镇街 of October 2026: the units of that month's map (issue 27)


def test_measure_is_reportable_by_its_units(login, kejiju_user):
    response = login(kejiju_user).post(
        "/tasks/measure/1/contributions/new/", {"period": "2026-10", "done": "召开专班会议"}
    )
    assert response.status_code == 302
    assert TaskContribution.objects.get().task.kind == "measure"


def test_future_period_and_bad_file_write_nothing(login, unit_user):
    client = login(unit_user)
    response = client.post("/tasks/task/3/contributions/new/", {"period": "2026-12", "done": "x"})
    assert "报告期不能晚于本月" in response.content.decode()
    fake = pdf_upload("a.pdf", b"not a pdf")
    response = client.post(
        "/tasks/task/3/contributions/new/", {"period": "2026-10", "done": "x", "attachments": [fake]}
    )
    assert "不是允许的类型" in response.content.decode()
    assert not TaskContribution.objects.exists()


def test_contribution_page_queries_do_not_grow(login, bureau, official, other_official, django_assert_max_num_queries):
    client = login(bureau)
    login(official).post("/tasks/task/4/contributions/new/", {"period": "2026-10", "done": "a"})
    with django_assert_max_num_queries(20) as before:
        assert client.get("/tasks/task/4/contributions/?period=2026-10").status_code == 200
    baseline = len(before)  # read now: the next request resets the connection's query log
    login(other_official).post("/tasks/task/4/contributions/new/", {"period": "2026-10", "done": "b"})
    with django_assert_max_num_queries(baseline):
        client.get("/tasks/task/4/contributions/?period=2026-10")


def test_overview_says_who_has_not_contributed_in_fixed_queries(login, bureau, official, unit_user,
                                                                django_assert_max_num_queries):  # fmt: skip
    client = login(bureau)
    login(unit_user).post("/tasks/task/3/contributions/new/", {"period": "2026-10", "done": "配合"})
    with django_assert_max_num_queries(20) as before:
        page = client.get("/tasks/contributions/?period=2026-10").content.decode()
    baseline = len(before)
    # task 3 asks 区委人才办, 北碚经开区管委会, 区发展改革委, 区科技局, 区经济信息委: one done
    assert "任务3 鼓励投资并购引进科技型企业" in page and "1 / 5" in page
    assert "区委人才办、北碚经开区管委会、区发展改革委、区科技局" in page
    login(official).post("/tasks/task/4/contributions/new/", {"period": "2026-10", "done": "a"})
    with django_assert_max_num_queries(baseline):
        client.get("/tasks/contributions/?period=2026-10")
    # an official reads only the 各镇街 tasks and measures
    page = login(official).get("/tasks/contributions/?period=2026-10").content.decode()
    assert "任务4" in page and "任务3 " not in page
