"""The criteria, the income formula and the year-dependent line, through the set-based pass."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jingzhun.assessment.batch import assess, assess_household
from jingzhun.assessment.models import HouseholdAssessment
from jingzhun.assessment.rules import income_per_capita
from jingzhun.policy import services as policy_services
from jingzhun.register.validation import income_figures

from .helpers import adult, build, child

money = st.decimals(min_value=0, max_value=200000, places=2, allow_nan=False, allow_infinity=False)


@given(wages=money, business=money, prop=money, transfers=money, costs=money, size=st.integers(1, 12))
def test_income_formula_net_is_sum_minus_costs_and_per_capita_is_net_over_size(
    wages, business, prop, transfers, costs, size
):
    net, pc = income_per_capita(
        wages=wages,
        business=business,
        property_income=prop,
        transfers=transfers,
        business_costs=costs,
        size=size,
    )
    assert net == wages + business + prop + transfers - costs
    assert abs(pc * size - net) <= Decimal("0.005") * size
    assert (net, pc) == income_figures(
        wages=wages,
        business=business,
        property_income=prop,
        transfers=transfers,
        business_costs=costs,
        size=size,
    )


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(wages=money, business=money, prop=money, transfers=money, costs=money)
def test_sql_per_capita_matches_the_formula(personas, wages, business, prop, transfers, costs):
    t = personas.tree
    h = build(
        area=t.village_a2,
        actor=personas.county_admin,
        income={
            "wages": wages,
            "business": business,
            "property_income": prop,
            "transfers": transfers,
            "business_costs": costs,
        },
    )
    result = assess_household(h, 2019)
    net, pc = income_per_capita(
        wages=wages,
        business=business,
        property_income=prop,
        transfers=transfers,
        business_costs=costs,
        size=2,
    )
    assert result.net_income == net and result.per_capita == pc
    assert result.income_ok == (pc >= Decimal("3218"))


def _one(personas, **kwargs):
    h = build(area=personas.tree.village_a1, actor=personas.county_admin, **kwargs)
    return assess_household(h, kwargs.get("year", 2019))


def _school_age_birth(age: int, year: int = 2019) -> datetime.date:
    return datetime.date(year - age, 6, 1)


@pytest.mark.django_db
def test_fifteen_year_old_out_of_school_with_health_exemption_passes(personas):
    kid = child("小明", _school_age_birth(15), in_school="0", school_exempt=True, health="4")
    result = _one(personas, members=[adult("甲户主"), kid])
    assert result.education_ok and result.dropouts == 0


@pytest.mark.django_db
def test_fifteen_year_old_out_of_school_without_exemption_fails_with_reason(personas):
    kid = child("小红", _school_age_birth(15), in_school="0", male=False)
    result = _one(personas, members=[adult("乙户主"), kid])
    assert not result.education_ok and not result.passed
    reason = next(c["reason"] for c in result.criteria() if c["code"] == "education")
    assert "1 名" in reason and "失学辍学" in reason


@pytest.mark.django_db
def test_sixteen_year_old_out_of_school_is_past_compulsory_age(personas):
    kid = child("小刚", datetime.date(2003, 6, 1), in_school="0")
    assert _one(personas, members=[adult("丙户主"), kid]).education_ok


@pytest.mark.django_db
def test_grade_c_house_fails_and_renovated_passes(personas):
    failing = _one(personas, house_grade="C")
    assert not failing.housing_ok
    assert "C 级" in next(c["reason"] for c in failing.criteria() if c["code"] == "housing")
    renovated = _one(personas, house_grade="C", house_renovated=True, house_renovated_year=2018)
    assert renovated.housing_ok and renovated.house_safe_by == "renovated" and renovated.passed


@pytest.mark.django_db
def test_water_21_litres_passes_in_a_water_short_area_and_fails_elsewhere(personas):
    t = personas.tree
    policy_services.policy_value_set(
        actor=personas.county_admin, key="water_short_areas", year=2014, value=t.township_a.code,
        province=t.province, reason="缺水乡镇",
    )  # fmt: skip
    short = build(area=t.village_a1, actor=personas.county_admin, water_lpd=21)
    elsewhere = build(area=t.village_b1, actor=personas.county_admin, water_lpd=21)
    assess(area=t.county, year=2019)
    a = HouseholdAssessment.objects.get(household=short, year=2019)
    b = HouseholdAssessment.objects.get(household=elsewhere, year=2019)
    assert a.water_short_area and a.water_ok and a.water_required == 20
    assert not b.water_short_area and not b.water_ok
    assert "低于标准 35 升" in next(c["reason"] for c in b.criteria() if c["code"] == "water")


@pytest.mark.django_db
def test_uninsured_member_fails_basic_medical(personas):
    result = _one(
        personas, members=[adult("丁户主"), adult("丁配偶", "02", male=False, insured_medical=False)]
    )
    assert not result.medical_ok and result.uninsured == 1


@pytest.mark.django_db
def test_food_and_clothing_assured_by_dibao_when_income_is_low(personas):
    result = _one(personas, members=[adult("戊户主", dibao=True)], income={"wages": 1000})
    assert result.food_ok and result.clothing_ok and not result.income_ok and not result.passed


@pytest.mark.django_db
def test_no_income_row_means_income_not_met(personas):
    result = _one(personas, income=False)
    assert result.per_capita is None and not result.income_ok
    assert "未录入" in result.criteria()[0]["reason"]


@pytest.mark.django_db
def test_line_depends_on_the_year_and_rerunning_2019_gives_the_2019_answer(personas):
    t = personas.tree
    h = build(area=t.village_a1, actor=personas.county_admin, income={"wages": 7000})  # 3,500 per head
    build_2020 = {"wages": 7000}
    from jingzhun.register.services import income_save

    income_save(actor=personas.county_admin, household=h, year=2020, **build_2020)
    assert assess_household(h, 2019).passed  # 3,500 ≥ 3,218
    r2020 = assess_household(h, 2020)
    assert not r2020.passed and r2020.line == Decimal("4000")
    again = assess_household(h, 2019)
    assert again.passed and again.line == Decimal("3218")
    run = HouseholdAssessment.objects.get(household=h, year=2019).run
    assert run.params["poverty_line"] == "3218" and run.params["_year"] == 2019
    assert HouseholdAssessment.objects.filter(household=h).count() == 2  # one row per household-year


@pytest.mark.django_db
def test_flags_unstable_marginal_and_transfer_share(personas):
    t = personas.tree
    exited = build(
        area=t.village_a1,
        actor=personas.county_admin,
        status="exited",
        year_exited=2019,
        year=2022,
        income={"wages": 10000},
    )
    never = build(
        area=t.village_a1, actor=personas.county_admin, status="not_poor", year=2022, income={"wages": 10000}
    )
    policy = build(
        area=t.village_a1, actor=personas.county_admin, year=2022, income={"wages": 5000, "transfers": 15000}
    )
    run = assess(area=t.county, year=2022)
    got = {a.household_id: a for a in HouseholdAssessment.objects.filter(run=run)}
    assert got[exited.pk].flag_unstable and not got[exited.pk].flag_marginal  # 5,000 < 6,300
    assert got[never.pk].flag_marginal
    assert got[policy.pk].flag_transfer and not got[policy.pk].flag_unstable
    assert run.counts == {
        "households": 3,
        "passed": 3,
        "unstable": 1,
        "marginal": 1,
        "transfer": 1,
        "no_income": 0,
    }
    assert got[exited.pk].threshold == Decimal("6300")
