"""Pages for the people side of assistance: cadres, pairings, work teams and the responsibility chain."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun.accounts.models import User
from jingzhun.core.access import access
from jingzhun.core.errors import DomainError, add_to_form
from jingzhun.core.masking import mask_id_number
from jingzhun.core.scoping import user_can

from . import selectors, services
from .choices import MANAGE
from .forms import CadreForm, EndForm, LinkForm, MemberEndForm, PairingForm, TeamForm, TeamMemberForm
from .limits import cadre_max
from .models import Cadre, Pairing, ResponsibilityLink, WorkTeam, WorkTeamMember
from .views import PER_PAGE, need


def form_page(request, form, title, back, *, multipart=False, extra=None):
    """The shared one-form page; ``back`` is a URL name without arguments or a path."""
    back = back if back.startswith("/") else reverse(back)
    context = {"form": form, "title": title, "back": back, "multipart": multipart, **(extra or {})}
    return render(request, "assistance/form.html", context, status=400 if form.errors else 200)


# --- cadres --------------------------------------------------------------------------------------


@access("scoped")
@login_required
def cadre_list(request):
    need(request)
    q = request.GET.get("q", "").strip()[:50]
    qs = selectors.cadres(request.user, q=q)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    for c in page.object_list:
        c.limit = cadre_max(c)
        c.id_masked = mask_id_number(c.id_number)
    context = {"page": page, "q": q, "can_manage": user_can(request.user, MANAGE)}
    return render(request, "assistance/cadre_list.html", context)


def _login_user(request, form):
    name = (form.cleaned_data.get("username") or "").strip()
    if not name:
        return None
    u = User.objects.filter(username=name).select_related("area").first()
    if u is None or u.area is None or not user_can(request.user, MANAGE, u.area):
        raise DomainError(_("账号“%(name)s”不存在或不在您的管理范围内。") % {"name": name}, field="username")
    return u


@access("scoped")
@login_required
def cadre_create(request):
    need(request, MANAGE)
    form = CadreForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            cadre = services.cadre_save(
                actor=request.user,
                area=form.cleaned_data["area"],
                data=form.cleaned_data,
                user=_login_user(request, form),
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("已登记帮扶责任人“%(name)s”。") % {"name": cadre.name})
            return redirect("assistance:cadre-detail", pk=cadre.pk)
    return form_page(request, form, _("登记帮扶责任人"), "assistance:cadre-list")


@access("scoped")
@login_required
def cadre_edit(request, pk):
    need(request, MANAGE)
    cadre = selectors.object_or_404(Cadre, request.user, pk, "manage")
    initial = {f: getattr(cadre, f) for f in services.CADRE_FIELDS} | {
        "area": cadre.area_id,
        "username": cadre.user.username if cadre.user_id else "",
    }
    form = CadreForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.cadre_save(
                actor=request.user,
                cadre=cadre,
                area=form.cleaned_data["area"],
                data=form.cleaned_data,
                user=_login_user(request, form),
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("assistance:cadre-detail", pk=cadre.pk)
    return form_page(
        request, form, _("修改帮扶责任人：%(name)s") % {"name": cadre.name}, "assistance:cadre-list"
    )


@access("scoped")
@login_required
def cadre_detail(request, pk):
    need(request)
    cadre = selectors.object_or_404(Cadre, request.user, pk)
    pairings = (
        selectors.pairings(request.user, open_only=False)
        .filter(cadre=cadre)
        .order_by("ended_on", "-started_on")
    )
    context = {
        "cadre": cadre,
        "id_masked": mask_id_number(cadre.id_number),
        "limit": cadre_max(cadre),
        "open_count": cadre.pairings.filter(ended_on__isnull=True).count(),
        "pairings": pairings,
        "visits": selectors.visits(request.user, cadre=cadre)[:30],
        "teams": WorkTeamMember.objects.for_user(request.user).filter(cadre=cadre).select_related("team"),
        "can_manage": user_can(request.user, MANAGE, cadre.area),
    }
    return render(request, "assistance/cadre_detail.html", context)


# --- pairings ------------------------------------------------------------------------------------


@access("scoped")
@login_required
def pairing_create(request, pk):
    need(request, MANAGE)
    household = selectors.household_or_404(request.user, pk)
    form = PairingForm(request.POST or None, user=request.user, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            services.pairing_create(
                actor=request.user,
                cadre=form.cleaned_data["cadre"],
                household=household,
                started_on=form.cleaned_data["started_on"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("已安排帮扶责任人。"))
            return redirect("assistance:household", pk=household.pk)
    title = _("安排帮扶责任人：%(household)s") % {"household": household}
    return form_page(request, form, title, reverse("assistance:household", args=[household.pk]))


@access("scoped")
@login_required
def pairing_end(request, pk):
    need(request, MANAGE)
    pairing = selectors.object_or_404(Pairing, request.user, pk, "manage")
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pairing_end(
                actor=request.user,
                pairing=pairing,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("已结束结对。"))
            return redirect("assistance:household", pk=pairing.household_id)
    title = _("结束结对：%(pairing)s") % {"pairing": pairing}
    return form_page(request, form, title, reverse("assistance:household", args=[pairing.household_id]))


# --- work teams ----------------------------------------------------------------------------------


@access("scoped")
@login_required
def team_list(request):
    need(request)
    current = request.GET.get("all") != "1"
    qs = (
        selectors.teams(request.user, current=current)
        .prefetch_related("members__cadre")
        .order_by("area_path")
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    for t in page.object_list:
        t.secretary = selectors.first_secretary(t)
        t.open_members = [m for m in t.members.all() if m.ended_on is None]
    return render(
        request,
        "assistance/team_list.html",
        {"page": page, "current": current, "can_manage": user_can(request.user, MANAGE)},
    )


@access("scoped")
@login_required
def team_create(request):
    need(request, MANAGE)
    form = TeamForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_save(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("已登记驻村工作队。"))
            return redirect("assistance:team-detail", pk=team.pk)
    return form_page(request, form, _("登记驻村工作队"), "assistance:team-list")


@access("scoped")
@login_required
def team_edit(request, pk):
    need(request, MANAGE)
    team = selectors.object_or_404(WorkTeam, request.user, pk, "manage")
    initial = {
        "name": team.name,
        "sending_unit": team.sending_unit,
        "area": team.area_id,
        "started_on": team.started_on,
        "ended_on": team.ended_on,
    }
    form = TeamForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_save(actor=request.user, team=team, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("assistance:team-detail", pk=team.pk)
    return form_page(
        request, form, _("修改驻村工作队：%(name)s") % {"name": team.name}, "assistance:team-list"
    )


@access("scoped")
@login_required
def team_detail(request, pk):
    need(request)
    team = selectors.object_or_404(WorkTeam, request.user, pk)
    can_manage = user_can(request.user, MANAGE, team.area)
    form = TeamMemberForm(request.POST or None, user=request.user, team=team) if can_manage else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.team_member_add(actor=request.user, team=team, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("已增加队员。"))
            return redirect("assistance:team-detail", pk=team.pk)
    context = {
        "team": team,
        "members": team.members.select_related("cadre").order_by("ended_on", "role", "started_on"),
        "form": form,
        "can_manage": can_manage,
    }
    return render(
        request, "assistance/team_detail.html", context, status=400 if form and form.errors else 200
    )


@access("scoped")
@login_required
def team_member_end(request, pk):
    need(request, MANAGE)
    member = selectors.object_or_404(WorkTeamMember, request.user, pk, "manage")
    form = MemberEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_member_end(
                actor=request.user, member=member, ended_on=form.cleaned_data["ended_on"]
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("已办理离队。"))
            return redirect("assistance:team-detail", pk=member.team_id)
    return form_page(
        request, form, _("队员离队：%(name)s") % {"name": member.cadre.name}, "assistance:team-list"
    )


# --- the responsibility chain --------------------------------------------------------------------


@access("scoped")
@login_required
def link_create(request, code):
    need(request, MANAGE)
    area = selectors.area_or_404(request.user, code)
    form = LinkForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.link_save(actor=request.user, area=area, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("已登记责任人。"))
            return redirect("assistance:area", code=area.code)
    title = _("登记帮扶责任链：%(area)s") % {"area": area.name}
    return form_page(request, form, title, reverse("assistance:area", args=[area.code]))


@access("scoped")
@login_required
@require_POST
def link_end(request, pk):
    need(request, MANAGE)
    link = selectors.object_or_404(ResponsibilityLink, request.user, pk, "manage")
    from django.utils import timezone

    try:
        services.link_save(
            actor=request.user,
            link=link,
            kind=link.kind,
            area=link.area,
            cadre=link.cadre,
            person_name=link.person_name,
            unit=link.unit,
            title=link.title,
            started_on=link.started_on,
            ended_on=max(link.started_on, timezone.localdate()),
            note=link.note,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已结束该责任。"))
    return redirect("assistance:area", code=link.area.code)
