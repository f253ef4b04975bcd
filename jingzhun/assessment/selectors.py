"""Reads of the assessment app, every one through ``for_user``."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q

from jingzhun.areas.choices import AreaLevel
from jingzhun.areas.models import Area
from jingzhun.core.scoping import paths_q, user_paths
from jingzhun.register.choices import MemberStatus, PovertyStatus
from jingzhun.register.models import Household, Member
from jingzhun.workflows.choices import ProcedureStatus
from jingzhun.workflows.models import Procedure

from .choices import CRITERIA, EXIT_KIND, Period
from .incidence import incidence
from .models import HouseholdAssessment, VillageExit

FAILING = {"income": "income_ok", **{code: f"{code}_ok" for code in CRITERIA}}
FLAGS = {"unstable": "flag_unstable", "marginal": "flag_marginal", "transfer": "flag_transfer"}


def results_for(
    user,
    *,
    year=None,
    period: str = Period.YEAR,
    area: str = "",
    failing: str = "",
    flag: str = "",
    passed: str = "",
    q: str = "",
):
    qs = HouseholdAssessment.objects.for_user(user, "view").filter(period=period).select_related("household")
    if year:
        qs = qs.filter(year=year)
    if area:
        qs = qs.filter(area_path__startswith=area)
    if failing in FAILING:
        qs = qs.filter(**{FAILING[failing]: False})
    if flag in FLAGS:
        qs = qs.filter(**{FLAGS[flag]: True})
    if passed in ("1", "0"):
        qs = qs.filter(passed=passed == "1")
    if q:
        qs = qs.filter(Q(household__household_no__startswith=q) | Q(household__head_name__contains=q))
    return qs.order_by("area_path", "household_id")


def summary(qs) -> dict:
    """Counts of a result list in one grouped query."""
    agg = {"total": Count("pk"), "passed": Count("pk", filter=Q(passed=True))}
    agg.update({f"fail_{code}": Count("pk", filter=Q(**{col: False})) for code, col in FAILING.items()})
    agg.update({f"flag_{code}": Count("pk", filter=Q(**{col: True})) for code, col in FLAGS.items()})
    return qs.order_by().aggregate(**agg)


def exitable_for(user, year: int):
    """可退出户: poor/returned households whose assessment of ``year`` passes and no exit is running."""
    running = Procedure.objects.filter(
        household=OuterRef("household_id"), kind=EXIT_KIND, status=ProcedureStatus.RUNNING
    )
    return (
        results_for(user, year=year)
        .filter(passed=True, household__poverty_status__in=[PovertyStatus.POOR, PovertyStatus.RETURNED])
        .annotate(exit_running=Exists(running))
        .filter(exit_running=False)
    )


def latest_for_household(user, household):
    return (
        HouseholdAssessment.objects.for_user(user, "view")
        .filter(household=household)
        .select_related("run")
        .order_by("-year", "period")
    )


def areas_for(user, capability: str = "assessment.view"):
    """Areas where ``user`` holds ``capability`` (the scope of incidence and exit pages)."""
    paths = user_paths(user, capability)
    qs = Area.objects.all()
    if paths is None:
        return qs
    return qs.filter(paths_q("path", paths)) if paths else qs.none()


def villages_for(user, year: int, *, under: Area | None = None):
    """Poor villages in the user's scope with incidence and their latest exit record."""
    qs = areas_for(user).filter(level=AreaLevel.VILLAGE, is_poor_village=True)
    if under is not None:
        qs = qs.filter(path__startswith=under.path)
    villages = list(qs.order_by("path"))
    inc = incidence(villages, year)
    exits = {
        e.area_id: e
        for e in VillageExit.objects.for_user(user, "view").filter(area__in=villages).order_by("created_at")
    }
    return [{"area": v, "incidence": inc[v.pk], "exit": exits.get(v.pk)} for v in villages]


def exits_per_year(user, county) -> dict:
    """Households, persons and poor villages exited per year under ``county`` (in the user's scope)."""
    households = dict(
        Household.objects.for_user(user, "view")
        .filter(area_path__startswith=county.path, year_exited__isnull=False)
        .values_list("year_exited")
        .annotate(n=Count("pk"))
        .order_by()
    )
    persons = dict(
        Member.objects.for_user(user, "view")
        .filter(
            household__area_path__startswith=county.path,
            household__year_exited__isnull=False,
            status=MemberStatus.ACTIVE,
        )
        .values_list("household__year_exited")
        .annotate(n=Count("pk"))
        .order_by()
    )
    villages = dict(
        areas_for(user)
        .filter(path__startswith=county.path, level=AreaLevel.VILLAGE, poor_exited_year__isnull=False)
        .values_list("poor_exited_year")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {"households": households, "persons": persons, "villages": villages}
