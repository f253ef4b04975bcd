"""Assistance services: cadres, pairings, the responsibility chain, work teams, visits, plans, settings.

Each service is one business action: keyword-only arguments, a required ``actor``, a capability check at
the area concerned, DomainError with a Chinese message naming the field, and its audit event in the same
transaction. Deliveries (措施落实) and their effect on income live in services_delivery.py.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.areas.choices import AreaLevel
from jingzhun.core.errors import AccessDenied, DomainError, join_list
from jingzhun.core.scoping import user_can
from jingzhun.core.services import audit_record, changed, snapshot
from jingzhun.register.choices import REGISTERED

from .choices import CHAIN_LEVELS, MANAGE, SETTINGS, VISIT, ChainKind, TeamRole, UnitLevel
from .files import check_photos
from .limits import cadre_max
from .models import (
    AssistancePlan,
    AssistanceSetting,
    Cadre,
    CauseMeasure,
    MeasureType,
    Pairing,
    PlannedMeasure,
    ResponsibilityLink,
    Visit,
    VisitPhoto,
    WorkTeam,
    WorkTeamMember,
)

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
EARLIEST = datetime.date(2013, 1, 1)
CADRE_FIELDS = [
    "name",
    "unit",
    "unit_level",
    "position",
    "phone",
    "id_number",
    "max_households",
    "active",
    "note",
]


def require(actor, capability: str, area) -> None:
    if not user_can(actor, capability, area):
        raise AccessDenied(_("您无权在“%(area)s”执行此操作。") % {"area": area.name})


def today() -> datetime.date:
    return timezone.localdate()


def _date(value, field: str, label: str, *, allow_future: bool = False) -> datetime.date:
    if not isinstance(value, datetime.date):
        raise DomainError(_("请填写%(label)s。") % {"label": label}, field=field)
    if value < EARLIEST:
        raise DomainError(_("%(label)s不能早于 2013 年。") % {"label": label}, field=field)
    if not allow_future and value > today():
        raise DomainError(_("%(label)s不能晚于今天。") % {"label": label}, field=field)
    return value


def _end_after_start(started_on, ended_on, field: str = "ended_on") -> None:
    if ended_on is not None and ended_on < started_on:
        raise DomainError(_("结束日期不能早于开始日期。"), field=field)


def _text(value, field: str, label: str, max_length: int, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(_("请填写%(label)s。") % {"label": label}, field=field)
    if len(text) > max_length:
        raise DomainError(
            _("%(label)s不能超过 %(max)s 个字。") % {"label": label, "max": max_length}, field=field
        )
    return text


# --- settings and catalogue ----------------------------------------------------------------------


@transaction.atomic
def setting_save(
    *, actor, area, max_households_per_cadre: int, min_visits_per_month: int
) -> AssistanceSetting:
    """Set a county's limits (households per cadre, visits per household per month)."""
    if area.level != AreaLevel.COUNTY:
        raise DomainError(_("帮扶工作参数按县（区）设置。"), field="area")
    require(actor, SETTINGS, area)
    if not 1 <= int(max_households_per_cadre) <= 100:
        raise DomainError(
            _("每名帮扶责任人最多联系户数应在 1 至 100 之间。"), field="max_households_per_cadre"
        )
    if not 1 <= int(min_visits_per_month) <= 31:
        raise DomainError(_("每户每月至少走访次数应在 1 至 31 之间。"), field="min_visits_per_month")
    row = AssistanceSetting.objects.filter(area=area).first()
    before = snapshot(row, ["max_households_per_cadre", "min_visits_per_month"]) if row else {}
    row = row or AssistanceSetting(area=area, area_path=area.path)
    row.max_households_per_cadre = int(max_households_per_cadre)
    row.min_visits_per_month = int(min_visits_per_month)
    row.save()
    old, new = changed(before, snapshot(row, ["max_households_per_cadre", "min_visits_per_month"]))
    audit_record(actor=actor, action="assistance.setting", target=row, area=area, before=old, after=new)
    return row


