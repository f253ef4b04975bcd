"""Deliveries (措施落实): entry one by one, the write path shared with the import, and cancelling.

Department users hold ``assistance.deliver`` only. They name a person by ID number; the match happens
here, inside their area scope, and answers with the same message whether the person does not exist or
lies outside their area — so a department cannot probe the register through this service.

A cash delivery of a measure with an ``income_program`` becomes an IncomeTransfer line of the household's
income for the delivery's year (register.services_income.income_transfers_apply keeps transfers, net income
and per capita consistent); cancelling removes that line again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.scoping import paths_q, user_can, user_paths
from jingzhun.core.services import audit_record
from jingzhun.register.choices import MemberStatus
from jingzhun.register.models import Member
from jingzhun.register.services_income import income_transfers_apply
from jingzhun.register.validation import parse_id

from .choices import DELIVER, SETTINGS, DeliverySource, DeliveryStatus
from .models import Delivery, MeasureType
from .services import EARLIEST, today

MAX_AMOUNT = Decimal("10000000")
CENT = Decimal("0.01")


@dataclass
class Match:
    """A register person as the delivery path needs it: no names or details beyond the match."""

    member_id: int
    household_id: int
    area_path: str
    name: str
    left_on: datetime.date | None
    active: bool


def parse_amount(value, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_("金额/数量应为数字。"), field=field) from None
    if not amount.is_finite() or amount <= 0:
        raise DomainError(_("金额/数量应大于 0。"), field=field)
    if amount > MAX_AMOUNT:
        raise DomainError(_("金额/数量过大（不超过 1000 万）。"), field=field)
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def check_date(value, field: str = "delivered_on") -> datetime.date:
    if not isinstance(value, datetime.date):
        raise DomainError(_("请填写落实日期。"), field=field)
    if value < EARLIEST:
        raise DomainError(_("落实日期不能早于 2013 年。"), field=field)
    if value > today():
        raise DomainError(_("落实日期不能晚于今天。"), field=field)
    return value


def match_people(actor, id_numbers: list[str]) -> dict[str, Match]:
    """ID number → the register person in ``actor``'s delivery scope (active members first)."""
    paths = user_paths(actor, DELIVER)
    if paths == []:
        return {}
    out: dict[str, Match] = {}
    numbers = sorted(set(id_numbers))
    for i in range(0, len(numbers), 800):
        qs = Member.objects.filter(id_number__in=numbers[i : i + 800])
        if paths is not None:
            qs = qs.filter(paths_q("household__area_path", paths))
        rows = qs.values_list(
            "id", "id_number", "household_id", "household__area_path", "name", "left_on", "status"
        )
        for mid, number, hid, path, name, left_on, status in rows:
            active = status == MemberStatus.ACTIVE
            if number in out and (out[number].active or not active):
                continue
            out[number] = Match(mid, hid, path, name, left_on, active)
    return out


def check_match(match: Match | None, delivered_on: datetime.date, name: str = "") -> Match:
    if match is None:
        raise DomainError(_("未在您的范围内找到该身份证号的在册人员。"), field="id_number", code="unmatched")
    if name and name.strip() != match.name:
        raise DomainError(_("姓名与该身份证号登记的姓名不一致。"), field="name")
    if match.left_on and match.left_on < delivered_on:
        raise DomainError(
            _("该人员已于 %(date)s 离户（注销），不能在此后落实措施。") % {"date": match.left_on},
            field="delivered_on",
        )
    return match


def duplicates(keys: list[tuple]) -> set[tuple]:
    """Of (member_id, measure_id, delivered_on, amount) keys, those already recorded and active."""
    found: set[tuple] = set()
    members = sorted({k[0] for k in keys})
    wanted = set(keys)
    for i in range(0, len(members), 800):
        rows = Delivery.objects.filter(
            member_id__in=members[i : i + 800], status=DeliveryStatus.ACTIVE
        ).values_list("member_id", "measure_id", "delivered_on", "amount")
        for row in rows:
            key = (row[0], row[1], row[2], Decimal(row[3]).quantize(CENT))
            if key in wanted:
                found.add(key)
    return found


def _income_lines(actor, items: list[dict]) -> int:
    """Feed cash deliveries of income measures into transfer income; sets ``transfer_line_id``."""
    feeding = [x for x in items if x["measure"].is_cash and x["measure"].income_program]
    if not feeding:
        return 0
    lines = income_transfers_apply(
        actor=actor,
        add=[
            {
                "household_id": x["household_id"],
                "year": x["delivered_on"].year,
                "program": x["measure"].income_program,
                "amount": x["amount"],
                "member_id": x["member_id"],
                "source": x.get("department") or x["measure"].name,
            }
            for x in feeding
        ],
        reason=_("帮扶措施落实"),
    )
    for x, line in zip(feeding, lines, strict=True):
        x["transfer_line_id"] = line.pk
    return len(lines)


