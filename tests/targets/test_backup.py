"""export_data / import_data: a full round trip through an empty database."""

import subprocess
import sys

import pytest


def run(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


@pytest.mark.django_db
def test_round_trip_keeps_counts_history_accounts_and_plan(tmp_path):
    source = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}"}
    target = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite3'}"}
    for args in (["migrate", "-v0"], ["load_plan"], ["seed_demo"]):
        assert run(source, *args).returncode == 0
    backup = tmp_path / "backup.json"
    assert run(source, "export_data", str(backup)).returncode == 0
    assert run(target, "migrate", "-v0").returncode == 0
    restored = run(target, "import_data", str(backup))
    assert restored.returncode == 0, restored.stderr
    probe = (
        "from targets.models import MonthlyCount, PlanFigure; from accounts.models import User;"
        "from tasks.models import TaskReport; from enterprises.models import Enterprise;"
        "print(MonthlyCount.objects.count(), MonthlyCount.history.count(), PlanFigure.objects.count(),"
        "User.objects.filter(username='bureau').count(), TaskReport.objects.count(), Enterprise.objects.count())"
    )
    before = run(source, "shell", "-c", probe).stdout.split()[-6:]
    after = run(target, "shell", "-c", probe).stdout.split()[-6:]
    assert before == after and before[2] == "204"
    again = run(target, "import_data", str(backup))
    assert again.returncode != 0 and "已有数据" in again.stderr and "Traceback" not in again.stderr
