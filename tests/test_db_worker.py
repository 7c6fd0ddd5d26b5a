"""`manage.py db_worker` (beibei_dashboard/management/commands/db_worker.py): django_tasks_db's
worker, looking for work with a plain read. An idle poll takes no lock (the library's opened an
exclusive transaction every second: SQLite's write lock); a ready task is claimed and run as the
library does; a database found locked while claiming is tried again at the next poll."""

import signal
from contextlib import contextmanager

import pytest
from django.core.management import call_command, get_commands
from django.db import OperationalError, connection
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.choices import Role
from beibei_dashboard.management.commands import db_worker
from enterprises.jobs import preview_import
from enterprises.models import ImportJob
from tests.support import make_user

# Claiming opens a transaction of its own, as in production: not inside a test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def worker(batch=True):
    return db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
    )


@pytest.fixture
def queued_job():
    """An enterprise import queued for its preview, whose stored file has gone."""
    job = ImportJob.objects.create(
        created_by=make_user("bureau_worker", Role.BUREAU), file_name="firms.xlsx", stored_as="gone.xlsx"
    )
    preview_import.enqueue(job.pk)
    return job


@pytest.fixture
def signals_kept():
    """The command sets SIGINT/SIGTERM handlers for a graceful stop: put the test process's back."""
    kept = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in kept.items():
        signal.signal(sig, handler)


def test_manage_py_db_worker_is_this_one():
    assert get_commands()["db_worker"] == "beibei_dashboard"


def test_an_idle_poll_reads_once_and_takes_no_lock():
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        worker().run()  # batch: one poll, nothing ready, done
    assert len(statements) == 1, statements
    assert statements[0].startswith("SELECT") and DBTaskResult._meta.db_table in statements[0]


def test_a_ready_task_is_claimed_and_run(queued_job, signals_kept):
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.SUCCESSFUL and len(result.worker_ids) == 1
    queued_job.refresh_from_db()
    assert queued_job.step == ImportJob.Step.FAILED
    assert queued_job.problems == ["暂存的文件已不存在，请重新上传。"]


def test_a_locked_database_while_claiming_waits_for_the_next_poll(queued_job, monkeypatch):
    @contextmanager
    def locked(using=None):
        raise OperationalError("database is locked")
        yield

    monkeypatch.setattr(db_worker, "exclusive_transaction", locked)
    assert worker(batch=False).claim() is None
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY  # still there for the next poll


def test_any_other_database_error_while_claiming_stops_the_worker(queued_job, monkeypatch):
    @contextmanager
    def broken(using=None):
        raise OperationalError("disk I/O error")
        yield

    monkeypatch.setattr(db_worker, "exclusive_transaction", broken)
    with pytest.raises(OperationalError, match="disk I/O error"):
        worker(batch=False).claim()
