"""Deliveries entered one by one: matching by ID number, rules, the benefits ledger and transfer income."""

import datetime
from decimal import Decimal

import pytest

from jingzhun.assistance.models import Delivery
from jingzhun.assistance.selectors import ledger
from jingzhun.assistance.services_delivery import delivery_cancel, delivery_record
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.models import AuditEvent
from jingzhun.register.models import HouseholdIncome, IncomeTransfer

from .builders import head, measure, registered, today, with_income

pytestmark = pytest.mark.django_db


def record(personas, h, code="yulu", amount="3000", actor=None, **kw):
    return delivery_record(
        actor=actor or personas.department,
        id_number=kw.pop("id_number", head(h).id_number),
        measure=measure(code),
        delivered_on=kw.pop("delivered_on", today() - datetime.timedelta(days=1)),
        amount=amount,
        **kw,
    )


def fail(**kw) -> DomainError:
    with pytest.raises(DomainError) as info:
        record(**kw)
    return info.value


def test_cash_delivery_adds_a_transfer_line_and_updates_income(personas):
    h = registered(personas)
    year = (today() - datetime.timedelta(days=1)).year
    income = with_income(personas, h, year, wages=8000)
    assert income.per_capita == Decimal("2000.00")
    d = record(personas, h, "yulu", "3000", program="春季雨露计划")
    income.refresh_from_db()
    assert income.transfers == Decimal("3000.00")
    assert income.net_income == Decimal("11000.00")
    assert income.per_capita == Decimal("2750.00")
    line = IncomeTransfer.objects.get(pk=d.transfer_line_id)
    assert (line.program, line.amount, line.member_id) == ("edu", Decimal("3000.00"), head(h).pk)
    assert AuditEvent.objects.filter(action="delivery.create", target_id=str(d.pk)).exists()
    assert AuditEvent.objects.filter(action="income.transfers").exists()
    book = ledger(h, year)
    assert [r.pk for r in book["rows"]] == [d.pk]
    assert book["cash_total"] == Decimal("3000") and book["income_total"] == Decimal("3000")


def test_cash_delivery_creates_the_years_income_when_missing(personas):
    h = registered(personas)
    d = record(personas, h, "medical_aid", "1200.5")
    income = HouseholdIncome.objects.get(household=h, year=d.year)
    assert income.transfers == Decimal("1200.50") and income.size == 4
    assert income.per_capita == Decimal("300.13")


def test_in_kind_or_loan_delivery_does_not_touch_income(personas):
    h = registered(personas)
    record(personas, h, "family_doctor", "1")
    record(personas, h, "microloan", "50000")
    assert not HouseholdIncome.objects.filter(household=h).exists()
    assert Delivery.objects.filter(household=h, transfer_line__isnull=True).count() == 2


def test_unknown_or_out_of_scope_person_gets_the_same_message(personas):
    h_b1 = registered(personas, area=personas.tree.village_b1)
    from jingzhun.register.tests.factories import id_number

    err = fail(personas=personas, h=h_b1, id_number=id_number(datetime.date(1970, 1, 1)))
    assert err.field == "id_number" and "未在您的范围内找到" in err.message
    # A village officer of A1 with the deliver capability would not reach B1 either: scope is the
    # department's assignment (county); here the county department does reach it.
    assert record(personas, h_b1).household_id == h_b1.pk


def test_bad_id_name_amount_date_and_duplicate_are_refused(personas):
    h = registered(personas)
    number = head(h).id_number
    err = fail(personas=personas, h=h, id_number=number[:-1] + ("0" if number[-1] != "0" else "1"))
    assert err.field == "id_number" and "校验位" in err.message
    err = fail(personas=personas, h=h, name="别人")
    assert err.field == "name" and "姓名与该身份证号登记的姓名不一致" in err.message
    err = fail(personas=personas, h=h, amount="-3")
    assert err.field == "amount" and "大于 0" in err.message
    err = fail(personas=personas, h=h, amount="abc")
    assert err.field == "amount" and "数字" in err.message
    err = fail(personas=personas, h=h, delivered_on=today() + datetime.timedelta(days=2))
    assert err.field == "delivered_on" and "不能晚于今天" in err.message
    record(personas, h, delivered_on=today())
    err = fail(personas=personas, h=h, delivered_on=today())
    assert err.field == "delivered_on" and "已录入过" in err.message
    assert Delivery.objects.count() == 1


def test_user_without_deliver_capability_cannot_record(personas):
    h = registered(personas)
    with pytest.raises(AccessDenied):
        record(personas, h, actor=personas.village_a1)


def test_cancel_removes_the_line_and_restores_income(personas):
    h = registered(personas)
    year = (today() - datetime.timedelta(days=1)).year
    income = with_income(personas, h, year, wages=8000)
    d = record(personas, h, "dibao", "2400")
    with pytest.raises(DomainError) as info:
        delivery_cancel(actor=personas.department, delivery=d, reason="")
    assert info.value.field == "reason"
    with pytest.raises(AccessDenied):
        delivery_cancel(actor=personas.village_a1, delivery=d, reason="错")
    delivery_cancel(actor=personas.department, delivery=d, reason="重复发放，已退回")
    income.refresh_from_db()
    assert income.transfers == 0 and income.per_capita == Decimal("2000.00")
    assert not IncomeTransfer.objects.filter(income=income).exists()
    d.refresh_from_db()
    assert d.status == "cancelled" and d.transfer_line_id is None
    assert AuditEvent.objects.get(action="delivery.cancel").reason == "重复发放，已退回"
    assert ledger(h, year)["rows"] == []
