"""Inputs an attacker or a confused visitor sends, and what production answers to them: one
month reader (404 on pages, 400 JSON on the API, never 500), Chinese error pages that name
nothing of the server, no caching of private answers, start-up refusing unsafe settings, a 403
logged in one line."""

import importlib
import logging

import pytest
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from beibei_dashboard import settings as settings_module
from targets.months import Month, parse_plan_month
from tests.support import pinned

GARBAGE = ["0000-01", "2022-12", "9999-12", "2025-13", "2025-00", "abc", "2025-1", "２０２５-０１"]


@pytest.fixture(autouse=True)
def _november_2026():
    with pinned():
        yield


def test_parse_plan_month_accepts_the_plan_period_only():
    assert parse_plan_month("2023-01") == Month(2023, 1)
    assert parse_plan_month("2026-11") == Month(2026, 11)  # this month
    for text in [*GARBAGE, "2026-12"]:  # 2026-12 is still to come
        with pytest.raises(ValueError, match="月份"):
            parse_plan_month(text)
    # the message says which: outside the plan, or inside it but not yet open to queries
    with pytest.raises(ValueError, match="不在计划期内（2023-01 至 2027-12）"):
        parse_plan_month("2028-01")
    with pytest.raises(ValueError, match="超出可查询的范围（2023-01 至 2026-11）"):
        parse_plan_month("2027-03")
    assert parse_plan_month("2027-12", last=Month(2027, 12)) == Month(2027, 12)


PAGES = ["/?month={}", "/subdistricts/tiansheng/?month={}", "/enterprises/reconcile/?month={}"]


@pytest.mark.parametrize("month", GARBAGE)
def test_a_bad_month_is_404_on_pages_and_400_json_on_the_api(login, bureau, month):
    c = login(bureau)
    for page in PAGES:
        assert c.get(page.format(month)).status_code == 404, page
    response = c.get(f"/api/v1/progress?month={month}")
    assert response.status_code == 400
    assert "月份" in response.json()["error"]


@pytest.mark.parametrize("path", ["/counts/0000-01/", "/bulletin/0000-01/", "/counts/2028-01/history/"])
def test_a_month_outside_the_plan_in_a_url_is_404(login, bureau, path):
    assert login(bureau).get(path).status_code == 404


ERROR_SETTINGS = {"DEBUG": False, "ALLOWED_HOSTS": ["testserver"]}