@transaction.atomic
def measure_type_save(*, actor, measure: MeasureType | None = None, data: dict) -> MeasureType:
    """Add or edit a measure of the catalogue (reference data for every county)."""
    if not user_can(actor, SETTINGS):
        raise AccessDenied()
    m = measure or MeasureType()
    before = snapshot(m) if measure else {}
    m.name = _text(data.get("name"), "name", _("名称"), 50)
    if measure is None:
        m.code = _text(data.get("code"), "code", _("代码"), 32)
        if not re.fullmatch(r"[a-z0-9_]+", m.code):
            raise DomainError(_("代码只能包含小写字母、数字和下划线。"), field="code")
        if MeasureType.objects.filter(code=m.code).exists():
            raise DomainError(_("代码“%(code)s”已存在。") % {"code": m.code}, field="code")
    if MeasureType.objects.filter(name=m.name).exclude(pk=m.pk).exists():
        raise DomainError(_("措施名称“%(name)s”已存在。") % {"name": m.name}, field="name")
    m.category = data.get("category") or ""
    if m.category not in dict(MeasureType._meta.get_field("category").choices):
        raise DomainError(_("请选择措施类别。"), field="category")
    m.unit = _text(data.get("unit") or "元", "unit", _("计量单位"), 10)
    m.is_cash = bool(data.get("is_cash"))
    m.income_program = (data.get("income_program") or "").strip()
    if m.income_program and not m.is_cash:
        raise DomainError(_("只有资金类措施才能计入转移性收入。"), field="income_program")
    m.active = bool(data.get("active", True))
    m.sort = int(data.get("sort") or m.sort or 900)
    m.save()
    old, new = changed(before, snapshot(m))
    audit_record(actor=actor, action="assistance.measure", target=m, before=old or None, after=new)
    return m


@transaction.atomic
def cause_measures_set(*, actor, cause: str, measures: list[MeasureType]) -> None:
    """Replace the measures that answer ``cause`` (drives the gaps list)."""
    if not user_can(actor, SETTINGS):
        raise AccessDenied()
    before = sorted(CauseMeasure.objects.filter(cause=cause).values_list("measure__code", flat=True))
    CauseMeasure.objects.filter(cause=cause).delete()
    CauseMeasure.objects.bulk_create([CauseMeasure(cause=cause, measure=m) for m in measures])
    audit_record(
        actor=actor,
        action="assistance.cause_measures",
        target_type="assistance.causemeasure",
        target_id=cause,
        target_label=cause,
        before={"measures": before},
        after={"measures": sorted(m.code for m in measures)},
    )


# --- cadres --------------------------------------------------------------------------------------


def _clean_cadre(data: dict, cadre: Cadre) -> dict:
    from jingzhun.register.validation import parse_id

    out = {
        "name": _text(data.get("name"), "name", _("姓名"), 50),
        "unit": _text(data.get("unit"), "unit", _("工作单位"), 100),
        "position": _text(data.get("position"), "position", _("职务"), 50, required=False),
        "note": _text(data.get("note"), "note", _("备注"), 200, required=False),
        "active": bool(data.get("active", True)),
        "max_households": data.get("max_households") or None,
    }
    if data.get("unit_level") not in UnitLevel.values:
        raise DomainError(_("请选择单位层级。"), field="unit_level")
    out["unit_level"] = data["unit_level"]
    phone = re.sub(r"\s+", "", data.get("phone") or "")
    if not PHONE.match(phone):
        raise DomainError(_("请输入有效的手机号或固定电话（如 0834-1234567）。"), field="phone")
    out["phone"] = phone
    raw = (data.get("id_number") or "").strip()
    out["id_number"] = ""
    if raw:
        try:
            out["id_number"] = parse_id(raw).number
        except ValueError as exc:
            raise DomainError(str(exc), field="id_number") from exc
        other = Cadre.objects.filter(id_number=out["id_number"]).exclude(pk=cadre.pk).first()
        if other is not None:
            raise DomainError(
                _("该身份证号已登记为帮扶责任人“%(name)s”。") % {"name": other.name}, field="id_number"
            )
    if out["max_households"] is not None and not 1 <= int(out["max_households"]) <= 100:
        raise DomainError(_("联系户数上限应在 1 至 100 之间。"), field="max_households")
    return out


@transaction.atomic
def cadre_save(*, actor, area, data: dict, cadre: Cadre | None = None, user=None) -> Cadre:
    """Register or edit a 帮扶责任人 managed in ``area``; ``user`` links the cadre's login account."""
    require(actor, MANAGE, area)
    if cadre is not None:
        require(actor, MANAGE, cadre.area)
    c = cadre or Cadre()
    before = snapshot(c, CADRE_FIELDS) if cadre else {}
    for k, v in _clean_cadre(data, c).items():
        setattr(c, k, v)
    c.area, c.area_path = area, area.path
    if user is not None:
        other = Cadre.objects.filter(user=user).exclude(pk=c.pk).first()
        if other is not None:
            raise DomainError(_("该账号已关联帮扶责任人“%(name)s”。") % {"name": other.name}, field="user")
        c.user = user
    c.save()
    old, new = changed(before, snapshot(c, CADRE_FIELDS))
    audit_record(
        actor=actor,
        action="cadre.update" if cadre else "cadre.create",
        target=c,
        area=area,
        before=old or None,
        after={k: v for k, v in new.items() if k != "id_number"}
        | ({"id_number": "***"} if "id_number" in new else {}),
    )
    return c


