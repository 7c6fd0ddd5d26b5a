from django.core.management import call_command
from django.core.management.base import BaseCommand

# Rebuilt by `migrate`, or only useful to a running server: not part of a backup.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
    "django_tasks_database",
    "enterprises.importjob",
]


class Command(BaseCommand):
    help = "把全部数据（含修改历史）导出为一个 JSON 文件，SQLite 和 PostgreSQL 通用；用 import_data 恢复。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="输出文件，如 backup-2026-11-24.json")

    def handle(self, *args, **options):
        call_command(
            "dumpdata",
            format="exactjson",  # timestamps to the microsecond; loaddata reads it as .json
            natural_foreign=True,
            use_base_manager=True,  # every district's rows, not only DISTRICT_SLUG's
            exclude=EXCLUDED,
            output=options["file"],
            verbosity=0,
        )
        self.stdout.write(self.style.SUCCESS(f"已导出到 {options['file']}（佐证材料文件另需备份 MEDIA_ROOT 目录）。"))
