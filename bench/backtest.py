"""The forecast's backtest on the demo data (issue 17), recorded like the other benchmarks.

A fresh SQLite database: migrate, load_plan, seed_demo; then `enterprises.forecast_backtest.backtest()`,
the same figures as the 预测准确度 page (/warnings/accuracy/). Prints the table and writes
bench/results/backtest-*.json.

Usage: .venv/bin/python bench/backtest.py
"""

import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def main():
    sys.path.insert(0, str(ROOT))
    folder = tempfile.mkdtemp(prefix="beibei_backtest_")
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'backtest.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beibei_dashboard.settings")
    import django

    django.setup()
    from django.core.management import call_command

    for step in (["migrate", "-v0"], ["load_plan"], ["seed_demo"]):
        call_command(*step, stdout=open(os.devnull, "w"))  # noqa: SIM115
    from enterprises.forecast_backtest import backtest

    out = {"date": dt.date.today().isoformat(), "sections": []}
    for section in backtest():
        rows = []
        for unit, district in section.rows:
            rows.append(
                {
                    "month": unit.month,
                    "cases": unit.cases,
                    "subdistrict_mae": unit.mae_float,
                    "subdistrict_mae_without_pipeline": unit.mae_without_pipeline_float,
                    "subdistrict_pipeline_cases": unit.pipeline_cases,
                    "subdistrict_mae_counts_only": unit.mae_counts_float,
                    "subdistrict_mae_linear": unit.mae_linear_float,
                    "subdistrict_mae_pct_of_december": unit.relative_pct,
                    "district_mae": district.mae_float,
                    "district_mae_without_pipeline": district.mae_without_pipeline_float,
                    "district_pipeline_months": district.pipeline_cases,
                    "district_mae_counts_only": district.mae_counts_float,
                    "district_mae_linear": district.mae_linear_float,
                    "district_mae_pct_of_december": district.relative_pct,
                }
            )
        out["sections"].append({"metric": section.metric, "years": section.years, "rows": rows})
        print(f"\n{section.label}（回测年份：{'、'.join(map(str, section.years))}）")
        print(
            f"{'月':>3}{'有进程':>6}{'街镇模型':>8}{'不用进程':>8}{'仅月度':>6}{'线性':>6}"
            f"{'全区模型':>8}{'不用进程':>8}{'仅月度':>6}{'线性':>6}{'全区误差%':>8}"
        )
        for r in rows:
            print(
                f"{r['month']:>3}{r['subdistrict_pipeline_cases']:>9}{r['subdistrict_mae']:>10}"
                f"{r['subdistrict_mae_without_pipeline']:>10}{r['subdistrict_mae_counts_only']:>10}"
                f"{r['subdistrict_mae_linear']:>8}{r['district_mae']:>10}{r['district_mae_without_pipeline']:>10}"
                f"{r['district_mae_counts_only']:>10}{r['district_mae_linear']:>8}{r['district_mae_pct_of_december']:>10}"
            )
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"backtest-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\n结果已写入 {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