def _values(actor, x: dict, source: str, job_id) -> dict:
    return {
        "household_id": x["household_id"],
        "member_id": x["member_id"],
        "area_path": x["area_path"],
        "measure_id": x["measure"].pk,
        "year": x["delivered_on"].year,
        "delivered_on": x["delivered_on"],
        "amount": x["amount"],
        "department": (x.get("department") or "")[:100],
        "program": (x.get("program") or "")[:100],
        "note": (x.get("note") or "")[:200],
        "source": source,
        "job_id": job_id,
        "status": DeliveryStatus.ACTIVE,
        "transfer_line_id": x.get("transfer_line_id"),
        "entered_by_id": getattr(actor, "pk", None),
    }


def write_deliveries(*, actor, items: list[dict], source: str, job_id=None) -> tuple[int, int]:
    """Insert checked deliveries in bulk and feed cash ones into transfer income. Call in a transaction.

    Each item: household_id, member_id, area_path, measure (MeasureType), delivered_on, amount,
    department, program, note. Rows go in through the register import's batched INSERT/COPY (Django's
    bulk_create spends most of a 10^5-row import compiling SQL). Returns (deliveries, income lines).
    """
    from django.db import connection
    from django.utils import timezone

    from jingzhun.register.importing_sql import RowInserter

    income_lines = _income_lines(actor, items)
    job = Delivery._meta.get_field("job_id").get_db_prep_save(job_id, connection) if job_id else None
    inserter = RowInserter(Delivery, timezone.now())
    for x in items:
        inserter.add(_values(actor, x, source, job))
    return inserter.flush(), income_lines


@transaction.atomic
def delivery_record(
    *,
    actor,
    measure: MeasureType,
    delivered_on: datetime.date,
    amount,
    id_number: str = "",
    name: str = "",
    household=None,
    member=None,
    department: str = "",
    program: str = "",
    note: str = "",
) -> Delivery:
    """Record one delivery to the person with ``id_number`` (department entry) or to ``household``."""
    if user_paths(actor, DELIVER) == []:
        raise AccessDenied()
    if measure is None or not measure.active:
        raise DomainError(_("请选择启用中的措施。"), field="measure")
    check_date(delivered_on)
    amount = parse_amount(amount)
    if household is None:
        try:
            number = parse_id(id_number).number
        except ValueError as exc:
            raise DomainError(str(exc), field="id_number") from exc
        m = check_match(match_people(actor, [number]).get(number), delivered_on, name)
        household_id, member_id, area_path = m.household_id, m.member_id, m.area_path
        from jingzhun.register.models import Household

        household = Household.objects.get(pk=household_id)
    else:
        if not user_can(actor, DELIVER, household.area):
            raise AccessDenied(_("您无权在“%(area)s”录入措施落实。") % {"area": household.area.name})
        if member is not None and member.household_id != household.pk:
            raise DomainError(_("享受人不是该户成员。"), field="member")
        household_id, member_id, area_path = household.pk, getattr(member, "pk", None), household.area_path
    if member_id and duplicates([(member_id, measure.pk, delivered_on, amount)]):
        raise DomainError(
            _("该笔措施已录入过（同一人、同一措施、同一日期、同一金额）。"),
            field="delivered_on",
            code="duplicate",
        )
    department = (department or getattr(actor, "unit", "") or "").strip()[:100]
    item = {
        "household_id": household_id,
        "member_id": member_id,
        "area_path": area_path,
        "measure": measure,
        "delivered_on": delivered_on,
        "amount": amount,
        "department": department,
        "program": program.strip(),
        "note": note.strip(),
    }
    _income_lines(actor, [item])
    delivery = Delivery.objects.create(**_values(actor, item, DeliverySource.MANUAL, None))
    audit_record(
        actor=actor,
        action="delivery.create",
        target=delivery,
        area=household.area,
        after={
            "household": household.household_no,
            "measure": measure.code,
            "amount": amount,
            "delivered_on": delivered_on,
            "income": bool(delivery.transfer_line_id),
        },
    )
    return delivery


def can_cancel(actor, delivery: Delivery) -> bool:
    from jingzhun.areas.models import Area

    area = Area(path=delivery.area_path)
    if not user_can(actor, DELIVER, area):
        return False
    own = delivery.entered_by_id == getattr(actor, "pk", None) or (
        getattr(actor, "unit", "") and delivery.department == actor.unit
    )
    return bool(own) or user_can(actor, SETTINGS, area)


@transaction.atomic
def delivery_cancel(*, actor, delivery: Delivery, reason: str) -> Delivery:
    """Cancel a wrong delivery: it stays on record as 已撤销 and leaves the household's income."""
    if not can_cancel(actor, delivery):
        raise AccessDenied(_("只能撤销本部门录入的措施落实。"))
    if delivery.status == DeliveryStatus.CANCELLED:
        raise DomainError(_("该笔措施落实已撤销。"), field="status")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写撤销原因。"), field="reason")
    if delivery.transfer_line_id:
        income_transfers_apply(actor=actor, remove=[delivery.transfer_line_id], reason=reason)
    delivery.status = DeliveryStatus.CANCELLED
    delivery.cancel_reason = reason[:200]
    delivery.transfer_line = None
    delivery.save(update_fields=["status", "cancel_reason", "transfer_line", "updated_at"])
    audit_record(
        actor=actor,
        action="delivery.cancel",
        target=delivery,
        area=delivery.household.area,
        reason=reason,
        after={"measure": delivery.measure.code, "amount": delivery.amount},
    )
    return delivery
