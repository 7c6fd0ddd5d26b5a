"""The benchmark of issues 8 and 16 (`make bench`): throughput at the district's size as a share
of a bare Django view served by the same gunicorn in the same run (the floor), latency at city
scale and the first chart in Chromium, on SQLite and PostgreSQL with the production defaults
(DEBUG=0, persistent connections with health checks).

For each database: a fresh database, migrate, load_plan, seed_demo; gunicorn with two workers
(DEBUG=0, static files by WhiteNoise after collectstatic) on 127.0.0.1; log in once as the
demo `leader`. Then generate_scale_data (1,000 sub-districts, 100,000 firms) in the same
database and time the pages again. Results go to bench/results/*.json and a table is printed.

Usage: .venv/bin/python bench/run.py [--db sqlite,postgres] [--seconds 6] [--port 8019]
"""

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from client import after_change, latency, login, throughput  # noqa: E402
from first_chart import first_chart  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
HOST = "127.0.0.1"
PG_NAME = os.environ.get("BENCH_PG_NAME", "beibei_bench")  # another name when several people bench at once
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
PASSWORD = "beibei-demo-2027"  # noqa: S105 - the demo password, printed by seed_demo
BIG_DISTRICT = "wanzhou"  # the largest district of the generated city (52 sub-districts)
FLOOR = "/bench/floor"  # bench/floor_urls.py: a bare view through the same middleware
# Issue 16's goals on PostgreSQL: each page's throughput as a share of the floor's.
GOALS = {"/": 0.15, "/bulletin/": 0.15, "/subdistricts/tiansheng/": 0.15, "/api/v1/progress": 0.08}
AFTER_CHANGE_GOAL_MS = 50  # issue 16: the first render after a change, at the district's size


def goal_for(path):
    bare = path.split("?")[0]
    if bare == "/":
        return GOALS["/"]
    return next((goal for prefix, goal in GOALS.items() if prefix != "/" and bare.startswith(prefix)), None)


def last_month():
    today = dt.date.today()
    first = today.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year}-{first.month:02d}"


def env_for(database_url, **extra):
    env = {k: v for k, v in os.environ.items() if k not in {"DISTRICT_SLUG", "PAGE_CACHE_SECONDS"}}
    env.update(
        DATABASE_URL=database_url, DEBUG="0", SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",  # noqa: S106
        ALLOWED_HOSTS=HOST, LOG_LEVEL="ERROR", DJANGO_SETTINGS_MODULE="floor_settings",
        PYTHONPATH=str(ROOT / "bench"), **extra,
    )  # fmt: skip
    return env


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


class Gunicorn:
    """gunicorn with two workers, stopped on exit whatever happens."""

    def __init__(self, env, port):
        self.env, self.port = env, port

    def __enter__(self):
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "beibei_dashboard.wsgi:application", "--workers", "2",
             "--bind", f"{HOST}:{self.port}", "--log-level", "warning"],
            cwd=ROOT, env=self.env,
        )  # fmt: skip
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://{HOST}:{self.port}/healthz", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def fresh_database(kind, tmp):
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'bench.sqlite3'}"
    pg = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
    subprocess.run(["dropdb", *pg, "--if-exists", PG_NAME], check=True)  # noqa: S603, S607
    subprocess.run(["createdb", *pg, PG_NAME], check=True)  # noqa: S603, S607
    return PG_URL


def drop_database(kind):
    if kind == "postgres":
        pg = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
        subprocess.run(["dropdb", *pg, "--if-exists", PG_NAME], check=True)  # noqa: S603, S607


