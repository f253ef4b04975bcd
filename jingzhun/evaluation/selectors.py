"""Scoped reads of the evaluation app: evaluations, their sample (villages, households), surveys, the
register view of a sampled household, and the latest closed evaluation of a county (exit page)."""

from __future__ import annotations

from django.db.models import Count, Q

from jingzhun.assessment.models import HouseholdAssessment
from jingzhun.core.masking import mask_id_number
from jingzhun.register.choices import HEAD_RELATION, MemberStatus
from jingzhun.register.models import Member

from .choices import EvaluationStatus
from .models import Evaluation, SampledHousehold, SampledVillage, Survey

# drill-down filters of the results page: key → Survey filter
DRILL = {
    "wrong_exit": Q(wrongly_exited=True),
    "missed": Q(missed=True),
    "disapprove": Q(approves=False),
    "exited": Q(sample__poverty_status="exited"),
    "outside": Q(sample__group="outside"),
}


def evaluations_for(user, action: str = "view"):
    return Evaluation.objects.for_user(user, action).select_related("area")


def villages_for(user, evaluation: Evaluation):
    return (
        SampledVillage.objects.for_user(user, "view")
        .filter(evaluation=evaluation)
        .select_related("village", "township", "replaces__village")
        .annotate(
            n_households=Count("households", filter=Q(households__is_active=True)),
            n_surveyed=Count(
                "households", filter=Q(households__is_active=True, households__survey__isnull=False)
            ),
        )
        .order_by("area_path", "seq")
    )


def households_for(user, evaluation: Evaluation):
    return (
        SampledHousehold.objects.for_user(user, "view")
        .filter(evaluation=evaluation)
        .select_related("household", "sampled_village__village", "replaces__household", "survey")
        .order_by("area_path", "seq")
    )


def surveys_for(user, evaluation: Evaluation, drill: str = ""):
    qs = Survey.objects.for_user(user, "view").filter(
        sample__evaluation=evaluation, sample__is_active=True, sample__sampled_village__is_active=True
    )
    if drill in DRILL:
        qs = qs.filter(DRILL[drill])
    return qs.select_related("sample__household", "sample__sampled_village__village").order_by(
        "area_path", "id"
    )


def progress(user, evaluation: Evaluation) -> dict:
    qs = SampledHousehold.objects.for_user(user, "view").filter(evaluation=evaluation, is_active=True)
    total = qs.count()
    done = qs.filter(survey__isnull=False).count()
    return {"total": total, "done": done, "percent": round(done * 100 / total) if total else 0}


def head_ids(user, household_ids) -> dict[int, str]:
    """household id → the head's ID number, masked (only households the user may read in the register)."""
    rows = Member.objects.for_user(user, "view").filter(
        household_id__in=list(household_ids), relation=HEAD_RELATION, status=MemberStatus.ACTIVE
    )
    return {hid: mask_id_number(idn) for hid, idn in rows.values_list("household_id", "id_number")}


def system_view(user, sampled: SampledHousehold):
    """The latest assessment of the household (year before last-12-months), if the user may read it."""
    return (
        HouseholdAssessment.objects.for_user(user, "view")
        .filter(household_id=sampled.household_id)
        .order_by("-year", "-period")
        .first()
    )


def latest_closed(user, county):
    """The newest closed evaluation of ``county`` the user may see, or None."""
    return (
        evaluations_for(user)
        .filter(area=county, status=EvaluationStatus.CLOSED)
        .order_by("-year", "-closed_at", "-id")
        .first()
    )
