"""Changing policy values: every change is a new row (the old one is kept as history) with an audit event.

National values are the system operator's (superuser); a province's own values may be set by whoever
holds ``policy.manage`` somewhere in that province (the county or province administrator).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.areas.choices import AreaLevel
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.scoping import user_paths
from jingzhun.core.services import audit_record

from .models import PolicyValue
from .parameters import CATALOGUE, clean_value, parameter

REASON_MAX = 1000


def can_manage(actor, province) -> bool:
    paths = user_paths(actor, "policy.manage")
    if paths is None:
        return True
    if province is None:
        return False
    return any(p.startswith(province.path) or province.path.startswith(p) for p in paths)


def _require(actor, province) -> None:
    if not can_manage(actor, province):
        if province is None:
            raise AccessDenied(_("全国标准只能由系统管理员修改；请为本省设定省定标准。"))
        raise AccessDenied(_("您无权修改“%(area)s”的政策参数。") % {"area": province.name})


def _check(year, province, reason: str) -> tuple[int, str]:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise DomainError(_("请填写起始年度。"), field="year") from None
    if not 2000 <= year <= 2100:
        raise DomainError(_("起始年度应在 2000 至 2100 之间。"), field="year")
    if province is not None and province.level != AreaLevel.PROVINCE:
        raise DomainError(_("省定标准只能设定到省级区划。"), field="province")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写修改理由。"), field="reason", code="required")
    if len(reason) > REASON_MAX:
        raise DomainError(_("修改理由不能超过 %(max)s 个字。") % {"max": REASON_MAX}, field="reason")
    return year, reason


def _current(key: str, path: str, year: int):
    return (
        PolicyValue.objects.select_for_update()
        .filter(key=key, area_path=path, year=year, superseded_at__isnull=True)
        .first()
    )


@transaction.atomic
def policy_value_set(
    *, actor, key: str, year: int, value, province=None, reason: str, note: str = ""
) -> PolicyValue:
    """Set ``key`` from ``year`` on (nationally or for ``province``); the previous row becomes history."""
    param = parameter(key)
    _require(actor, province)
    year, reason = _check(year, province, reason)
    stored = clean_value(key, value)
    path = province.path if province is not None else ""
    old = _current(key, path, year)
    if old is not None and not old.retired and old.value == stored and old.note == (note or "").strip():
        raise DomainError(_("取值没有变化。"), field="value", code="unchanged")
    now = timezone.now()
    if old is not None:
        old.superseded_at = now
        old.save(update_fields=["superseded_at"])
    row = PolicyValue.objects.create(
        key=key,
        province=province,
        area_path=path,
        year=year,
        value=stored,
        note=(note or "").strip()[:300],
        reason=reason,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="policy.set",
        target=row,
        area=province,
        target_label=f"{param.label} {province.name if province else _('全国')} {year}",
        before={"value": old.value} if old is not None and not old.retired else None,
        after={"key": key, "year": year, "value": stored},
        reason=reason,
    )
    return row


@transaction.atomic
def policy_value_retire(*, actor, row: PolicyValue, reason: str) -> PolicyValue:
    """Withdraw a value (e.g. a province's own value, so the national one applies again); kept as history."""
    row = PolicyValue.objects.select_for_update(of=("self",)).select_related("province").get(pk=row.pk)
    _require(actor, row.province)
    _year, reason = _check(row.year, row.province, reason)
    if row.superseded_at is not None or row.retired:
        raise DomainError(_("该取值已被替代或撤销。"), field="value", code="not_current")
    row.superseded_at = timezone.now()
    row.save(update_fields=["superseded_at"])
    marker = PolicyValue.objects.create(
        key=row.key,
        province=row.province,
        area_path=row.area_path,
        year=row.year,
        value=None,
        retired=True,
        reason=reason,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="policy.retire",
        target=marker,
        area=row.province,
        target_label=f"{parameter(row.key).label} {row.province.name if row.province else _('全国')} {row.year}",
        before={"value": row.value},
        after=None,
        reason=reason,
    )
    return marker


def seed_defaults(model=PolicyValue, using: str = "default") -> int:
    """Write the national defaults of every key that has no row yet (migration, and after a flush)."""
    have = set(model.objects.using(using).values_list("key", flat=True).distinct())
    rows = [
        model(key=p.key, area_path="", year=year, value=value, note=p.help, reason="系统默认值")
        for p in CATALOGUE
        if p.key not in have
        for year, value in sorted(p.defaults.items())
    ]
    model.objects.using(using).bulk_create(rows)
    return len(rows)
