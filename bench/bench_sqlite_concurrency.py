"""Issue 25: SQLite holds under concurrent writes. On a fresh SQLite file (migrate, load_plan, one
bureau account) the web server and the background worker (`manage.py db_worker --interval 1`)
run as `make run` starts them (runserver, threaded, DEBUG on) or as `make serve` does (gunicorn,
two workers, here with 4 threads each so that 8 requests write at once; DEBUG stays on to spare
a collectstatic, connections persist as with DEBUG=0). Then, all at once: N saves of the count
grid (`/counts/<YYYY-MM>/` POST as the bureau, spread over a few months, each from the grid
page its client opened before the burst), a few count imports (the month's template filled in,
uploaded, then confirmed) and enterprise imports that the worker checks and writes meanwhile.

Every answer must be a success (302) or the Chinese race message (200 with the form back:
刚刚已被他人保存 or 打开页面后已被他人改为…): never a 500, a 503 or a reset connection.
Afterwards the database is checked: each month's 34 cells hold the values of one save, and the
history has 34 rows per successful save. The worker must still be running.

Usage: .venv/bin/python bench/bench_sqlite_concurrency.py [--saves 50] [--imports 4] [--months 3]
       [--enterprise-imports 1] [--enterprise-rows 2000] [--server runserver,gunicorn]
tests/test_sqlite_concurrency.py runs it under gunicorn at the issue's scale.
"""

import argparse
import dataclasses
import io
import math
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from client import _request, cookie_header, login  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from beibei_dashboard.races import SAVED_MEANWHILE  # noqa: E402

HOST = "127.0.0.1"
USERNAME = "bench_bureau"
PASSWORD = "beibei-bench-sqlite-2027"  # noqa: S105 - an account of a throw-away database
STALE_FORM = "已被他人改为"  # targets.services.check_plan: the form was opened before another save
RACE_MESSAGES = (SAVED_MEANWHILE, STALE_FORM)
CELLS_PER_MONTH = 34  # 17 sub-districts × 2 metrics
RUNSERVER_CONNECTIONS = 8  # requests in flight at once against runserver (see Site)


@dataclasses.dataclass
class Outcome:
    """One write as the client saw it: what it was, how the server answered, how long it took."""

    kind: str  # grid / import / enterprise
    month: str
    value: int
    status: int = 0
    result: str = ""  # saved / race / the unexpected answer
    seconds: float = 0.0
    detail: str = ""


class Site:
    """The server under test as the clients reach it: at most `connections` requests in flight
    (runserver queues only 10 connections, Django's WSGIServer.request_queue_size: more at once
    are reset before Django sees them, whatever the database)."""

    def __init__(self, port, connections):
        self.port, self.connections = port, connections
        self.slots = threading.BoundedSemaphore(connections)

    def request(self, method, path, cookies, body=None, headers=None):
        """(status, headers, body, seconds) of one request with the session's cookies."""
        headers = {"Cookie": cookie_header(cookies), **(headers or {})}
        with self.slots:
            started = time.perf_counter()
            status, answer_headers, answer = _request(HOST, self.port, method, path, headers=headers, body=body)
            return status, answer_headers, answer, time.perf_counter() - started

    def login(self):
        with self.slots:
            return login(HOST, self.port, USERNAME, PASSWORD)

    def page(self, path, cookies):
        status, _, body, _ = self.request("GET", path, cookies)
        assert status == 200, f"GET {path} answered {status}"
        return body

    def post(self, path, cookies, fields, files=None):
        """POST a form (multipart when `files`); (status, Location, body, seconds)."""
        if files:
            boundary = uuid.uuid4().hex
            body = _multipart(boundary, fields, files)
            content_type = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        headers = {"Content-Type": content_type, "Referer": f"http://{HOST}:{self.port}/"}
        status, answer_headers, answer, seconds = self.request("POST", path, cookies, body, headers)
        location = {k.lower(): v for k, v in answer_headers}.get("location", "")
        return status, location, answer, seconds


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def loggable_months(count):
    """The `count` months before this one, newest first, as YYYY-MM."""
    year, month = time.localtime().tm_year, time.localtime().tm_mon
    out = []
    for _ in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        out.append(f"{year}-{month:02d}")
    return out


