"""Scoped reads of the assistance app. Every page, API, count and export reads through these.

Assistance models scope with ``objects.for_user(user, action)``. Households are the register's model,
whose own ``for_user`` asks for ``register.view``; assistance pages ask for ``assistance.view`` instead
(inspectors and cadres hold both, but the capabilities are separate), so ``households_for`` applies the
same rule — the user's paths for the capability, as an indexed path-prefix filter — with that capability.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.areas.models import Area
from jingzhun.core.scoping import paths_q, user_can, user_paths
from jingzhun.register.choices import REGISTERED
from jingzhun.register.models import Household, HouseholdIncome

from .choices import DELIVER, VIEW, ChainKind, DeliveryStatus, TeamRole
from .models import (
    AssistancePlan,
    Cadre,
    Delivery,
    Pairing,
    ResponsibilityLink,
    Visit,
    WorkTeam,
    WorkTeamMember,
)


def households_for(user, capability: str = VIEW):
    paths = user_paths(user, capability)
    if paths is None:
        return Household.objects.all()
    if not paths:
        return Household.objects.none()
    return Household.objects.filter(paths_q("area_path", paths))


def targets(qs):
    """帮扶对象: registered households (also after exit: 脱贫不脱帮扶) and monitored households."""
    return qs.filter(Q(poverty_status__in=REGISTERED) | Q(is_monitored=True))


def in_area(qs, area: Area | None, lookup: str = "area_path"):
    return qs if area is None else qs.filter(paths_q(lookup, [area.path]))


def household_or_404(user, pk) -> Household:
    h = households_for(user).select_related("area", "area__parent").filter(pk=pk).first()
    if h is None:
        raise Http404(_("农户不存在或不在您的范围内。"))
    return h


def area_or_404(user, code: str) -> Area:
    """An area inside the user's assistance scope."""
    area = Area.objects.filter(code=code).first()
    if area is None or not user_can(user, VIEW, area):
        raise Http404(_("区域不存在或不在您的范围内。"))
    return area


def user_top_area(user) -> Area | None:
    """The widest area where the user holds assistance.view (its home page scope)."""
    paths = user_paths(user, VIEW)
    if paths is None:
        return getattr(user, "area", None)
    if not paths:
        return None
    return Area.objects.filter(path=sorted(paths, key=len)[0]).first()


def object_or_404(model, user, pk, action: str = "view"):
    obj = model.objects.for_user(user, action).filter(pk=pk).first()
    if obj is None:
        raise Http404(_("记录不存在或不在您的范围内。"))
    return obj


# --- lists ---------------------------------------------------------------------------------------


def cadres(user, *, q: str = "", area: Area | None = None, active: bool | None = None):
    qs = Cadre.objects.for_user(user).annotate(
        open_pairings=Count("pairings", filter=Q(pairings__ended_on__isnull=True))
    )
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(unit__contains=q) | Q(phone__contains=q))
    if area is not None:
        helps = Pairing.objects.filter(paths_q("area_path", [area.path])).values("cadre_id")
        qs = qs.filter(paths_q("area_path", [area.path]) | Q(pk__in=helps))
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("name", "id")


def pairings(user, *, area: Area | None = None, open_only: bool = True):
    qs = Pairing.objects.for_user(user).select_related("cadre", "household")
    if open_only:
        qs = qs.filter(ended_on__isnull=True)
    return in_area(qs, area)


def visits(user, *, area: Area | None = None, cadre: Cadre | None = None, household=None):
    qs = (
        Visit.objects.for_user(user)
        .select_related("cadre", "household")
        .annotate(photo_count=Count("photos"))
        .order_by("-visited_on", "-id")  # Meta.ordering does not apply to aggregate queries
    )
    if cadre is not None:
        qs = qs.filter(cadre=cadre)
    if household is not None:
        qs = qs.filter(household=household)
    return in_area(qs, area)


def plans(user, *, area: Area | None = None, year: int | None = None):
    qs = AssistancePlan.objects.for_user(user).select_related("household")
    if year:
        qs = qs.filter(year=year)
    return in_area(qs, area)


def teams(user, *, area: Area | None = None, current: bool = False):
    qs = WorkTeam.objects.for_user(user).select_related("area")
    if current:
        qs = qs.filter(ended_on__isnull=True)
    return in_area(qs, area)


