"""Change requests about members (add, remove, transfer, split, merge). For each kind, ``prepare``
checks the payload against the register as it is now and returns a plan with the normalised payload;
``apply`` carries the plan out.

``apply`` only changes register rows; versions, summaries and audit events are written by
``changes.change_approve`` for every household the plan touched. Members are never deleted: leaving
sets the status and dates; moving to another household keeps the member row and its 人编号.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from jingzhun.core.services import _jsonable

from .changes_rules import (
    Ctx,
    active_member,
    active_members,
    check_composition,
    choice,
    coerce_member,
    destination_area,
    duplicate_person,
    err,
    household_dict,
    member_dict,
    parse_date,
    record_override,
    relation,
    target_household,
)
from .choices import ADD_REASONS, HEAD_RELATION, REMOVE_REASONS, MemberStatus
from .models import Household, Member
from .numbering import next_household_numbers, next_member_numbers, village_code_of
from .services import MEMBER_FIELDS, _member_insert

REMOVE_STATUS = {
    "deceased": MemberStatus.DECEASED,
    "married_out": MemberStatus.MARRIED_OUT,
    "moved_out": MemberStatus.MOVED_OUT,
    "imprisoned": MemberStatus.IMPRISONED,
    "cancelled": MemberStatus.CANCELLED,
}
# Inherited by a household split off from a registered one.
INHERITED = ["poverty_status", "year_identified", "year_exited", "is_monitored", "standard", "attribute"]
INHERITED_CAUSES = ["main_cause", "other_causes", "address"]


def _override(payload: dict) -> str:
    return str(payload.get("override_reason") or "").strip()[:500]


def _check_household(ctx, household, members, override, *, prefixes=None, household_prefix="", label=""):
    """Validate a household's remaining/new active members (skipped when none are left)."""
    if not members:
        return [], []
    return check_composition(
        ctx,
        household,
        household_dict(household),
        members,
        registered=household.is_registered,
        override=override,
        prefixes=prefixes or [None] * len(members),
        household_prefix=household_prefix,
        label=label,
    )


def _move(member: Member, target: Household, relation_code: str, date) -> None:
    """Move a member row to another household: same row, same 人编号, new relation and join date."""
    member.household = target
    member.relation = relation_code
    member.joined_on = date
    try:
        with transaction.atomic():
            member.save(update_fields=["household", "relation", "joined_on", "updated_at"])
    except IntegrityError as exc:
        raise err("payload", "目标农户已有在册户主，转入成员不能为户主。", "one_head") from exc


def _relations(payload, members: list[Member], name: str, *, head_message: str) -> dict[int, str]:
    given = payload.get("relations") or {}
    if not isinstance(given, dict):
        raise err(f"payload.{name}", "“与户主关系”应按成员填写。")
    out = {}
    for m in members:
        value = given.get(str(m.pk), given.get(m.pk))
        if value in (None, ""):
            raise err(f"payload.{name}.{m.pk}", f"请填写{m.name}与新户主的关系。", "required")
        out[m.pk] = relation(value, f"payload.{name}.{m.pk}", head_message=head_message)
    return out


# --- 新增成员 --------------------------------------------------------------------------------------


def prepare_add_member(ctx: Ctx, payload: dict) -> dict:
    h = ctx.household
    reason = choice(payload.get("reason"), ADD_REASONS, "payload.reason", "新增原因")
    date = parse_date(payload.get("date"), "payload.date", "入户日期")
    new = coerce_member(payload.get("member"), "payload.member")
    if new.get("relation") == HEAD_RELATION:
        raise err(
            "payload.member.relation",
            "新增成员不能直接作为户主；如需变更户主，请另行提交“变更户主”申请。",
            "head_not_allowed",
        )
    current = active_members(h)
    cleaned, _codes = _check_household(
        ctx,
        h,
        [member_dict(m) for m in current] + [new],
        _override(payload),
        prefixes=[None] * len(current) + ["payload.member"],
    )
    member = cleaned[-1]
    if reason == "birth" and not member.get("birth_date"):
        raise err("payload.member.birth_date", "出生登记须填写出生日期或身份证号。", "required")
    if member.get("birth_date") and date < member["birth_date"]:
        raise err("payload.date", "“入户日期”不能早于出生日期。")
    duplicate_person(ctx, member.get("id_number") or "", "payload.member.id_number")
    member["joined_on"] = date
    normal = {
        "reason": reason,
        "date": date.isoformat(),
        "member": _jsonable({k: v for k, v in member.items() if k in MEMBER_FIELDS}),
        "override_reason": _override(payload),
    }
    return {"payload": normal, "member": member, "date": date}


def apply_add_member(ctx: Ctx, plan: dict) -> dict:
    h = ctx.household
    number = next_member_numbers(h.household_no, 1)[0]
    member = _member_insert(h, plan["member"], number)
    record_override(ctx, h, plan["payload"]["override_reason"])
    label = ADD_REASONS[plan["payload"]["reason"]]
    return {
        "households": [h],
        "message": f"已新增成员 {member.name}（{label}），人编号 {member.member_no}。",
        "member": member.pk,
        "member_no": member.member_no,
    }


