from django.core.management.base import BaseCommand

from beibei_dashboard.reminders import email_configured, send_reminders


class Command(BaseCommand):
    help = "按每个账号的待办清单发送提醒邮件（供 cron 调用）；未配置邮件时不发送并说明。"

    def handle(self, *args, **options):
        if not email_configured():
            self.stdout.write(
                "未配置邮件（EMAIL_HOST 为空），未发送任何提醒。请在环境变量中设置 EMAIL_HOST 等邮件参数。"
            )
            return
        run = send_reminders()
        self.stdout.write(f"已发送提醒 {len(run.sent)} 封：{'、'.join(run.sent) or '无'}。")
        if run.no_address:
            self.stdout.write(f"有待办但账号未填写邮箱，未发送：{'、'.join(run.no_address)}。")
        self.stdout.write(f"没有待办的账号 {run.nothing_to_do} 个。")
