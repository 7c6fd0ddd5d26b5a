"""GET /api/v1/tasks: the shape of the issue, scoped like the pages."""

from decimal import Decimal

import pytest
import time_machine

from tests import plan_document
from tests.support import at, file_report

pytestmark = pytest.mark.django_db


def test_shape_and_units_against_the_plan_document(login, leader, kejiju_user):
    file_report(
        6,
        "2026-09",
        kejiju_user,
        values={"孵化面积": Decimal("12.5")},
        when=at(2026, 10, 5),
    )
    with time_machine.travel(at(2026, 10, 20), tick=False):
        response = login(leader).get("/api/v1/tasks")
    assert response["Content-Type"] == "application/json"
    assert "孵化面积".encode() in response.content  # ensure_ascii=False: Chinese as UTF-8, not \\u escapes
    data = response.json()
    assert set(data) == {"tasks", "measures"}
    document = plan_document.task_units()
    assert [t["number"] for t in data["tasks"]] == list(range(1, 20))
    for item in data["tasks"]:
        assert (item["lead_units"], item["responsible_units"]) == document[item["number"]]
        assert {
            "number",
            "group",
            "title",
            "lead_units",
            "responsible_units",
            "targets",
            "status",
            "last_report",
        } <= set(item)
    six = data["tasks"][5]
    assert six["group"] == "夯实载体，聚企成群发展细分特色科技产业"
    # 12.5 of 30 at the end of 2026-09, on the path from 0 (end of 2022) to 30 (end of 2027):
    # 12.5/30 = 41.7% against 45/60 = 75% of the time: red, whatever the unit declared
    assert six["targets"][1] == {
        "name": "孵化面积",
        "value": 30,
        "unit": "万平方米",
        "comparator": "gte",
        "latest": 12.5,
        "baseline": 0,
        "baseline_year": 2022,
        "path_rate": round(12.5 / 30, 4),
        "path_time_progress": 0.75,
        "path_status": "red",
    }
    assert six["targets"][0]["latest"] is None and six["targets"][0]["path_status"] == "missing"
    assert (six["status"], six["data_status"], six["declared"], six["overdue"]) == ("red", "red", "正常推进", False)
    assert six["last_report"]["period"] == "2026-09"
    assert data["tasks"][0]["status"] == "yellow" and data["tasks"][0]["last_report"] is None
    assert [m["title"] for m in data["measures"]] == ["加强组织领导", "加强资源配置", "加强考核督查", "营造良好氛围"]
    assert data["measures"][2]["lead_units"] == ["区政府办", "区科技局"]


def test_official_gets_only_gezhenjie_tasks(login, official):
    data = login(official).get("/api/v1/tasks").json()
    assert [t["number"] for t in data["tasks"]] == [2, 4, 5]
    assert [m["number"] for m in data["measures"]] == [1]
