"""Assistance pages: overview, an area's responsibility chain and gaps, the gaps lists, a household's
assistance page, its printable 明白账 and 帮扶联系卡."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.core.access import access
from jingzhun.core.scoping import user_can, user_paths
from jingzhun.register.selectors import code_tables, village_name

from . import gaps, selectors
from .choices import DELIVER, MANAGE, SETTINGS, VIEW, VISIT, GapKind
from .forms import GapFilterForm
from .models import AssistancePlan, Cadre, Pairing

PER_PAGE = 50


def need(request, capability: str = VIEW) -> None:
    if user_paths(request.user, capability) == []:
        raise PermissionDenied(_("您没有访问帮扶工作的权限。"))


def this_year() -> int:
    return timezone.localdate().year


def _numbers(request, area, year) -> dict:
    numbers = gaps.counts(**_scope(request, area), year=year, today=timezone.localdate())
    names = code_tables().get("cause", {})
    numbers["causes_named"] = [(names.get(c, c), n) for c, n in numbers["by_cause"].most_common()]
    return numbers


def _scope(request, area=None):
    """The scoped querysets every count is built from."""
    user = request.user
    return {
        "households": selectors.in_area(selectors.households_for(user), area),
        "pairings": selectors.pairings(user, area=area),
        "cadres": selectors.cadres(user, area=area),
    }


@access("scoped")
@login_required
def index(request):
    """帮扶工作 home: counts for the user's area and the way to every list. Department users (delivery
    entry only) go straight to their deliveries."""
    if user_paths(request.user, VIEW) == [] and user_paths(request.user, DELIVER) != []:
        return redirect("assistance:delivery-list")
    need(request)
    area = selectors.user_top_area(request.user)
    year = this_year()
    numbers = _numbers(request, None, year)
    context = {
        "area": area,
        "year": year,
        "numbers": numbers,
        "cadre_count": Cadre.objects.for_user(request.user).filter(active=True).count(),
        "team_count": selectors.teams(request.user, current=True).count(),
        "visit_count": selectors.visits(request.user).filter(visited_on__year=year).count(),
        "can_manage": user_paths(request.user, MANAGE) != [],
        "can_deliver": user_paths(request.user, DELIVER) != [],
        "can_settings": user_paths(request.user, SETTINGS) != [],
    }
    return render(request, "assistance/index.html", context)


@access("scoped")
@login_required
def area_detail(request, code):
    """One area: its 五包 chain, work teams and the gaps counts with links to the lists."""
    need(request)
    area = selectors.area_or_404(request.user, code)
    year = this_year()
    numbers = _numbers(request, area, year)
    children = []
    if area.level in ("county", "township"):
        for child in area.children.filter(level__in=("township", "village")).order_by("code"):
            if user_can(request.user, VIEW, child):
                children.append(child)
    context = {
        "area": area,
        "ancestors": area.ancestors(),
        "chain": selectors.chain(area),
        "numbers": numbers,
        "year": year,
        "children": children,
        "can_manage": user_can(request.user, MANAGE, area),
    }
    return render(request, "assistance/area_detail.html", context)


def _gap_filter(request):
    form = GapFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    area = None
    if data.get("area"):
        from django.http import Http404

        try:
            area = selectors.area_or_404(request.user, data["area"])
        except Http404:
            form.add_error("area", _("区域不存在或不在您的范围内。"))
    return form, area, data.get("year") or this_year(), data.get("basis") or "any"


@access("scoped")
@login_required
def gap_list(request, kind):
    need(request)
    if kind not in GapKind.values:
        from django.http import Http404

        raise Http404(_("没有这种清单。"))
    form, area, year, basis = _gap_filter(request)
    scope = _scope(request, area)
    today = timezone.localdate()
    causes = code_tables().get("cause", {})
    rows: list = []
    summary: list = []
    if kind == GapKind.CAUSE:
        found = gaps.cause_gaps(scope["households"], year, basis)
        households, by_cause = gaps.cause_gap_counts(found)
        summary = [(causes.get(c, c), n) for c, n in sorted(by_cause.items(), key=lambda x: -x[1])]
        rows = found
    elif kind == GapKind.UNPAIRED:
        rows = gaps.unpaired(scope["households"]).select_related("area", "area__parent")
    elif kind == GapKind.OVERLOADED:
        rows = gaps.overloaded(scope["cadres"])
    elif kind == GapKind.OVERDUE:
        rows = gaps.overdue(scope["pairings"], today)
    else:
        rows = gaps.behind(gaps.overdue(scope["pairings"], today))
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    objects = list(page.object_list)
    if kind == GapKind.CAUSE:
        from jingzhun.register.models import Household

        hh = Household.objects.select_related("area", "area__parent").in_bulk(
            [g.household_id for g in objects]
        )
        objects = [
            {
                "household": hh[g.household_id],
                "village": village_name(hh[g.household_id]),
                "cause": causes.get(g.cause, g.cause),
                "measures": g.measures,
            }
            for g in objects
        ]
    elif kind == GapKind.UNPAIRED:
        objects = [
            {"household": h, "village": village_name(h), "cause": causes.get(h.main_cause, "")}
            for h in objects
        ]
    context = {
        "kind": kind,
        "kind_label": GapKind(kind).label,
        "kinds": GapKind.choices,
        "form": form,
        "area": area,
        "year": year,
        "page": page,
        "rows": objects,
        "summary": summary,
        "can_manage": user_paths(request.user, MANAGE) != [],
    }
    return render(request, "assistance/gap_list.html", context)


@access("scoped")
@login_required
def household_page(request, pk):
    """A household's assistance: cadre, pairings, the year's plan, visits, deliveries by year."""
    need(request)
    h = selectors.household_or_404(request.user, pk)
    labels = code_tables()
    year = this_year()
    plan = AssistancePlan.objects.for_user(request.user).filter(household=h, year=year).first()
    team = selectors.village_team(h)
    context = {
        "household": h,
        "village": village_name(h),
        "main_cause": labels.get("cause", {}).get(h.main_cause, ""),
        "other_causes": [labels.get("cause", {}).get(c, c) for c in h.other_causes or []],
        "pairing": selectors.current_pairing(h),
        "history": Pairing.objects.for_user(request.user).filter(household=h).select_related("cadre"),
        "team": team,
        "first_secretary": selectors.first_secretary(team),
        "plan": plan,
        "plan_items": list(plan.items.select_related("measure")) if plan else [],
        "cause_names": labels.get("cause", {}),
        "visits": selectors.visits(request.user, household=h)[:20],
        "years": selectors.ledger_years(h) or [year],
        "year": year,
        "deliveries": selectors.deliveries(request.user).filter(household=h)[:50],
        "can_manage": user_can(request.user, MANAGE, h.area),
        "can_visit": user_can(request.user, VISIT, h.area),
        "can_register": user_can(request.user, "register.view", h.area),
    }
    return render(request, "assistance/household.html", context)


@access("scoped")
@login_required
def ledger(request, pk, year):
    """The printable 明白账 of a household for one year."""
    need(request)
    h = selectors.household_or_404(request.user, pk)
    labels = code_tables()
    context = {
        "household": h,
        "village": village_name(h),
        "year": year,
        "data": selectors.ledger(h, year),
        "pairing": selectors.current_pairing(h),
        "programs": labels.get("transfer_program", {}),
        "years": selectors.ledger_years(h),
    }
    return render(request, "assistance/ledger.html", context)


@access("scoped")
@login_required
def card(request, pk):
    """The printable 帮扶联系卡: who helps the household, how to reach them, this year's measures."""
    need(request)
    h = selectors.household_or_404(request.user, pk)
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2014 <= int(raw) <= 2100 else this_year()
    plan = AssistancePlan.objects.filter(household=h, year=year).first()
    team = selectors.village_team(h)
    context = {
        "household": h,
        "village": village_name(h),
        "year": year,
        "pairing": selectors.current_pairing(h),
        "team": team,
        "first_secretary": selectors.first_secretary(team),
        "plan_items": list(plan.items.select_related("measure")) if plan else [],
        "delivered": selectors.ledger(h, year)["rows"],
        "cause_names": code_tables().get("cause", {}),
    }
    return render(request, "assistance/card.html", context)
