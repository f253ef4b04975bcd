"""Demo monitoring cases and procedures in progress, so that the to-do queue, notices and the public portal
show the work of an ordinary week.

Households already flagged as monitored get the case that put them there (entered 2020–2025, written in
bulk as history from before the system); live work (leads, an identification list at 民主评议, a notice
during its period, an objection) goes through the real services as the demo users.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from jingzhun.accounts.models import User
from jingzhun.areas.models import Area
from jingzhun.monitoring.choices import CaseSource, CaseStatus, MonitoringType
from jingzhun.monitoring.models import MonitoringCase
from jingzhun.register.models import Household

# main cause code → the monitoring risk it most often becomes
CAUSE_RISK = {"1": "illness", "2": "disability", "3": "education", "4": "disaster", "8": "employment",
              "9": "industry", "5": "industry", "6": "water"}
SOURCES = [CaseSource.CADRE_VISIT] * 6 + [CaseSource.SELF_REPORT] * 2 + [CaseSource.DEPARTMENT_ALERT] * 2


def monitoring_history(county: Area, rng: random.Random) -> int:
    """One MONITORED case per monitored household of the county, in bulk."""
    admin = User.objects.filter(username="xian_admin").first() or User.objects.filter(is_superuser=True).first()
    rows = Household.objects.filter(area_path__startswith=county.path, is_monitored=True).values_list(
        "pk", "area_id", "area_path", "poverty_status", "main_cause"
    )
    cases = []
    for pk, area_id, path, status, cause in rows.iterator():
        year = rng.choice([2020, 2021, 2021, 2022, 2022, 2023, 2024, 2025])
        opened = datetime.date(year, rng.randint(1, 11), rng.randint(1, 28))
        risk = CAUSE_RISK.get(cause, rng.choice(["illness", "employment", "other"]))
        cases.append(
            MonitoringCase(
                household_id=pk,
                area_id=area_id,
                area_path=path,
                monitoring_type=MonitoringType.UNSTABLE if status != "not_poor" else MonitoringType.MARGINAL,
                risk_types=[risk],
                source=rng.choice(SOURCES),
                detail="系统启用前纳入的监测对象（历史数据）",
                status=CaseStatus.MONITORED,
                opened_on=opened,
                entered_on=opened + datetime.timedelta(days=rng.randint(10, 40)),
                proposed_by=admin,
            )
        )
    MonitoringCase.objects.bulk_create(cases, batch_size=2000)
    return len(cases)


def live_leads(county: Area, rng: random.Random, village: Area, actor) -> int:
    """A few fresh leads in the demo village officer's village (the to-do queue's first items)."""
    from jingzhun.monitoring.services import case_propose

    if actor is None or village is None:
        return 0
    candidates = list(
        Household.objects.filter(area_path__startswith=village.path, is_monitored=False)
        .exclude(poverty_status="poor")
        .order_by("household_no")[:40]
    )
    rng.shuffle(candidates)
    stories = [
        ("self_report", ["illness"], "户主突发脑梗住院，自付医疗费用约 4.2 万元"),
        ("cadre_visit", ["employment"], "主要劳动力在外务工的工厂停产，已返乡 3 个月"),
        ("department_alert", ["disaster"], "应急部门灾情名单：暴雨致房屋受损、玉米绝收"),
        ("cadre_visit", ["education", "illness"], "两名子女上高中，母亲长期慢性病"),
    ]
    made = 0
    for household, (source, risks, detail) in zip(candidates, stories, strict=False):
        case_propose(actor=actor, household=household, source=source, risk_types=risks, detail=detail,
                     opened_on=timezone.localdate() - datetime.timedelta(days=rng.randint(1, 20)))
        made += 1
    return made