def server_env(database_url, server, **extra):
    """The environment of `make run` (DEBUG on) or `make serve` (persistent connections)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(DATABASE_URL=database_url, DEBUG="1", LOG_LEVEL="ERROR", ALLOWED_HOSTS=HOST, **extra)
    if server == "gunicorn":
        env.setdefault("CONN_MAX_AGE", "60")  # what `make serve` (DEBUG=0) uses
    return env


def manage(env, *args):
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def prepare(database_path):
    """A fresh SQLite file with the plan and one bureau account (one process: each start costs)."""
    env = server_env(f"sqlite:///{database_path}", "runserver")
    steps = [
        ("migrate", "--no-input"),
        ("load_plan",),
        ("create_account", USERNAME, "--role", "bureau", "--password", PASSWORD),
    ]
    script = "from django.core.management import call_command\n" + "".join(
        f"call_command(*{list(step)!r})\n" for step in steps
    )
    manage(env, "shell", "--no-imports", "-c", script)


class Processes:
    """The web server and the worker, each in a process group of its own, stopped on exit."""

    def __init__(self, env, server, port, logs, threads=4):
        self.env, self.server, self.port, self.logs, self.threads = env, server, port, logs, threads
        self.web = self.worker = None

    def _start(self, args, name):
        log = open(self.logs / f"{name}.log", "wb")  # closed in __exit__
        process = subprocess.Popen(  # noqa: S603
            args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        process.log = log
        return process

    def __enter__(self):
        address = f"{HOST}:{self.port}"
        if self.server == "runserver":
            web = [sys.executable, "manage.py", "runserver", address, "--noreload"]
        else:
            web = [sys.executable, "-m", "gunicorn", "beibei_dashboard.wsgi:application", "--workers", "2",
                   "--threads", str(self.threads), "--bind", address, "--log-level", "warning"]  # fmt: skip
        self.worker = self._start(
            [sys.executable, "manage.py", "db_worker", "--interval", "1", "--no-reload"], "worker"
        )
        self.web = self._start(web, self.server)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _request(HOST, self.port, "GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"{self.server} did not start: see {self.logs}")

    def worker_alive(self):
        return self.worker.poll() is None

    def __exit__(self, *exc):
        for process in (self.web, self.worker):
            if process is None:
                continue
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            process.log.close()


def _token(body):
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()


def _multipart(boundary, fields, files):
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (file_name, data) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue()


def _judge(outcome, status, body, seconds, saved):
    """Record the answer: `saved` when it is the success, `race` for the Chinese race message."""
    text = body.decode("utf-8", "replace")
    outcome.status, outcome.seconds = status, round(outcome.seconds + seconds, 3)
    if saved:
        outcome.result = "saved"
    elif status == 200 and any(message in text for message in RACE_MESSAGES):
        outcome.result = "race"
    else:
        errors = re.findall(r'class="[^"]*(?:errorlist|alert)[^"]*"[^>]*>\s*(?:<li>)?([^<]{1,120})', text)
        outcome.result = f"{status}"
        outcome.detail = (errors[0] if errors else re.sub(r"\s+", " ", text)[:160]).strip()
    return outcome


def grid_form(body, value, note):
    """The grid's POST as the page's form sends it: every cell set to `value` with a note and a
    confirmation (a large change needs both), and each cell's value when the page was opened."""
    fields = {"csrfmiddlewaretoken": _token(body), "reason": ""}
    for match in re.finditer(rb'<input[^>]*name="o-([\w-]+)"[^>]*>', body):
        key = match.group(1).decode()
        old = re.search(rb'value="(\d*)"', match.group(0))
        fields[f"o-{key}"] = old.group(1).decode() if old else ""
        fields.update({f"v-{key}": str(value), f"n-{key}": note, f"c-{key}": "on"})
    assert len(fields) == 2 + 4 * CELLS_PER_MONTH, "the grid page has not 34 cells"
    return fields


def grid_save(site, outcome, start, cookies):
    path = f"/counts/{outcome.month}/"
    fields = grid_form(site.page(path, cookies), outcome.value, f"并发测试 {outcome.value}")
    start.wait()
    status, location, answer, seconds = site.post(path, cookies, fields)
    return _judge(outcome, status, answer, seconds, status == 302 and location.endswith(path))


