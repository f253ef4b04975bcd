"""Village and county exit pages: incidence, the checklist with evidence, what blocks exit, the village
exit steps with the public notice (portal page, A4 poster) and the objections sent to it, and the county's
indicators by year."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun.areas.choices import AreaLevel
from jingzhun.areas.models import AreaYearStat
from jingzhun.core.access import access
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.masking import mask_phone
from jingzhun.core.scoping import user_can
from jingzhun.public import selectors as public_selectors
from jingzhun.public.forms import SubmissionHandleForm

from . import selectors, services, services_village
from .forms import ChecklistItemForm, CommentForm, NoticeForm, ReasonForm
from .incidence import incidence
from .models import VillageExit
from .views import need, year_param


@access("scoped")
@login_required
def village_list(request):
    need(request, "assessment.view")
    year = year_param(request)
    return render(
        request,
        "assessment/village_list.html",
        {"rows": selectors.villages_for(request.user, year), "year": year},
    )


def _village(request, pk):
    return get_object_or_404(selectors.areas_for(request.user).filter(level=AreaLevel.VILLAGE), pk=pk)


@access("scoped")
@login_required
def village_detail(request, pk):
    village = _village(request, pk)
    year = year_param(request)
    ind = services_village.exit_indicators(village, year)
    exits = (
        VillageExit.objects.for_user(request.user, "view")
        .filter(area=village)
        .select_related("public_notice")
        .order_by("-created_at")
    )
    current = next((e for e in exits if e.is_open), None)
    public = _public_side(request, exits, current)
    can_run = user_can(request.user, "assessment.run", village)
    rows = [
        {
            **row,
            "form": ChecklistItemForm(
                initial={
                    "code": row["code"],
                    "met": row["met"],
                    "evidence": getattr(row["record"], "evidence", ""),
                },
                prefix=row["code"],
            ),
        }
        for row in ind["checklist"]
    ]
    return render(
        request,
        "assessment/village_detail.html",
        {
            "village": village,
            "year": year,
            "ind": ind,
            "rows": rows,
            "exits": exits,
            "current": current,
            "can_run": can_run,
            "can_propose": user_can(request.user, "workflows.village", village),
            "can_township": user_can(request.user, "workflows.township", village),
            "can_county": user_can(request.user, "workflows.county", village),
            "comment_form": CommentForm(),
            "notice_form": NoticeForm(initial={"start": timezone.localdate()}),
            "reason_form": ReasonForm(),
            "today": timezone.localdate(),
            **public,
        },
    )


def _public_side(request, exits, current) -> dict:
    """The portal notice of the current exit, its unanswered objections (what blocks announcing) and the
    objections to the village's exits that the user may see, each with an answer form if they may answer."""
    notice = public_selectors.village_notice_of(current) if current else None
    objections = list(public_selectors.village_exit_objections(request.user, exits))
    for o in objections:
        # the objector's phone only to those who answer (township, county), not to the village itself
        may = public_selectors.may_handle(request.user, o)
        o.phone_display = o.contact_phone if may else mask_phone(o.contact_phone)
        o.may_answer = may and o.status == "new"
        o.answer_form = SubmissionHandleForm(prefix=f"s{o.pk}") if o.may_answer else None
    return {
        "village_notice": notice,
        "open_objections": public_selectors.open_village_objections(current) if notice else 0,
        "objections": objections,
    }


def _back(village, year):
    return redirect(f"{reverse('assessment:village-detail', args=[village.pk])}?year={year}")


@access("scoped")
@login_required
@require_POST
def checklist_save(request, pk):
    village = _village(request, pk)
    year = year_param(request)
    code = request.POST.get("code", "")
    form = ChecklistItemForm(request.POST, request.FILES, prefix=code)
    if not form.is_valid():
        messages.error(request, _("清单填报有误，请检查。"))
        return _back(village, year)
    data = form.cleaned_data
    try:
        services.checklist_item_save(
            actor=request.user,
            village=village,
            year=year,
            code=data["code"],
            met=data["met"],
            evidence=data["evidence"],
            evidence_file=data.get("evidence_file"),
        )
    except AccessDenied as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已保存。"))
    return _back(village, year)