@override_settings(**ERROR_SETTINGS)
def test_404_and_403_pages_are_chinese(login, official, db):
    c = login(official)
    response = c.get("/no/such/page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()
    response = c.get("/subdistricts/shuitu/")
    assert response.status_code == 403 and "无权" in response.content.decode()


@override_settings(**ERROR_SETTINGS)
def test_csrf_failure_page_is_chinese_and_names_no_reason(official):
    c = Client(enforce_csrf_checks=True)
    c.force_login(official)
    response = c.post("/counts/import/", {})
    body = response.content.decode()
    assert response.status_code == 403
    assert "提交未被接受" in body and "CSRF" not in body and "Referer" not in body


@override_settings(**ERROR_SETTINGS)
def test_400_page_is_chinese(db):
    response = Client(HTTP_HOST="evil.example").get("/accounts/login/")
    assert response.status_code == 400 and "请求有误" in response.content.decode()
    assert "evil.example" not in response.content.decode()


@override_settings(**ERROR_SETTINGS)
def test_500_page_is_chinese_and_leaks_nothing(db, monkeypatch):
    @login_not_required
    def broken(request):
        raise RuntimeError("secret detail /srv/beibei password=x")

    response = _answer_of(broken, monkeypatch)
    body = response.content.decode()
    assert response.status_code == 500 and "系统出错" in body
    assert "secret detail" not in body and "Traceback" not in body


@override_settings(**ERROR_SETTINGS)
def test_a_database_outage_is_a_chinese_503_that_leaks_nothing(db, monkeypatch):
    """Refused, connect_timeout, statement_timeout: the page says the database is away and when
    to try again, not 系统出错; the error's host and port stay in the server log."""
    from django.db import OperationalError

    @login_not_required
    def unreachable(request):
        raise OperationalError('connection to server at "10.20.30.40", port 5432 failed: timeout expired')

    response = _answer_of(unreachable, monkeypatch)
    body = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "数据库暂时无法访问" in body and "系统出错" not in body
    assert "10.20.30.40" not in body and "5432" not in body and "Traceback" not in body


def _answer_of(view, monkeypatch):
    """What a visitor gets from `view` as the only URL (/boom), errors answered as in production."""
    from django.urls import clear_url_caches

    monkeypatch.setattr("beibei_dashboard.urls.urlpatterns", [_path_to(view)])
    clear_url_caches()
    try:
        return Client(raise_request_exception=False).get("/boom")
    finally:
        clear_url_caches()


def _path_to(view):
    from django.urls import path

    return path("boom", view, name="boom")


def test_every_authenticated_answer_is_private_and_not_stored(login, bureau, official):
    for user, url in [
        (bureau, "/"),
        (bureau, "/plan/?export=xlsx"),
        (bureau, "/api/v1/targets"),
        (official, "/subdistricts/tiansheng/"),
        (official, "/subdistricts/shuitu/"),  # even a 403
    ]:
        cache_control = login(user).get(url)["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url


@pytest.mark.parametrize(
    "env, message",
    [
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SECRET_KEY": "dev-only-insecure-key-beibei-dashboard"}, "SECRET_KEY"),
        ({"SECRET_KEY": "django-insecure-" + "x1y2z3" * 10}, "SECRET_KEY"),
        ({"SECRET_KEY": "a" * 60}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": "kjj.beibei.intranet,*"}, "ALLOWED_HOSTS"),
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT"),
    ],
)
def test_production_start_up_refuses_unsafe_settings(monkeypatch, env, message):
    monkeypatch.setenv("DEBUG", "0")
    monkeypatch.setenv("SECRET_KEY", "k3J9-x" * 10)
    monkeypatch.setenv("ALLOWED_HOSTS", "kjj.beibei.intranet")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        with pytest.raises(ImproperlyConfigured, match=message):
            importlib.reload(settings_module)
    finally:
        monkeypatch.undo()
        importlib.reload(settings_module)


def test_production_start_up_accepts_a_good_key(monkeypatch):
    monkeypatch.setenv("DEBUG", "0")
    monkeypatch.setenv("SECRET_KEY", "k3J9-x" * 10)
    monkeypatch.setenv("ALLOWED_HOSTS", "kjj.beibei.intranet")
    try:
        importlib.reload(settings_module)
        assert settings_module.DATABASES["default"]["CONN_MAX_AGE"] == 60
        assert settings_module.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    finally:
        monkeypatch.undo()
        importlib.reload(settings_module)


def test_a_403_is_logged_in_one_line(login, official, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        login(official).get("/subdistricts/shuitu/")
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].exc_info is None and "Forbidden" in records[0].getMessage()
    assert "\n" not in records[0].getMessage()


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31", "2025-02-30", "2025-1-1", "x"])
def test_the_enterprise_summary_never_answers_500(login, bureau, as_of):
    response = login(bureau).get(f"/api/v1/enterprises/summary?as_of={as_of}")
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "as_of" in response.json()["error"]


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "2021-06", "２０２６-０１"])
def test_forms_refuse_a_month_outside_the_plan_with_a_message(login, bureau, month):
    from targets.models import Indicator

    indicator = Indicator.objects.filter(metric="").first()
    c = login(bureau)
    response = c.post("/indicators/record/", {"indicator": indicator.code, "month": month, "value": "1", "note": ""})
    assert response.status_code == 200 and "月份" in response.content.decode()
    fields = {"period": month, "status": "normal", "done": "x", "problems": "", "next_steps": ""}
    response = c.post("/tasks/1/reports/new/", fields)
    assert response.status_code == 200 and "报告期" in response.content.decode()