def filled_template(site, cookies, month, value):
    """The month's template (/counts/<month>/template.xlsx) with every count set to `value`."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(site.page(f"/counts/{month}/template.xlsx", cookies)))
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=4):
        if row[2].value:  # 街镇
            row[3].value = row[4].value = value
            row[7].value = f"并发导入 {value}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def count_import(site, outcome, start):
    """Upload a filled template, then confirm its preview, from a session of its own (each
    upload is staged in the session)."""
    cookies = site.login()
    data = filled_template(site, cookies, outcome.month, outcome.value)
    token = _token(site.page("/counts/import/", cookies))
    start.wait()
    fields = {"csrfmiddlewaretoken": token, "month": outcome.month, "sheet": ""}
    file = {"file": (f"counts-{outcome.value}.xlsx", data)}
    status, location, answer, seconds = site.post("/counts/import/", cookies, fields, file)
    if status != 302 or "token=" not in location:
        return _judge(outcome, status, answer, seconds, False)
    outcome.seconds = seconds
    staged = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["token"][0]
    fields = {
        "csrfmiddlewaretoken": token,
        "token": staged,
        "month": outcome.month,
        "confirm": "on",
        "note": "并发导入",
    }
    status, location, answer, seconds = site.post("/counts/import/confirm/", cookies, fields)
    return _judge(outcome, status, answer, seconds, status == 302 and location.endswith(f"/counts/{outcome.month}/"))


def enterprise_file(rows, workdir):
    """A generated registry of `rows` firms in the units of the prepared database's map."""
    path = workdir / f"firms-{rows}.xlsx"
    if not path.exists():
        env = server_env(f"sqlite:///{workdir / 'prepared.sqlite3'}", "runserver")
        manage(env, "generate_enterprises", "--count", str(rows), "--output", str(path))
    return path.read_bytes()


def _job_step(site, cookies, job, wanted, deadline):
    while time.monotonic() < deadline:
        status, _, body, _ = site.request("GET", f"{job}status", cookies)
        step = re.search(rb'"step": "(\w+)"', body).group(1).decode() if status == 200 else f"{status}"
        if step in wanted or step in {"refused", "failed"} or status != 200:
            return step
        time.sleep(0.3)
    return "timeout"


def enterprise_import(site, outcome, start, data, timeout=300):
    """An enterprise list the worker checks (preview) and, once confirmed, writes."""
    cookies = site.login()
    token = _token(site.page("/enterprises/import/", cookies))
    start.wait()
    started = time.perf_counter()
    fields = {"csrfmiddlewaretoken": token, "sheet": ""}
    status, job, answer, _ = site.post("/enterprises/import/", cookies, fields, {"file": ("firms.xlsx", data)})
    if status != 302 or "/jobs/" not in job:
        return _judge(outcome, status, answer, time.perf_counter() - started, False)
    deadline = time.monotonic() + timeout
    step = _job_step(site, cookies, job, {"previewed"}, deadline)
    if step == "previewed":
        site.post(job, cookies, {"csrfmiddlewaretoken": token, "action": "confirm"})
        step = _job_step(site, cookies, job, {"done"}, deadline)
    outcome.status, outcome.seconds = 200, round(time.perf_counter() - started, 3)
    outcome.result, outcome.detail = ("saved", "") if step == "done" else (f"job {step}", job)
    return outcome


def check_database(database_path, outcomes):
    """Problems with what was written (empty when every save was written whole, once)."""
    problems = []
    saved = Counter(o.month for o in outcomes if o.result == "saved" and o.kind != "enterprise")
    values = {}
    for o in outcomes:
        if o.result == "saved" and o.kind != "enterprise":
            values.setdefault(o.month, set()).add(o.value)
    with sqlite3.connect(database_path) as db:
        for month in {o.month for o in outcomes if o.kind != "enterprise"}:
            day = f"{month}-01"
            stored = [v for (v,) in db.execute("SELECT value FROM targets_monthlycount WHERE month = ?", (day,))]
            history = db.execute("SELECT COUNT(*) FROM targets_historicalmonthlycount WHERE month = ?", (day,))
            history = history.fetchone()[0]
            if saved[month] and (len(stored) != CELLS_PER_MONTH or len(set(stored)) != 1):
                problems.append(f"{month}: the cells hold {sorted(set(stored))}, not one save's value")
            elif stored and stored[0] not in values.get(month, ()):
                problems.append(f"{month}: {stored[0]} is no successful save's value")
            if history != CELLS_PER_MONTH * saved[month]:
                problems.append(f"{month}: {history} history rows for {saved[month]} saves")
    return problems


