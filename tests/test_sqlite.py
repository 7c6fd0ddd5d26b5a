"""SQLite as `make run` and `make serve` use it (beibei_dashboard.sqlite and the settings): every
transaction a writer from its start with a busy timeout, write-ahead logging on a file, nothing
switched on an in-memory database."""

import copy
import importlib

import pytest
from django.db import connection, connections

from beibei_dashboard import settings

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")


def reloaded_database(monkeypatch, **environ):
    """DATABASES["default"] as the settings read it from `environ`; the settings are restored."""
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    try:
        return importlib.reload(settings).DATABASES["default"]
    finally:
        monkeypatch.undo()
        importlib.reload(settings)


def test_sqlite_transactions_begin_immediate_and_wait_for_a_writer(monkeypatch):
    database = reloaded_database(monkeypatch, DATABASE_URL="sqlite:////tmp/beibei.sqlite3", SQLITE_BUSY_TIMEOUT="7")
    assert database["OPTIONS"] == {"transaction_mode": "IMMEDIATE", "timeout": 7}
    database = reloaded_database(monkeypatch, DATABASE_URL="sqlite:////tmp/beibei.sqlite3")
    assert database["OPTIONS"]["timeout"] == 20


def test_postgres_gets_none_of_it(monkeypatch):
    database = reloaded_database(monkeypatch, DATABASE_URL="postgres://postgres@127.0.0.1:5432/beibei")
    assert "transaction_mode" not in database["OPTIONS"] and "timeout" not in database["OPTIONS"]


def sqlite_connection(name):
    settings_dict = copy.deepcopy(connections["default"].settings_dict)
    settings_dict["NAME"] = name
    return type(connections["default"])(settings_dict)


def journal_mode(wrapper):
    with wrapper.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        return cursor.fetchone()[0]


@on_sqlite
def test_a_file_database_opens_in_wal_mode(tmp_path, db):
    wrapper = sqlite_connection(str(tmp_path / "db.sqlite3"))
    try:
        assert journal_mode(wrapper) == "wal"
        assert wrapper.transaction_mode == "IMMEDIATE"
    finally:
        wrapper.close()


@on_sqlite
def test_an_in_memory_database_is_left_alone(db):
    """The tests' own database: no log to switch, and the suite runs on it as before."""
    assert connection.is_in_memory_db()
    assert journal_mode(connection) == "memory"
    assert connection.transaction_mode == "IMMEDIATE"
