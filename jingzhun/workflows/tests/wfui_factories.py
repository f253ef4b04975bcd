"""Builders for the procedure page / API / to-do / template tests (helper WF-UI).

Most tests use the "reappraisal" kind (重新评议: 入户核实 → 民主评议[批量] → 乡镇审核[批量] → 县级审定[批量]),
which has no kind hooks, so they exercise the pages and the engine alone."""

from __future__ import annotations

from jingzhun.register.tests.factories import make_household
from jingzhun.workflows import services

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64
KIND = "reappraisal"
MEETING = {"representatives": 30, "present": 25}


def started(personas, n: int = 1, area=None, kind: str = KIND):
    """``n`` procedures at their first step (入户核实), in 甲一村 unless ``area`` says otherwise."""
    area = area or personas.tree.village_a1
    out = []
    for _ in range(n):
        h = make_household(area=area, actor=personas.county_admin)
        out.append(services.procedure_start(actor=personas.county_admin, kind=kind, household=h))
    return out


def at_appraisal(personas, n: int = 1, area=None):
    procs = started(personas, n, area)
    for p in procs:
        services.step_complete(actor=personas.county_admin, procedure=p, data={})
        p.refresh_from_db()
    return procs


def at_township_review(personas, n: int = 1, area=None):
    procs = at_appraisal(personas, n, area)
    services.batch_complete(
        actor=personas.county_admin,
        procedures=procs,
        meeting=MEETING,
        results={p.pk: {"votes_for": 25} for p in procs},
    )
    for p in procs:
        p.refresh_from_db()
        assert p.current_step.code == "township_review"
    return procs