@access("scoped")
@login_required
@require_POST
def village_exit_action(request, pk, action):
    village = _village(request, pk)
    year = year_param(request)
    try:
        if action == "propose":
            services_village.village_exit_propose(
                actor=request.user, village=village, year=year, comment=request.POST.get("comment", "")
            )
        else:
            exit_ = get_object_or_404(
                VillageExit.objects.for_user(request.user, "view"),
                area=village,
                pk=request.POST.get("exit") or 0,
            )
            year = exit_.year
            comment = request.POST.get("comment", "")
            if action == "verify":
                services_village.village_exit_verify(actor=request.user, exit_=exit_, comment=comment)
            elif action == "notice":
                form = NoticeForm(request.POST)
                if not form.is_valid():
                    raise DomainError(_("请填写公示开始日期。"), field="start")
                services_village.village_exit_notice(
                    actor=request.user,
                    exit_=exit_,
                    start=form.cleaned_data["start"],
                    place=form.cleaned_data["place"],
                )
            elif action == "announce":
                services_village.village_exit_announce(actor=request.user, exit_=exit_, comment=comment)
            elif action == "reject":
                services_village.village_exit_reject(
                    actor=request.user, exit_=exit_, reason=request.POST.get("reason", "")
                )
            else:
                raise Http404
    except AccessDenied as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已办理。"))
    return _back(village, year)


@access("scoped")
@login_required
def county_detail(request, pk=None):
    """County exit indicators: incidence of the county and each township by year, exits per year."""
    need(request, "assessment.view")
    counties = selectors.areas_for(request.user).filter(level=AreaLevel.COUNTY).order_by("path")
    county = get_object_or_404(counties, pk=pk) if pk else counties.first()
    if county is None:
        return render(request, "assessment/county_detail.html", {"county": None})
    townships = list(
        selectors.areas_for(request.user)
        .filter(level=AreaLevel.TOWNSHIP, path__startswith=county.path)
        .order_by("path")
    )
    years = sorted(
        set(
            AreaYearStat.objects.filter(
                area__in=[county, *townships], rural_population__isnull=False
            ).values_list("year", flat=True)
        ),
        reverse=True,
    )
    table = []
    for y in years:
        inc = incidence([county, *townships], y)
        table.append({"year": y, "county": inc[county.pk], "townships": [inc[t.pk] for t in townships]})
    exited = selectors.exits_per_year(request.user, county)
    exit_years = sorted(set(exited["households"]) | set(exited["villages"]), reverse=True)
    from jingzhun.evaluation.selectors import latest_closed
    from jingzhun.policy.selectors import incidence_limit

    this_year = timezone.localdate().year
    evaluation = latest_closed(request.user, county)  # fills the 错退率 / 漏评率 / 认可度 slots
    return render(
        request,
        "assessment/county_detail.html",
        {
            "county": county,
            "counties": counties,
            "townships": townships,
            "table": table,
            "limit": incidence_limit(county, this_year, "county"),
            "evaluation": evaluation,
            "ev": evaluation.results if evaluation else None,
            "slots": _evaluation_slots(evaluation),
            "exit_rows": [
                {
                    "year": y,
                    "households": exited["households"].get(y, 0),
                    "persons": exited["persons"].get(y, 0),
                    "villages": exited["villages"].get(y, 0),
                }
                for y in exit_years
            ],
        },
    )


def _evaluation_slots(evaluation) -> list[dict]:
    """错退率, 漏评率, 群众认可度 of the latest closed sample evaluation (rate None → "待评估")."""
    r = evaluation.results if evaluation is not None else {}
    return [
        {
            "label": label,
            "testid": testid,
            "rate": (r.get("rates") or {}).get(key),
            "ok": (r.get("passed") or {}).get(key),
        }
        for key, label, testid in (
            ("wrong_exit", _("错退率"), "wrong-exit"),
            ("missed", _("漏评率"), "missed"),
            ("approval", _("群众认可度"), "approval"),
        )
    ]
