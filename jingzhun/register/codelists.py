"""Services for the code lists (致贫原因 …): admins add provincial codes or retire one, with audit.

Codes are never deleted, since old records keep pointing at them; a retired code stays readable but is
no longer offered in forms.
"""

from __future__ import annotations

import re

from django.db import transaction

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.scoping import user_can
from jingzhun.core.services import audit_record

from .codes import CODE_LISTS, kind_label
from .models import CodeItem
from .validation import check_name

CODE_RE = re.compile(r"^[0-9A-Za-z_]{1,16}$")


def _require(actor) -> None:
    if not user_can(actor, "register.codes"):
        raise AccessDenied("您无权维护代码表。")


@transaction.atomic
def code_item_add(*, actor, kind: str, code: str, name: str, sort: int | None = None) -> CodeItem:
    """Add a code to one of the register's code lists (e.g. 因婚 to 致贫原因)."""
    _require(actor)
    if kind not in CODE_LISTS:
        raise DomainError("未知的代码表。", field="kind")
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise DomainError("“代码”应为 1–16 位字母、数字或下划线。", field="code")
    problems = check_name(name, field="name", label="名称")
    if problems:
        raise DomainError(problems[0].message, field="name")
    name = name.strip()
    existing = CodeItem.objects.select_for_update().filter(kind=kind)
    if existing.filter(code=code).exists():
        raise DomainError(f"{kind_label(kind)}中已有代码“{code}”。", field="code")
    if existing.filter(name=name).exists():
        raise DomainError(f"{kind_label(kind)}中已有名称“{name}”。", field="name")
    if sort is None:
        sort = max(existing.values_list("sort", flat=True), default=0) + 1
    item = CodeItem.objects.create(kind=kind, code=code, name=name, sort=sort, builtin=False)
    audit_record(
        actor=actor,
        action="codeitem.add",
        target=item,
        after={"kind": kind, "code": code, "name": name, "sort": sort},
    )
    return item


@transaction.atomic
def code_item_set_active(*, actor, item: CodeItem, active: bool, reason: str = "") -> CodeItem:
    """Retire a code (no longer offered in forms) or bring it back."""
    _require(actor)
    item = CodeItem.objects.select_for_update().get(pk=item.pk)
    if item.active == active:
        return item
    before = {"active": item.active}
    item.active = active
    item.save(update_fields=["active"])
    audit_record(
        actor=actor,
        action="codeitem.activate" if active else "codeitem.deactivate",
        target=item,
        before=before,
        after={"active": active, "kind": item.kind, "code": item.code},
        reason=reason,
    )
    return item
