"""Reads of the identification app. Pages and the API go through these; every list is scoped."""

from __future__ import annotations

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum

from jingzhun.areas.choices import AreaLevel
from jingzhun.areas.models import Area
from jingzhun.register.choices import REGISTERED, PovertyStatus
from jingzhun.register.models import Household
from jingzhun.workflows.choices import ProcedureStatus
from jingzhun.workflows.models import Procedure, StepTemplate

from .choices import KIND, QUOTA_AFTER_STEP
from .models import ExclusionRule, Quota, QuotaOverride


def county_path(area_or_path) -> str:
    path = area_or_path if isinstance(area_or_path, str) else area_or_path.path
    return path[:6]


def county_of(area) -> Area | None:
    if area is None or len(area.path) < 6:
        return None
    if area.level == AreaLevel.COUNTY:
        return area
    return Area.objects.filter(path=area.path[:6]).first()


def visible_counties(user, capability: str = "identification.view"):
    """Counties where the user holds ``capability`` at or below (its own county for village users)."""
    from jingzhun.core.scoping import user_paths

    paths = user_paths(user, capability)
    qs = Area.objects.filter(level=AreaLevel.COUNTY)
    if paths is None:
        return qs.order_by("code")
    if not paths:
        return qs.none()
    q = Q(path__in=sorted({p[:6] for p in paths if len(p) >= 6}))
    for p in paths:
        if len(p) < 6:
            q |= Q(path__startswith=p)
    return qs.filter(q).order_by("code")


# --- rules -------------------------------------------------------------------------------------------


def effective_rules(area_or_path, kind: str = KIND, *, active_only: bool = True) -> list[ExclusionRule]:
    """The rules judging households of this county: its own rows replace the national ones by code."""
    key = county_path(area_or_path)
    rows = ExclusionRule.objects.filter(area_key__in=["", key]).order_by("sort", "code")
    chosen: dict[str, ExclusionRule] = {}
    for rule in rows:
        if rule.code not in chosen or rule.area_key:
            chosen[rule.code] = rule
    out = [r for r in chosen.values() if not r.applies_to or kind in r.applies_to]
    if active_only:
        out = [r for r in out if r.active]
    return sorted(out, key=lambda r: (r.sort, r.code))


def rules_for_user(user, county: Area) -> list[ExclusionRule]:
    """Effective rules of a county the user may see (empty when out of scope)."""
    if not visible_counties(user).filter(pk=county.pk).exists():
        return []
    return effective_rules(county, active_only=False)


# --- quota -------------------------------------------------------------------------------------------


def _in_progress_q() -> Subquery:
    return Subquery(
        StepTemplate.objects.filter(template=OuterRef("template"), code=QUOTA_AFTER_STEP).values("order")[:1]
    )


def quota_status(county: Area, year: int) -> dict:
    """Quota, approved extras, used (registered with 识别年度 = year), in progress, remaining."""
    quota = Quota.objects.filter(area=county, year=year).first()
    overrides = QuotaOverride.objects.filter(area=county, year=year)
    agg = overrides.aggregate(extra=Sum("extra"), n=Count("id"))
    allow = overrides.filter(allow_exceed=True).exists()
    used = Household.objects.filter(
        area_path__startswith=county.path, year_identified=year, poverty_status__in=REGISTERED
    ).count()
    in_progress = (
        Procedure.objects.filter(
            kind=KIND, status=ProcedureStatus.RUNNING, area_path__startswith=county.path, year=year
        )
        .annotate(after=_in_progress_q())
        .filter(current_step__order__gt=F("after"))
        .count()
    )
    limit = None if quota is None else quota.quota + (agg["extra"] or 0)
    return {
        "county": county,
        "year": year,
        "quota_row": quota,
        "quota": quota.quota if quota else None,
        "extra": agg["extra"] or 0,
        "allow_exceed": allow,
        "limit": limit,
        "used": used,
        "in_progress": in_progress,
        "remaining": None if limit is None else limit - used,
        "remaining_after_progress": None if limit is None else limit - used - in_progress,
        "overrides": list(overrides.select_related("actor")),
    }


# --- candidates and overview -------------------------------------------------------------------------


def candidates(user, area: Area, term: str = ""):
    """Never-registered households of ``area`` (in the user's scope) without a running identification."""
    running = Procedure.objects.filter(kind=KIND, status=ProcedureStatus.RUNNING).values("household_id")
    qs = (
        Household.objects.for_user(user, "view")
        .filter(area_path__startswith=area.path, poverty_status=PovertyStatus.NOT_POOR, size__gt=0)
        .exclude(pk__in=running)
        .select_related("area")
        .order_by("household_no")
    )
    term = (term or "").strip()
    if term:
        qs = qs.filter(Q(head_name__contains=term) | Q(household_no__startswith=term))
    return qs


def procedures(user, area: Area | None = None, *, year: int | None = None, status: str | None = None):
    qs = Procedure.objects.for_user(user, "view").filter(kind=KIND)
    if area is not None:
        qs = qs.filter(area_path__startswith=area.path)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("household", "area", "current_step", "batch").order_by("household__household_no")


def overview(user, area: Area, year: int | None = None) -> dict:
    """Counts by step (running), completed and rejected, and the running procedures themselves."""
    qs = procedures(user, area, year=year)
    by_step: dict[tuple, dict] = {}
    for p in qs.filter(status=ProcedureStatus.RUNNING):
        key = (p.current_step.order, p.current_step.code)
        row = by_step.setdefault(key, {"step": p.current_step, "procedures": []})
        row["procedures"].append(p)
    ended = dict(
        qs.exclude(status=ProcedureStatus.RUNNING).values_list("status").annotate(n=Count("id")).order_by()
    )
    return {
        "steps": [by_step[k] for k in sorted(by_step)],
        "completed": ended.get(ProcedureStatus.COMPLETED, 0),
        "rejected": ended.get(ProcedureStatus.REJECTED, 0),
        "cancelled": ended.get(ProcedureStatus.CANCELLED, 0),
        "batches": batches(user, area, year),
    }


def batches(user, area: Area, year: int | None = None):
    from jingzhun.workflows.models import ProcedureBatch

    qs = ProcedureBatch.objects.for_user(user, "view").filter(kind=KIND, area_path__startswith=area.path)
    if year:
        qs = qs.filter(year=year)
    return list(qs.annotate(n=Count("procedures")).order_by("-created_at")[:20])


def procedure_detail(user, pk) -> Procedure:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Procedure.objects.for_user(user, "view")
        .filter(kind=KIND)
        .select_related("household", "area", "current_step", "template"),
        pk=pk,
    )
