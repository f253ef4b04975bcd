"""Household pages: the list with filters and search, 一户一档, the printable 扶贫手册, reveals, pickers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_POST

from jingzhun.core.access import access
from jingzhun.core.masking import mask_account
from jingzhun.core.scoping import user_paths
from jingzhun.core.sensitive import reveal

from . import selectors
from .choices import ChangeKind, MemberStatus
from .forms import HouseholdFilterForm
from .models import Household
from .validation import age_on

PER_PAGE = 50


def optional_url(name: str, *args) -> str | None:
    """A URL that another module may not have defined yet (e.g. change requests): None if missing."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def need_register(request, capability: str = "register.view") -> None:
    if user_paths(request.user, capability) == []:
        raise PermissionDenied("您没有访问农户档案的权限。")


class Labels:
    """Code → name for every code list, read once per page."""

    def __init__(self):
        self.tables = selectors.code_tables()

    def name(self, kind: str, code) -> str:
        if code in (None, ""):
            return ""
        return self.tables.get(kind, {}).get(str(code), str(code))


def _row(h: Household, labels: Labels) -> dict:
    return {
        "obj": h,
        "village": selectors.village_name(h),
        "attribute": labels.name("attribute", h.attribute),
        "main_cause": labels.name("cause", h.main_cause),
    }


@access("scoped")
@login_required
def household_list(request):
    need_register(request)
    form = HouseholdFilterForm(request.GET or None)
    params = form.params() if form.is_valid() else {}
    qs = selectors.household_list_rows(selectors.household_search(request.user, params))
    area_missing = bool(params.get("area")) and selectors.resolve_area(request.user, params["area"]) is None
    if area_missing:
        form.add_error("area", "区域不存在或不在您的范围内。")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    labels = Labels()
    return render(
        request,
        "register/household_list.html",
        {
            "form": form,
            "page": page,
            "rows": [_row(h, labels) for h in page.object_list],
            "can_create": user_paths(request.user, "register.change") != [],
            "export_url": optional_url("register:io-export")
            if user_paths(request.user, "register.export") != []
            else None,
            # The import page admits register.change holders (their own villages, unregistered households);
            # poverty status columns additionally need register.import, checked row by row.
            "import_url": optional_url("register:io-import")
            if user_paths(request.user, "register.change") != []
            else None,
        },
    )


@access("scoped")
@login_required
def household_autocomplete(request):
    """JSON for pickers (e.g. the target household of a transfer): only households in scope."""
    return JsonResponse({"results": selectors.household_autocomplete(request.user, request.GET.get("q", ""))})


def _member_rows(members, labels: Labels, today):
    rows = []
    for m in members:
        rows.append(
            {
                "obj": m,
                "age": age_on(m.birth_date, today),
                "relation": labels.name("relation", m.relation),
                "ethnicity": labels.name("ethnicity", m.ethnicity),
                "education": labels.name("education", m.education),
                "in_school": labels.name("in_school", m.in_school),
                "labour": labels.name("labour", m.labour),
                "migrant_place": labels.name("migrant_place", m.migrant_place),
                "active": m.status == MemberStatus.ACTIVE,
            }
        )
    return rows


def _income_rows(incomes, labels: Labels):
    rows = []
    for inc in incomes:
        lines = [
            {"program": labels.name("transfer_program", t.program), "amount": t.amount, "member": t.member}
            for t in inc.transfer_lines.all()
        ]
        share = inc.transfers / inc.net_income * 100 if inc.transfers and inc.net_income > 0 else None
        rows.append({"obj": inc, "lines": lines, "transfer_share": share})
    return rows


def _household_facts(h: Household, labels: Labels) -> dict:
    return {
        "standard": labels.name("standard", h.standard),
        "attribute": labels.name("attribute", h.attribute),
        "main_cause": labels.name("cause", h.main_cause),
        "other_causes": [labels.name("cause", c) for c in (h.other_causes or [])],
        "house_structure": labels.name("house_structure", h.house_structure),
        "water": labels.name("water", h.water),
        "fuel": labels.name("fuel", h.fuel),
        "bank_account": mask_account(h.bank_account),
    }


