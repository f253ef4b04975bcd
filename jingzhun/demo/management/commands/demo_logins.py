from django.core.management.base import BaseCommand

from jingzhun.demo.users import logins_table


class Command(BaseCommand):
    help = "打印演示账号。"

    def handle(self, *args, **options):
        rows = logins_table()
        if not rows:
            self.stdout.write("尚无演示账号，请先运行 load_demo。")
            return
        self.stdout.write("演示账号 / Demo logins (密码 password):")
        for username, scope, password in rows:
            self.stdout.write(f"  {username:<12} {password:<14} {scope}")
