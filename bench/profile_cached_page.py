"""Where a cached page's time goes (issue 16): the dashboard, served from the page cache, beside
the bare floor view, in one process with the production settings (DEBUG=0, SQLite or
DATABASE_URL). Prints queries per request and the share of time in database calls, template
rendering, the view and everything else (middleware, request handling).

Usage: .venv/bin/python bench/profile_cached_page.py [--requests 300]
"""

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="beibei_profile_"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'profile.sqlite3'}")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="floor_settings", DEBUG="0", ALLOWED_HOSTS="testserver", LOG_LEVEL="ERROR",
        SECRET_KEY="profile-only-secret-key-not-for-production-0123456789",  # noqa: S106
    )  # fmt: skip
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    settings.STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    for command in ("migrate", "load_plan", "seed_demo"):
        call_command(command, verbosity=0)
    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="leader"))
    page = "/"
    for _ in range(3):
        assert client.get(page).status_code == 200 and client.get("/bench/floor").status_code == 200

    def timed(path):
        started = time.perf_counter()
        for _ in range(args.requests):
            client.get(path)
        return (time.perf_counter() - started) / args.requests * 1000

    floor_ms, page_ms = timed("/bench/floor"), timed(page)
    queries = []

    def record(execute, sql, params, many, context):
        queries.append({"sql": sql})
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert client.get(page).status_code == 200
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        client.get(page)
    profile.disable()
    stats = pstats.Stats(profile)

    def cumulative(fragment, name):
        return (
            sum(ct for (file, _, func), (_, _, _, ct, _) in stats.stats.items() if fragment in file and func == name)
            / args.requests
            * 1000
        )

    database = cumulative("django/db/backends/utils.py", "execute") + cumulative(
        "django/db/backends/utils.py", "executemany"
    )
    template = cumulative("django/template/response.py", "render")
    view = cumulative("django/views/generic/base.py", "view")
    handler = cumulative("django/test/client.py", "get")
    print(f"floor view: {floor_ms:.2f} ms/request (test client, in process)")
    print(f"cached dashboard: {page_ms:.2f} ms/request, {len(queries)} queries:")
    for q in queries:
        print("   ", q["sql"][:110])
    print(f"of which (cProfile, ms/request of {handler:.2f} profiled): database calls {database:.2f}, "
          f"template rendering {template:.2f}, view without template {view - template:.2f}, "
          f"everything else (middleware, request handling, test client) {handler - view:.2f}")  # fmt: skip
    print("functions with the most time of their own:")
    stats.sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    main()
