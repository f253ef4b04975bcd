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
