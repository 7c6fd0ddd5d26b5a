"""Benchmark: import 100,000 generated firms from .xlsx into a fresh SQLite database.

Run with `.venv/bin/python bench/bench_import_enterprises.py [COUNT]`; prints rows per second
and total seconds (generation of the file is timed separately and not counted).
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    tmp = Path(tempfile.mkdtemp(prefix="bench_enterprises_"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beibei_dashboard.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from enterprises.importers import run_import
    from enterprises.models import Enterprise, HighTechRecognition
    from tasks.plan import load_plan

    call_command("migrate", verbosity=0)
    load_plan()
    path = tmp / "firms.xlsx"
    started = time.perf_counter()
    # In its own process, so that the generator's million cells do not weigh on the import.
    subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, str(ROOT / "manage.py"), "generate_enterprises", "--count", str(count), "--seed", "7",
         "--output", str(path)],
        check=True,
        env=os.environ,
    )  # fmt: skip
    print(f"生成 {count} 行 xlsx：{time.perf_counter() - started:.1f} 秒（{path.stat().st_size / 1e6:.1f} MB）")

    started = time.perf_counter()
    summary = run_import(path.read_bytes(), path.name)
    seconds = time.perf_counter() - started
    assert Enterprise.objects.count() == count == summary.created
    certificates = HighTechRecognition.objects.count()
    print(f"导入 {count} 行：{seconds:.1f} 秒，{count / seconds:,.0f} 行/秒；高新技术企业证书 {certificates} 张")

    started = time.perf_counter()
    summary = run_import(path.read_bytes(), path.name)
    seconds = time.perf_counter() - started
    print(f"再次导入（全部无变化 {summary.unchanged}）：{seconds:.1f} 秒，{count / seconds:,.0f} 行/秒")

    import datetime as dt

    from targets.models import SubDistrict

    started = time.perf_counter()
    rows = Enterprise.objects.counts_by_subdistrict(SubDistrict.objects.in_plan_order(), dt.date.today())
    print(
        f"按街镇统计（数据库聚合）：{time.perf_counter() - started:.2f} 秒，"
        f"高新 {sum(r.high_tech for r in rows)} 家，科技型 {sum(r.tech_based for r in rows)} 家"
    )


if __name__ == "__main__":
    main()
