from django.core.management.base import BaseCommand, CommandError

from accounts import lockout


class Command(BaseCommand):
    help = "解除登录锁定：指定账号（加 --ip 只解除该地址的），或只用 --ip 解除整个地址；--list 列出锁定。"

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="", help="账号（用户名）")
        parser.add_argument("--ip", default="", help="IP地址")
        parser.add_argument("--list", action="store_true", help="列出目前的锁定")

    def handle(self, *args, username, ip, list, **options):
        if list:
            for lock in lockout.lockouts():
                who = lock.username or "（整个地址）"
                self.stdout.write(f"{who}\t{lock.ip_address}\t输错 {lock.failures} 次\t至 {lock.until:%Y-%m-%d %H:%M}")
            return
        if not (username or ip):
            raise CommandError("请指定账号，或用 --ip 指定IP地址（--list 列出目前的锁定）。")
        cleared = lockout.unlock(username, ip)
        if cleared:
            self.stdout.write(self.style.SUCCESS(f"已解除锁定（清除 {cleared} 条记录）。"))
        else:
            self.stdout.write("没有需要解除的锁定。")
