"""Relatives who count in comparison: children living apart, their spouses, legal supporters (赡养人).

Entered one by one on the household's relatives page or imported from a sheet (all or nothing).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.scoping import user_can
from jingzhun.core.services import audit_record, snapshot
from jingzhun.core.tabular import read_table, row_dicts
from jingzhun.register.models import Household
from jingzhun.register.validation import check_name

from .choices import RelativeKind
from .models import Relative
from .normalise import normalise_id, normalise_name, parse_date

IMPORT_COLUMNS = ["户编号", "姓名", "身份证号", "关系类别"]
KIND_BY_NAME = {str(label): code for code, label in RelativeKind.choices} | {
    "子女": RelativeKind.CHILD_APART,
    "外出子女": RelativeKind.CHILD_APART,
    "子女配偶": RelativeKind.CHILD_SPOUSE,
    "赡养人": RelativeKind.SUPPORTER,
}


def clean_relative(data: dict) -> dict:
    """Validated values (name, kind, id_number 18 chars or "", birth_date); DomainError names the field."""
    name = normalise_name(data.get("name"))
    issues = check_name(name)
    if issues:
        raise DomainError(issues[0].message, field="name")
    kind = data.get("kind", "")
    kind = KIND_BY_NAME.get(kind, kind)
    if kind not in RelativeKind.values:
        raise DomainError(_("关系类别应为：分户子女、分户子女的配偶或法定赡养人。"), field="kind")
    ident = normalise_id(data.get("id_number"))
    if ident.problem:
        raise DomainError(_("身份证号：%(error)s") % {"error": ident.problem}, field="id_number")
    birth = ident.birth_date
    if birth is None:
        try:
            birth = parse_date(data.get("birth_date"))
        except ValueError as exc:
            raise DomainError(str(exc), field="birth_date") from None
    if not ident.number and birth is None:
        raise DomainError(_("请填写身份证号，或至少填写出生日期。"), field="id_number")
    return {
        "name": name,
        "kind": kind,
        "id_number": ident.number,
        "birth_date": birth,
        "note": str(data.get("note") or "").strip()[:200],
    }


def _require(actor, household: Household) -> None:
    if not user_can(actor, "comparison.relatives", household.area):
        raise AccessDenied()


def _insert(household: Household, values: dict) -> Relative:
    try:
        with transaction.atomic():
            return Relative.objects.create(household=household, area_path=household.area_path, **values)
    except IntegrityError:
        raise DomainError(_("该户已登记此身份证号的关联人员。"), field="id_number") from None


@transaction.atomic
def relative_add(*, actor, household: Household, data: dict) -> Relative:
    _require(actor, household)
    relative = _insert(household, clean_relative(data))
    audit_record(
        actor=actor,
        action="comparison.relative_add",
        target=relative,
        area=household.area,
        after=snapshot(relative, ["household", "kind", "name"]),
    )
    return relative


@transaction.atomic
def relative_remove(*, actor, relative: Relative, reason: str) -> Relative:
    """Relatives are never deleted: they stop counting (``active`` off), with the reason audited."""
    _require(actor, relative.household)
    if not reason.strip():
        raise DomainError(_("请填写移除原因。"), field="reason")
    relative.active = False
    relative.save(update_fields=["active", "updated_at"])
    audit_record(
        actor=actor,
        action="comparison.relative_remove",
        target=relative,
        area=relative.household.area,
        reason=reason,
    )
    return relative


@transaction.atomic
def relatives_import(*, actor, path: str) -> int:
    """Import a sheet of 户编号 / 姓名 / 身份证号 / 关系类别 (出生日期, 备注 optional). Any error: nothing."""
    table = read_table(path, required=IMPORT_COLUMNS)
    visible = Household.objects.for_user(actor, "view")
    errors, plans = [], []
    for row_no, values in row_dicts(table):
        household = visible.filter(household_no=values.get("户编号", "")).select_related("area").first()
        if household is None:
            errors.append(DomainError(_("户编号不存在或不在您的范围内。"), field="户编号", row=row_no))
            continue
        if not user_can(actor, "comparison.relatives", household.area):
            errors.append(DomainError(_("您无权维护该户的关联人员。"), field="户编号", row=row_no))
            continue
        try:
            cleaned = clean_relative(
                {
                    "name": values.get("姓名"),
                    "id_number": values.get("身份证号"),
                    "kind": values.get("关系类别", ""),
                    "birth_date": values.get("出生日期"),
                    "note": values.get("备注"),
                }
            )
        except DomainError as exc:
            errors.append(DomainError(exc.message, field=exc.field, row=row_no))
            continue
        plans.append((row_no, household, cleaned))
    if errors:
        shown = "；".join(str(e) for e in errors[:10])
        more = _("等共 %(count)s 处错误") % {"count": len(errors)} if len(errors) > 10 else ""
        raise DomainError(
            _("未导入任何数据：%(errors)s%(more)s") % {"errors": shown, "more": more}, field="file"
        )
    for row_no, household, cleaned in plans:
        try:
            _insert(household, cleaned)
        except DomainError as exc:
            raise DomainError(exc.message, field=exc.field, row=row_no) from None
    audit_record(
        actor=actor,
        action="comparison.relative_import",
        area=getattr(actor, "area", None),
        after={"rows": len(plans)},
    )
    return len(plans)
