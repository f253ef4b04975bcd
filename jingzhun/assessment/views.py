"""Assessment pages: results with failing criteria and flags, running a batch, 可退出户 and starting exit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun.areas.choices import AreaLevel
from jingzhun.core.access import access
from jingzhun.core.errors import AccessDenied, DomainError, add_to_form
from jingzhun.core.scoping import user_can, user_paths
from jingzhun.register.models import Household

from . import selectors, services
from .batch import assess_household
from .choices import CRITERIA, EXIT_KIND, Period
from .forms import RunForm

PAGE_SIZE = 50


def need(request, capability: str) -> None:
    if user_paths(request.user, capability) == []:
        raise PermissionDenied(_("您没有访问此页面的权限。"))


def year_param(request, default: int | None = None) -> int:
    try:
        return int(request.GET.get("year") or default or timezone.localdate().year - 1)
    except ValueError:
        return default or timezone.localdate().year - 1


def _run_areas(user):
    return (
        selectors.areas_for(user, "assessment.run")
        .filter(level__in=[AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE])
        .order_by("path")[:300]
    )


@access("scoped")
@login_required
def result_list(request):
    need(request, "assessment.view")
    keys = ("period", "area", "failing", "flag", "passed", "q")
    params = {k: request.GET.get(k, "").strip() for k in keys}
    params["period"] = params["period"] if params["period"] in Period.values else Period.YEAR
    year = year_param(request)
    qs = selectors.results_for(request.user, year=year, **params)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    can_run = user_paths(request.user, "assessment.run") != []
    return render(
        request,
        "assessment/result_list.html",
        {
            "page_obj": page,
            "params": params,
            "year": year,
            "counts": selectors.summary(qs),
            "criteria": [("income", _("收入达标")), *CRITERIA.items()],
            "periods": Period.choices,
            "can_run": can_run,
            "run_form": RunForm(areas=_run_areas(request.user)) if can_run else None,
        },
    )


@access("scoped")
@login_required
@require_POST
def run_start(request):
    need(request, "assessment.run")
    areas = list(_run_areas(request.user))
    form = RunForm(request.POST, areas=areas)
    if form.is_valid():
        area = get_object_or_404(
            selectors.areas_for(request.user, "assessment.run"), pk=form.cleaned_data["area"]
        )
        try:
            job = services.assessment_run_start(
                actor=request.user,
                area=area,
                year=form.cleaned_data["year"],
                period=form.cleaned_data["period"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            return redirect("core:job-detail", pk=job.pk)
    messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("assessment:result-list")


@access("scoped")
@login_required
def exitable_list(request):
    need(request, "assessment.view")
    year = year_param(request)
    qs = selectors.exitable_for(request.user, year)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/exitable_list.html",
        {"page_obj": page, "year": year, "can_start": user_paths(request.user, "workflows.village") != []},
    )


@access("scoped")
@login_required
@require_POST
def exit_start(request, pk):
    """发起退出: open the exit procedure for a poor household of the user's area."""
    from jingzhun.workflows.services import procedure_start

    household = get_object_or_404(
        Household.objects.for_user(request.user, "view").select_related("area"), pk=pk
    )
    year = year_param(request) if request.POST.get("year") is None else int(request.POST["year"] or 0)
    try:
        procedure = procedure_start(actor=request.user, kind=EXIT_KIND, household=household, year=year)
    except AccessDenied as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("register:household-detail", pk=household.pk)
    messages.success(request, _("已发起退出程序。"))
    return redirect("workflows:procedure-detail", pk=procedure.pk)


@access("scoped")
@login_required
@require_POST
def household_assess(request, pk):
    """Assess one household now (for the year given) and go back to its page."""
    household = get_object_or_404(
        Household.objects.for_user(request.user, "view").select_related("area"), pk=pk
    )
    if not user_can(request.user, "assessment.run", household.area):
        raise PermissionDenied(_("您无权评估该户。"))
    try:
        year = int(request.POST.get("year") or timezone.localdate().year - 1)
        services._year(year)
        assess_household(household, year, actor=request.user)
    except (ValueError, DomainError) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    else:
        messages.success(request, _("已完成 %(year)s 年退出评估。") % {"year": year})
    return redirect(f"{household_url(household)}#assessment")


def household_url(household) -> str:
    from django.urls import reverse

    return reverse("register:household-detail", args=[household.pk])
