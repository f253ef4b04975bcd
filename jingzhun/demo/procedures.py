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
CAUSE_RISK = {
    "1": "illness",
    "2": "disability",
    "3": "education",
    "4": "disaster",
    "8": "employment",
    "9": "industry",
    "5": "industry",
    "6": "water",
}
SOURCES = [CaseSource.CADRE_VISIT] * 6 + [CaseSource.SELF_REPORT] * 2 + [CaseSource.DEPARTMENT_ALERT] * 2


def monitoring_history(county: Area, rng: random.Random) -> int:
    """One MONITORED case per monitored household of the county, in bulk."""
    admin = (
        User.objects.filter(username="xian_admin").first() or User.objects.filter(is_superuser=True).first()
    )
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
        case_propose(
            actor=actor,
            household=household,
            source=source,
            risk_types=risks,
            detail=detail,
            opened_on=timezone.localdate() - datetime.timedelta(days=rng.randint(1, 20)),
        )
        made += 1
    return made


def _png(width: int = 64, height: int = 48) -> bytes:
    """A small grey PNG standing in for the photo of a posted notice."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + bytes([200, 200, 190]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _survey(rng: random.Random, year: int) -> dict:
    return {
        "look_house": rng.choice(["B", "C", "C"]),
        "look_house_note": rng.choice(["土木结构，墙体有裂缝", "砖木结构，屋面漏雨", "房屋基本安全"]),
        "look_food": "basic",
        "look_labour": rng.choice(["short", "short", "none"]),
        "look_school": rng.choice(["none", "light"]),
        "look_illness": rng.choice(["none", "chronic"]),
        "income_year": year - 1,
        "wages": str(rng.randrange(2000, 8000, 100)),
        "business": str(rng.randrange(500, 3000, 100)),
        "property_income": "0",
        "transfers": str(rng.randrange(300, 1500, 50)),
        "business_costs": str(rng.randrange(200, 900, 50)),
        "attribute": "1",
        "standard": "1",
        "main_cause": rng.choice(["9", "7", "8"]),
        "other_causes": [],
    }


def live_identification(county: Area, rng: random.Random, village: Area, officer, county_user) -> str:
    """This year's quota, five candidates waiting for 民主评议 and three on their first notice (in period)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jingzhun.identification.services import identification_start, quota_set
    from jingzhun.workflows import notices
    from jingzhun.workflows import services as workflow

    if officer is None or county_user is None or village is None:
        return ""
    year = timezone.localdate().year
    quota_set(actor=county_user, county=county, year=year, quota=40, note="演示：本年度新识别规模")
    households = list(
        Household.objects.filter(
            area_path__startswith=village.path, poverty_status="not_poor", is_monitored=False
        )
        .exclude(size=0)
        .order_by("household_no")[40:48]
    )
    application = {
        "applied_on": (timezone.localdate() - datetime.timedelta(days=30)).isoformat(),
        "method": "household",
        "applicant": "",
        "authorised": True,
    }
    batch, results = identification_start(
        actor=officer,
        area=village,
        year=year,
        households=households,
        application=application,
        title=f"{village.name}{year}年新识别对象",
    )
    started = [r["procedure"] for r in results if r["procedure"]]
    for p in started:
        workflow.step_complete(actor=officer, procedure=p, data=application)
        workflow.step_complete(actor=officer, procedure=p, data=_survey(rng, year))
    ahead = started[:3]
    if ahead:
        workflow.batch_complete(
            actor=officer,
            procedures=ahead,
            meeting={"representatives": 31, "present": 26},
            results={p.pk: {"votes_for": rng.randint(20, 26)} for p in ahead},
            batch=batch,
            acted_on=timezone.localdate() - datetime.timedelta(days=5),
        )
        ready = [p for p in ahead if workflow.Procedure.objects.get(pk=p.pk).current_step.code == "notice1"]
        if ready:
            notice = notices.notice_publish(
                actor=officer, procedures=ready, start_date=timezone.localdate() - datetime.timedelta(days=3)
            )
            notices.notice_add_evidence(
                actor=officer,
                notice=notice,
                upload=SimpleUploadedFile("公示张贴.png", _png(), content_type="image/png"),
            )
    return f"识别名单 {len(started)} 户（{len(ahead)} 户在第一次公示中）"


