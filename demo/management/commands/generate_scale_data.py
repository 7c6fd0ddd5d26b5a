import time

from django.core.management.base import BaseCommand, CommandError

from demo import jobs
from demo.scale import AlreadyGenerated, generate


class Command(BaseCommand):
    help = (
        "生成全市规模的测试数据（性能基准用）：重庆 38 个区县、共 N 个街镇（保留北碚区 17 个），"
        "2023年1月至上月的目标与月度数据，以及 M 家企业。只能在 load_plan 之后的新数据库上运行一次。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--subdistricts", type=int, default=1000, help="街镇总数（含北碚区，默认 1000）")
        parser.add_argument("--enterprises", type=int, default=100_000, help="企业数量（默认 100000）")
        parser.add_argument("--seed", type=int, default=2025, help="随机种子（默认 2025）")
        parser.add_argument("--background", action="store_true", help="交给后台任务（db_worker）生成，命令立即返回")

    def handle(self, *args, **options):
        if options["enterprises"] < 0:
            raise CommandError("企业数量不能为负数。")
        if options["background"]:
            result = jobs.generate_scale_data.enqueue(options["subdistricts"], options["enterprises"], options["seed"])
            self.stdout.write(
                self.style.SUCCESS(
                    f"已交给后台任务（编号 {result.id}），由 manage.py db_worker 生成；完成情况见其日志。"
                )
            )
            return
        started = time.perf_counter()
        try:
            report = generate(
                options["subdistricts"], options["enterprises"], options["seed"], stdout=self.stdout.write
            )
        except (AlreadyGenerated, LookupError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"规模测试数据已生成：新增 {report.districts} 个区县、{report.subdistricts} 个街镇、"
                f"{report.counts} 条月度数据、{report.enterprises} 家企业，"
                f"用时 {time.perf_counter() - started:.1f} 秒。"
            )
        )
