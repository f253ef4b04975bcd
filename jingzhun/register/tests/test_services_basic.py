"""Household creation, the one-person-one-household rule, warnings with override, income per capita."""

import datetime
from decimal import Decimal

import pytest

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.models import AuditEvent
from jingzhun.register.choices import PovertyStatus
from jingzhun.register.models import HouseholdVersion, Member
from jingzhun.register.services import RegisterValidationError, household_create, income_save

from .factories import family, household

pytestmark = pytest.mark.django_db


def test_village_officer_registers_household_with_members(personas):
    h = household_create(
        actor=personas.village_a1,
        area=personas.tree.village_a1,
        household=household(main_cause=""),
        members=family(),
    )
    assert h.household_no == personas.tree.village_a1.code + "0001"
    assert h.size == 4 and h.head_name == "张三丰" and h.area_path == personas.tree.village_a1.path
    head = h.members.get(relation="01")
    assert head.member_no == h.household_no + "01" and head.name_initials == "zsf"
    assert head.sex == "1" and head.birth_date.year == datetime.date.today().year - 45
    assert AuditEvent.objects.filter(action="household.create", target_id=str(h.pk)).count() == 1
    assert HouseholdVersion.objects.filter(household=h, valid_to__isnull=True).count() == 1


def test_same_person_cannot_be_in_two_households(personas):
    members = family()
    household_create(
        actor=personas.village_a1,
        area=personas.tree.village_a1,
        household=household(main_cause=""),
        members=members,
    )
    with pytest.raises(DomainError) as exc:
        household_create(
            actor=personas.county_admin,
            area=personas.tree.village_a2,
            household=household(main_cause=""),
            members=[members[0] | {"relation": "01"}],
        )
    assert exc.value.field == "id_number" and "同一人只能属于一户" in exc.value.message
    assert Member.objects.count() == 4


def test_two_heads_is_an_error_naming_the_field(personas):
    members = family()
    members[1]["relation"] = "01"
    with pytest.raises(RegisterValidationError) as exc:
        household_create(
            actor=personas.village_a1,
            area=personas.tree.village_a1,
            household=household(main_cause=""),
            members=members,
        )
    assert "只有 1 名户主" in exc.value.as_field_map()["members"][0]


def test_bad_checksum_names_the_member_and_field(personas):
    members = family()
    members[2]["id_number"] = members[2]["id_number"][:-1] + (
        "0" if members[2]["id_number"][-1] != "0" else "1"
    )
    with pytest.raises(RegisterValidationError) as exc:
        household_create(
            actor=personas.village_a1,
            area=personas.tree.village_a1,
            household=household(main_cause=""),
            members=members,
        )
    assert "members[2].id_number" in exc.value.as_field_map()
    assert "校验位" in exc.value.as_field_map()["members[2].id_number"][0]


def test_cause_warning_needs_a_reason_which_is_stored(personas):
    # 因病 (main cause 1) but nobody is ill: a warning, blocked without a reason …
    with pytest.raises(RegisterValidationError) as exc:
        household_create(
            actor=personas.county_admin,
            area=personas.tree.village_a1,
            household=household(),
            members=family(),
            poverty_status=PovertyStatus.POOR,
            year_identified=2014,
        )
    assert exc.value.issues[0].code == "needs_override"
    # … and accepted with one, which is kept on the household and in the audit event.
    h = household_create(
        actor=personas.county_admin,
        area=personas.tree.village_a1,
        household=household(),
        members=family(),
        poverty_status=PovertyStatus.POOR,
        year_identified=2014,
        override_reason="户主 2013 年大病已愈，仍按因病识别",
    )
    assert h.warning_override["codes"] == ["cause_illness"]
    assert AuditEvent.objects.get(action="household.create").reason.startswith("户主 2013")


def test_village_officer_cannot_set_poverty_status(personas):
    with pytest.raises(AccessDenied):
        household_create(
            actor=personas.village_a1,
            area=personas.tree.village_a1,
            household=household(),
            members=family(),
            poverty_status=PovertyStatus.POOR,
            override_reason="x",
        )


def test_out_of_area_officer_cannot_register(personas):
    with pytest.raises(AccessDenied):
        household_create(
            actor=personas.village_b1,
            area=personas.tree.village_a1,
            household=household(main_cause=""),
            members=family(),
        )


def test_income_per_capita_is_computed(personas):
    h = household_create(
        actor=personas.village_a1,
        area=personas.tree.village_a1,
        household=household(main_cause=""),
        members=family(),
    )
    income = income_save(
        actor=personas.village_a1,
        household=h,
        year=2024,
        wages=12000,
        business=3000,
        property_income=500,
        business_costs=1500,
        transfer_lines=[{"program": "dibao", "amount": "2400"}, {"program": "eco", "amount": "300"}],
    )
    assert income.transfers == Decimal("2700.00")
    assert (
        income.net_income == Decimal("16700.00")
        and income.size == 4
        and income.per_capita == Decimal("4175.00")
    )
    with pytest.raises(DomainError):
        income_save(actor=personas.village_a1, household=h, year=2024, wages=-1)
