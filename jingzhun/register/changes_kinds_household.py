"""Change requests about the household as a whole: change of head, information correction, moving
the household to another village or group. See changes_kinds.py for the shape of prepare/apply."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from jingzhun.core.services import _jsonable

from .changes_kinds import _check_household, _override
from .changes_rules import (
    Ctx,
    active_member,
    active_members,
    check_composition,
    coerce,
    destination_area,
    duplicate_person,
    err,
    head_of,
    household_dict,
    member_dict,
    record_override,
    relation,
)
from .choices import HEAD_RELATION
from .models import ChangeRequest, Household, Member
from .pinyin import initials
from .services import HOUSEHOLD_FIELDS, MEMBER_FIELDS, _integrity_error

# --- 变更户主 --------------------------------------------------------------------------------------


def prepare_change_head(ctx: Ctx, payload: dict) -> dict:
    h = ctx.household
    current = active_members(h)
    new_head = active_member(h, payload.get("new_head"), "payload.new_head", "新户主")
    old_head = head_of(current)
    if old_head is not None and old_head.pk == new_head.pk:
        raise err("payload.new_head", "所选成员已是户主。")
    old_rel = None
    if old_head is not None:
        old_rel = relation(
            payload.get("old_head_relation"),
            "payload.old_head_relation",
            head_message="原户主的新关系不能再是“户主”。",
        )
    given = payload.get("relations") or {}
    if not isinstance(given, dict):
        raise err("payload.relations", "“与户主关系”应按成员填写。")
    others = {m.pk: m for m in current if m.pk not in (new_head.pk, getattr(old_head, "pk", None))}
    rels = {}
    for key, value in given.items():
        pk = int(key) if str(key).isdigit() else None
        if pk not in others:
            raise err(f"payload.relations.{key}", "只能调整本户其他在册成员与新户主的关系。")
        if value not in (None, ""):
            rels[pk] = relation(value, f"payload.relations.{key}", head_message="每户只能有 1 名户主。")
    override = _override(payload)
    members = []
    for m in current:
        if m.pk == new_head.pk:
            members.append(member_dict(m, relation=HEAD_RELATION))
        elif old_head is not None and m.pk == old_head.pk:
            members.append(member_dict(m, relation=old_rel))
        else:
            members.append(member_dict(m, relation=rels.get(m.pk, m.relation)))
    _check_household(ctx, h, members, override)
    normal = {
        "new_head": new_head.pk,
        "new_head_name": new_head.name,
        "old_head": getattr(old_head, "pk", None),
        "old_head_name": getattr(old_head, "name", ""),
        "old_head_relation": old_rel,
        "relations": {str(k): v for k, v in rels.items()},
        "override_reason": override,
    }
    return {"payload": normal, "new_head": new_head, "old_head": old_head, "others": others, "rels": rels}


def apply_change_head(ctx: Ctx, plan: dict) -> dict:
    old_head, new_head = plan["old_head"], plan["new_head"]
    # The old head steps down first, so that at no moment are there two active heads.
    if old_head is not None:
        old_head.relation = plan["payload"]["old_head_relation"]
        old_head.save(update_fields=["relation", "updated_at"])
    for pk, rel in plan["rels"].items():
        m = plan["others"][pk]
        m.relation = rel
        m.save(update_fields=["relation", "updated_at"])
    new_head.relation = HEAD_RELATION
    new_head.save(update_fields=["relation", "updated_at"])
    record_override(ctx, ctx.household, plan["payload"]["override_reason"])
    return {"households": [ctx.household], "message": f"户主已变更为 {new_head.name}。"}


# --- 信息更正 --------------------------------------------------------------------------------------


def _same(a, b) -> bool:
    return _jsonable(a) == _jsonable(b)


def _corrections(model, obj, raw, fields, prefix: str, stage: str) -> dict:
    """{field: {"before", "after"}} for the fields that really change; conflicts are errors."""
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        raise err(prefix, "更正内容应为“字段: 新值”。")
    out = {}
    for name, value in raw.items():
        if name not in fields:
            raise err(f"{prefix}.{name}", f"该字段不能通过信息更正修改：{name}。", "not_allowed")
        current = getattr(obj, name)
        if isinstance(value, dict) and "after" in value:
            if stage == "apply" and not _same(value.get("before"), current):
                label = model._meta.get_field(name).verbose_name
                raise err(
                    f"{prefix}.{name}",
                    f"“{label}”在申请提交后已被修改，与申请时的原值不同；请驳回后重新申请。",
                    "conflict",
                )
            value = value["after"]
        new = coerce(model, name, value, f"{prefix}.{name}")
        if not _same(new, current):
            out[name] = {"before": current, "after": new}
    return out


def prepare_correct_info(ctx: Ctx, payload: dict) -> dict:
    h = ctx.household
    fixes_h = _corrections(
        Household, h, payload.get("household"), HOUSEHOLD_FIELDS, "payload.household", ctx.stage
    )
    raw_members = payload.get("members") or {}
    if not isinstance(raw_members, dict):
        raise err("payload.members", "成员更正内容应按成员填写。")
    current = active_members(h)
    by_pk = {m.pk: m for m in current}
    fixes_m: dict[int, dict] = {}
    for key, raw in raw_members.items():
        member = active_member(h, key, f"payload.members.{key}")
        fields = raw.get("fields", raw) if isinstance(raw, dict) else raw
        found = _corrections(Member, member, fields, MEMBER_FIELDS, f"payload.members.{member.pk}", ctx.stage)
        if found:
            fixes_m[member.pk] = found
    if not fixes_h and not fixes_m:
        raise err("payload", "没有需要更正的内容（新值与原值相同）。", "no_change")
    values = household_dict(h, **{k: v["after"] for k, v in fixes_h.items()})
    members = [member_dict(m, **{k: v["after"] for k, v in fixes_m.get(m.pk, {}).items()}) for m in current]
    override = _override(payload)
    check_composition(
        ctx,
        h,
        values,
        members,
        registered=h.is_registered,
        override=override,
        prefixes=[f"payload.members.{m.pk}" for m in current],
        household_prefix="payload.household",
    )
    for pk, found in fixes_m.items():
        if "id_number" in found:
            duplicate_person(
                ctx, found["id_number"]["after"], f"payload.members.{pk}.id_number", exclude_member=pk
            )
    normal = {
        "household": _jsonable(fixes_h),
        "members": {
            str(pk): {"name": by_pk[pk].name, "member_no": by_pk[pk].member_no, "fields": _jsonable(found)}
            for pk, found in fixes_m.items()
        },
        "override_reason": override,
    }
    return {"payload": normal, "household": fixes_h, "members": fixes_m, "by_pk": by_pk}


def apply_correct_info(ctx: Ctx, plan: dict) -> dict:
    h = ctx.household
    if plan["household"]:
        for name, change in plan["household"].items():
            setattr(h, name, change["after"])
        h.save(update_fields=[*plan["household"], "updated_at"])
    for pk, found in plan["members"].items():
        member = plan["by_pk"][pk]
        for name, change in found.items():
            setattr(member, name, change["after"])
        member.name_initials = initials(member.name)
        try:
            with transaction.atomic():
                member.save(update_fields=[*found, "name_initials", "updated_at"])
        except IntegrityError as exc:
            raise _integrity_error({"id_number": member.id_number}) from exc
    record_override(ctx, h, plan["payload"]["override_reason"])
    count = len(plan["household"]) + sum(len(x) for x in plan["members"].values())
    return {"households": [h], "message": f"已更正 {count} 项信息。"}


# --- 户迁移 ----------------------------------------------------------------------------------------


def prepare_move_household(ctx: Ctx, payload: dict) -> dict:
    h = ctx.household
    area = destination_area(ctx, payload.get("area"), "payload.area")
    if area.pk == h.area_id:
        raise err("payload.area", "目标村/组与现在所在村/组相同。")
    normal = {
        "area": area.code,
        "area_name": area.name,
        "from_area": h.area.code,
        "from_area_name": h.area.name,
    }
    return {"payload": normal, "area": area}


def apply_move_household(ctx: Ctx, plan: dict) -> dict:
    h, area = ctx.household, plan["area"]
    h.area = area
    h.area_path = area.path
    h.save(update_fields=["area", "area_path", "updated_at"])
    # The household's requests follow it, like its members and versions do.
    ChangeRequest.objects.filter(household=h).update(area_path=area.path)
    return {"households": [h], "message": f"农户已迁移至 {area.name}，户编号 {h.household_no} 不变。"}
