import datetime as dt
import io

import openpyxl
import pytest
from django.conf import settings

from enterprises.models import Enterprise
from targets.choices import CountSource, Metric
from targets.models import MonthlyCount, PlanFigure, SubDistrict
from tests.support import code, d, firm, loads_from_outside, xlsx

pytestmark = pytest.mark.django_db

PAGES = ["/enterprises/", "/enterprises/profile/", "/enterprises/reconcile/?month=2025-06"]


@pytest.fixture(autouse=True)
def _today(time_machine, settings, tmp_path):
    time_machine.move_to(dt.datetime(2025, 7, 1, 10, tzinfo=dt.UTC), tick=False)
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def firms(db):
    """Two firms of 天生街道 (one high-tech), one of 水土街道 (high-tech, expiring this year)."""
    return {
        "ts_ht": firm(1, "tiansheng", [d("2023-03-01")], tech_year=2023, industry="sensors", above_scale=True),
        "ts_tb": firm(2, "tiansheng", [], tech_year=2024, cultivation_pool=True, name='=HYPERLINK("x")公司'),
        "st_ht": firm(3, "shuitu", [d("2022-08-01")], tech_year=2022, specialized=True),
    }


@pytest.mark.parametrize("url", [*PAGES, "/enterprises/import/", "/api/v1/enterprises/summary"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("role", ["bureau", "leader", "official", "other_official"])
def test_every_page_opens_for_every_reading_role(request, login, firms, url, role):
    response = login(request.getfixturevalue(role)).get(url)
    assert response.status_code == 200
    assert "企业名录" in response.content.decode()


@pytest.mark.parametrize("url", [*PAGES, f"/enterprises/{1}/", "/enterprises/import/"])
def test_unit_users_do_not_read_the_registry(login, unit_user, url):
    assert login(unit_user).get(url).status_code == 403


def test_unit_user_gets_403_json_from_the_api(login, unit_user):
    response = login(unit_user).get("/api/v1/enterprises/summary")
    assert response.status_code == 403 and "无权" in response.json()["error"]


def test_the_menu_shows_the_registry_to_readers_only(login, official, unit_user):
    assert 'href="/enterprises/"' in login(official).get("/plan/").content.decode()
    assert 'href="/enterprises/"' not in login(unit_user).get("/plan/").content.decode()


def test_official_sees_only_their_own_firms(login, official, firms):
    response = login(official).get("/enterprises/")
    names = {record.name for record in response.context["table"].data}
    assert names == {firms["ts_ht"].name, firms["ts_tb"].name}
    choices = [str(c[1]) for c in response.context["filter"].form.fields["subdistrict"].choices]
    assert choices == ["全部", "天生街道"]


def test_detail_page_of_another_subdistrict_is_403(login, official, other_official, firms):
    url = f"/enterprises/{firms['ts_ht'].pk}/"
    assert login(official).get(url).status_code == 200
    assert login(other_official).get(url).status_code == 403
    assert login(official).get(f"/enterprises/{firms['st_ht'].pk}/").status_code == 403


def test_detail_page_shows_certificates_and_history(login, bureau, firms):
    enterprise = firms["ts_ht"]
    enterprise.name = "改名后的公司"
    enterprise.save()
    html = login(bureau).get(f"/enterprises/{enterprise.pk}/").content.decode()
    assert "2023年3月1日" in html and "2026年2月28日" in html and "有效" in html
    assert "企业名称：测试企业1有限公司 → 改名后的公司" in html
    assert "高新技术企业证书（2023年3月1日）" in html


def test_filters(login, bureau, firms):
    client = login(bureau)

    def names(query):
        return {r.name for r in client.get("/enterprises/?" + query).context["table"].data}

    ts = SubDistrict.objects.get(slug="tiansheng")
    assert names(f"subdistrict={ts.pk}") == {firms["ts_ht"].name, firms["ts_tb"].name}
    assert names("industry=sensors") == {firms["ts_ht"].name}
    assert names("above_scale=true") == {firms["ts_ht"].name}
    assert names("cultivation_pool=true") == {firms["ts_tb"].name}
    assert names("specialized=true") == {firms["st_ht"].name}
    assert names("high_tech_on=2026-02-28") == {firms["ts_ht"].name}
    assert names("high_tech_on=2025-07-31") == {firms["ts_ht"].name, firms["st_ht"].name}  # its last day
    assert names("high_tech_on=2025-08-01") == {firms["ts_ht"].name}  # the third anniversary
    assert names("high_tech_on=2025-07-01") == {firms["ts_ht"].name, firms["st_ht"].name}
    assert names("tech_based_on=2023-12-31") == {firms["ts_ht"].name, firms["st_ht"].name}
    assert names("expiring=on") == {firms["st_ht"].name, firms["ts_ht"].name}
    assert names(f"q={code(3).lower()}") == {firms["st_ht"].name}
    assert names("q=HYPERLINK") == {firms["ts_tb"].name}


def test_export_equals_the_filtered_list_and_never_writes_formulas(login, bureau, firms):
    client = login(bureau)
    ts = SubDistrict.objects.get(slug="tiansheng")
    shown = client.get(f"/enterprises/?subdistrict={ts.pk}&sort=name")
    response = client.get(f"/enterprises/?subdistrict={ts.pk}&sort=name&export=xlsx")
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("企业名称", "统一社会信用代码", "所属街镇")
    names = [r.name for r in shown.context["table"].data]
    assert [r[0].lstrip("'") for r in rows[1:]] == names
    assert '\'=HYPERLINK("x")公司' in [r[0] for r in rows[1:]]
    by_code = {r[1]: r for r in rows[1:]}
    assert by_code[code(1)][3:] == ("智能传感器", "是", "否", "否", "否", "2026-02-28", 2023, None)


def test_export_is_scoped(login, official, firms):
    response = login(official).get("/enterprises/?export=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {r[2] for r in rows[1:]} == {"天生街道"}


def test_list_is_paginated(login, bureau):
    for n in range(60):
        firm(100 + n)
    response = login(bureau).get("/enterprises/?page=2")
    assert len(response.context["table"].page.object_list) == 10


def test_reconciliation_shows_a_planted_difference_with_links(login, bureau, firms):
    ts, st = SubDistrict.objects.get(slug="tiansheng"), SubDistrict.objects.get(slug="shuitu")
    for sub, metric, value in [(ts, Metric.HIGH_TECH, 1), (ts, Metric.TECH_BASED, 5), (st, Metric.HIGH_TECH, 1)]:
        MonthlyCount.objects.create(subdistrict=sub, month=dt.date(2025, 6, 1), metric=metric, value=value,
                                    source=CountSource.GRID)  # fmt: skip
    response = login(bureau).get("/enterprises/reconcile/?month=2025-06")
    rows = {row.subdistrict.slug: row for row in response.context["rows"]}
    assert rows["tiansheng"].registry == {Metric.HIGH_TECH: 1, Metric.TECH_BASED: 2}
    assert rows["tiansheng"].difference(Metric.HIGH_TECH) == 0
    assert rows["tiansheng"].difference(Metric.TECH_BASED) == -3  # 3 logged firms missing from the registry
    assert rows["shuitu"].difference(Metric.HIGH_TECH) == 0
    assert rows["shuitu"].difference(Metric.TECH_BASED) is None  # not logged
    html = response.content.decode()
    assert '<td class="num diff">-3</td>' in html
    assert f"/enterprises/?subdistrict={ts.pk}&amp;tech_based_on=2025-06-30" in html
    assert "未填报" in html


def test_reconciliation_bad_month_is_not_found_like_every_page(login, bureau):
    """One month reader for every page (targets.months.month_from_query)."""
    for month in ("2025-13", "0000-01", "2022-12", "9999-12", "abc"):
        assert login(bureau).get(f"/enterprises/reconcile/?month={month}").status_code == 404


def test_reconciliation_for_an_official_has_only_their_row(login, official, firms):
    rows = login(official).get("/enterprises/reconcile/?month=2025-06").context["rows"]
    assert [r.subdistrict.slug for r in rows] == ["tiansheng"]


def test_profile_counts_and_outlook(login, bureau, firms):
    response = login(bureau).get("/enterprises/profile/")
    rows = {row.subdistrict.slug: row for row in response.context["rows"]}
    ts = rows["tiansheng"]
    assert (ts.total, ts.high_tech, ts.tech_based, ts.above_scale, ts.cultivation_pool) == (2, 1, 2, 1, 1)
    assert ts.by_industry["sensors"] == 1 and ts.pool_not_high_tech == 1 and ts.target == 14
    assert ts.gap == 13
    assert response.context["total"].total == 3
    outlook = {row.subdistrict.slug: row for row in response.context["outlook"]}
    years = list(response.context["years"])
    # 水土's certificate of 2022-08-01 is valid until 2025-07-31: it expires in 2025.
    cell = outlook["shuitu"].cells[years.index(2025)]
    target = PlanFigure.objects.get(subdistrict__slug="shuitu", metric=Metric.HIGH_TECH, year=2025).value
    assert (cell.expiring, cell.not_renewed, cell.target) == (1, 1, target)
    assert outlook["tiansheng"].cells[years.index(2026)].expiring == 1
    html = response.content.decode()
    assert "plotly-basic-4.1.1.min.js" in html and not loads_from_outside(html)
    assert html.count('data-chart="chart-') == 3


def test_renewed_certificate_is_not_counted_as_not_renewed(login, bureau, firms):
    firms["st_ht"].recognitions.create(issue_date=d("2025-06-01"), certificate_no="GR2025")
    outlook = login(bureau).get("/enterprises/profile/").context["outlook"]
    cell = next(r for r in outlook if r.subdistrict.slug == "shuitu").cells[2]
    assert (cell.expiring, cell.not_renewed) == (1, 0)


def test_profile_for_an_official_has_only_their_row(login, official, firms):
    response = login(official).get("/enterprises/profile/")
    assert [r.subdistrict.slug for r in response.context["rows"]] == ["tiansheng"]
    assert "水土街道" not in response.content.decode()


def test_api_summary_values(login, leader, firms):
    data = login(leader).get("/api/v1/enterprises/summary?as_of=2025-07-31").json()
    assert data["as_of"] == "2025-07-31"
    assert len(data["subdistricts"]) == 17
    rows = {row["slug"]: row for row in data["subdistricts"]}
    assert rows["tiansheng"] == {"slug": "tiansheng", "name": "天生街道", "high_tech": 1, "tech_based": 2,
                                 "high_tech_expiring_this_year": 0}  # fmt: skip
    assert rows["shuitu"]["high_tech"] == 1 and rows["shuitu"]["high_tech_expiring_this_year"] == 1
    after = login(leader).get("/api/v1/enterprises/summary?as_of=2025-08-01").json()
    assert {r["slug"]: r for r in after["subdistricts"]}["shuitu"]["high_tech"] == 0


def test_api_default_day_is_today(login, leader, firms):
    assert login(leader).get("/api/v1/enterprises/summary").json()["as_of"] == "2025-07-01"


def test_api_for_an_official_has_only_their_row(login, official, firms):
    data = login(official).get("/api/v1/enterprises/summary").json()
    assert [row["slug"] for row in data["subdistricts"]] == ["tiansheng"]


@pytest.mark.parametrize("bad", ["2025-02-30", "2025-7-1", "yesterday", "20250701"])
def test_api_bad_date_is_400_in_chinese(login, bureau, bad):
    response = login(bureau).get(f"/api/v1/enterprises/summary?as_of={bad}")
    assert response.status_code == 400
    assert "不是有效日期" in response.json()["error"]


def _grow(start, n):
    for i in range(start, start + n):
        firm(1000 + i, ["tiansheng", "shuitu", "jingguan"][i % 3], [d("2024-05-01")] if i % 2 else [], tech_year=2023)


@pytest.mark.parametrize("url", [*PAGES, "/api/v1/enterprises/summary"])
def test_query_count_does_not_grow_with_firms(login, bureau, django_assert_max_num_queries, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(bureau)
    client.get(url)  # the map of the month (targets.territory) is read once per plan version
    _grow(0, 3)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _grow(3, 40)
    with django_assert_max_num_queries(len(few)):
        client.get(url)
    assert len(few) <= 13  # with the month's map (units, plan lines)


def test_import_is_for_the_bureau_only(login, leader, official):
    assert login(leader).get("/enterprises/import/").status_code == 403
    assert login(official).get("/enterprises/import/").status_code == 403


def _upload(client, data, name="名录.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/enterprises/import/", {"action": "upload", "file": SimpleUploadedFile(name, data)})


def test_import_upload_preview_then_confirm(login, bureau, firms):
    client = login(bureau)
    rows = [("新公司", code(50), "天生街道", "2025-01-02", 2024), ("改名公司", code(1), "天生街道", "2023-03-01", 2023)]
    response = _upload(client, xlsx(rows))
    summary = response.context["summary"]
    assert (summary.created, summary.updated, summary.recognitions_added) == (1, 1, 1)
    assert "新增企业 <strong>1</strong> 家" in response.content.decode()
    assert Enterprise.objects.count() == 3  # nothing written before confirmation
    token = response.context["token"]
    stored = list((settings.MEDIA_ROOT / "imports").iterdir())
    assert len(stored) == 1 and token in stored[0].name
    assert client.post("/enterprises/import/", {"action": "confirm", "token": "forged"}).status_code == 302
    assert Enterprise.objects.count() == 3  # a forged token imports nothing
    response = _upload(client, xlsx(rows))
    response = client.post("/enterprises/import/", {"action": "confirm", "token": response.context["token"]})
    assert response.status_code == 302 and response.url == "/enterprises/"
    assert Enterprise.objects.count() == 4
    assert Enterprise.objects.get(credit_code=code(1)).name == "改名公司"
    assert Enterprise.objects.get(credit_code=code(50)).history.get().history_user == bureau
    assert not list((settings.MEDIA_ROOT / "imports").iterdir())


def test_import_with_a_wrong_check_digit_lists_the_row(login, bureau):
    bad = code(7)[:17] + ("0" if code(7)[17] != "0" else "1")
    response = _upload(
        login(bureau), xlsx([("好公司", code(6), "天生街道", "", 2024), ("坏公司", bad, "水土街道", "", 2024)])
    )
    html = response.content.decode()
    assert "发现 1 处错误" in html and "<td>3</td>" in html and "校验位错误" in html
    assert Enterprise.objects.count() == 0
    assert not list((settings.MEDIA_ROOT / "imports").iterdir())


def test_import_refuses_a_file_over_20_mb(login, bureau):
    response = _upload(login(bureau), b"x" * (20 * 1024 * 1024 + 1), "big.csv")
    assert "文件超过 20 MB" in response.content.decode()


# --- big imports in the background (issue 13) ------------------------------------------------------


@pytest.fixture
def background(settings):
    """Every upload goes to the background job, run at once by django-tasks' immediate backend."""
    settings.ENTERPRISE_BACKGROUND_BYTES = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _firm_rows(count):
    from tests.support import HEADERS as H

    rows = [(f"后台企业{i}有限公司", code(1000 + i), "天生街道", "2024-03-01", 2023) for i in range(count)]
    return H, rows


def test_a_big_file_is_checked_then_written_in_the_background(
    login, bureau, background, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from enterprises.models import ImportJob

    c = login(bureau)
    headers, rows = _firm_rows(30)
    upload = SimpleUploadedFile("大名录.xlsx", xlsx(rows, headers=headers))
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post("/enterprises/import/", {"action": "upload", "file": upload})
    job = ImportJob.objects.get()
    assert response["Location"] == f"/enterprises/import/jobs/{job.pk}/"
    assert (job.step, job.rows_total, job.rows_read, job.rows_validated) == ("previewed", 30, 30, 30)
    assert Enterprise.objects.count() == 0
    page = c.get(response["Location"]).content.decode()
    assert "确认导入" in page and "新增企业 <strong>30</strong> 家" in page and "import-progress.js" in page
    status = c.get(f"/enterprises/import/jobs/{job.pk}/status").json()
    assert status == {
        "step": "previewed",
        "step_label": "检查完成，待确认",
        "finished": True,
        "rows_total": 30,
        "rows_read": 30,
        "rows_validated": 30,
        "rows_written": 0,
    }
    with django_capture_on_commit_callbacks(execute=True):
        c.post(f"/enterprises/import/jobs/{job.pk}/", {"action": "confirm"})
    job.refresh_from_db()
    assert (job.step, job.rows_written) == ("done", 30)
    assert Enterprise.objects.count() == 30
    assert "已导入“大名录.xlsx”" in c.get(f"/enterprises/import/jobs/{job.pk}/").content.decode()


def test_a_refused_big_file_writes_nothing_and_lists_problems(
    login, bureau, background, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from enterprises.models import ImportJob

    c = login(bureau)
    headers, rows = _firm_rows(5)
    rows[2] = ("坏企业", "bad", "天生街道", "", "")
    with django_capture_on_commit_callbacks(execute=True):
        c.post(
            "/enterprises/import/",
            {"action": "upload", "file": SimpleUploadedFile("a.xlsx", xlsx(rows, headers=headers))},
        )
    job = ImportJob.objects.get()
    assert job.step == "refused" and job.problem_count == 1
    assert "第4行" in c.get(f"/enterprises/import/jobs/{job.pk}/").content.decode()
    assert Enterprise.objects.count() == 0


def test_a_worker_killed_while_writing_leaves_nothing(login, bureau, background, django_capture_on_commit_callbacks):
    """The write is one transaction: a failure after some rows are inserted rolls them all back."""
    from unittest import mock

    from django.core.files.uploadedfile import SimpleUploadedFile

    from enterprises import bulk
    from enterprises.models import HighTechRecognition, ImportJob

    c = login(bureau)
    headers, rows = _firm_rows(20)
    with django_capture_on_commit_callbacks(execute=True):
        c.post(
            "/enterprises/import/",
            {"action": "upload", "file": SimpleUploadedFile("a.xlsx", xlsx(rows, headers=headers))},
        )
    job = ImportJob.objects.get()
    real_insert = bulk.insert_history

    def killed(*args, **kwargs):
        real_insert(*args, **kwargs)
        raise SystemExit("worker killed")

    with mock.patch.object(bulk, "insert_history", killed):
        with django_capture_on_commit_callbacks(execute=True):
            c.post(f"/enterprises/import/jobs/{job.pk}/", {"action": "confirm"})
    assert Enterprise.objects.count() == 0 and HighTechRecognition.objects.count() == 0
    job.refresh_from_db()
    assert job.step == "writing"  # as a killed worker leaves it: the page still says 写入数据库


def test_another_users_job_is_404(login, bureau, leader, background):
    from enterprises.models import ImportJob
    from tests.support import make_user

    other = make_user("bureau2", "bureau")
    job = ImportJob.objects.create(created_by=other, file_name="a.xlsx", stored_as="job-a.xlsx")
    assert login(bureau).get(f"/enterprises/import/jobs/{job.pk}/").status_code == 404
    assert login(leader).get(f"/enterprises/import/jobs/{job.pk}/status").status_code == 403


def test_the_warnings_page_links_the_accuracy_page_only_to_those_who_may_open_it(login, bureau, official):
    """An official was sent from /warnings/ to /warnings/accuracy/, which answers 403 to them."""
    for user, linked in ((bureau, True), (official, False)):
        page = login(user).get("/warnings/").content.decode()
        assert ('href="/warnings/accuracy/"' in page) is linked
    assert login(official).get("/warnings/accuracy/").status_code == 403
    assert login(bureau).get("/warnings/accuracy/").status_code == 200
