from django.core.management.base import BaseCommand, CommandError

from demo.enterprises import write_xlsx
from targets.progress import district_subdistricts


class Command(BaseCommand):
    help = "生成一份模拟企业名录（统一社会信用代码校验位正确），供试用导入和性能测试。相同参数生成相同文件。"

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=3000, help="企业数量（默认 3000）")
        parser.add_argument("--seed", type=int, default=2025, help="随机种子（默认 2025）")
        parser.add_argument("--output", required=True, help="输出的 .xlsx 文件")

    def handle(self, *args, **options):
        if options["count"] < 1:
            raise CommandError("企业数量应大于 0。")
        if not options["output"].lower().endswith(".xlsx"):
            raise CommandError("输出文件应以 .xlsx 结尾。")
        try:
            # the firms of today's units: a unit that has left the district takes its firms with it
            units = [sub.name for sub in district_subdistricts()] or None
            write_xlsx(options["output"], options["count"], options["seed"], units=units)
        except OSError as error:
            raise CommandError(f"无法写入文件：{error.strerror}") from None
        self.stdout.write(self.style.SUCCESS(f"已生成 {options['count']} 家企业：{options['output']}"))
