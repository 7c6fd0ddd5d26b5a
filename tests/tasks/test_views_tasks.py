"""/tasks/, /tasks/<n>/ and /tasks/overdue/ for every role, filters, export and query counts."""

import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine

from tasks.models import KeyTask, ReportAttachment
from tests.support import at, file_report, loads_from_outside

pytestmark = pytest.mark.django_db

PAGES = ["/tasks/", "/tasks/6/", "/tasks/overdue/", "/indicators/", "/api/v1/tasks", "/api/v1/indicators"]


@pytest.mark.parametrize("url", PAGES + ["/tasks/6/reports/new/", "/indicators/record/"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["bureau", "leader", "unit_user"])
@pytest.mark.parametrize("url", PAGES)
def test_whole_plan_roles_read_every_page(login, request, who, url):
    assert login(request.getfixturevalue(who)).get(url).status_code == 200


def numbers(response):
    return [row.task.number for row in response.context["table"].data.data]


def test_list_shows_three_groups_units_and_rules(login, leader):
    response = login(leader).get("/tasks/")
    html = response.content.decode()
    assert numbers(response) == list(range(1, 20))
    assert [group.number for group, _ in response.context["sections"]] == [1, 2, 3]
    assert "引育并举，着力做大总量优化结构提升质量" in html
    assert "培育发展智能传感器产业" in html and "区经济信息委、北碚经开区管委会" in html
    assert "状态规则（四色督办）" in html and "次月10日" in html
    for label in ("滞后", "预警", "正常推进", "超前/已完成"):
        assert label in html
    assert "加强组织领导" in html  # the four measures of 四
    assert "本单位任务" not in html  # nothing of their own for leadership


def test_unit_user_filters_own_tasks(login, unit_user):
    c = login(unit_user)
    assert "本单位任务" in c.get("/tasks/").content.decode()
    # 区经济信息委 leads 2,4,5,7,8,9,10 and is responsible for 3,6,12,13,14,16,18.
    assert numbers(c.get("/tasks/?mine=on")) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 16, 18]


def test_official_sees_only_gezhenjie_tasks(login, official, other_official):
    for user in (official, other_official):
        c = login(user)
        response = c.get("/tasks/")
        assert numbers(response) == [2, 4, 5]
        assert numbers(c.get("/tasks/?mine=on")) == [2, 4, 5]
        assert [m.number for m in response.context["measures"]] == [1]
        assert c.get("/tasks/2/").status_code == 200
        assert c.get("/tasks/6/").status_code == 403
        assert [t["number"] for t in c.get("/api/v1/tasks").json()["tasks"]] == [2, 4, 5]


def test_filters_by_unit_group_and_status(login, bureau, unit_user):
    file_report(7, "2026-09", unit_user, status="lagging", when=at(2026, 10, 5))
    file_report(8, "2026-09", unit_user, when=at(2026, 10, 5))
    c = login(bureau)
    from tasks.models import TaskGroup, Unit

    unit = Unit.objects.get(name="区农业农村委")
    assert numbers(c.get(f"/tasks/?unit={unit.pk}")) == [11, 17]
    group = TaskGroup.objects.get(number=2)
    assert numbers(c.get(f"/tasks/?group={group.pk}")) == [6, 7, 8, 9, 10, 11]
    with time_machine.travel(at(2026, 10, 20), tick=False):
        assert numbers(c.get("/tasks/?status=red")) == [7]
        assert numbers(c.get("/tasks/?status=green")) == [8]
        assert numbers(c.get(f"/tasks/?status=yellow&group={group.pk}")) == [6, 9, 10, 11]


def test_detail_shows_text_units_targets_and_timeline(login, leader, unit_user):
    file_report(7, "2026-08", unit_user, values={"聚集企业": Decimal(90), "产值": Decimal(120)}, when=at(2026, 9, 5))
    file_report(7, "2026-09", unit_user, values={"聚集企业": Decimal(110)}, when=at(2026, 10, 5))
    response = login(leader).get("/tasks/7/")
    html = response.content.decode()
    task = KeyTask.objects.tasks().get(number=7)
    assert task.text in html
    assert "牵头单位" in html and "区经济信息委、北碚经开区管委会" in html
    charts = response.context["target_charts"]
    assert [c.progress.target.name for c in charts] == ["聚集企业", "产值"]
    assert charts[0].points == [("2026年8月", Decimal(90)), ("2026年9月", Decimal(110))]
    assert charts[0].progress.latest == Decimal(110) and charts[1].progress.latest == Decimal(120)
    assert 'data-chart="chart-target-1-data"' in html and "plotly-basic-4.1.1.min.js" in html
    assert not loads_from_outside(html)
    assert [r.period for r in response.context["timeline"]] == ["2026-09", "2026-08"]
    assert response.context["can_report"] is False  # leadership reads only


def test_unknown_task_is_404(login, bureau):
    assert login(bureau).get("/tasks/20/").status_code == 404


def test_export_xlsx_is_the_filtered_list(login, bureau):
    response = login(bureau).get("/tasks/?export=xlsx")
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("分组", "序号", "任务")
    assert len(rows) == 20 and rows[7][1] == 7 and rows[7][3] == "区经济信息委、北碚经开区管委会"


def _many_reports(unit_user, bureau):
    for month in range(1, 10):
        file_report(7, f"2026-{month:02d}", unit_user, values={"聚集企业": Decimal(month * 10)}, when=at(2026, 10, 1))
    for number in (1, 6, 12, 14):
        file_report(number, "2026-Q3", bureau, values={}, when=at(2026, 10, 1))


@pytest.mark.parametrize("url", ["/tasks/", "/tasks/?status=yellow", "/tasks/overdue/", "/tasks/7/", "/api/v1/tasks"])
def test_query_counts_do_not_grow_with_reports(login, bureau, unit_user, url, django_assert_max_num_queries):
    c = login(bureau)
    # One report with a value and one attachment first, so that every prefetch runs once.
    report = file_report(7, "2025-12", unit_user, values={"聚集企业": Decimal(5)}, when=at(2026, 1, 5))
    ReportAttachment.objects.create(
        report=report, file="evidence/x.pdf", original_name="x.pdf", kind="pdf", size=1, uploaded_by=unit_user
    )
    # 34: the registry's history (firms, certificates) for tasks 13 and 17's registry targets
    with django_assert_max_num_queries(34) as before:
        assert c.get(url).status_code == 200
    _many_reports(unit_user, bureau)
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert c.get(url).status_code == 200
