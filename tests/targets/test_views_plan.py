import io

import openpyxl
import pytest

from tests import plan_document

pytestmark = pytest.mark.django_db


def test_plan_page_shows_two_level_header_groups_and_computed_total(login, leader):
    response = login(leader).get("/plan/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'colspan="6" class="group">高新技术企业' in html
    assert 'colspan="6" class="group">科技型企业' in html
    assert "A类镇街" in html and "B类镇街" in html
    assert "2022年实际数" in html and "2027年目标数" in html
    table = response.context["table"]
    total = table.data.data[-1]
    assert total["category"] == "合计"
    expected = plan_document.attachment_total()
    assert total["high_tech_2027"] == expected["high_tech"][2027] == 573
    assert total["tech_based_2025"] == expected["tech_based"][2025] == 4511
    assert "超过570家" in html and "保持全市领先" in html


def test_plan_export_xlsx_has_every_row_and_the_total(login, bureau):
    response = login(bureau).get("/plan/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 17 + 1
    assert rows[1][2] == "天生街道" and rows[1][3] == 10
    assert rows[-1][0] == "合计" and rows[-1][-1] == 5631


def test_subdistrict_official_sees_only_their_line_of_the_plan(login, official):
    response = login(official).get("/plan/")
    assert response.status_code == 200
    names = [row["name"] for row in response.context["table"].data.data]
    assert names == ["天生街道", ""]  # their line and the district's 合计
    assert "水土街道" not in response.content.decode()


def test_unit_user_reads_the_whole_plan(login, unit_user):
    response = login(unit_user).get("/plan/")
    assert len(response.context["table"].data.data) == 18


def test_api_targets_equals_the_attachment(login, leader):
    data = login(leader).get("/api/v1/targets").json()
    document = plan_document.attachment_rows()
    assert len(data["subdistricts"]) == 17
    cells = 0
    for row in data["subdistricts"]:
        category, seq, figures = document[row["name"]]
        assert (row["category"], row["seq"]) == (category, seq)
        for metric in ("high_tech", "tech_based"):
            for year in range(2022, 2028):
                assert row["targets"][metric][str(year)] == figures[metric][year]
                cells += 1
    assert cells == 204
    total = plan_document.attachment_total()
    assert sum(len(v) for v in data["total"].values()) == 12
    for metric in ("high_tech", "tech_based"):
        for year in range(2022, 2028):
            assert data["total"][metric][str(year)] == total[metric][year]
    goals = {g["code"]: g for g in data["goals"]}
    assert goals["tech_based_2027"] == {
        "code": "tech_based_2027", "kind": "headline", "name": "市级科技型企业", "year": 2027, "comparator": "gt",
        "value": 5600, "unit": "家", "metric": "tech_based", "source": "二（一）",
        "text": "到2027年，全区国家高新技术企业和市级科技型企业在2022年的基础上实现“双倍增”，分别超过570家和5600家",
    }  # fmt: skip
    assert goals["emerging_industry_share"]["value"] is None


def test_api_targets_for_an_official_has_only_their_row(login, official):
    data = login(official).get("/api/v1/targets").json()
    assert [row["slug"] for row in data["subdistricts"]] == ["tiansheng"]
    assert data["total"]["high_tech"]["2027"] == 573


def test_api_requires_login(client):
    response = client.get("/api/v1/targets")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_healthz_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    from django.db import OperationalError

    def refuse():
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("targets.views.database_answers", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database unavailable"


def test_plan_page_costs_a_fixed_number_of_queries(login, leader, django_assert_max_num_queries):
    c = login(leader)
    with django_assert_max_num_queries(9):  # the plan version in force: the map's units and lines
        assert c.get("/plan/").status_code == 200
