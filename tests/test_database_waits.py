"""Bounded waits on the database: a database that accepts connections and never answers, or a
statement that runs too long, ends in an error (and /healthz in a 503 within 5 s), never in a
worker that hangs."""

import copy
import socket
import threading
import time

import pytest
from django.conf import settings
from django.db import OperationalError, connection, connections

from beibei_dashboard import settings as settings_module

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


@pytest.fixture
def black_hole():
    """A local TCP port that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield server.getsockname()[1]
    server.close()


def wrapper_for(port):
    """A database connection like the application's, but to `port`, usable from any thread."""
    settings_dict = copy.deepcopy(connections["default"].settings_dict)
    settings_dict.update(HOST="127.0.0.1", PORT=port)
    wrapper = type(connections["default"])(settings_dict)
    wrapper.inc_thread_sharing()
    return wrapper


def test_healthz_answers_503_within_5_seconds_when_the_database_hangs(client, monkeypatch, db):
    release = threading.Event()
    monkeypatch.setattr("targets.views.database_answers", lambda: release.wait(60))
    try:
        started = time.monotonic()
        response = client.get("/healthz")
        assert response.status_code == 503 and time.monotonic() - started < 5
        started = time.monotonic()  # the checker is still stuck: the next call does not wait longer
        assert client.get("/healthz").status_code == 503 and time.monotonic() - started < 5
    finally:
        release.set()


@on_postgres
def test_postgres_connection_to_a_silent_server_gives_up_within_its_timeout(black_hole, db):
    wrapper = wrapper_for(black_hole)
    started = time.monotonic()
    with pytest.raises(OperationalError):
        wrapper.ensure_connection()
    assert time.monotonic() - started < settings.DB_CONNECT_TIMEOUT + 1.5


@on_postgres
def test_healthz_answers_503_within_5_seconds_when_postgres_is_silent(client, monkeypatch, black_hole, db):
    monkeypatch.setattr("targets.views.connection", wrapper_for(black_hole))
    started = time.monotonic()
    response = client.get("/healthz")
    assert response.status_code == 503 and time.monotonic() - started < 5


@on_postgres
def test_a_page_answers_503_within_5_seconds_when_postgres_is_silent(black_hole, db, settings):
    """The login page on a database that accepts connections and never answers: connect_timeout
    ends the wait, and the visitor reads that the database is away (503), not 系统出错."""
    from django.test import Client

    settings.DEBUG, settings.ALLOWED_HOSTS = False, ["testserver"]
    silent = wrapper_for(black_hole)
    # every lookup of a connection during the request finds the silent one; the test database's
    # own connection, with its transaction, is untouched for the teardown
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(connections), "__getitem__", lambda self, alias: silent)
        started = time.monotonic()
        response = Client(raise_request_exception=False).get("/accounts/login/")
        elapsed = time.monotonic() - started
    assert response.status_code == 503 and elapsed < 5
    assert "数据库暂时无法访问" in response.content.decode()


@on_postgres
def test_postgres_statements_are_bounded_by_the_statement_timeout(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] in (
            f"{settings.DB_STATEMENT_TIMEOUT}ms",
            f"{settings.DB_STATEMENT_TIMEOUT // 1000}s",
        )
        cursor.execute("SET LOCAL statement_timeout = 200")  # the same server rule, quicker to test
        with pytest.raises(OperationalError, match="statement timeout"):
            cursor.execute("SELECT pg_sleep(3)")


def test_postgres_options_carry_the_timeouts(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://beibei@127.0.0.1:5432/beibei")
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT", "15000")
    try:
        import importlib

        importlib.reload(settings_module)
        options = settings_module.DATABASES["default"]["OPTIONS"]
        assert options["connect_timeout"] == 3 and options["options"] == "-c statement_timeout=15000"
    finally:
        monkeypatch.undo()
        importlib.reload(settings_module)
