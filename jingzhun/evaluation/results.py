"""The four indicators of an evaluation from its surveys: rates with CIs, county estimates, pass/fail.

Computed live while surveys come in and frozen into ``Evaluation.results`` when it is closed (together
with the policy values it was judged by). See ``estimate.py`` for the formulas.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q

from jingzhun.areas.models import AreaYearStat
from jingzhun.assessment.incidence import numerators
from jingzhun.policy.selectors import incidence_limit, snapshot
from jingzhun.register.choices import REGISTERED, MemberStatus, PovertyStatus
from jingzhun.register.models import Member

from . import estimate
from .choices import THRESHOLD_KEYS, HouseholdGroup
from .models import Evaluation, SampledVillage, Survey

INDICATORS = ("wrong_exit", "missed", "approval")


def village_totals(evaluation: Evaluation) -> list[dict]:
    """One row per active sampled village: its design stratum, weight and the y/x of each indicator."""
    villages = list(
        SampledVillage.objects.filter(evaluation=evaluation, is_active=True).values(
            "pk", "township_id", "stratum", "stratum_size"
        )
    )
    drawn: dict[tuple, int] = defaultdict(int)
    for v in villages:
        drawn[(v["township_id"], v["stratum"])] += 1
    sums: dict[int, dict] = {v["pk"]: defaultdict(int) for v in villages}
    surveys = Survey.objects.filter(
        sample__evaluation=evaluation, sample__is_active=True, sample__sampled_village__is_active=True
    ).values_list(
        "sample__sampled_village_id", "sample__group", "sample__poverty_status", "persons",
        "wrongly_exited", "missed", "approves",
    )  # fmt: skip
    for village_id, group, status, persons, wrong, missed, approves in surveys:
        s = sums[village_id]
        if status == PovertyStatus.EXITED:
            s["wrong_exit_x"] += persons
            s["wrong_exit_y"] += persons if wrong else 0
        if group == HouseholdGroup.OUTSIDE:
            s["missed_x"] += persons
            s["missed_y"] += persons if missed else 0
        s["approval_x"] += 1
        s["approval_y"] += 1 if approves else 0
    return [
        {
            "village": v["pk"],
            "stratum": f"{v['township_id']}:{v['stratum']}",
            "weight": v["stratum_size"] / drawn[(v["township_id"], v["stratum"])],
            **{k: sums[v["pk"]][k] for k in (f"{i}_{p}" for i in INDICATORS for p in "xy")},
        }
        for v in villages
    ]


def rates(rows: list[dict]) -> dict[str, dict]:
    var_strata = estimate.variance_strata({r["village"]: r["stratum"] for r in rows})
    return {
        ind: estimate.ratio(
            [
                estimate.Cluster(var_strata[r["village"]], r["weight"], r[f"{ind}_y"], r[f"{ind}_x"])
                for r in rows
            ]
        )
        for ind in INDICATORS
    }


def county_bases(evaluation: Evaluation) -> dict:
    """Known county totals at the end of the evaluated year: exited persons, registered persons, remaining
    poor and rural population (area statistics, as the incidence of the assessment app uses)."""
    county, year = evaluation.area, evaluation.year
    # as the register stood at the end of the evaluated year (exit and identification years)
    exited_by = Q(household__year_exited__lte=year) | Q(household__year_exited__isnull=True)
    identified_by = Q(household__year_identified__lte=year) | Q(household__year_identified__isnull=True)
    counts = Member.objects.filter(
        household__area_path__startswith=county.path, status=MemberStatus.ACTIVE
    ).aggregate(
        exited=Count("pk", filter=Q(household__poverty_status=PovertyStatus.EXITED) & exited_by),
        registered=Count("pk", filter=Q(household__poverty_status__in=REGISTERED) & identified_by),
    )
    population = (
        AreaYearStat.objects.filter(area=county, year=evaluation.year)
        .values_list("rural_population", flat=True)
        .first()
    )
    outside = None if population is None else max(0, population - counts["registered"])
    return {
        "exited": counts["exited"],
        "registered": counts["registered"],
        "outside": outside,
        "remaining": numerators([county], evaluation.year).get(county.pk, 0),
        "population": population,
    }


def _num(value) -> float | None:
    return None if value is None else float(Decimal(str(value)))


def compute(evaluation: Evaluation) -> dict:
    """The results dict stored on closing (and shown live before)."""
    rows = village_totals(evaluation)
    r = rates(rows)
    bases = county_bases(evaluation)
    wrong = estimate.scaled(r["wrong_exit"], bases["exited"])
    missed = estimate.scaled(r["missed"], bases["outside"])
    comp = estimate.composite(bases["remaining"], wrong, missed, bases["population"])
    policy = snapshot(THRESHOLD_KEYS, evaluation.year, evaluation.area)
    limits = {
        "wrong_exit": _num(policy.get("county_wrong_exit_max")),
        "missed": _num(policy.get("county_missed_max")),
        "approval": _num(policy.get("county_approval_min")),
        "incidence": _num(incidence_limit(evaluation.area, evaluation.year, "county")),
    }

    def below(rate, limit):
        return None if rate is None or limit is None else rate < limit

    passed = {
        "wrong_exit": below(r["wrong_exit"]["rate"], limits["wrong_exit"]),
        "missed": below(r["missed"]["rate"], limits["missed"]),
        "approval": None
        if r["approval"]["rate"] is None or limits["approval"] is None
        else r["approval"]["rate"] >= limits["approval"],
        "incidence": below(comp["rate"] if comp else None, limits["incidence"]),
    }
    return {
        "rates": r,
        "estimated": {"wrong_exit": wrong, "missed": missed},
        "incidence": comp,
        "bases": bases,
        "limits": limits,
        "passed": passed,
        "all_passed": all(v is True for v in passed.values()),
        "villages": len(rows),
        "surveys": sum(x["approval_x"] for x in rows),
        "policy": policy,
    }
