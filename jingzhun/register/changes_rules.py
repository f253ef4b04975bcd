"""Shared checks of the change requests (动态调整): payload values, members, targets, composition.

Every check runs twice: when the village submits (with the submitter's ``register.change`` scope) and
again when the township approves (with the reviewer's ``register.review`` scope), because the register
may have moved on in between. Errors name the payload key they are about, prefixed ``payload.``
(``payload.member.id_number``), so the API answers a field map and forms can put them on their fields.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from jingzhun.areas.choices import PATH_LENGTH, AreaLevel
from jingzhun.areas.models import Area
from jingzhun.core.errors import DomainError
from jingzhun.core.scoping import user_can

from .choices import HEAD_RELATION, MemberStatus
from .models import CodeItem, Household, Member
from .services import HOUSEHOLD_FIELDS, MEMBER_FIELDS, RegisterValidationError, validate
from .validation import Issue

# Fields whose values are codes of a code list (CodeItem.kind).
CODE_FIELDS = {
    "relation": "relation",
    "ethnicity": "ethnicity",
    "education": "education",
    "in_school": "in_school",
    "health": "health",
    "disability_type": "disability_type",
    "labour": "labour",
    "migrant_place": "migrant_place",
    "standard": "standard",
    "attribute": "attribute",
    "main_cause": "cause",
    "other_causes": "cause",
    "house_structure": "house_structure",
    "water": "water",
    "fuel": "fuel",
}
TOWNSHIP_PATH = PATH_LENGTH[AreaLevel.TOWNSHIP]
HOUSEHOLD_LEVELS = (AreaLevel.VILLAGE, AreaLevel.HAMLET, AreaLevel.GROUP)


@dataclass
class Ctx:
    """Who is checking, at which stage, on which (locked, freshly read) household."""

    actor: Any
    household: Household
    stage: str  # "submit" | "apply"
    request_pk: int | None = None
    overridden: dict[int, list[str]] = field(default_factory=dict)  # household pk → warning codes

    @property
    def action(self) -> str:
        return "change" if self.stage == "submit" else "review"


def err(field_name: str, message: str, code: str = "invalid") -> DomainError:
    return DomainError(message, field=field_name, code=code)


def parse_date(value, name: str, label: str, *, required: bool = True) -> datetime.date | None:
    if value in (None, ""):
        if required:
            raise err(name, f"请填写“{label}”。", "required")
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            raise err(name, f"“{label}”格式不正确，应为 YYYY-MM-DD。") from None
    if value > timezone.localdate():
        raise err(name, f"“{label}”不能晚于今天。", "future")
    if value.year < 1900:
        raise err(name, f"“{label}”不合理。")
    return value


def parse_pk(value, name: str, label: str) -> int:
    if isinstance(value, bool):
        value = None
    try:
        pk = int(str(value).strip())
    except (TypeError, ValueError):
        raise err(name, f"请选择{label}。", "required") from None
    if pk <= 0:
        raise err(name, f"请选择{label}。", "required")
    return pk


def choice(value, options: dict, name: str, label: str) -> str:
    value = (str(value).strip() if value is not None else "") or ""
    if value not in options:
        names = "、".join(str(v) for v in options.values())
        raise err(name, f"请选择{label}（{names}）。", "required")
    return value


def code_valid(kind: str, value: str) -> bool:
    return CodeItem.objects.filter(kind=kind, code=value, active=True).exists()


def code_of(kind: str, value: str) -> str:
    """Accept a code or its name (“之子” → "03")."""
    value = str(value).strip()
    if code_valid(kind, value):
        return value
    hit = CodeItem.objects.filter(kind=kind, name=value, active=True).values_list("code", flat=True).first()
    return hit or value


def relation(value, name: str, *, allow_head: bool = False, head_message: str = "") -> str:
    value = code_of("relation", value or "")
    if not value:
        raise err(name, "请选择“与户主关系”。", "required")
    if not code_valid("relation", value):
        raise err(name, f"“与户主关系”代码无效：{value}。")
    if value == HEAD_RELATION and not allow_head:
        raise err(name, head_message or "此处不能选择“户主”。", "head_not_allowed")
    return value


def coerce(model, name: str, value, error_name: str):
    """A JSON value → the model field's Python value, with a Chinese error naming the field."""
    f = model._meta.get_field(name)
    label = str(f.verbose_name)
    if isinstance(value, str):
        value = value.strip()
    if isinstance(f, models.JSONField):  # other_causes: a list of codes
        if value in (None, ""):
            return []
        if isinstance(value, str):
            value = [x for x in re.split(r"[,，、;；\s]+", value) if x]
        if not isinstance(value, list):
            raise err(error_name, f"“{label}”应为代码列表。")
        out = [code_of(CODE_FIELDS.get(name, ""), str(x)) for x in value]
        bad = [x for x in out if not code_valid(CODE_FIELDS.get(name, ""), x)]
        if bad:
            raise err(error_name, f"“{label}”代码无效：{'、'.join(bad)}。")
        return out
    if isinstance(f, models.BooleanField) and value in ("是", "否"):
        return value == "是"
    if value in (None, ""):
        if f.null:
            return None
        if isinstance(f, (models.CharField, models.TextField)):
            return ""
        if f.has_default():
            return f.get_default()
        raise err(error_name, f"请填写“{label}”。", "required")
    if name in CODE_FIELDS:
        value = code_of(CODE_FIELDS[name], value)
        if not code_valid(CODE_FIELDS[name], value):
            raise err(error_name, f"“{label}”代码无效：{value}。")
    try:
        value = f.clean(value, None)
    except ValidationError as exc:
        raise err(error_name, f"“{label}”：{exc.messages[0]}") from None
    if isinstance(value, str) and len(value) > 200:
        raise err(error_name, f"“{label}”过长。")
    return value


