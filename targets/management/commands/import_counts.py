from pathlib import Path

from django.core.management.base import BaseCommand

from beibei_dashboard import commands
from beibei_dashboard.cleantext import clean_text
from beibei_dashboard.tables import upload_name
from targets.services import CountsRejected, import_counts


class Command(BaseCommand):
    help = "从 .xlsx 或 .csv 导入某月各街镇的高新技术企业和科技型企业数量（全部校验通过才写入）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="表格文件（.xlsx、.xlsm、.xls、.et、.ods，或 UTF-8、GBK、UTF-16 编码的 .csv）")
        parser.add_argument("--month", required=True, help="月份，YYYY-MM")
        parser.add_argument("--reason", default="", type=clean_text, help="更正原因：该月通报已发布（已锁定）时必填")
        parser.add_argument("--confirm", action="store_true", help="确认较上月下降或增长超过20%%的数值")
        parser.add_argument("--partial", action="store_true", help="只更新文件中列出的街镇（默认须包含全部街镇）")
        parser.add_argument("--user", default=None, help="记入修改历史的用户名（默认不记用户）")
        parser.add_argument(
            "--sheet",
            default=None,
            help="要导入的工作表名称（文件有多个填好的工作表、且没有一个以 --month 所指月份命名时必填）",
        )

    def handle(self, *args, **options):
        month = commands.month_option(options["month"])
        path = Path(options["file"])
        name = upload_name(path.name)  # stored with each count it writes (at most 200 characters)
        data = commands.read_file(path)
        user = commands.user_option(options["user"])
        notes = []
        try:
            written = import_counts(
                month,
                name,
                data,
                user,
                partial=options["partial"],
                reason=options["reason"],
                confirmed=options["confirm"],
                default_note=options["reason"] or f"导入确认：{path.name}",
                sheet=options["sheet"],
                notes=notes,
            )
        except CountsRejected as exc:
            hint = "；如确认无误，请加 --confirm 重新导入" if any("请确认" in e for e in exc.errors) else ""
            message = f"导入未执行，未写入任何数据（共 {len(exc.errors)} 个问题）{hint}。"
            raise commands.refusal(self.stderr, [*notes, *exc.errors], message) from None
        for note in notes:
            self.stdout.write(note)
        self.stdout.write(self.style.SUCCESS(f"{month.label}：已写入 {len(written)} 个数值（{path.name}）。"))
        for cell in written:
            old = "空" if cell.old is None else cell.old
            self.stdout.write(f"  {cell.subdistrict.name} {cell.metric_label}：{old} → {cell.new}")