def public_messages(village: Area) -> int:
    """Two messages from the public portal waiting in the village's queue (a self-report and an appeal)."""
    from jingzhun.public import guard
    from jingzhun.public.services import submission_create

    if village is None:
        return 0
    messages = [
        ("self_report", "我家去年种的核桃遭了冰雹，收成不到往年一半，孩子还在上大学，请村里帮忙看看。"),
        ("appeal", "我家申请过低保，村里一直没有答复，想问问办到哪一步了。"),
    ]
    for i, (kind, content) in enumerate(messages):
        source = guard.Source(ip_hash=f"{i:024d}", key=f"{i:048d}")
        submission_create(area=village, kind=kind, content=content, source=source, rate_limited=False)
    return len(messages)


def comparison_round(county: Area, rng: random.Random, data_dir) -> str:
    """One comparison round: the traffic police's vehicle list and the payroll list name some members of
    registered households (plus many unrelated people); the county runs the comparison, so the suspects
    pages and the villages' queues have work, as in a real round."""
    import csv
    import datetime as dt

    from jingzhun.accounts.models import User
    from jingzhun.comparison.models import DatasetType
    from jingzhun.comparison.services import run_execute, run_start
    from jingzhun.comparison.services_batches import batch_check, batch_load, batch_map, batch_upload
    from jingzhun.register.models import Member
    from jingzhun.register.validation import check_char

    department = User.objects.filter(username="bumen_jy").first()
    county_user = User.objects.filter(username="xian_admin").first()
    if department is None or county_user is None:
        return ""
    members = list(
        Member.objects.filter(
            household__area_path__startswith=county.path,
            household__poverty_status__in=["poor", "exited", "returned"],
            status="active",
            relation__in=["01", "02", "03"],
        )
        .exclude(id_number="")
        .order_by("member_no")
        .values_list("id_number", "name")
    )
    rng.shuffle(members)
    hits = {"vehicle": members[:40], "public_payroll": members[40:87]}
    units = ["县人民医院", "县第一中学", "镇卫生院", "县供销社"]
    extra = {
        "vehicle": lambda: [
            f"川W{rng.randint(0, 99999):05d}",
            "小型轿车",
            rng.randrange(30000, 180000, 1000),
        ],
        "public_payroll": lambda: [rng.choice(units)],
    }
    headers = {
        "vehicle": ["身份证号", "姓名", "号牌号码", "车辆类型", "车辆价值"],
        "public_payroll": ["身份证号", "姓名", "工作单位"],
    }
    batches = 0
    for code, people in hits.items():
        path = data_dir / f"demo-{code}.csv"
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(headers[code])
            for id_number, name in people:
                writer.writerow([id_number, name, *extra[code]()])
            for i in range(300):  # people of another county: valid numbers, no match
                first = f"510104{1960 + i % 40}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
                writer.writerow([first + check_char(first), f"外县人员{i}", *extra[code]()])
        dataset_type = DatasetType.objects.get(code=code)
        batch = batch_upload(
            actor=department,
            dataset_type=dataset_type,
            department=dataset_type.department,
            as_of=timezone.localdate() - dt.timedelta(days=10),
            path=str(path),
            file_name=path.name,
        )
        batch_map(actor=department, batch=batch, mapping=batch.mapping)
        batch_check(actor=department, batch=batch)
        batch_load(actor=department, batch=batch)
        batches += 1
    run = run_execute(run=run_start(actor=county_user, area=county, full=False))
    return f"数据比对 {batches} 批，疑点户 {run.suspects_new} 户"
