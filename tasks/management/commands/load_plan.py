from django.core.management.base import BaseCommand

from targets.plan import PLAN_FIXTURE
from tasks.plan import load_plan


class Command(BaseCommand):
    help = "载入《双倍增行动计划实施方案》的目标任务分解表、目标指标和重点任务（可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(PLAN_FIXTURE), help="计划数据文件（默认 fixtures/plan.json）")

    def handle(self, *args, **options):
        report = load_plan(options["file"])
        if not report.changed:
            self.stdout.write("计划数据已是最新，无改动。")
            return
        for label, n in report.created.items():
            self.stdout.write(f"新增 {label} {n} 条")
        for label, n in report.updated.items():
            self.stdout.write(f"更新 {label} {n} 条")
        self.stdout.write(self.style.SUCCESS("计划数据载入完成。"))
