"""Moving the goals and indicators to `targets`, and the bulletin and demo marker to their own
apps, keeps every row and its history (issue 11): migrate back to before the move, write rows
the old way, migrate forward and read them the new way."""

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("migration_move_script.py")


def test_rows_and_history_survive_the_move(tmp_path):
    """In a subprocess on a database of its own: the suite's database keeps its loaded plan."""
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'm.sqlite3'}"}
    code = f"import django; django.setup(); exec(open({str(SCRIPT)!r}).read())"
    env["DJANGO_SETTINGS_MODULE"] = "beibei_dashboard.settings"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
        cwd=Path(__file__).parent.parent,
    )
    assert result.returncode == 0, result.stderr
    assert "MOVE-OK" in result.stdout
