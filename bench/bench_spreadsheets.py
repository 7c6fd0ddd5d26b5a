"""Benchmark of issue 13: every hostile spreadsheet refused within 300 MB and 10 s, and what the
big legitimate files cost to read, each in a fresh process (peak RSS of that process).

Run with `.venv/bin/python bench/bench_spreadsheets.py [FIRMS]` (default 100,000 firms).
Hostile files: tests/spreadsheet_corpus.py (HOSTILE). Big files: a month's counts (17 rows),
FIRMS generated firms (.xlsx by generate_enterprises) and the same as CSV.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT_MB, LIMIT_S = 300, 10

READ_ONE = """
import os, resource, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beibei_dashboard.settings")
import django
django.setup()
from targets.spreadsheets import FileRejected, open_workbook
data = open({path!r}, "rb").read()
started, refusal, rows = time.perf_counter(), "", 0
try:
    rows = sum(len(s.rows) for s in open_workbook(data, {path!r}).sheets)
except FileRejected as rejected:
    refusal = str(rejected)
seconds = time.perf_counter() - started
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, seconds, rows, refusal, sep="\\t")
"""


def read_in_fresh_process(path):
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", READ_ONE.format(root=str(ROOT), path=str(path))],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    peak, seconds, rows, refusal = done.stdout.rstrip("\n").splitlines()[-1].split("\t")
    return float(peak), float(seconds), int(rows), refusal


def main():
    firms = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print(f"{'文件':<28}{'峰值内存 MB':>12}{'秒':>8}  结果")
    measured = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "tests" / "targets" / "measure_hostile.py")],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    worst = (0, 0)
    for name, (peak, seconds, refusal) in json.loads(measured.stdout).items():
        worst = (max(worst[0], peak), max(worst[1], seconds))
        print(f"{name:<28}{peak:>12.0f}{seconds:>8.2f}  拒绝：{refusal[:40]}")
    tmp = Path(tempfile.mkdtemp(prefix="bench_spreadsheets_"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}"}
    for step in (["migrate", "-v0"], ["load_plan"]):
        subprocess.run([sys.executable, "manage.py", *step], check=True, cwd=ROOT, env=env, capture_output=True)  # noqa: S603
    big = Path(os.environ.get("BENCH_FIRMS_XLSX") or tmp / "firms.xlsx")  # reuse a generated file
    if not big.exists():
        started = time.perf_counter()
        command = ["generate_enterprises", "--count", str(firms), "--seed", "7", "--output", str(big)]
        subprocess.run([sys.executable, "manage.py", *command], check=True, cwd=ROOT, env=env, capture_output=True)  # noqa: S603
        print(f"（生成 {firms} 家企业的 xlsx：{time.perf_counter() - started:.0f} 秒）")
    for path in (big,):
        peak, seconds, rows, refusal = read_in_fresh_process(path)
        print(f"{path.name:<28}{peak:>12.0f}{seconds:>8.2f}  {'拒绝：' + refusal if refusal else f'读取 {rows} 行'}")
    verdict = "达标" if worst[0] < LIMIT_MB and worst[1] < LIMIT_S else "未达标"
    print(
        f"恶意文件：最高 {worst[0]:.0f} MB、最长 {worst[1]:.2f} 秒（要求 < {LIMIT_MB} MB、< {LIMIT_S} 秒）：{verdict}"
    )


if __name__ == "__main__":
    main()
