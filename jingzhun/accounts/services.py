"""Account services: capability/role sync, user management within the actor's subtree, tokens."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from jingzhun.core.errors import AccessDenied, DomainError, full_clean_or_raise, join_list
from jingzhun.core.services import audit_record, changed, snapshot

from .choices import ALL, DEFAULT_ROLES
from .models import Capability, Role, RoleAssignment, User

USER_FIELDS = ["username", "full_name", "phone", "unit", "area", "is_active"]


def declared_capabilities() -> list[tuple[str, str, str]]:
    """(code, name, module) from every jingzhun app's ``choices.CAPABILITIES``."""
    out = []
    for config in apps.get_app_configs():
        if not config.name.startswith("jingzhun."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.choices")
        except ModuleNotFoundError:
            continue
        for code, name in getattr(module, "CAPABILITIES", []):
            out.append((code, str(name), config.label))
    return out


def declared_role_grants() -> dict[str, set[str]]:
    """role code → capabilities granted by default: DEFAULT_ROLES plus each app's ``choices.ROLE_GRANTS``."""
    grants = {code: set(granted) for code, _name, _rank, _level, granted in DEFAULT_ROLES}
    for config in apps.get_app_configs():
        if not config.name.startswith("jingzhun."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.choices")
        except ModuleNotFoundError:
            continue
        for role_code, codes in getattr(module, "ROLE_GRANTS", {}).items():
            grants.setdefault(role_code, set()).update(codes)
    return grants


def sync_capabilities_and_roles(using: str = "default") -> None:
    """Create missing capability rows and default roles; grant new capabilities to default roles.

    Runs after every migrate. A capability that already existed is never re-granted, so an
    administrator's removal of it from a role sticks.
    """
    new_codes = set()
    for code, name, module in declared_capabilities():
        cap, created = Capability.objects.using(using).update_or_create(
            code=code, defaults={"name": name, "module": module}
        )
        if created:
            new_codes.add(code)
    caps = {c.code: c for c in Capability.objects.using(using).all()}
    grants = declared_role_grants()
    for code, name, rank, level, _granted in DEFAULT_ROLES:
        granted = grants[code]
        role, created = Role.objects.using(using).get_or_create(
            code=code, defaults={"name": str(name), "rank": rank, "usual_level": level, "is_system": True}
        )
        wanted = set(caps) if ALL in granted else set(granted) & set(caps)
        if not created:
            wanted &= new_codes
        if wanted:
            role.capabilities.add(*[caps[c] for c in wanted])


# --- checks ----------------------------------------------------------------------------------------


def _check_can_assign(actor, role: Role, area) -> None:
    if actor.is_superuser:
        return
    rank = actor.rank_at(area)
    if rank < 0:
        raise AccessDenied(_("您无权管理“%(area)s”的用户。") % {"area": area.name}, field="area")
    if role.rank >= rank:
        raise AccessDenied(
            _("您只能分配低于自己权限等级的角色，不能分配“%(role)s”。") % {"role": _(role.name)}, field="role"
        )


def _check_can_manage_user(actor, user: User) -> None:
    if actor.is_superuser:
        return
    if user.is_superuser or user.pk == actor.pk:
        raise AccessDenied(_("不能修改该用户。"))
    if not User.objects.for_user(actor, "manage").filter(pk=user.pk).exists():
        raise AccessDenied(_("该用户不在您的管理范围内。"))
    for a in user.assignments.select_related("role", "area"):
        if actor.rank_at(a.area) <= a.role.rank:
            raise AccessDenied(
                _("该用户拥有“%(role)s”角色，高于或等于您的权限等级。") % {"role": _(a.role.name)}
            )


def _validate_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        # Translators: separator between several password problems in one message.
        raise DomainError(_("；").join(exc.messages), field="password") from exc


# --- services --------------------------------------------------------------------------------------


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str,
    full_name: str = "",
    phone: str = "",
    unit: str = "",
    area,
    assignments: list[tuple[Role, object]] = (),
) -> User:
    """Create a user whose home area lies in the actor's subtree, with roles below the actor's."""
    username = (username or "").strip()
    if not username:
        raise DomainError(_("请填写用户名。"), field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("用户名“%(username)s”已被使用。") % {"username": username}, field="username")
    if area is None:
        raise DomainError(_("请选择归属区域。"), field="area")
    if not actor.is_superuser and actor.rank_at(area) < 0:
        raise AccessDenied(_("您无权在“%(area)s”创建用户。") % {"area": area.name}, field="area")
    for role, a_area in assignments:
        _check_can_assign(actor, role, a_area)
    user = User(
        username=username, full_name=full_name.strip(), phone=phone.strip(), unit=unit.strip(), area=area
    )
    _validate_password(password, user)
    user.set_password(password)
    full_clean_or_raise(user, exclude=["password"])
    user.save()
    for role, a_area in assignments:
        RoleAssignment.objects.create(user=user, role=role, area=a_area)
    audit_record(
        actor=actor,
        action="user.create",
        target=user,
        area=area,
        after={**snapshot(user, USER_FIELDS), "assignments": [[r.code, a.code] for r, a in assignments]},
    )
    return user


@transaction.atomic
def user_update(*, actor, user: User, **fields) -> User:
    _check_can_manage_user(actor, user)
    before = snapshot(user, USER_FIELDS)
    new_area = fields.get("area", user.area)
    if new_area is None:
        raise DomainError(_("请选择归属区域。"), field="area")
    if not actor.is_superuser and actor.rank_at(new_area) < 0:
        raise AccessDenied(_("您无权把用户移到“%(area)s”。") % {"area": new_area.name}, field="area")
    for name in ("full_name", "phone", "unit", "area", "is_active"):
        if name in fields:
            value = fields[name]
            setattr(user, name, value.strip() if isinstance(value, str) else value)
    full_clean_or_raise(user, exclude=["password"])
    user.save()
    old, new = changed(before, snapshot(user, USER_FIELDS))
    if new:
        audit_record(actor=actor, action="user.update", target=user, area=user.area, before=old, after=new)
    return user


@transaction.atomic
def user_set_password(*, actor, user: User, password: str) -> None:
    if actor.pk != user.pk:
        _check_can_manage_user(actor, user)
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="user.set_password", target=user, area=user.area)