# --- pairings ------------------------------------------------------------------------------------


@transaction.atomic
def pairing_create(*, actor, cadre: Cadre, household, started_on: datetime.date) -> Pairing:
    """Pair a cadre with a registered or monitored household; one open pairing per household."""
    require(actor, MANAGE, household.area)
    _date(started_on, "started_on", _("结对日期"))
    if household.poverty_status not in REGISTERED and not household.is_monitored:
        raise DomainError(_("只能为建档立卡户或监测对象安排帮扶责任人。"), field="household")
    if not cadre.active:
        raise DomainError(_("帮扶责任人“%(name)s”已不在岗。") % {"name": cadre.name}, field="cadre")
    Cadre.objects.select_for_update().filter(pk=cadre.pk).first()  # serialise concurrent pairings
    current = (
        Pairing.objects.filter(household=household, ended_on__isnull=True).select_related("cadre").first()
    )
    if current is not None:
        raise DomainError(
            _("该户已由“%(name)s”结对帮扶，请先结束原结对。") % {"name": current.cadre.name},
            field="household",
        )
    count = Pairing.objects.filter(cadre=cadre, ended_on__isnull=True).count()
    limit = cadre_max(cadre)
    if count >= limit:
        raise DomainError(
            _("帮扶责任人“%(name)s”已联系 %(count)s 户，达到上限 %(max)s 户。")
            % {"name": cadre.name, "count": count, "max": limit},
            field="cadre",
        )
    try:
        with transaction.atomic():
            p = Pairing.objects.create(
                cadre=cadre, household=household, area_path=household.area_path, started_on=started_on
            )
    except IntegrityError as exc:  # a concurrent pairing of the same household won
        raise DomainError(_("该户已有帮扶责任人，请刷新后重试。"), field="household") from exc
    audit_record(
        actor=actor,
        action="pairing.create",
        target=p,
        area=household.area,
        after={"cadre": cadre.name, "household": household.household_no, "started_on": started_on},
    )
    return p


