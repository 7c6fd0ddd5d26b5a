from django.core.management.base import BaseCommand, CommandError

from accounts.choices import Role
from accounts.services import AccountError, save_account


class Command(BaseCommand):
    help = "创建或更新账号：bureau（区科技局）、leader（区领导）、subdistrict（街镇）、unit（责任单位）。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--subdistrict", help="街镇标识，角色为 subdistrict 时必填，如 tiansheng")
        parser.add_argument("--unit", help="单位名称，角色为 unit 时必填，如 区经济信息委")
        parser.add_argument("--password", help="不填时新账号生成随机密码，已有账号保留原密码")

    def handle(self, *args, **options):
        try:
            user, created, generated = save_account(
                options["username"], options["role"], options["subdistrict"], options["unit"], options["password"]
            )
        except AccountError as exc:
            raise CommandError(str(exc)) from None
        verb = "已创建" if created else "已更新"
        self.stdout.write(self.style.SUCCESS(f"{verb}账号 {user.username}（{user.get_role_display()}）"))
        if generated:
            self.stdout.write(f"初始密码：{generated}")
