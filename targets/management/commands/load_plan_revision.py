from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from beibei_dashboard import commands
from beibei_dashboard.cleantext import clean_text
from beibei_dashboard.tables import upload_name
from targets.revisions import RevisionMeta, RevisionRejected, import_revision


class Command(BaseCommand):
    help = "从表格导入实施方案的修订（目标任务分解表的新版本），自起用月份起各月按新版本评价（全部校验通过才写入）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="修订表（.xlsx、.xls、.et、.ods 或 .csv），格式同方案附件")
        parser.add_argument("--number", required=True, type=clean_text, help="文号，如 北碚府办发〔2026〕1号")
        parser.add_argument("--date", required=True, help="印发日期，YYYY-MM-DD")
        parser.add_argument("--effective", required=True, help="起用月份，YYYY-MM")
        parser.add_argument("--title", default="", type=clean_text, help="标题")
        parser.add_argument("--reason", default="", type=clean_text, help="修订原因（改变已发布月份的评价时必填）")
        parser.add_argument("--example", action="store_true", help="示例（演示用，非正式文件）")
        parser.add_argument("--user", default=None, help="记入修改历史的用户名（默认不记用户）")
        parser.add_argument("--sheet", default=None, help="要导入的工作表名称（文件有多个填好的工作表时必填）")

    def handle(self, *args, **options):
        effective = commands.month_option(options["effective"])
        try:
            issued = date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(f"印发日期“{options['date']}”格式不对，应为 YYYY-MM-DD，如 2026-01-15") from None
        path = Path(options["file"])
        data = commands.read_file(path)
        user = commands.user_option(options["user"])
        meta = RevisionMeta(
            number=options["number"].strip(),
            issued=issued,
            effective=effective,
            title=options["title"].strip(),
            reason=options["reason"].strip(),
            is_example=options["example"],
        )
        try:
            version = import_revision(upload_name(path.name), data, meta, user, sheet=options["sheet"])
        except RevisionRejected as exc:
            message = f"修订未导入，未写入任何数据（共 {len(exc.errors)} 个问题）。"
            raise commands.refusal(self.stderr, exc.errors, message) from None
        lines = version.lines.count()
        self.stdout.write(
            self.style.SUCCESS(f"已导入方案版本{version.label}：{lines}个街镇，自{effective.label}起按该版本评价。")
        )
