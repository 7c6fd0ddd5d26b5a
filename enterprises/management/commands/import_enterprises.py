from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from beibei_dashboard import commands
from enterprises.importers import MAX_BYTES, ImportRefused, run_import


class Command(BaseCommand):
    help = "从 Excel（.xlsx）或 CSV 文件导入企业名录：按统一社会信用代码匹配，有任何一行错误则什么都不写入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx、.xlsm、.xls、.et、.ods 或 .csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
        parser.add_argument("--sheet", default=None, help="要导入的工作表名称（文件有多个填好的工作表时必填）")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请拆分后导入。")
            data = path.read_bytes()
        except OSError:
            raise CommandError(f"无法读取文件：{path}") from None
        try:
            summary = run_import(data, path.name, dry_run=options["dry_run"], sheet=options["sheet"])
        except ImportRefused as refused:
            message = f"文件有 {refused.total} 处错误，未导入任何数据。"
            raise commands.refusal(self.stderr, refused.problems, message) from None
        for note in summary.notes:
            self.stdout.write(note)
        verb = "检查通过（未写入）" if options["dry_run"] else "导入完成"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}：共 {summary.rows} 行，新增企业 {summary.created} 家，更新 {summary.updated} 家，"
                f"无变化 {summary.unchanged} 家；新增高新技术企业证书 {summary.recognitions_added} 张。"
            )
        )
