"""Moving identification procedures along their 8 steps through the services (tests only)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jingzhun.identification import services
from jingzhun.register.tests.factories import make_household
from jingzhun.workflows import notices
from jingzhun.workflows import services as workflow

from .factories import application_data, days_ago, survey_data

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64
MEETING = {"representatives": 30, "present": 25}


def households(personas, n: int, area=None, **extra):
    area = area or personas.tree.village_a1
    return [make_household(area=area, actor=personas.county_admin, **extra) for _ in range(n)]


def start(personas, hh, year=None):
    batch, results = services.identification_start(
        actor=personas.village_a1,
        area=personas.tree.village_a1,
        year=year or timezone.localdate().year,
        households=hh,
        application=application_data(),
    )
    return batch, [r["procedure"] for r in results]


def apply_and_survey(personas, procs, surveys=None):
    for i, p in enumerate(procs):
        workflow.step_complete(actor=personas.village_a1, procedure=p, data=application_data())
        workflow.step_complete(
            actor=personas.village_a1, procedure=p, data=(surveys or {}).get(i, survey_data())
        )


def appraise(personas, procs, batch=None):
    return workflow.batch_complete(
        actor=personas.village_a1,
        procedures=procs,
        meeting=MEETING,
        results={p.pk: {"votes_for": 20, "votes_against": 2} for p in procs},
        batch=batch,
    )


def notice_round(actor, procs):
    n = notices.notice_publish(actor=actor, procedures=procs, start_date=days_ago(8))
    notices.notice_add_evidence(actor=actor, notice=n, upload=SimpleUploadedFile("board.png", PNG))
    return notices.notice_close(actor=actor, notice=n)


def review(actor, procs):
    return workflow.batch_complete(actor=actor, procedures=procs, comment="同意")


def refresh(procs):
    for p in procs:
        p.refresh_from_db()
    return procs


def to_announce(personas, procs):
    """From appraisal to the announcement step (appraisal, notice 1, township, notice 2, county)."""
    assert {o["result"] for o in appraise(personas, procs)} == {"passed"}
    notice_round(personas.village_a1, refresh(procs))
    review(personas.township_a, refresh(procs))
    notice_round(personas.village_a1, refresh(procs))
    review(personas.county_admin, refresh(procs))
    return refresh(procs)
