"""Builders for notice and portal tests: households waiting at the first notice of identification, a
published notice, valid public form posts (with a stamp old enough to pass)."""

from __future__ import annotations

import datetime
import time

from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jingzhun.public import guard
from jingzhun.register.tests.factories import make_household
from jingzhun.workflows import notices, services

KIND = "removal"
NOTICE_STEP = "notice"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64
HOUSEHOLD_PHONE = "13987654321"
DISABILITY_CERT = "51340119800101123X42"


def photo(name: str = "board.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def at_first_notice(personas, area=None, n: int = 2) -> list:
    """``n`` removal (清退) procedures in ``area`` (default A1) passed up to their village notice.

    Removal has no kind hooks, so these tests exercise the notice machinery, not identification rules."""
    area = area or personas.tree.village_a1
    officer = personas.village_b1 if area == personas.tree.village_b1 else personas.village_a1
    households = [
        make_household(
            area=area, actor=personas.county_admin, status="poor", year_identified=2020, phone=HOUSEHOLD_PHONE
        )
        for _ in range(n)
    ]
    for h in households:
        head = h.members.get(relation="01")
        head.disability_cert_no = DISABILITY_CERT
        head.health = "3"
        head.save(update_fields=["disability_cert_no", "health"])
    procs = [services.procedure_start(actor=officer, kind=KIND, household=h) for h in households]
    for p in procs:
        services.step_complete(actor=officer, procedure=p, data={}, comment="入户核实：已稳定增收")
    services.batch_complete(
        actor=officer,
        procedures=procs,
        meeting={"representatives": 30, "present": 25},
        results={p.pk: {"votes_for": 25} for p in procs},
    )
    return procs


def published_notice(personas, area=None, n: int = 2, days_ago: int = 0):
    """A first-notice 公示 in A1 (or ``area``) listing ``n`` households, started ``days_ago`` days ago."""
    procs = at_first_notice(personas, area, n)
    officer = procs[0].started_by
    return notices.notice_publish(
        actor=officer,
        procedures=procs,
        start_date=timezone.localdate() - datetime.timedelta(days=days_ago),
    )


def head_id(notice) -> str:
    """The full ID number of the first listed head (what must never be published)."""
    entry = notice.entries.order_by("seq").first()
    return entry.procedure.household.members.get(relation="01").id_number


def old_stamp(seconds: float = 10) -> str:
    return guard.stamp_issue(time.time() - seconds)


def objection_post(**extra) -> dict:
    return {
        "entry": "",
        "content": "该户家里有小轿车，不符合条件",
        "name": "",
        "phone": "",
        "website": "",
        "stamp": old_stamp(),
        **extra,
    }


def clear_limits() -> None:
    caches["default"].clear()
    caches["public"].clear()


CHECK_EVIDENCE = "现场核查：通村硬化路已验收"


def noticed_village_exit(personas, *, days_ago: int = 0, year: int = 2019):
    """Village B1 (township B) made a poor village that meets the exit standard for ``year``, proposed by
    its officer, verified and put on notice by the county (which holds every township capability), the
    notice starting ``days_ago`` days ago. Returns the exit (status noticed, with its portal notice)."""
    from jingzhun.areas.services import area_stat_save, area_update
    from jingzhun.assessment import services as assessment_services
    from jingzhun.assessment import services_village
    from jingzhun.assessment.tests.helpers import build
    from jingzhun.policy.selectors import checklist

    t, county = personas.tree, personas.county_admin
    village = t.village_b1
    area_update(actor=county, area=village, is_poor_village=True, poor_listed_year=2014)
    area_stat_save(actor=county, area=village, year=year, rural_population=1000)
    build(area=village, actor=county, status="poor", income=False)  # 2 persons → 0.20%
    for item in checklist(year, village):
        assessment_services.checklist_item_save(
            actor=personas.village_b1, village=village, year=year, code=item["code"], met=True,
            evidence=CHECK_EVIDENCE,
        )  # fmt: skip
    exit_ = services_village.village_exit_propose(actor=personas.village_b1, village=village, year=year)
    services_village.village_exit_verify(actor=county, exit_=exit_)
    return services_village.village_exit_notice(
        actor=county,
        exit_=exit_,
        start=timezone.localdate() - datetime.timedelta(days=days_ago),
        place="乙乡政务公开栏",
    )


def village_objection_post(**extra) -> dict:
    return {
        "content": "该村通组路还没有硬化，雨天无法通行",
        "name": "",
        "phone": "",
        "website": "",
        "stamp": old_stamp(),
        **extra,
    }