@transaction.atomic
def assignment_add(*, actor, user: User, role: Role, area) -> RoleAssignment:
    if actor.pk == user.pk and not actor.is_superuser:
        raise AccessDenied(_("不能给自己分配角色。"))
    if not actor.is_superuser and not User.objects.for_user(actor, "manage").filter(pk=user.pk).exists():
        raise AccessDenied(_("该用户不在您的管理范围内。"))
    _check_can_assign(actor, role, area)
    if RoleAssignment.objects.filter(user=user, role=role, area=area).exists():
        raise DomainError(
            _("该用户已在“%(area)s”拥有“%(role)s”角色。") % {"area": area.name, "role": _(role.name)},
            field="role",
        )
    assignment = RoleAssignment.objects.create(user=user, role=role, area=area)
    user.forget_assignments()
    audit_record(
        actor=actor,
        action="assignment.add",
        target=user,
        area=area,
        after={"role": role.code, "area": area.code},
    )
    return assignment


@transaction.atomic
def assignment_remove(*, actor, assignment: RoleAssignment) -> None:
    if assignment.user_id == actor.pk and not actor.is_superuser:
        raise AccessDenied(_("不能移除自己的角色。"))
    _check_can_assign(actor, assignment.role, assignment.area)
    user = assignment.user
    audit_record(
        actor=actor,
        action="assignment.remove",
        target=user,
        area=assignment.area,
        before={"role": assignment.role.code, "area": assignment.area.code},
    )
    assignment.delete()
    user.forget_assignments()


@transaction.atomic
def role_set_capabilities(*, actor, role: Role, capability_codes: list[str]) -> Role:
    if not (actor.is_superuser or actor.has_capability("accounts.roles")):
        raise AccessDenied(_("您无权编辑角色权限。"))
    if not actor.is_superuser and role.rank >= max(r for _p, _c, r, _caps in actor._assignment_rows()):
        raise AccessDenied(_("只能编辑低于自己权限等级的角色。"))
    caps = list(Capability.objects.filter(code__in=capability_codes))
    unknown = set(capability_codes) - {c.code for c in caps}
    if unknown:
        raise DomainError(
            _("未知权限项：%(codes)s") % {"codes": join_list(sorted(unknown))}, field="capabilities"
        )
    before = sorted(role.capabilities.values_list("code", flat=True))
    role.capabilities.set(caps)
    audit_record(
        actor=actor,
        action="role.set_capabilities",
        target=role,
        before={"capabilities": before},
        after={"capabilities": sorted(capability_codes)},
    )
    return role


@transaction.atomic
def token_regenerate(*, actor) -> Token:
    Token.objects.filter(user=actor).delete()
    token = Token.objects.create(user=actor)
    audit_record(actor=actor, action="user.token_regenerate", target=actor, area=actor.area)
    return token
