"""Comparison pages: overview, runs with statistics by area, suspects (verify, decide, sign off), alerts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jingzhun.core.access import access
from jingzhun.core.errors import DomainError, add_to_form
from jingzhun.core.jobs import live_progress
from jingzhun.core.scoping import user_can
from jingzhun.register.choices import MemberStatus

from . import selectors
from .choices import RelativeKind, SuspectStatus
from .forms import DecisionForm, RunForm, SignoffForm, SuspectFilterForm, VisitForm
from .models import SuspectVisit
from .services import run_start, suspect_decide, suspect_signoff, suspect_visit_record
from .services_batches import can_manage


@access("scoped")
@login_required
@require_GET
def index(request):
    """The module's home: department users go to their uploads, officers to their suspects."""
    user = request.user
    if selectors.can(user, "comparison.view") or can_manage(user):
        return redirect("comparison:suspect-list")
    if selectors.can(user, "comparison.upload"):
        return redirect("comparison:batch-list")
    raise PermissionDenied(_("您没有访问数据比对的权限。"))


@access("scoped")
@login_required
@require_GET
def suspect_list(request):
    if not selectors.can(request.user, "comparison.view"):
        raise PermissionDenied(_("您没有查看疑点户的权限。"))
    form = SuspectFilterForm(request.GET or None)
    params = form.params() if form.is_bound else {}
    page = Paginator(selectors.suspect_search(request.user, params), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "comparison/suspect_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "todo": selectors.todo_items(request.user),
            "can_manage": can_manage(request.user),
            "can_upload": selectors.can(request.user, "comparison.upload"),
        },
    )


def _suspect(request, pk):
    suspect = selectors.suspect_get(request.user, pk)
    if suspect is None:
        raise Http404(_("疑点户不存在或不在您的范围内。"))
    return suspect


def _procedure_url(procedure_id):
    if not procedure_id:
        return None
    try:
        return reverse("workflows:procedure-detail", args=[procedure_id])
    except NoReverseMatch:
        return None


def _relation_label(entry: dict) -> str:
    if entry.get("person_kind") == "relative":
        return str(dict(RelativeKind.choices).get(entry.get("relation"), ""))
    return _("户主") if entry.get("relation") == "01" else _("家庭成员")


@access("scoped")
@login_required
def suspect_detail(request, pk):
    suspect = _suspect(request, pk)
    area = suspect.household.area
    can_decide = user_can(request.user, "comparison.decide", area)
    can_signoff = user_can(request.user, "comparison.signoff", area)
    action = request.POST.get("action") if request.method == "POST" else None
    visit_form = VisitForm(
        request.POST if action == "visit" else None,
        request.FILES if action == "visit" else None,
        prefix="visit",
    )
    decision_form = DecisionForm(
        request.POST if action == "decide" else None,
        request.FILES if action == "decide" else None,
        prefix="decide",
    )
    signoff_form = SignoffForm(request.POST if action == "signoff" else None, prefix="signoff")
    form = {"visit": visit_form, "decide": decision_form, "signoff": signoff_form}.get(action)
    if form is not None and form.is_valid():
        try:
            _apply(request, suspect, action, form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("comparison:suspect-detail", pk=suspect.pk)
    evidence = [{**e, "relation_label": _relation_label(e)} for e in suspect.evidence]
    columns = {f["code"]: f["label"] for f in suspect.dataset_type.fields}
    columns.update(
        {
            "row_no": _("行号"),
            "id_number": _("身份证号"),
            "name": _("姓名"),
            "birth_date": _("出生日期"),
            "note": _("说明"),
        }
    )
    return render(
        request,
        "comparison/suspect_detail.html",
        {
            "suspect": suspect,
            "evidence": evidence,
            "columns": columns,
            "visits": SuspectVisit.objects.filter(suspect=suspect).select_related("recorded_by"),
            "visit_form": visit_form
            if can_decide and suspect.status in (SuspectStatus.PENDING, SuspectStatus.VERIFIED)
            else None,
            "decision_form": decision_form
            if can_decide and suspect.status == SuspectStatus.VERIFIED
            else None,
            "signoff_form": signoff_form if can_signoff and suspect.status == SuspectStatus.DECIDED else None,
            "procedure_url": _procedure_url(suspect.procedure_id),
            "others": selectors.suspect_search(request.user, {})
            .filter(household=suspect.household)
            .exclude(pk=suspect.pk),
            "member_left": _members_left(suspect),
        },
    )


def _members_left(suspect) -> list[str]:
    from jingzhun.register.models import Member

    ids = [e["member_id"] for e in suspect.evidence if e.get("member_id")]
    return list(
        Member.objects.filter(pk__in=ids).exclude(status=MemberStatus.ACTIVE).values_list("name", flat=True)
    )


def _apply(request, suspect, action, data):
    if action == "visit":
        suspect_visit_record(
            actor=request.user,
            suspect=suspect,
            visited_on=data["visited_on"],
            visitors=data["visitors"],
            findings=data["findings"],
            confirmed=data["confirmed"],
            file=data.get("file"),
        )
    elif action == "decide":
        suspect_decide(
            actor=request.user,
            suspect=suspect,
            decision=data["decision"],
            reason=data["reason"],
            file=data.get("file"),
            fact_disproved=data["fact_disproved"],
        )
    else:
        suspect_signoff(actor=request.user, suspect=suspect, approve=data["approve"], comment=data["comment"])


@access("scoped")
@login_required
def run_list(request):
    if not (selectors.can(request.user, "comparison.view") or can_manage(request.user)):
        raise PermissionDenied(_("您没有访问数据比对的权限。"))
    manage = can_manage(request.user, request.user.area) if request.user.area_id else False
    form = RunForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied(_("您没有执行比对的权限。"))
        if form.is_valid():
            try:
                run = run_start(actor=request.user, area=request.user.area, full=form.cleaned_data["full"])
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                return redirect("comparison:run-detail", pk=run.pk)
    page = Paginator(selectors.runs_visible(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "comparison/run_list.html", {"page": page, "form": form if manage else None})


@access("scoped")
@login_required
@require_GET
def run_detail(request, pk):
    run = selectors.runs_visible(request.user).filter(pk=pk).first()
    if run is None:
        raise Http404
    manage = can_manage(request.user, run.area)
    job = run.job if manage else None
    percent, message = live_progress(job) if job else (0, "")
    return render(
        request,
        "comparison/run_detail.html",
        {
            "run": run,
            "job": job,
            "percent": percent,
            "message": message,
            "stats": selectors.run_stats(request.user, run),
            "batches": run.batches.select_related("dataset_type") if manage else None,
        },
    )


@access("scoped")
@login_required
@require_GET
def alert_list(request):
    if not selectors.can(request.user, "comparison.view"):
        raise PermissionDenied(_("您没有访问数据比对的权限。"))
    page = Paginator(selectors.alerts_visible(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "comparison/alert_list.html", {"page": page})
