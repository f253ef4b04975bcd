"""Village-side pages: candidates (start identification), overview by step, the application/survey step.

Batch steps (appraisal, notices, reviews) are done on the generic procedure pages of the workflows app;
these pages link there by URL name and fall back to plain text when those pages are not installed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.areas.choices import AreaLevel
from jingzhun.areas.models import Area
from jingzhun.core.access import access
from jingzhun.core.errors import DomainError, add_to_form
from jingzhun.core.scoping import user_can, user_paths
from jingzhun.workflows import services as workflow
from jingzhun.workflows.choices import StepAction

from . import selectors, services
from .choices import KIND
from .forms import ApplyForm, CandidateSearchForm, StartForm, SurveyForm, field_groups
from .survey import survey_flat

VILLAGE_LEVELS = (AreaLevel.VILLAGE, AreaLevel.HAMLET, AreaLevel.GROUP)


def need_view(request) -> None:
    if user_paths(request.user, "identification.view") == []:
        raise PermissionDenied(_("您没有访问贫困识别的权限。"))


def wf_url(name: str, *args) -> str | None:
    """A workflows page by URL name, or None while that page does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def batch_url(area, step) -> str | None:
    """The generic batch page of the workflows app for this area and step (None if not installed)."""
    base = wf_url("workflows:batch")
    if base is None or not step.is_batch:
        return None
    return f"{base}?kind={KIND}&area={area.code}&step={step.code}"


def pick_area(request, *, default_levels=None) -> Area:
    """The area chosen by ?area=<code> among those the user sees, else the user's own area."""
    qs = Area.objects.for_user(request.user)
    code = (request.GET.get("area") or request.POST.get("area") or "").strip()
    area = qs.filter(code=code).first() if code else None
    if code and area is None:
        raise Http404(_("未找到该区域，或不在您的管辖范围内。"))
    if area is None:
        own = getattr(request.user, "area", None)
        area = qs.filter(pk=own.pk).first() if own else None
    if area is None:
        area = qs.order_by("path").first()
    if area is None:
        raise Http404(_("您没有可访问的区域。"))
    return area


def _year(request) -> int:
    try:
        return int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


@access("scoped")
@login_required
def candidates(request):
    """Never-registered households of a village; start identification for the selected ones."""
    need_view(request)
    area = pick_area(request)
    if area.level not in VILLAGE_LEVELS:
        return render(
            request, "identification/pick_village.html", {"area": area, "villages": _villages(request, area)}
        )
    can_start = user_can(request.user, "workflows.village", area)
    search = CandidateSearchForm(request.GET or None)
    term = search.cleaned_data["q"] if search.is_valid() else ""
    qs = selectors.candidates(request.user, area, term)
    start_form = StartForm(request.POST or None, initial={"year": timezone.localdate().year})
    results = None
    if request.method == "POST":
        if not can_start:
            raise PermissionDenied(_("您无权在该村发起识别。"))
        ids = [int(x) for x in request.POST.getlist("households") if x.isdigit()]
        chosen = list(qs.filter(pk__in=ids))
        if not chosen:
            start_form.add_error(None, _("请至少选择一户。"))
        elif start_form.is_valid():
            d = start_form.cleaned_data
            try:
                batch, results = services.identification_start(
                    actor=request.user,
                    area=area,
                    year=d["year"],
                    households=chosen,
                    application={"applied_on": d["applied_on"], "method": d["method"]},
                    title=d["title"],
                )
            except DomainError as exc:
                add_to_form(start_form, exc)
            else:
                started = [r for r in results if r["procedure"]]
                if started:
                    messages.success(request, _("已为 %(n)s 户发起贫困户识别。") % {"n": len(started)})
                if not [r for r in results if r["error"]]:
                    return redirect(
                        reverse("identification:overview") + f"?area={area.code}&year={d['year']}"
                    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "identification/candidates.html",
        {
            "area": area,
            "page": page,
            "search": search,
            "start_form": start_form,
            "can_start": can_start,
            "results": results,
        },
    )


def _villages(request, area):
    return (
        Area.objects.for_user(request.user)
        .filter(path__startswith=area.path, level=AreaLevel.VILLAGE)
        .order_by("code")[:200]
    )


@access("scoped")
@login_required
def overview(request):
    """The identification list of an area by step, with links to the batch pages."""
    need_view(request)
    area = pick_area(request)
    year = _year(request)
    data = selectors.overview(request.user, area, year)
    for row in data["steps"]:
        row["batch_url"] = batch_url(area, row["step"])
        for p in row["procedures"]:
            p.detail_url = wf_url("workflows:procedure-detail", p.pk)
            p.step_url = (
                reverse("identification:step", args=[p.pk])
                if p.current_step.action in (StepAction.APPLY, StepAction.SURVEY)
                else None
            )
    return render(
        request,
        "identification/overview.html",
        {
            "area": area,
            "year": year,
            "years": range(timezone.localdate().year + 1, timezone.localdate().year - 4, -1),
            "villages": _villages(request, area) if area.level not in VILLAGE_LEVELS else [],
            "can_start": area.level in VILLAGE_LEVELS and user_can(request.user, "workflows.village", area),
            **data,
        },
    )


@access("scoped")
@login_required
def step(request, pk):
    """The application or survey step of one procedure, with the kind's form."""
    procedure = selectors.procedure_detail(request.user, pk)
    current = procedure.current_step
    if not procedure.is_running or current.action not in (StepAction.APPLY, StepAction.SURVEY):
        messages.info(request, _("该户当前不在申请或入户调查环节。"))
        return redirect(
            reverse("identification:overview") + f"?area={procedure.area.code}&year={procedure.year}"
        )
    can_act = user_can(request.user, current.capability, procedure.area)
    is_survey = current.action == StepAction.SURVEY
    data = procedure.data or {}
    if is_survey:
        initial = survey_flat(data.get("survey_draft") or data.get("survey") or {})
        form = SurveyForm(
            request.POST or None, household=procedure.household, year=procedure.year, initial=initial
        )
    else:
        form = ApplyForm(request.POST or None, initial=data.get("application") or {})
    hits = []
    if request.method == "POST":
        if not can_act:
            raise PermissionDenied(_("您无权办理该环节。"))
        if form.is_valid():
            try:
                workflow.step_complete(
                    actor=request.user,
                    procedure=procedure,
                    data=form.cleaned_data,
                    comment=request.POST.get("comment", ""),
                    step_code=current.code,
                )
            except DomainError as exc:
                if exc.code == "exclusion_hit" and is_survey:
                    services.survey_keep(actor=request.user, procedure=procedure, data=form.cleaned_data)
                    messages.warning(
                        request, _("调查结果已保存，但该户命中不予识别规则，需县级批准例外后才能继续。")
                    )
                    return redirect("identification:step", pk=procedure.pk)
                add_to_form(form, exc)
            else:
                messages.success(request, _("“%(step)s”已办结。") % {"step": current.name})
                return redirect(
                    reverse("identification:overview") + f"?area={procedure.area.code}&year={procedure.year}"
                )
    if is_survey:
        from .kind import findings

        hits = findings(procedure, current)
    return render(
        request,
        "identification/step.html",
        {
            "procedure": procedure,
            "step": current,
            "form": form,
            "groups": field_groups(form) if is_survey else None,
            "can_act": can_act,
            "hits": hits,
            "draft": bool(data.get("survey_draft")),
            "detail_url": wf_url("workflows:procedure-detail", procedure.pk),
        },
    )