@transaction.atomic
def pairing_end(*, actor, pairing: Pairing, ended_on: datetime.date, reason: str) -> Pairing:
    require(actor, MANAGE, pairing.household.area)
    if pairing.ended_on is not None:
        raise DomainError(_("该结对已于 %(date)s 结束。") % {"date": pairing.ended_on}, field="ended_on")
    _date(ended_on, "ended_on", _("结束日期"))
    _end_after_start(pairing.started_on, ended_on)
    pairing.end_reason = _text(reason, "reason", _("结束原因"), 200)
    pairing.ended_on = ended_on
    pairing.save(update_fields=["ended_on", "end_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="pairing.end",
        target=pairing,
        area=pairing.household.area,
        after={"ended_on": ended_on},
        reason=pairing.end_reason,
    )
    return pairing


# --- responsibility chain and work teams ---------------------------------------------------------


@transaction.atomic
def link_save(
    *,
    actor,
    kind: str,
    area,
    started_on,
    cadre=None,
    person_name="",
    unit="",
    title="",
    ended_on=None,
    note="",
    link: ResponsibilityLink | None = None,
) -> ResponsibilityLink:
    """Record (or edit) one link of the 五包 chain at ``area``."""
    require(actor, MANAGE, area)
    if kind not in ChainKind.values:
        raise DomainError(_("请选择责任类型。"), field="kind")
    levels = CHAIN_LEVELS[ChainKind(kind)]
    if area.level not in levels:
        raise DomainError(
            _("“%(kind)s”应落到%(levels)s。")
            % {"kind": ChainKind(kind).label, "levels": join_list(AreaLevel(x).label for x in levels)},
            field="area",
        )
    _date(started_on, "started_on", _("开始日期"), allow_future=True)
    _end_after_start(started_on, ended_on)
    person_name = _text(person_name, "person_name", _("责任人姓名"), 50, required=False)
    unit = _text(unit, "unit", _("责任单位"), 100, required=False)
    if cadre is None and not person_name and not unit:
        raise DomainError(_("请选择责任人，或填写责任人姓名或责任单位。"), field="cadre")
    obj = link or ResponsibilityLink()
    before = snapshot(obj) if link else {}
    obj.kind, obj.area, obj.area_path, obj.cadre = kind, area, area.path, cadre
    obj.person_name, obj.unit = person_name, unit
    obj.title = _text(title, "title", _("职务"), 50, required=False)
    obj.note = _text(note, "note", _("备注"), 200, required=False)
    obj.started_on, obj.ended_on = started_on, ended_on
    obj.save()
    old, new = changed(before, snapshot(obj))
    audit_record(actor=actor, action="resplink.save", target=obj, area=area, before=old or None, after=new)
    return obj


@transaction.atomic
def team_save(
    *, actor, area, name: str, sending_unit: str, started_on, ended_on=None, team: WorkTeam | None = None
) -> WorkTeam:
    """Station (or edit) a 驻村工作队 in a village."""
    if area.level != AreaLevel.VILLAGE:
        raise DomainError(_("驻村工作队应派驻到行政村。"), field="area")
    require(actor, MANAGE, area)
    _date(started_on, "started_on", _("进驻日期"), allow_future=True)
    _end_after_start(started_on, ended_on)
    t = team or WorkTeam()
    before = snapshot(t) if team else {}
    t.area, t.area_path = area, area.path
    t.name = _text(name, "name", _("工作队名称"), 100)
    t.sending_unit = _text(sending_unit, "sending_unit", _("派出单位"), 100)
    t.started_on, t.ended_on = started_on, ended_on
    t.save()
    if ended_on:  # members leave with the team
        t.members.filter(ended_on__isnull=True).update(ended_on=ended_on)
    old, new = changed(before, snapshot(t))
    audit_record(actor=actor, action="workteam.save", target=t, area=area, before=old or None, after=new)
    return t


@transaction.atomic
def team_member_add(*, actor, team: WorkTeam, cadre: Cadre, role: str, started_on) -> WorkTeamMember:
    require(actor, MANAGE, team.area)
    if role not in TeamRole.values:
        raise DomainError(_("请选择队内职责。"), field="role")
    if team.ended_on is not None:
        raise DomainError(_("该工作队已撤离，不能再增加队员。"), field="team")
    _date(started_on, "started_on", _("进驻日期"), allow_future=True)
    if started_on < team.started_on:
        raise DomainError(_("队员进驻日期不能早于工作队进驻日期。"), field="started_on")
    open_members = team.members.filter(ended_on__isnull=True)
    if open_members.filter(cadre=cadre).exists():
        raise DomainError(_("“%(name)s”已在该工作队中。") % {"name": cadre.name}, field="cadre")
    if role == TeamRole.FIRST_SECRETARY:
        current = open_members.filter(role=TeamRole.FIRST_SECRETARY).select_related("cadre").first()
        if current is not None:
            raise DomainError(
                _("该工作队已有第一书记“%(name)s”，请先办理其离队。") % {"name": current.cadre.name},
                field="role",
            )
    m = WorkTeamMember.objects.create(team=team, cadre=cadre, role=role, started_on=started_on)
    audit_record(
        actor=actor,
        action="workteam.member_add",
        target=team,
        area=team.area,
        after={"cadre": cadre.name, "role": role, "started_on": started_on},
    )
    return m


@transaction.atomic
def team_member_end(*, actor, member: WorkTeamMember, ended_on) -> WorkTeamMember:
    require(actor, MANAGE, member.team.area)
    if member.ended_on is not None:
        raise DomainError(_("该队员已离队。"), field="ended_on")
    _date(ended_on, "ended_on", _("离队日期"))
    _end_after_start(member.started_on, ended_on)
    member.ended_on = ended_on
    member.save(update_fields=["ended_on", "updated_at"])
    audit_record(
        actor=actor,
        action="workteam.member_end",
        target=member.team,
        area=member.team.area,
        after={"cadre": member.cadre.name, "ended_on": ended_on},
    )
    return member


# --- visits --------------------------------------------------------------------------------------


def cadre_serves(cadre: Cadre, household, on: datetime.date) -> bool:
    """Was ``cadre`` paired with the household, or in a work team of its village, on that day?"""
    paired = Pairing.objects.filter(cadre=cadre, household=household, started_on__lte=on).exclude(
        ended_on__lt=on
    )
    if paired.exists():
        return True
    village = household.area_path[:12]
    return (
        WorkTeamMember.objects.filter(cadre=cadre, team__area_path=village, started_on__lte=on)
        .exclude(ended_on__lt=on)
        .exists()
    )


@transaction.atomic
def visit_record(
    *, actor, household, cadre: Cadre, visited_on, content: str, problems: str = "", photos=None
) -> Visit:
    """Record a 走访 with its photos. A cadre user records only its own visits; village staff (who
    manage assistance there) record them on a cadre's behalf."""
    require(actor, VISIT, household.area)
    own = getattr(actor, "cadre", None) if getattr(actor, "pk", None) else None
    if own is not None and own.pk != cadre.pk and not user_can(actor, MANAGE, household.area):
        raise AccessDenied(_("帮扶责任人只能记录本人的走访。"))
    _date(visited_on, "visited_on", _("走访日期"))
    content = _text(content, "content", _("走访内容"), 2000)
    problems = _text(problems, "problems", _("发现的问题"), 2000, required=False)
    if not cadre_serves(cadre, household, visited_on):
        raise DomainError(
            _("“%(name)s”在 %(date)s 不是该户的帮扶责任人或驻村工作队队员。")
            % {"name": cadre.name, "date": visited_on},
            field="cadre",
        )
    checked = check_photos(photos)  # before anything is written
    v = Visit.objects.create(
        household=household,
        area_path=household.area_path,
        cadre=cadre,
        visited_on=visited_on,
        content=content,
        problems=problems,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    stored: list[str] = []
    try:
        for upload, kind in checked:
            photo = VisitPhoto(
                visit=v, content_type=kind, size=upload.size, original_name=(upload.name or "")[-200:]
            )
            photo.file.save(upload.name or "photo", upload, save=False)
            stored.append(photo.file.name)
            photo.save()
        audit_record(
            actor=actor,
            action="visit.create",
            target=v,
            area=household.area,
            after={
                "household": household.household_no,
                "cadre": cadre.name,
                "visited_on": visited_on,
                "photos": len(checked),
                "problems": bool(problems),
            },
        )
    except Exception:
        # The rows roll back with the transaction; the files written so far must go too.
        from django.core.files.storage import default_storage

        for name in stored:
            default_storage.delete(name)
        raise
    return v


# --- plans ---------------------------------------------------------------------------------------


@transaction.atomic
def plan_save(*, actor, household, year: int, goal: str = "", items: list[dict]) -> AssistancePlan:
    """Write a household's plan for a year (一户一策); ``items`` replace the planned measures.

    Each item: measure (MeasureType), cause (one of the household's causes, or blank), content,
    planned_amount, responsible_unit.
    """
    require(actor, MANAGE, household.area)
    year = int(year)
    if not 2014 <= year <= today().year + 1:
        raise DomainError(
            _("计划年度应在 2014 至 %(max)s 年之间。") % {"max": today().year + 1}, field="year"
        )
    causes = {household.main_cause, *(household.other_causes or [])} - {"", None}
    cleaned = []
    for i, item in enumerate(items, start=1):
        measure = item.get("measure")
        if measure is None:
            raise DomainError(_("第%(n)s项：请选择措施。") % {"n": i}, field="items")
        if not measure.active:
            raise DomainError(
                _("第%(n)s项：措施“%(name)s”已停用。") % {"n": i, "name": measure.name}, field="items"
            )
        cause = (item.get("cause") or "").strip()
        if cause and cause not in causes:
            raise DomainError(_("第%(n)s项：所选致贫原因不是该户的致贫原因。") % {"n": i}, field="items")
        amount = item.get("planned_amount")
        if amount not in (None, ""):
            try:
                amount = Decimal(str(amount))
            except InvalidOperation as exc:
                raise DomainError(_("第%(n)s项：计划金额/数量应为数字。") % {"n": i}, field="items") from exc
            if amount < 0:
                raise DomainError(_("第%(n)s项：计划金额/数量不能为负数。") % {"n": i}, field="items")
        else:
            amount = None
        cleaned.append(
            PlannedMeasure(
                measure=measure,
                cause=cause,
                content=_text(item.get("content"), "items", _("具体内容"), 200, required=False),
                planned_amount=amount,
                responsible_unit=_text(
                    item.get("responsible_unit"), "items", _("责任单位"), 100, required=False
                ),
            )
        )
    plan, created = AssistancePlan.objects.get_or_create(
        household=household, year=year, defaults={"area_path": household.area_path}
    )
    before = None if created else {"goal": plan.goal, "items": [i.measure.code for i in plan.items.all()]}
    plan.goal = _text(goal, "goal", _("帮扶目标"), 300, required=False)
    plan.area_path = household.area_path
    plan.updated_by = actor if getattr(actor, "pk", None) else None
    plan.save()
    plan.items.all().delete()
    for item in cleaned:
        item.plan = plan
    PlannedMeasure.objects.bulk_create(cleaned)
    audit_record(
        actor=actor,
        action="plan.save",
        target=plan,
        area=household.area,
        before=before,
        after={"year": year, "goal": plan.goal, "items": [i.measure.code for i in cleaned]},
    )
    return plan
