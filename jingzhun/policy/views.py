"""Policy pages: the parameters with their values by year, the edit form, and each key's history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun.areas.choices import AreaLevel
from jingzhun.areas.models import Area
from jingzhun.core.access import access
from jingzhun.core.errors import AccessDenied, DomainError, add_to_form
from jingzhun.core.scoping import user_paths

from . import selectors, services
from .forms import PolicyValueForm, RetireForm
from .parameters import BY_KEY, GROUPS, display


def _need(request, capability: str) -> None:
    if user_paths(request.user, capability) == []:
        raise PermissionDenied(_("您没有访问此页面的权限。"))


def _user_area(request):
    return getattr(request.user, "area", None)


def _param(key: str):
    param = BY_KEY.get(key)
    if param is None:
        raise Http404
    return param


def _scopes(user) -> list[tuple[str, str]]:
    """National (system operator only) and the provinces where the user may set provincial values."""
    out = [("", _("全国标准"))] if services.can_manage(user, None) else []
    paths = user_paths(user, "policy.manage")
    provinces = Area.objects.filter(level=AreaLevel.PROVINCE)
    if paths is not None:
        provinces = provinces.filter(path__in={p[:2] for p in paths})
    for province in provinces.order_by("path"):
        out.append((province.path, _("%(name)s（省定标准）") % {"name": province.name}))
    return out


@access("scoped")
@login_required
def value_list(request):
    _need(request, "policy.view")
    group = request.GET.get("group", "")
    group = group if group in GROUPS else ""
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    area = _user_area(request)
    in_force = selectors.resolve(BY_KEY, year, area)
    rows = []
    for row in selectors.catalogue_rows(request.user, group=group):
        p = row["param"]
        found = in_force.get(p.key)
        rows.append(
            {
                **row,
                "label": _(p.label),
                "in_force": display(p.key, found["value"]) if found else "",
                "in_force_scope": found["scope"] if found else None,
                "values": [(v, display(p.key, v.value)) for v in row["values"]],
            }
        )
    if "monitoring_threshold" in BY_KEY and not in_force.get("monitoring_threshold"):
        derived = selectors.snapshot(["monitoring_threshold"], year, area).get("monitoring_threshold")
        for r in rows:
            if r["param"].key == "monitoring_threshold" and derived:
                r["in_force"], r["derived"] = derived, True
    return render(
        request,
        "policy/value_list.html",
        {
            "rows": rows,
            "groups": GROUPS.items(),
            "group": group,
            "year": year,
            "province": selectors.province_path(area),
            "can_manage": bool(_scopes(request.user)),
        },
    )


@access("scoped")
@login_required
def value_edit(request, key):
    param = _param(key)
    _need(request, "policy.view")
    scopes = _scopes(request.user)
    if not scopes:
        raise PermissionDenied(_("您没有修改政策参数的权限。"))
    initial = {"scope": request.GET.get("scope", scopes[0][0]), "year": request.GET.get("year", "")}
    current = selectors.resolve([key], int(initial["year"] or timezone.localdate().year), _user_area(request))
    if key in current:
        initial["value"] = display(key, current[key]["value"])
    form = PolicyValueForm(request.POST or None, param=param, scopes=scopes, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        province = None
        if data["scope"]:
            province = get_object_or_404(Area, path=data["scope"], level=AreaLevel.PROVINCE)
        try:
            services.policy_value_set(
                actor=request.user,
                key=key,
                year=data["year"],
                value=data["value"],
                province=province,
                reason=data["reason"],
                note=data["note"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("已保存，原取值保留在修改记录中。"))
            return redirect("policy:value-history", key=key)
    return render(request, "policy/value_edit.html", {"param": param, "label": _(param.label), "form": form})


@access("scoped")
@login_required
def value_history(request, key):
    param = _param(key)
    _need(request, "policy.view")
    rows = [(v, display(key, v.value)) for v in selectors.history_for(request.user, key)]
    return render(
        request,
        "policy/value_history.html",
        {
            "param": param,
            "label": _(param.label),
            "rows": rows,
            "can_manage": bool(_scopes(request.user)),
            "retire_form": RetireForm(),
        },
    )


@access("scoped")
@login_required
@require_POST
def value_retire(request, pk):
    row = get_object_or_404(selectors.values_for(request.user), pk=pk)
    form = RetireForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写撤销理由。"))
    else:
        try:
            services.policy_value_retire(actor=request.user, row=row, reason=form.cleaned_data["reason"])
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已撤销该取值。"))
    return redirect("policy:value-history", key=row.key)
