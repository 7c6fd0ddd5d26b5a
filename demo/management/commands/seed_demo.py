from django.core.management.base import BaseCommand, CommandError

from demo.services import DEMO_PASSWORD, clear_demo, seed_demo


class Command(BaseCommand):
    help = "载入演示账号（各角色）和演示数据；--clear 删除全部演示数据。"

    def add_arguments(self, parser):
        parser.add_argument("--clear", action="store_true", help="删除演示账号和演示数据")

    def handle(self, *args, **options):
        if options["clear"]:
            clear_demo()
            self.stdout.write(self.style.SUCCESS("演示数据已删除。"))
            return
        try:
            accounts = seed_demo()
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"演示数据已载入。演示账号（密码均为 {DEMO_PASSWORD}）："))
        for user in accounts:
            scope = user.subdistrict or user.unit or "全区"
            self.stdout.write(f"  {user.username:<18} {user.get_role_display()}（{scope}）")
