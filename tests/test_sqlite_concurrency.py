"""Issue 25: SQLite that holds. On a SQLite file, as `make serve` runs without DATABASE_URL
(gunicorn, two workers, here with four threads each, and `manage.py db_worker --interval 1`
beside it), 50 saves of the count grid and 4 count imports fired at once while the worker checks
and writes an enterprise import: every answer is a success or the Chinese race message, never a
500 or a 503, and what was written is whole. bench/bench_sqlite_concurrency.py runs the same at
any scale and under runserver (`make run`)."""

import sqlite3
from collections import Counter

import pytest
from django.db import connection

from bench.bench_sqlite_concurrency import CELLS_PER_MONTH, free_port, run, summary

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's locking; PostgreSQL locks rows")

MONTHS = 3
FIRMS = 300


def test_fifty_saves_at_once_end_in_a_success_or_the_race_message_with_the_worker_running(tmp_path):
    result = run(
        "gunicorn",
        free_port(),
        saves=50,
        imports=4,
        months=MONTHS,
        enterprise_imports=1,
        enterprise_rows=FIRMS,
        workdir=tmp_path,
    )
    report = "\n".join(summary(result))
    outcomes = result["outcomes"]
    assert len(outcomes) == 55, report
    assert {o.result for o in outcomes} <= {"saved", "race"}, report  # no 500, 503 or reset
    assert result["worker_alive"], report  # a locked database never stops the worker
    assert result["problems"] == [], report  # each month holds one save's values, history for each save

    # Every grid page was opened before the first save, and each save changes every cell: per month
    # the first write wins; a grid save after it finds the page out of date (the race message).
    by_month = Counter((o.month, o.kind) for o in outcomes if o.result == "saved")
    months = {o.month for o in outcomes if o.kind == "grid"}
    assert len(months) == MONTHS
    for month in months:
        assert by_month[(month, "grid")] <= 1, report
        assert by_month[(month, "grid")] + by_month[(month, "import")] >= 1, report
    grid = [o for o in outcomes if o.kind == "grid"]
    assert sum(o.result == "race" for o in grid) == 50 - sum(by_month[(m, "grid")] for m in months), report

    enterprise = next(o for o in outcomes if o.kind == "enterprise")
    assert enterprise.result == "saved", report  # the worker checked and wrote it during the burst
    with sqlite3.connect(tmp_path / "gunicorn.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM enterprises_enterprise").fetchone() == (FIRMS,)
        saved = sum(o.result == "saved" for o in outcomes if o.kind != "enterprise")
        history = db.execute("SELECT COUNT(*) FROM targets_historicalmonthlycount").fetchone()[0]
        assert history == CELLS_PER_MONTH * saved
