from django.core.management.base import BaseCommand

from jingzhun.areas.services import NATIONAL_CSV, load_national_divisions


class Command(BaseCommand):
    help = "载入全国省、市、县三级统计用区划代码（可重复执行）。"

    def handle(self, *args, **options):
        added = load_national_divisions()
        self.stdout.write(f"已载入 {added} 个新的省/市/县区划（来源：{NATIONAL_CSV.name}）。")
