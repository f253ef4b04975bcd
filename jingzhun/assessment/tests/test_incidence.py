"""Poverty incidence: persons not yet out of poverty ÷ the area's rural population (property-tested)."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jingzhun.areas.services import area_stat_save
from jingzhun.assessment.incidence import incidence, rate

from .helpers import adult, build


@given(st.integers(0, 10**6), st.integers(1, 10**7))
def test_rate_is_numerator_over_denominator_in_percent_to_two_places(n, d):
    r = rate(n, d)
    assert abs(r - Decimal(n) * 100 / Decimal(d)) <= Decimal("0.005")


def test_rate_without_population_is_unknown():
    assert rate(5, None) is None and rate(5, 0) is None


STATUS = st.sampled_from(["poor", "returned", "exited", "not_poor"])


@pytest.mark.django_db
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    households=st.lists(st.tuples(STATUS, st.integers(1, 3), st.booleans()), min_size=0, max_size=5),
    population=st.integers(50, 5000),
)
def test_incidence_counts_active_members_of_households_not_yet_out(personas, households, population):
    t, admin = personas.tree, personas.county_admin
    from jingzhun.register.models import Household

    Household.objects.filter(area_path__startswith=t.township_b.path).update(
        area_path="9"
    )  # earlier examples
    expected = 0
    for status, size, _in_a in households:
        members = [adult(f"人{i}", "01" if i == 0 else "13") for i in range(size)]
        area = t.village_b1
        build(area=area, actor=admin, status=status, members=members, income=False,
              year_identified=2015, year_exited=2019 if status == "exited" else None)  # fmt: skip
        if status in ("poor", "returned"):
            expected += size
    area_stat_save(actor=admin, area=t.village_b1, year=2019, rural_population=population)
    area_stat_save(actor=admin, area=t.township_b, year=2019, rural_population=population * 2)
    got = incidence([t.village_b1, t.township_b, t.county], 2019)
    assert got[t.village_b1.pk]["numerator"] == expected
    assert got[t.village_b1.pk]["rate"] == rate(expected, population)
    assert (
        got[t.township_b.pk]["numerator"] == expected
        and got[t.township_b.pk]["denominator"] == population * 2
    )
    assert got[t.county.pk]["rate"] is None  # no statistics for the county


@pytest.mark.django_db
def test_past_years_count_households_exited_later_and_not_those_identified_later(personas):
    t, admin = personas.tree, personas.county_admin
    build(
        area=t.village_a2, actor=admin, status="exited", year_identified=2014, year_exited=2019, income=False
    )
    build(area=t.village_a2, actor=admin, status="poor", year_identified=2018, income=False)
    for year in (2016, 2019):
        area_stat_save(actor=admin, area=t.village_a2, year=year, rural_population=400)
    assert (
        incidence([t.village_a2], 2016)[t.village_a2.pk]["numerator"] == 2
    )  # exited in 2019, still poor then
    assert incidence([t.village_a2], 2019)[t.village_a2.pk]["numerator"] == 2  # only the 2018 household
    assert incidence([t.village_a2], 2019)[t.village_a2.pk]["rate"] == Decimal("0.50")
