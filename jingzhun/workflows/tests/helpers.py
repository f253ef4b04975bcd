"""Builders for engine tests: households at a given identification step."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jingzhun.identification.tests.factories import survey_data
from jingzhun.register.tests.factories import make_household
from jingzhun.workflows import notices, services

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64
MEETING = {"representatives": 30, "present": 21}


def photo(name="board.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def candidates(personas, n=2, area=None):
    """n households started on identification and surveyed: waiting at 民主评议."""
    v = personas.village_a1
    out = []
    for _ in range(n):
        h = make_household(area=area or personas.tree.village_a1, actor=personas.county_admin)
        p = services.procedure_start(actor=v, kind="identification", household=h)
        services.step_complete(actor=v, procedure=p, data={"authorised": True})
        services.step_complete(actor=v, procedure=p, data=survey_data())
        p.refresh_from_db()
        out.append(p)
    return out


def at_notice(personas, n=2):
    procs = candidates(personas, n)
    services.batch_complete(
        actor=personas.village_a1,
        procedures=procs,
        meeting=MEETING,
        results={p.pk: {"votes_for": 20} for p in procs},
    )
    for p in procs:
        p.refresh_from_db()
    return procs


def published(personas, n=2, days_ago=8):
    procs = at_notice(personas, n)
    start = timezone.localdate() - datetime.timedelta(days=days_ago)
    notice = notices.notice_publish(actor=personas.village_a1, procedures=procs, start_date=start)
    return procs, notice
