from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from targets import freshness
from targets.models import District, MonthlyCount


class Command(BaseCommand):
    help = "从 export_data 导出的 JSON 文件恢复全部数据，只能恢复到刚 migrate、尚未载入任何数据的空数据库。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="export_data 导出的 JSON 文件")

    def handle(self, *args, **options):
        if District.objects.exists() or MonthlyCount.objects.exists():
            raise CommandError("目标数据库已有数据：请在新建的空数据库上运行 migrate 后再恢复，不要先运行 load_plan。")
        try:
            with transaction.atomic():
                call_command("loaddata", options["file"], verbosity=0)
                freshness.bump()  # loaddata sends raw saves, which no cached page hears of
        except Exception as exc:  # loaddata raises many kinds; report them without a traceback
            raise CommandError(f"恢复失败，未写入任何数据：{exc}") from None
        self.stdout.write(self.style.SUCCESS(f"已从 {options['file']} 恢复全部数据。"))
