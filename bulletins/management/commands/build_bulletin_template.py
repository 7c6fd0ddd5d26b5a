from django.core.management.base import BaseCommand

from bulletins.docx_template import TEMPLATE_PATH, build_default_template


class Command(BaseCommand):
    help = "重新生成随系统提供的月通报Word模板（bulletins/docx/bulletin.docx）。"

    def handle(self, *args, **options):
        TEMPLATE_PATH.write_bytes(build_default_template())
        self.stdout.write(self.style.SUCCESS(f"已写入 {TEMPLATE_PATH}"))