def _as_of_year(request) -> int | None:
    try:
        year = int(request.GET.get("as_of", ""))
    except ValueError:
        return None
    return year if 2000 <= year <= timezone.now().year else None


@access("scoped")
@login_required
def household_detail(request, pk):
    live = selectors.household_detail(request.user, pk)
    user = request.user
    labels = Labels()
    today = timezone.localdate()
    as_of = _as_of_year(request)
    version = selectors.household_version_at(live, as_of) if as_of else None
    if as_of and version is not None:
        household, members = selectors.objects_from_version(user, version.data)
        household.pk = live.pk
        today = min(today, selectors.end_of_year(as_of).date())
    else:
        household, members = live, list(selectors.household_members(user, live))
    incomes = selectors.household_incomes(user, live, up_to=as_of)
    can_change = selectors.can_change(user, live)
    change_rows = [
        {"obj": cr, "url": optional_url("register:change-detail", cr.pk)}
        for cr in selectors.household_change_requests(user, live)[:50]
    ]
    change_links = []
    if can_change and live.is_registered and not as_of:
        for kind, label in ChangeKind.choices:
            url = optional_url("register:change-new", live.pk, kind)
            if url:
                change_links.append((label, url))
    context = {
        "household": household,
        "live": live,
        "facts": _household_facts(household, labels),
        "members": _member_rows(members, labels, today),
        "incomes": _income_rows(incomes, labels),
        "change_rows": change_rows,
        "change_links": change_links,
        "as_of": as_of,
        "as_of_missing": bool(as_of) and version is None,
        "version": version,
        "years": selectors.version_years(live),
        "can_change": can_change,
        "can_edit": selectors.can_edit_directly(user, live) and not as_of,
        "can_reveal": selectors.can_reveal(user, live) and not as_of,
        "correct_url": optional_url("register:change-new", live.pk, ChangeKind.CORRECT_INFO),
    }
    return render(request, "register/household_detail.html", context)


@access("scoped")
@login_required
def household_handbook(request, pk):
    """The printable A4 扶贫手册 (masked ID numbers; signatures on paper)."""
    household = selectors.household_detail(request.user, pk)
    labels = Labels()
    members = selectors.household_members(request.user, household, include_left=False)
    context = {
        "household": household,
        "facts": _household_facts(household, labels),
        "members": _member_rows(members, labels, timezone.localdate()),
        "incomes": _income_rows(selectors.household_incomes(request.user, household)[:6], labels),
        "printed_on": timezone.localdate(),
    }
    return render(request, "register/household_handbook.html", context)


# --- audited reveals (htmx) ---------------------------------------------------------------------------


def _revealed(value: str, testid: str) -> HttpResponse:
    return HttpResponse(f'<span class="font-monospace" data-testid="{testid}">{escape(value) or "-"}</span>')


@access("scoped")
@login_required
@require_POST
def member_reveal_id(request, pk):
    member = selectors.member_detail(request.user, pk)
    value = reveal(actor=request.user, obj=member, field="id_number", area=member.household.area)
    return _revealed(value, "id-full")


@access("scoped")
@login_required
@require_POST
def member_reveal_health(request, pk):
    """Health and disability details, recorded as one audited view of the member's health."""
    member = selectors.member_detail(request.user, pk)
    reveal(actor=request.user, obj=member, field="health", area=member.household.area)
    labels = Labels()
    parts = [labels.name("health", member.health) or "未填写"]
    if member.disability_type or member.disability_grade:
        grade = f" {member.disability_grade} 级" if member.disability_grade else ""
        parts.append(f"{labels.name('disability_type', member.disability_type)}{grade}")
    if member.disability_cert_no:
        parts.append(f"残疾证号 {member.disability_cert_no}")
    return _revealed("；".join(parts), "health-full")


@access("scoped")
@login_required
@require_POST
def household_reveal_account(request, pk):
    household = selectors.household_detail(request.user, pk)
    value = reveal(actor=request.user, obj=household, field="bank_account", area=household.area)
    return _revealed(value, "account-full")
