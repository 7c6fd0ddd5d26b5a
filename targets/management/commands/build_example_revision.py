from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from targets.example_revision import EXAMPLE_PATH, build_example


class Command(BaseCommand):
    help = "重新生成示例修订表 fixtures/example-revision.xlsx（演示用，非正式文件）。"

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(EXAMPLE_PATH), help="输出文件（默认 fixtures/ 下）")

    def handle(self, *args, **options):
        path = Path(options["output"])
        path.write_bytes(build_example())
        shown = path.relative_to(settings.BASE_DIR) if path.is_relative_to(settings.BASE_DIR) else path
        self.stdout.write(self.style.SUCCESS(f"已生成示例修订表：{shown}"))
