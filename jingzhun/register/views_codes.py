"""The code-list page: every register code list; admins with register.codes add or retire codes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jingzhun.core.access import access
from jingzhun.core.errors import DomainError, add_to_form
from jingzhun.core.scoping import user_can

from . import selectors
from .codelists import code_item_add, code_item_set_active
from .codes import CODE_LISTS
from .forms import CodeItemForm
from .models import CodeItem
from .views_households import need_register


def _kind(value) -> str:
    return value if value in CODE_LISTS else "cause"


@access("scoped")
@login_required
def code_list(request):
    need_register(request)
    can_manage = user_can(request.user, "register.codes")
    kind = _kind(request.POST.get("kind") or request.GET.get("kind"))
    form = None
    if can_manage:
        form = CodeItemForm(request.POST or None, initial={"kind": kind})
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("您无权维护代码表。")
        if form.is_valid():
            d = form.cleaned_data
            try:
                item = code_item_add(
                    actor=request.user, kind=d["kind"], code=d["code"], name=d["name"], sort=d["sort"]
                )
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, f"已添加代码 {item.code} {item.name}。")
                return redirect(reverse("register:codes") + f"?kind={item.kind}")
    return render(
        request,
        "register/household_codes.html",
        {
            "kinds": [(k, label) for k, (label, _items) in CODE_LISTS.items()],
            "kind": kind,
            "kind_label": CODE_LISTS[kind][0],
            "items": selectors.code_items(kind),
            "form": form,
            "can_manage": can_manage,
        },
    )


@access("scoped")
@login_required
@require_POST
def code_toggle(request, pk):
    item = get_object_or_404(CodeItem, pk=pk)
    try:
        code_item_set_active(actor=request.user, item=item, active=not item.active)
    except DomainError as exc:
        raise PermissionDenied(exc.message) from exc
    messages.success(request, f"已{'停用' if item.active else '启用'}代码 {item.code} {item.name}。")
    return redirect(reverse("register:codes") + f"?kind={item.kind}")
