from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from beibei_dashboard import commands
from enterprises import official_lists
from enterprises.importers import MAX_BYTES, ImportRefused
from enterprises.pipeline import MAX_BATCH
from targets.choices import PLAN_YEARS


class Command(BaseCommand):
    help = (
        "导入高新技术企业申报名单或公示/备案名单：先列出每行将做什么和未匹配的企业；"
        "加 --confirm 才写入（有未匹配的行时还须 --accept-unmatched 行数），有任何错误则什么都不写入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx、.xls、.et、.ods 或 .csv 文件")
        parser.add_argument(
            "--kind",
            required=True,
            choices=list(official_lists.KINDS),
            help="application（申报名单）或 recognition（公示/备案名单）",
        )
        parser.add_argument("--year", required=True, type=int, choices=PLAN_YEARS, help="名单的年度")
        parser.add_argument("--batch", required=True, type=int, choices=range(1, MAX_BATCH + 1), help="批次")
        parser.add_argument("--confirm", action="store_true", help="写入（否则只预览）")
        parser.add_argument("--accept-unmatched", type=int, default=None, help="确认未匹配的行数，这些行不导入")
        parser.add_argument("--sheet", default=None, help="要导入的工作表名称")
        parser.add_argument("--user", default=None, help="记入历史的账号（用户名）")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请拆分后导入。")
            data = path.read_bytes()
        except OSError:
            raise CommandError(f"无法读取文件：{path}") from None
        user = commands.user_option(options["user"])
        try:
            preview = official_lists.run(
                data, path.name, options["kind"], options["year"], options["batch"], user=user,
                confirm=options["confirm"], accept_unmatched=options["accept_unmatched"], sheet=options["sheet"],
            )  # fmt: skip
        except ImportRefused as refused:
            raise commands.refusal(
                self.stderr, refused.problems, f"名单有 {refused.total} 处问题，未导入任何数据。"
            ) from None
        for note in preview.notes:
            self.stdout.write(note)
        for row in preview.matched:
            notes = f"（{'；'.join(row.notes)}）" if row.notes else ""
            self.stdout.write(f"第{row.row}行 {row.enterprise.name}（{row.matched_by}匹配）：{row.action}{notes}")
        for row in preview.unmatched:
            self.stdout.write(f"第{row.row}行 {row.name}：未匹配，不导入——{row.unmatched_reason}")
        head = f"{preview.year}年第{preview.batch}批{preview.kind_label}：匹配 {len(preview.matched)} 家，"
        head += f"未匹配 {len(preview.unmatched)} 行"
        if options["confirm"]:
            self.stdout.write(self.style.SUCCESS(f"导入完成。{head}，更新认定进程 {preview.written} 家。"))
        else:
            self.stdout.write(f"预览（未写入）。{head}，将更新认定进程 {preview.changing} 家。加 --confirm 写入。")
