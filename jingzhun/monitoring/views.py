"""Monitoring pages: the case list, a case with its procedures, reporting a lead, checking it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun.core.access import access
from jingzhun.core.errors import AccessDenied, DomainError, add_to_form
from jingzhun.core.scoping import user_can, user_paths
from jingzhun.register.models import Household

from . import selectors, services
from .choices import CaseSource, CaseStatus, MonitoringType, RiskType
from .forms import ProposeForm, ReasonForm, StartEntryForm
from .models import MonitoringCase

PAGE_SIZE = 30


def _need(request, capability: str) -> None:
    if user_paths(request.user, capability) == []:
        raise PermissionDenied(_("您没有访问此页面的权限。"))


def procedure_url(procedure) -> str | None:
    if procedure is None:
        return None
    try:
        return reverse("workflows:procedure-detail", args=[procedure.pk])
    except NoReverseMatch:
        return None


@access("scoped")
@login_required
def case_list(request):
    _need(request, "monitoring.view")
    params = {k: request.GET.get(k, "").strip() for k in ("status", "monitoring_type", "risk", "source", "q")}
    qs = selectors.cases_for(request.user, **params)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.status_counts(request.user)
    return render(
        request,
        "monitoring/case_list.html",
        {
            "page_obj": page,
            "params": params,
            "status_counts": [(code, label, counts.get(code, 0)) for code, label in CaseStatus.choices],
            "types": MonitoringType.choices,
            "risks": RiskType.choices,
            "sources": CaseSource.choices,
            "can_report": user_paths(request.user, "monitoring.report") != [],
        },
    )


def _case_or_404(request, pk) -> MonitoringCase:
    qs = MonitoringCase.objects.for_user(request.user, "view").select_related(
        "household",
        "area",
        "entry_procedure__current_step",
        "elimination_procedure__current_step",
        "proposed_by",
    )
    return get_object_or_404(qs, pk=pk)


@access("scoped")
@login_required
def case_detail(request, pk):
    case = _case_or_404(request, pk)
    can_manage = user_can(request.user, "monitoring.manage", case.area)
    history = (
        MonitoringCase.objects.for_user(request.user, "view").filter(household=case.household).exclude(pk=pk)
    )
    return render(
        request,
        "monitoring/case_detail.html",
        {
            "case": case,
            "can_manage": can_manage,
            "start_form": StartEntryForm(initial={"monitoring_type": case.monitoring_type}),
            "dismiss_form": ReasonForm(),
            "entry_url": procedure_url(case.entry_procedure),
            "elimination_url": procedure_url(case.elimination_procedure),
            "history": history,
        },
    )


def _submission(request):
    """A public self-report (农户自主申报) being turned into a lead, if one is named and in scope."""
    from jingzhun.public.models import PublicSubmission

    pk = request.GET.get("submission") or request.POST.get("submission") or ""
    if not pk.isdigit():
        return None
    return get_object_or_404(PublicSubmission.objects.for_user(request.user, "view"), pk=int(pk))


@access("scoped")
@login_required
def case_new(request):
    _need(request, "monitoring.report")
    submission = _submission(request)
    initial = {"household": request.GET.get("household", "")}
    if submission is not None:
        initial.update(source=CaseSource.SELF_REPORT, detail=submission.content)
    form = ProposeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = (
            Household.objects.for_user(request.user, "view").filter(household_no=data["household"]).first()
        )
        if household is None:
            form.add_error("household", _("在您的管辖范围内没有找到该户编号。"))
        else:
            try:
                case = services.case_propose_from(
                    actor=request.user,
                    submission=submission,
                    household=household,
                    source=data["source"],
                    risk_types=data["risk_types"],
                    detail=data["detail"],
                    monitoring_type=data["monitoring_type"],
                    opened_on=data["opened_on"],
                )
            except AccessDenied as exc:
                raise PermissionDenied(exc.message) from exc
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("风险线索已登记，等待村级核实。"))
                return redirect("monitoring:case-detail", pk=case.pk)
    return render(request, "monitoring/case_form.html", {"form": form, "submission": submission})


@access("scoped")
@login_required
@require_POST
def case_action(request, pk, action):
    case = _case_or_404(request, pk)
    form = StartEntryForm(request.POST) if action == "start" else ReasonForm(request.POST)
    try:
        if action == "start":
            if not form.is_valid():
                raise DomainError(_("请选择监测对象类型。"), field="monitoring_type")
            services.case_start_entry(
                actor=request.user, case=case, monitoring_type=form.cleaned_data["monitoring_type"]
            )
            messages.success(request, _("已发起监测对象识别程序。"))
        elif action == "dismiss":
            services.case_dismiss(actor=request.user, case=case, reason=request.POST.get("reason", ""))
            messages.success(request, _("已作不纳入处理。"))
        elif action == "eliminate":
            services.case_start_elimination(actor=request.user, case=case)
            messages.success(request, _("已启动风险消除程序。"))
        else:
            raise DomainError(_("未知操作。"))
    except AccessDenied as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("monitoring:case-detail", pk=case.pk)