def coerce_member(raw, prefix: str) -> dict:
    if not isinstance(raw, dict) or not raw:
        raise err(prefix, "请填写成员信息。", "required")
    unknown = sorted(set(raw) - set(MEMBER_FIELDS))
    if unknown:
        raise err(f"{prefix}.{unknown[0]}", f"不能填写的成员字段：{'、'.join(unknown)}。")
    return {k: coerce(Member, k, v, f"{prefix}.{k}") for k, v in raw.items()}


def active_members(household: Household) -> list[Member]:
    return list(household.members.filter(status=MemberStatus.ACTIVE).order_by("relation", "birth_date", "id"))


def active_member(household: Household, value, name: str, label: str = "成员") -> Member:
    pk = parse_pk(value, name, label)
    member = household.members.filter(pk=pk, status=MemberStatus.ACTIVE).first()
    if member is None:
        raise err(name, f"所选{label}不是本户的在册成员。", "not_member")
    return member


def head_of(members: list[Member]) -> Member | None:
    return next((m for m in members if m.relation == HEAD_RELATION), None)


def member_dict(m: Member, **changes) -> dict:
    """The member as validation sees it (Python values, not the JSON snapshot)."""
    return {k: getattr(m, k) for k in MEMBER_FIELDS} | {"status": MemberStatus.ACTIVE} | changes


def household_dict(h: Household, **changes) -> dict:
    return {k: getattr(h, k) for k in HOUSEHOLD_FIELDS} | changes


def destination_area(ctx: Ctx, value, name: str) -> Area:
    """A village or group: at submission in the submitter's scope or the household's township; at
    approval in the reviewer's review scope."""
    area = Area.objects.filter(code=str(value or "").strip()).first() if value else None
    if area is not None and area.level in HOUSEHOLD_LEVELS:
        if ctx.stage == "submit":
            township = ctx.household.area_path[:TOWNSHIP_PATH]
            if user_can(ctx.actor, "register.change", area) or area.path.startswith(township):
                return area
        elif user_can(ctx.actor, "register.review", area):
            return area
    if not value:
        raise err(name, "请选择目标村或村民组。", "required")
    raise err(name, "目标村/组不存在，或不在可选范围内（须为本乡镇或您管辖范围内的村、组）。", "out_of_scope")