def bench_database(kind, args, tmp):
    month = last_month()
    pages = [
        FLOOR,
        "/",
        f"/bulletin/{month}/",
        "/subdistricts/tiansheng/",
        f"/api/v1/progress?month={month}",
        "/healthz",
    ]
    url = fresh_database(kind, tmp)
    env = env_for(url)
    out = {"database": kind}
    try:
        for step in (["migrate", "--no-input"], ["load_plan"], ["seed_demo"]):
            manage(env, *step)
        with Gunicorn(env, args.port):
            cookies = login(HOST, args.port, "leader", PASSWORD)
            rows = [throughput(HOST, args.port, p, cookies, args.threads, args.seconds) for p in pages]
            floor = rows[0]["rps"]
            for row in rows:
                row["vs_floor"] = round(row["rps"] / floor, 3)
                row["goal"] = goal_for(row["path"])
            out["district"] = rows
            print(f"[{kind}] district size: " + ", ".join(f"{r['path']} {r['rps']}/s" for r in rows), flush=True)
            out["after_change"] = [after_change(HOST, args.port, p, cookies) for p in pages[1:5]]
            print(f"[{kind}] first render after a change: {out['after_change']}", flush=True)
            out["first_chart"] = first_chart(f"http://{HOST}:{args.port}", pages[1:4], cookies)
            print(f"[{kind}] first chart: {out['first_chart']}", flush=True)

        if args.no_city:
            return out
        started = time.perf_counter()
        manage(env, "generate_scale_data", "--subdistricts", "1000", "--enterprises", "100000")
        out["generate_seconds"] = round(time.perf_counter() - started, 1)
        print(f"[{kind}] generate_scale_data: {out['generate_seconds']} s", flush=True)
        city_pages = [
            "/",
            f"/api/v1/progress?month={month}",
            f"/api/v1/forecast?year={month[:4]}",
            f"/bulletin/{month}/",
        ]
        out["city"] = []
        for slug in ("beibei", BIG_DISTRICT):
            for cache in ("600", "0"):
                run_env = env_for(url, DISTRICT_SLUG=slug, PAGE_CACHE_SECONDS=cache)
                with Gunicorn(run_env, args.port):
                    cookies = login(HOST, args.port, "leader", PASSWORD)
                    for path in city_pages:
                        row = latency(HOST, args.port, path, cookies, args.count)
                        row.update(district=slug, cache=cache != "0")
                        out["city"].append(row)
                        print(f"[{kind}] city {slug} cache={cache}: {row}", flush=True)
    finally:
        drop_database(kind)
    return out


def machine():
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    mem_kb = int(next(line.split()[1] for line in meminfo if line.startswith("MemTotal")))
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gb": round(mem_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "date": dt.date.today().isoformat()}  # fmt: skip


def print_table(results):
    print(f"\n机器：{results['machine']}")
    for db in results["databases"]:
        print(f"\n== {db['database']}：北碚区规模（17 个街镇），gunicorn 2 workers，4 个并发客户端 ==")
        print(f"{'页面':<32}{'请求/秒':>10}{'中位(ms)':>10}{'占底线':>10}{'目标(PG)':>10}")
        for r in db["district"]:
            goal = f"≥{r['goal']}" if r.get("goal") else ""
            met = ("达标" if r["vs_floor"] >= r["goal"] else "未达标") if r.get("goal") else ""
            print(f"{r['path']:<32}{r['rps']:>10}{r['median_ms']:>10}{r['vs_floor']:>10}{goal:>10} {met}")
        print(f"数据更正后的第一次请求（顺序，中位 ms，目标 ≤ {AFTER_CHANGE_GOAL_MS}）：")
        for r in db.get("after_change", []):
            met = "达标" if r["median_ms"] <= AFTER_CHANGE_GOAL_MS else "未达标"
            print(f"  {r['path']:<32} 中位 {r['median_ms']}，最长 {r['max_ms']} {met}")
        print("首个图表绘制完成（自导航开始，ms）：")
        for r in db["first_chart"]:
            print(f"  {r['path']:<30} 首次 {r['first_visit_ms']}，其后中位 {r['median_ms']}，最长 {r['max_ms']}")
        if "city" not in db:
            continue
        print(f"全市规模（1000 个街镇、100000 家企业；生成用时 {db['generate_seconds']} 秒），顺序请求的延迟：")
        print(f"{'DISTRICT_SLUG':<14}{'缓存':<6}{'页面':<32}{'首次(ms)':>10}{'中位(ms)':>10}{'最长(ms)':>10}")
        for r in db["city"]:
            cache = "开" if r["cache"] else "关"
            print(
                f"{r['district']:<14}{cache:<6}{r['path']:<32}{r['first_ms']:>10}{r['median_ms']:>10}{r['max_ms']:>10}"
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--seconds", type=float, default=6.0, help="seconds of load per page")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--count", type=int, default=25, help="sequential requests per page at city scale")
    parser.add_argument("--port", type=int, default=8019)
    parser.add_argument("--no-city", action="store_true", help="the district's size only (no city-scale data)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="beibei_bench_"))
    try:
        subprocess.run(  # noqa: S603 - collectstatic once: the manifest is the same for every database
            [sys.executable, "manage.py", "collectstatic", "--no-input", "--clear"],
            cwd=ROOT, env=env_for(f"sqlite:///{tmp / 'static.sqlite3'}"), check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        results = {"machine": machine(), "databases": []}
        for kind in args.db.split(","):
            results["databases"].append(bench_database(kind, args, tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"bench-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print_table(results)
    print(f"\n结果已写入 {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
