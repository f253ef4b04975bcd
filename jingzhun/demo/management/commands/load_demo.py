"""Build the demo county (areas, statistics, users). Deterministic with --seed; idempotent."""

import random
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from jingzhun.areas.models import Area
from jingzhun.core.services import audit_record
from jingzhun.demo.areas import COUNTY_CODE, DemoShape, build_county
from jingzhun.demo.users import create_users


class Command(BaseCommand):
    help = "生成演示县（虚构的云岭县）：区划、年度统计、各角色演示账号。已存在时跳过。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2014, help="随机种子（相同种子生成相同数据）")
        parser.add_argument("--scale", type=float, default=1.0, help="规模倍数（1 = 种子报告中的县）")
        parser.add_argument("--reset", action="store_true", help="已存在时先删除演示县的区划数据再重建")

    def handle(self, *args, seed, scale, reset, **options):
        started = time.monotonic()
        existing = Area.objects.filter(code=COUNTY_CODE).first()
        if existing and not reset:
            create_users(existing)
            self.stdout.write("演示县已存在，跳过生成（使用 --reset 重建）。")
            return
        rng = random.Random(seed)
        with transaction.atomic():
            if existing:
                _delete_county(existing)
            county = build_county(rng, DemoShape.scaled(scale))
            create_users(county)
            audit_record(actor=None, action="demo.load", target=county, after={"seed": seed, "scale": scale})
        n = Area.objects.filter(path__startswith=county.path).count()
        self.stdout.write(
            f"已生成演示县“{county.name}”：{n} 个区划，用时 {time.monotonic() - started:.1f} 秒。"
        )


def _delete_county(county: Area) -> None:
    from jingzhun.accounts.models import RoleAssignment, User
    from jingzhun.areas.models import AreaYearStat

    subtree = Area.objects.filter(path__startswith=county.path)
    RoleAssignment.objects.filter(area__in=subtree).delete()
    User.objects.filter(area__in=subtree).update(area=None)
    AreaYearStat.objects.filter(area__in=subtree).delete()
    for level in ("group", "hamlet", "village", "township", "county"):
        subtree.filter(level=level).delete()
