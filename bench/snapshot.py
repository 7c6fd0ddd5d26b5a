"""Every page, export and API answer of the demo as each demo role sees it, written to a folder,
so that a change meant to keep behaviour (a refactoring) can be checked byte for byte:

    .venv/bin/python bench/snapshot.py /tmp/before      # on the old code
    .venv/bin/python bench/snapshot.py /tmp/after       # on the new code
    diff -r /tmp/before /tmp/after

A fresh SQLite database in a temporary folder gets the plan and the demo with "today" pinned to
2026-11-15 10:00 (as the tests pin it), so nothing is time-dependent. The addresses are those of
`tests/test_url_table.py` (every URL of the application) that need no object id, plus every
sub-district's page. HTML loses its CSRF tokens; an .xlsx or .docx is written as the text of each
member of its zip (the zip's own timestamps differ from run to run). Not part of the test suite.
"""

import datetime as dt
import io
import os
import re
import sys
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
USERS = ("bureau", "leader", "tiansheng", "jingxinwei")
CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")|(csrf[-_]?token["\']?\s*[:=]\s*["\'])[^"\']*')


def _normalise(response):
    body = response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            parts = [f"== {name}\n".encode() + archive.read(name) for name in sorted(archive.namelist())]
        return b"\n".join(parts)
    return CSRF.sub(lambda m: (m.group(1) or m.group(3) or b"") + b"-" + (m.group(2) or b""), body)


def _addresses():
    from targets.models import SubDistrict
    from tests.test_url_table import EXPECTED

    paths = {path for entries in EXPECTED.values() for path, _ in entries if "{" not in path}
    paths |= {f"/subdistricts/{slug}/" for slug in SubDistrict.objects.values_list("slug", flat=True)}
    paths |= {"/?month=2026-09", "/?month=2025-12", "/bulletin/2025-12/", "/api/v1/progress?month=2025-10"}
    return sorted(paths)


def main(outdir):
    workdir = tempfile.mkdtemp(prefix="snapshot-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/snapshot.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{workdir}/media"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beibei_dashboard.settings")
    sys.path.insert(0, str(ROOT))
    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 15, 10, 0), tick=False):
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.test import Client

        from accounts.models import User

        settings.BULLETIN_CHART_IMAGES = False
        settings.ALLOWED_HOSTS = ["testserver"]
        for command in ("migrate", "load_plan", "seed_demo"):
            call_command(command, verbosity=0)
        out = Path(outdir)
        for username in USERS:
            client = Client()
            client.force_login(User.objects.get(username=username))
            folder = out / username
            folder.mkdir(parents=True, exist_ok=True)
            for path in _addresses():
                response = client.get(path)
                name = quote(path, safe="") or "root"
                (folder / name).write_bytes(f"{response.status_code}\n".encode() + _normalise(response))
    print(f"{outdir}: {len(USERS)} roles × {len(_addresses())} addresses")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: snapshot.py OUTDIR")
    main(sys.argv[1])