def target_household(ctx: Ctx, value, name: str) -> Household:
    """Another household the actor may change (submission) or review (approval): by id or 户编号."""
    qs = Household.objects.for_user(ctx.actor, ctx.action).select_related("area")
    text = str(value or "").strip()
    if isinstance(value, int) and not isinstance(value, bool):
        target = qs.filter(pk=value).first()
    elif text.isdigit() and len(text) < 12:
        target = qs.filter(pk=int(text)).first()
    else:
        target = qs.filter(household_no=text).first() if text else None
    if target is None:
        if not text:
            raise err(name, "请填写目标农户的户编号。", "required")
        raise err(name, "目标农户不存在，或不在您的范围内。", "out_of_scope")
    if target.pk == ctx.household.pk:
        raise err(name, "目标农户不能是本户。")
    return target


def duplicate_person(ctx: Ctx, id_number: str, name: str, *, exclude_member: int | None = None) -> None:
    """A person is an active member of one household at most, and in one pending add request at most."""
    if not id_number:
        return
    other = (
        Member.objects.filter(id_number=id_number, status=MemberStatus.ACTIVE)
        .exclude(pk=exclude_member)
        .select_related("household")
        .first()
    )
    if other is not None:
        where = ""
        if Household.objects.for_user(ctx.actor, "view").filter(pk=other.household_id).exists():
            where = f"（户编号 {other.household.household_no}）"
        raise err(name, f"该身份证号已在其他农户中登记{where}，同一人只能属于一户。", "duplicate_person")
    from .models import ChangeRequest

    pending = ChangeRequest.objects.filter(
        status="pending", kind="add_member", payload__member__id_number=id_number
    ).exclude(pk=ctx.request_pk)
    if pending.exists():
        raise err(name, "该身份证号已有一条待审核的“新增成员”申请。", "duplicate_person")


def check_composition(
    ctx: Ctx,
    household: Household | None,
    values: dict,
    members: list[dict],
    *,
    registered: bool,
    override: str,
    prefixes: list[str | None],
    household_prefix: str = "",
    label: str = "",
    record: bool = True,
) -> tuple[list[dict], list[str]]:
    """Validate a household as it would be after the change (services.validate).

    Warnings already explained on the household (``warning_override``) need no new reason; new ones need
    the request's ``override_reason``. Issue fields are renamed to payload keys via ``prefixes`` (one per
    member dict; None → "members"). Returns the cleaned member dicts and the warning codes overridden.
    """
    try:
        cleaned, codes = validate(values, members, registered=registered, override_reason=override)
    except RegisterValidationError as exc:
        only_warnings = all(i.code == "needs_override" for i in exc.issues)
        if override.strip() or not only_warnings:
            raise _renamed(exc, prefixes, household_prefix, label) from None
        cleaned, codes = validate(values, members, registered=registered, override_reason="-")
        explained = set((getattr(household, "warning_override", None) or {}).get("codes", []))
        if not set(codes) <= explained:
            raise _renamed(exc, prefixes, household_prefix, label) from None
        return cleaned, []
    if record and household is not None and household.pk and codes:
        ctx.overridden[household.pk] = codes
    return cleaned, codes


def _renamed(exc: RegisterValidationError, prefixes, household_prefix: str, label: str):
    issues = []
    for issue in exc.issues:
        name = issue.field
        hit = re.match(r"members\[(\d+)\]\.(\w+)$", name)
        if hit:
            prefix = prefixes[int(hit.group(1))] if int(hit.group(1)) < len(prefixes) else None
            name = f"{prefix}.{hit.group(2)}" if prefix else (household_prefix or "members")
        elif household_prefix:
            name = household_prefix if name == "members" else f"{household_prefix}.{name}"
        issues.append(Issue(issue.level, name, issue.code, f"{label}{issue.message}"))
    return RegisterValidationError(issues)


def record_override(ctx: Ctx, household: Household, override: str) -> None:
    """Keep the reason for newly accepted warnings on the household, as household_create does."""
    codes = ctx.overridden.get(household.pk)
    if not codes:
        return
    old = household.warning_override or {}
    household.warning_override = {
        "codes": sorted(set(old.get("codes", [])) | set(codes)),
        "reason": override.strip(),
        "by": getattr(ctx.actor, "pk", None),
        "at": timezone.localdate().isoformat(),
    }
    household.save(update_fields=["warning_override", "updated_at"])
