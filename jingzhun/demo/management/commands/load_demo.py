"""Build the demo county (areas, households, statistics, users). Deterministic with --seed; idempotent."""

import random
import time
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from jingzhun.areas.choices import AreaLevel
from jingzhun.areas.models import Area
from jingzhun.core.services import audit_record
from jingzhun.demo.areas import COUNTY_CODE, DemoShape, build_county, village_population, write_statistics
from jingzhun.demo.evaluation import delete_evaluations, demo_evaluation
from jingzhun.demo.exits import delete_exits, demo_exits
from jingzhun.demo.households import delete_households, generate
from jingzhun.demo.users import create_users


class Command(BaseCommand):
    help = "生成演示县（虚构的云岭县）：区划、农户与建档立卡户、年度统计、各角色演示账号。已存在时跳过。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2014, help="随机种子（相同种子生成相同数据）")
        parser.add_argument("--scale", type=float, default=1.0, help="规模倍数（1 = 种子报告中的县）")
        parser.add_argument("--reset", action="store_true", help="已存在时先删除演示县的全部数据再重建")
        parser.add_argument(
            "--areas-only", action="store_true", help="只生成区划、统计和账号，不生成农户（用于快速测试）"
        )

    def handle(self, *args, seed, scale, reset, areas_only, **options):
        if scale <= 0:
            self.stderr.write("--scale 必须大于 0。")
            return
        started = time.monotonic()
        existing = Area.objects.filter(code=COUNTY_CODE).first()
        if existing and not reset:
            create_users(existing)
            self.stdout.write("演示县已存在，跳过生成（使用 --reset 重建）。")
            return
        rng = random.Random(seed)
        shape = DemoShape.scaled(scale)
        result = None
        with transaction.atomic():
            if existing:
                _delete_county(existing)
            county = build_county(rng, shape)
            villages = list(
                Area.objects.filter(level=AreaLevel.VILLAGE, path__startswith=county.path).order_by("code")
            )
            targets = village_population(rng, shape, villages)
            if areas_only:
                write_statistics(county, targets)
            else:
                result = generate(seed=seed, county=county, targets=targets, scale=scale)
                write_statistics(county, result.persons_by_village, result.households_by_village)
            create_users(county)
            if result is not None:
                _analyze()
                work = demo_work(county, rng)
                self.stdout.write(work)
                self.stdout.write(demo_assistance(county, seed))
                self.stdout.write(demo_exits(county, rng))
                self.stdout.write(demo_evaluation(county, seed))
                _analyze()
                self.stdout.write(demo_indicators(county))
            audit_record(actor=None, action="demo.load", target=county, after={"seed": seed, "scale": scale})
            if result is not None:
                audit_record(
                    actor=None,
                    action="demo.households",
                    target=county,
                    after={"seed": seed, "scale": scale, **result.summary()},
                )
        n = Area.objects.filter(path__startswith=county.path).count()
        self.stdout.write(
            f"已生成演示县“{county.name}”：{n} 个区划，用时 {time.monotonic() - started:.1f} 秒。"
        )
        if result is not None:
            s = result.by_status
            self.stdout.write(
                f"农户 {result.households} 户 {result.persons} 人；建档立卡户 {result.registered_households} 户 "
                f"{result.registered_persons} 人（已脱贫 {s['exited']} 户，返贫 {s['returned']} 户，"
                f"未脱贫 {s['poor']} 户）；年度收入 {result.incomes} 条。"
            )


def demo_work(county: Area, rng: random.Random) -> str:
    """Monitoring history and this week's procedures (see jingzhun/demo/procedures.py)."""
    from jingzhun.accounts.models import User
    from jingzhun.demo.procedures import (
        comparison_round,
        live_identification,
        live_leads,
        monitoring_history,
        public_messages,
    )
    from jingzhun.demo.users import persona_areas

    cases = monitoring_history(county, rng)
    village = persona_areas(county)["village_a1"]
    officer = User.objects.filter(username="cun_a1").first()
    leads = live_leads(county, rng, village, officer)
    ident = live_identification(
        county, rng, village, officer, User.objects.filter(username="xian_admin").first()
    )
    messages = public_messages(village)
    from django.conf import settings

    upload_dir = Path(settings.MEDIA_ROOT) / "uploads" / "demo"
    upload_dir.mkdir(parents=True, exist_ok=True)
    compared = comparison_round(county, rng, upload_dir)
    return f"监测对象 {cases} 户（历史），新登记风险线索 {leads} 条；{ident}；群众反映 {messages} 条；{compared}。"


def demo_assistance(county: Area, seed: int) -> str:
    """Cadres, pairings, work teams, visits, plans and deliveries (see jingzhun/demo/assistance.py)."""
    from jingzhun.demo.assistance import generate_assistance

    n = generate_assistance(seed=seed, county=county)
    return (
        f"帮扶责任人 {n.get('cadre', 0)} 名，结对 {n.get('pairing', 0)} 条，驻村工作队 {n.get('workteam', 0)} 支，"
        f"走访 {n.get('visit', 0)} 次，帮扶计划 {n.get('assistanceplan', 0)} 份，措施落实 {n.get('delivery', 0)} 条。"
    )


def _analyze() -> None:
    """Fresh planner statistics after bulk inserts. Autovacuum cannot see rows of this still-open
    transaction, and PostgreSQL's plans for empty-looking tables turn joins over 10^5 rows into minutes."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def demo_indicators(county: Area) -> str:
    """Pre-aggregated indicator values, so the dashboards and reports have figures at once."""
    from jingzhun.indicators.services import indicators_refresh

    result = indicators_refresh(actor=None, area=county)
    return f"统计指标 {result['values']} 个数值（{result['seconds']} 秒）。"


def _delete_county(county: Area) -> None:
    from jingzhun.accounts.models import RoleAssignment, User
    from jingzhun.areas.models import AreaYearStat
    from jingzhun.comparison.demo import delete_comparison
    from jingzhun.demo.assistance import delete_assistance

    delete_assistance(county)  # its rows reference households, members and income lines
    delete_comparison(county)  # suspects, alerts and relatives reference households
    delete_evaluations(county)  # sampled villages and households reference areas and households
    delete_exits(county)  # assessments reference households; checklists and village exits areas
    delete_households(county)
    subtree = Area.objects.filter(path__startswith=county.path)
    _delete_county_settings(county, subtree)
    RoleAssignment.objects.filter(area__in=subtree).delete()
    User.objects.filter(area__in=subtree).update(area=None)
    AreaYearStat.objects.filter(area__in=subtree).delete()
    for level in ("group", "hamlet", "village", "township", "county"):
        subtree.filter(level=level).delete()


def _delete_county_settings(county: Area, subtree) -> None:
    """County-level rows that point at the county's areas: quotas, rules, template versions, submissions."""
    from jingzhun.identification.models import ExclusionRule, Quota, QuotaOverride
    from jingzhun.public.models import PublicSubmission
    from jingzhun.workflows.models import ProcedureTemplate

    QuotaOverride.objects.filter(area__in=subtree).delete()
    Quota.objects.filter(area__in=subtree).delete()
    ExclusionRule.objects.filter(area__in=subtree).delete()
    PublicSubmission.objects.filter(area_path__startswith=county.path).delete()
    ProcedureTemplate.objects.filter(area__in=subtree).delete()