# --- 减少成员 --------------------------------------------------------------------------------------


def prepare_remove_member(ctx: Ctx, payload: dict) -> dict:
    h = ctx.household
    member = active_member(h, payload.get("member"), "payload.member")
    reason = choice(payload.get("reason"), REMOVE_REASONS, "payload.reason", "减少原因")
    date = parse_date(payload.get("date"), "payload.date", "离户日期")
    if member.joined_on and date < member.joined_on:
        raise err("payload.date", f"“离户日期”不能早于该成员的入户日期（{member.joined_on:%Y-%m-%d}）。")
    current = active_members(h)
    rest = [m for m in current if m.pk != member.pk]
    last = not rest
    if member.relation == HEAD_RELATION and rest:
        raise err(
            "payload.member",
            "户主不能直接减少：该户还有其他在册成员，请先提交“变更户主”申请，审核通过后再减少原户主。",
            "head_first",
        )
    if last and reason != "deceased":
        raise err(
            "payload.reason",
            "不能减少该户最后一名在册成员（仅当其死亡时可以）；整户迁走请使用“户迁移”或“合户”。",
            "last_member",
        )
    _check_household(ctx, h, [member_dict(m) for m in rest], _override(payload))
    normal = {
        "member": member.pk,
        "member_name": member.name,
        "member_no": member.member_no,
        "reason": reason,
        "date": date.isoformat(),
        "override_reason": _override(payload),
    }
    return {"payload": normal, "member": member, "date": date, "last": last}


def apply_remove_member(ctx: Ctx, plan: dict) -> dict:
    member, date = plan["member"], plan["date"]
    member.status = REMOVE_STATUS[plan["payload"]["reason"]]
    member.status_date = date
    member.left_on = date
    member.save(update_fields=["status", "status_date", "left_on", "updated_at"])
    record_override(ctx, ctx.household, plan["payload"]["override_reason"])
    label = REMOVE_REASONS[plan["payload"]["reason"]]
    message = f"已减少成员 {member.name}（{label}，{date:%Y-%m-%d}）。"
    if plan["last"]:
        message += "该户已无在册成员（户主死亡），档案保留备查。"
    return {"households": [ctx.household], "message": message, "member": member.pk, "empty": plan["last"]}


# --- 成员转移 --------------------------------------------------------------------------------------


def prepare_transfer_member(ctx: Ctx, payload: dict) -> dict:
    h = ctx.household
    member = active_member(h, payload.get("member"), "payload.member")
    target = target_household(ctx, payload.get("target"), "payload.target")
    rel = relation(
        payload.get("relation"),
        "payload.relation",
        head_message="转入成员不能作为目标户的户主；如需变更，请在转入后提交“变更户主”申请。",
    )
    date = parse_date(payload.get("date"), "payload.date", "转移日期")
    rest = [m for m in active_members(h) if m.pk != member.pk]
    if not rest:
        raise err(
            "payload.member", "该成员是本户最后一名在册成员，不能转出；整户并入请使用“合户”。", "last_member"
        )
    if member.relation == HEAD_RELATION:
        raise err("payload.member", "户主不能直接转出，请先提交“变更户主”申请。", "head_first")
    override = _override(payload)
    _check_household(ctx, h, [member_dict(m) for m in rest], override)
    incoming = active_members(target)
    _check_household(
        ctx,
        target,
        [member_dict(m) for m in incoming] + [member_dict(member, relation=rel)],
        override,
        household_prefix="payload.target",
        label="目标户：",
    )
    normal = {
        "member": member.pk,
        "member_name": member.name,
        "member_no": member.member_no,
        "target": target.pk,
        "target_no": target.household_no,
        "relation": rel,
        "date": date.isoformat(),
        "override_reason": override,
    }
    return {"payload": normal, "member": member, "target": target, "date": date}


def apply_transfer_member(ctx: Ctx, plan: dict) -> dict:
    member, target = plan["member"], plan["target"]
    _move(member, target, plan["payload"]["relation"], plan["date"])
    for h in (ctx.household, target):
        record_override(ctx, h, plan["payload"]["override_reason"])
    return {
        "households": [ctx.household, target],
        "message": f"成员 {member.name}（人编号 {member.member_no}）已转入农户 {target.household_no}。",
        "member": member.pk,
        "target": target.pk,
    }


# --- 分户 ------------------------------------------------------------------------------------------