def burst(site, workdir, saves, imports, months, enterprise_imports=0, enterprise_rows=0, sessions=2):
    """Fire every write at once; (the outcomes, seconds from the start to the last answer)."""
    month_list = loggable_months(months)
    outcomes, jobs = [], []
    firms = enterprise_file(enterprise_rows, workdir) if enterprise_imports else b""
    logged_in = [site.login() for _ in range(min(sessions, saves))]
    released = []
    start = threading.Barrier(
        saves + imports + enterprise_imports, action=lambda: released.append(time.perf_counter()), timeout=120
    )
    for i in range(saves):
        jobs.append((grid_save, Outcome("grid", month_list[i % months], 1000 + i), [logged_in[i % len(logged_in)]]))
    for i in range(imports):
        jobs.append((count_import, Outcome("import", month_list[i % months], 5000 + i), []))
    for i in range(enterprise_imports):
        jobs.append((enterprise_import, Outcome("enterprise", "", i), [firms]))

    def run(call, outcome, extra):
        try:
            call(site, outcome, start, *extra)
        except Exception as exc:  # noqa: BLE001 - reported as the outcome
            outcome.result, outcome.detail = "client error", repr(exc)[:200]
            start.abort()
        outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, round(time.perf_counter() - released[0], 1) if released else None


def run(server, port, *, saves=50, imports=4, months=3, enterprise_imports=0, enterprise_rows=2000, workdir=None):
    """Prepare a database, start the server and the worker, fire the burst, check the database."""
    workdir = Path(workdir or tempfile.mkdtemp(prefix="beibei-sqlite-"))
    database = workdir / f"{server}.sqlite3"
    template = workdir / "prepared.sqlite3"
    if not template.exists():
        prepare(template)
    shutil.copyfile(template, database)
    env = server_env(
        f"sqlite:///{database}", server, MEDIA_ROOT=str(workdir / "uploads"), ENTERPRISE_BACKGROUND_BYTES="1"
    )
    site = Site(port, RUNSERVER_CONNECTIONS if server == "runserver" else saves + imports + enterprise_imports)
    with Processes(env, server, port, workdir) as processes:
        outcomes, seconds = burst(site, workdir, saves, imports, months, enterprise_imports, enterprise_rows)
        worker_alive = processes.worker_alive()
    return {
        "server": server,
        "connections": site.connections,
        "outcomes": outcomes,
        "seconds": seconds,
        "worker_alive": worker_alive,
        "problems": check_database(database, outcomes),
        "logs": str(workdir),
    }


def summary(result):
    """Counts of each answer and latencies, per kind of write, as printable lines."""
    lines = [
        f"== {result['server']} ({result['connections']} requests in flight at most): {result['seconds']} s, "
        f"worker alive: {result['worker_alive']} =="
    ]
    for kind in ("grid", "import", "enterprise"):
        rows = [o for o in result["outcomes"] if o.kind == kind]
        if not rows:
            continue
        counts = Counter(o.result for o in rows)
        times = sorted(o.seconds * 1000 for o in rows)
        lines.append(
            f"{kind:10} {len(rows):3} writes: "
            + ", ".join(f"{name} {n}" for name, n in sorted(counts.items()))
            + f"; ms median {statistics.median(times):.0f}, p90 {times[math.ceil(len(times) * 0.9) - 1]:.0f}, "
            f"max {times[-1]:.0f}"
        )
    for o in result["outcomes"]:
        if o.result not in ("saved", "race"):
            lines.append(f"  unexpected {o.kind} {o.month} {o.value}: {o.result} {o.detail}")
    lines.extend(f"  database: {problem}" for problem in result["problems"])
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=50, help="grid saves fired at once (default 50)")
    parser.add_argument("--imports", type=int, default=4, help="count imports among them (default 4)")
    parser.add_argument("--months", type=int, default=3, help="months the saves are spread over (default 3)")
    parser.add_argument("--enterprise-imports", type=int, default=1, help="enterprise imports run by the worker")
    parser.add_argument("--enterprise-rows", type=int, default=2000, help="firms in each enterprise file")
    parser.add_argument("--server", default="runserver,gunicorn", help="runserver (make run), gunicorn (make serve)")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="beibei-sqlite-"))
    failed = False
    for server in args.server.split(","):
        result = run(
            server, args.port or free_port(), saves=args.saves, imports=args.imports, months=args.months,
            enterprise_imports=args.enterprise_imports, enterprise_rows=args.enterprise_rows, workdir=workdir,
        )  # fmt: skip
        print("\n".join(summary(result)), flush=True)
        bad = [o for o in result["outcomes"] if o.result not in ("saved", "race")]
        failed |= bool(bad or result["problems"] or not result["worker_alive"])
    print(f"logs and databases in {workdir}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
