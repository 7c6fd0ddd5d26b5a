from django.core.management.base import BaseCommand, CommandError

from beibei_dashboard import commands
from beibei_dashboard.cleantext import clean_text
from bulletins.services import PublishRefused, publish


class Command(BaseCommand):
    help = "发布某月“高科双企”月通报（已发布的月份须加 --reason 发布修订版）。"

    def add_arguments(self, parser):
        parser.add_argument("month", help="月份，YYYY-MM")
        parser.add_argument("--reason", default="", type=clean_text, help="修订原因：发布修订版时必填")
        parser.add_argument("--user", default=None, help="记为发布人的用户名")
        parser.add_argument("--confirm-partial", action="store_true", help="确认在数据未齐（有街镇未填报）时发布")

    def handle(self, *args, **options):
        month = commands.month_option(options["month"])
        user = commands.user_option(options["user"])
        try:
            version = publish(month, user, options["reason"], options["confirm_partial"])
        except PublishRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"{month.label}通报已发布（第{version.number}版）。"))