def prepare_split(ctx: Ctx, payload: dict) -> dict:
    h = ctx.household
    ids = payload.get("members")
    if not isinstance(ids, list) or not ids:
        raise err("payload.members", "请选择分出的成员。", "required")
    moving = [active_member(h, pk, "payload.members") for pk in ids]
    if len({m.pk for m in moving}) != len(moving):
        raise err("payload.members", "分出的成员不能重复。")
    new_head = active_member(h, payload.get("head"), "payload.head", "新户户主")
    if new_head.pk not in {m.pk for m in moving}:
        raise err("payload.head", "新户户主必须是分出的成员之一。")
    if any(m.relation == HEAD_RELATION for m in moving):
        raise err(
            "payload.members", "原户主不能分出；如需由原户主另立新户，请先提交“变更户主”申请。", "head_first"
        )
    rest = [m for m in active_members(h) if m.pk not in {m.pk for m in moving}]
    if not rest:
        raise err("payload.members", "分户后原户至少应保留 1 名在册成员。", "last_member")
    others = [m for m in moving if m.pk != new_head.pk]
    rels = _relations(payload, others, "relations", head_message="新户只能有 1 名户主（即所选新户户主）。")
    area = destination_area(ctx, payload.get("area") or h.area.code, "payload.area")
    date = parse_date(payload.get("date"), "payload.date", "分户日期")
    override = _override(payload)
    _check_household(ctx, h, [member_dict(m) for m in rest], override)
    values = household_dict(h) | {k: getattr(h, k) for k in INHERITED_CAUSES}
    new_members = [member_dict(new_head, relation=HEAD_RELATION)] + [
        member_dict(m, relation=rels[m.pk]) for m in others
    ]
    # The new household inherits the causes, so warnings explained on the old one stay explained.
    _cleaned, new_codes = check_composition(
        ctx,
        h,
        {k: values.get(k) for k in ("main_cause", "other_causes")},
        new_members,
        registered=h.is_registered,
        override=override,
        prefixes=[None] * len(new_members),
        household_prefix="payload.members",
        label="新户：",
        record=False,
    )
    normal = {
        "members": [m.pk for m in moving],
        "member_names": [m.name for m in moving],
        "head": new_head.pk,
        "head_name": new_head.name,
        "relations": {str(k): v for k, v in rels.items()},
        "area": area.code,
        "area_name": area.name,
        "date": date.isoformat(),
        "override_reason": override,
    }
    return {
        "payload": normal,
        "moving": moving,
        "head": new_head,
        "others": others,
        "relations": rels,
        "area": area,
        "date": date,
        "new_codes": new_codes,
    }


def apply_split(ctx: Ctx, plan: dict) -> dict:
    old, area = ctx.household, plan["area"]
    new = Household(
        household_no=next_household_numbers(village_code_of(area), 1)[0],
        area=area,
        area_path=area.path,
        **{k: getattr(old, k) for k in INHERITED + INHERITED_CAUSES},
    )
    new.warning_override = dict(old.warning_override or {})
    if plan["new_codes"]:
        new.warning_override = {
            "codes": plan["new_codes"],
            "reason": plan["payload"]["override_reason"],
            "by": getattr(ctx.actor, "pk", None),
            "at": timezone.localdate().isoformat(),
        }
    new.save()
    # The new head first: the household's one-head constraint then holds at every step.
    _move(plan["head"], new, HEAD_RELATION, plan["date"])
    for m in plan["others"]:
        _move(m, new, plan["relations"][m.pk], plan["date"])
    record_override(ctx, old, plan["payload"]["override_reason"])
    names = "、".join(m.name for m in plan["moving"])
    return {
        "households": [old, new],
        "message": f"{names} 已分户，新户户编号 {new.household_no}，户主 {plan['head'].name}。",
        "new_household": new.pk,
        "new_household_no": new.household_no,
    }


# --- 合户 ------------------------------------------------------------------------------------------


def prepare_merge(ctx: Ctx, payload: dict) -> dict:
    h = ctx.household
    target = target_household(ctx, payload.get("target"), "payload.target")
    moving = active_members(h)
    if not moving:
        raise err("payload", "本户没有在册成员，无需合户。", "no_members")
    rels = _relations(
        payload,
        moving,
        "relations",
        head_message="并入成员不能作为目标户户主；目标户户主不变，如需变更请另行申请。",
    )
    date = parse_date(payload.get("date"), "payload.date", "合户日期")
    override = _override(payload)
    incoming = active_members(target)
    _check_household(
        ctx,
        target,
        [member_dict(m) for m in incoming] + [member_dict(m, relation=rels[m.pk]) for m in moving],
        override,
        household_prefix="payload.target",
        label="合户后：",
    )
    normal = {
        "target": target.pk,
        "target_no": target.household_no,
        "relations": {str(k): v for k, v in rels.items()},
        "member_names": [m.name for m in moving],
        "date": date.isoformat(),
        "override_reason": override,
    }
    return {"payload": normal, "target": target, "moving": moving, "relations": rels, "date": date}


def apply_merge(ctx: Ctx, plan: dict) -> dict:
    target = plan["target"]
    for m in plan["moving"]:
        _move(m, target, plan["relations"][m.pk], plan["date"])
    record_override(ctx, target, plan["payload"]["override_reason"])
    return {
        "households": [ctx.household, target],
        "message": (
            f"本户 {len(plan['moving'])} 名成员已并入农户 {target.household_no}；"
            f"本户 {ctx.household.household_no} 已无在册成员，档案保留备查。"
        ),
        "target": target.pk,
    }
