"""export_data / import_data: a full round trip through an empty database, on SQLite and (when
the suite runs on PostgreSQL) on PostgreSQL, with every timestamp kept to the microsecond."""

import subprocess
import sys
import uuid

import pytest
from django.db import connection


def run(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def env_for(url):
    return {"PATH": "/usr/bin:/bin", "DATABASE_URL": url}


@pytest.fixture
def databases(tmp_path, db):
    """Two empty databases of the suite's kind: (source URL, target URL)."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'a.sqlite3'}", f"sqlite:///{tmp_path / 'b.sqlite3'}"
        return
    import psycopg2

    s = connection.settings_dict
    server = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}"
    names = [f"beibei_backup_{uuid.uuid4().hex[:8]}_{side}" for side in "ab"]
    admin = psycopg2.connect(dbname="postgres", user=s["USER"], host=s["HOST"], port=s["PORT"])
    admin.autocommit = True  # CREATE DATABASE cannot run in a transaction
    try:
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute(f'CREATE DATABASE "{name}"')
        yield tuple(f"{server}/{name}" for name in names)
    finally:
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


PROBE = (
    "from targets.models import MonthlyCount, PlanFigure; from accounts.models import User;"
    "from tasks.models import TaskReport; from enterprises.models import Enterprise;"
    "print(MonthlyCount.objects.count(), MonthlyCount.history.count(), PlanFigure.objects.count(),"
    "User.objects.filter(username='bureau').count(), TaskReport.objects.count(), Enterprise.objects.count())"
)
# Every timestamp of the counts, their history, the reports and the accounts, in a fixed order.
STAMPS = (
    "from targets.models import MonthlyCount; from accounts.models import User; from tasks.models import TaskReport;"
    "rows = [c.updated_at for c in MonthlyCount.objects.order_by('pk')]"
    " + [h.history_date for h in MonthlyCount.history.order_by('history_id')]"
    " + [u.date_joined for u in User.objects.order_by('pk')]"
    " + [r.submitted_at for r in TaskReport.objects.order_by('pk')];"
    "print(len(rows), sum(1 for t in rows if t.microsecond % 1000));"
    "print('|'.join(t.isoformat() for t in rows))"
)


# Six full commands in fresh processes (migrate, load_plan, seed_demo, export, migrate, import):
# about two minutes on an idle 2-core machine, more than the suite's 300 s when it is loaded.
@pytest.mark.timeout(900)
def test_round_trip_keeps_everything_to_the_microsecond(databases, tmp_path):
    source, target = (env_for(url) for url in databases)
    for args in (["migrate", "-v0"], ["load_plan"], ["seed_demo"]):
        done = run(source, *args)
        assert done.returncode == 0, done.stderr
    backup = tmp_path / "backup.json"
    assert run(source, "export_data", str(backup)).returncode == 0
    assert run(target, "migrate", "-v0").returncode == 0
    restored = run(target, "import_data", str(backup))
    assert restored.returncode == 0, restored.stderr
    before = run(source, "shell", "-c", PROBE).stdout.split()[-6:]
    after = run(target, "shell", "-c", PROBE).stdout.split()[-6:]
    assert before == after and before[2] == "204"
    stamps_before = run(source, "shell", "-c", STAMPS).stdout.splitlines()[-2:]
    stamps_after = run(target, "shell", "-c", STAMPS).stdout.splitlines()[-2:]
    count, with_microseconds = map(int, stamps_before[0].split())
    assert count > 500 and with_microseconds > count // 2  # not a test that passes on millisecond data
    assert stamps_after == stamps_before
    again = run(target, "import_data", str(backup))
    assert again.returncode != 0 and "已有数据" in again.stderr and "Traceback" not in again.stderr