def deliveries_visible(user):
    """Deliveries the user may list: all in its assistance.view area, plus — for a department user —
    those its own unit entered in its delivery area (it sees what it delivered, not the register)."""
    qs = Delivery.objects.for_user(user, "view")
    own = Delivery.objects.for_user(user, "deliver")
    mine = Q(entered_by=user.pk)
    unit = (getattr(user, "unit", "") or "").strip()
    if unit:
        mine |= Q(department=unit)
    return (qs | own.filter(mine)).select_related("measure", "household", "member")


def deliveries(user, *, area: Area | None = None, year: int | None = None, measure=None, q: str = ""):
    qs = deliveries_visible(user)
    if year:
        qs = qs.filter(year=year)
    if measure is not None:
        qs = qs.filter(measure=measure)
    if q:
        qs = qs.filter(
            Q(household__head_name__contains=q) | Q(member__name__contains=q) | Q(program__contains=q)
        )
    return in_area(qs, area)


# --- one household -------------------------------------------------------------------------------


def current_pairing(household) -> Pairing | None:
    return Pairing.objects.filter(household=household, ended_on__isnull=True).select_related("cadre").first()


def village_team(household) -> WorkTeam | None:
    qs = WorkTeam.objects.filter(area_path=household.area_path[:12], ended_on__isnull=True)
    return qs.prefetch_related("members__cadre").first()


def first_secretary(team: WorkTeam | None) -> WorkTeamMember | None:
    if team is None:
        return None
    return next(
        (m for m in team.members.all() if m.role == TeamRole.FIRST_SECRETARY and m.ended_on is None), None
    )


def ledger(household, year: int) -> dict:
    """The 明白账 of one household and year: what it received, when, from whom; the year's income."""
    rows = list(
        Delivery.objects.filter(household=household, year=year, status=DeliveryStatus.ACTIVE)
        .select_related("measure", "member")
        .order_by("delivered_on", "id")
    )
    cash = [d for d in rows if d.measure.is_cash]
    by_category: dict[str, Decimal] = defaultdict(Decimal)
    for d in cash:
        by_category[d.measure.get_category_display()] += d.amount
    income = HouseholdIncome.objects.filter(household=household, year=year).first()
    return {
        "rows": rows,
        "cash_total": sum((d.amount for d in cash), Decimal(0)),
        "income_total": sum((d.amount for d in cash if d.transfer_line_id), Decimal(0)),
        "by_category": sorted(by_category.items()),
        "in_kind": [d for d in rows if not d.measure.is_cash],
        "income": income,
        "transfer_lines": list(income.transfer_lines.select_related("member")) if income else [],
    }


def ledger_years(household) -> list[int]:
    years = set(Delivery.objects.filter(household=household).values_list("year", flat=True).distinct())
    years |= set(AssistancePlan.objects.filter(household=household).values_list("year", flat=True))
    return sorted(years, reverse=True)


# --- the responsibility chain of an area ---------------------------------------------------------


def chain(area: Area) -> dict:
    """Who answers for ``area``: its links and those of the areas above it (a user who may see an
    area sees who is responsible for it up the chain), its work teams, and pairing counts below it."""
    prefixes = [a.path for a in area.ancestors() if a.level in ("county", "township", "village")]
    links = list(
        ResponsibilityLink.objects.filter(Q(area_path__in=prefixes) | Q(area_path=area.path))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=timezone.localdate()))
        .select_related("cadre", "area")
        .order_by("area_path", "kind")
    )
    by_kind: dict[str, list] = {k: [] for k in ChainKind.values}
    for link in links:
        by_kind[link.kind].append(link)
    below = ResponsibilityLink.objects.filter(paths_q("area_path", [area.path])).exclude(area_path=area.path)
    team_qs = WorkTeam.objects.filter(paths_q("area_path", [area.path]), ended_on__isnull=True)
    teams_here = list(team_qs.select_related("area").prefetch_related("members__cadre")[:50])
    households = targets(Household.objects.filter(paths_q("area_path", [area.path])))
    paired = Pairing.objects.filter(paths_q("area_path", [area.path]), ended_on__isnull=True)
    return {
        "kinds": [(ChainKind(k).label, k, by_kind[k]) for k in ChainKind.values],
        "links_below": below.filter(ended_on__isnull=True).count(),
        "teams": teams_here,
        "team_count": team_qs.count(),
        "targets": households.count(),
        "paired": paired.count(),
        "cadres": paired.values("cadre_id").distinct().count(),
    }


def delivery_scope_exists(user) -> bool:
    return user_paths(user, DELIVER) != []
