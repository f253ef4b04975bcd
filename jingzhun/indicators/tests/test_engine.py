"""Indicator values against a hand-counted county (see builders.small_county), and every stored figure
equal to the size of its drill-down."""

import datetime
from decimal import Decimal

import pytest

from jingzhun.indicators import registry, selectors
from jingzhun.indicators.models import IndicatorValue
from jingzhun.indicators.services import indicators_refresh
from jingzhun.monitoring.models import MonitoringCase

from .builders import small_county

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(personas):
    hh = small_county(personas)
    MonitoringCase.objects.create(
        household=hh["h5"], area=personas.tree.village_a2, area_path=personas.tree.village_a2.path,
        monitoring_type="marginal", risk_types=["illness", "housing"], source="cadre_visit", detail="大病",
        status="monitored", opened_on=datetime.date(2025, 2, 1), entered_on=datetime.date(2025, 3, 1),
        proposed_by=personas.county_admin,
    )  # fmt: skip
    indicators_refresh(
        actor=personas.county_admin, area=personas.tree.county, years=[2015, 2016, 2018, 2024, 2025]
    )
    return hh


def value(code, area, year, dim="", member=""):
    row = IndicatorValue.objects.filter(
        indicator=code, area_path=area.path, year=year, dim=dim, member=member
    ).first()
    return row.value if row else Decimal(0)


def test_register_counts_follow_identification_and_exit_years(personas, county):
    t = personas.tree
    assert value("reg_hh", t.county, 2015) == 4  # h1 h2 h3 h4
    assert value("reg_hh", t.county, 2016) == 5  # + h6
    assert value("exited_hh", t.county, 2016) == 1  # h2
    assert value("exited_hh", t.county, 2018) == 2  # h2 h4
    assert value("remaining_hh", t.county, 2016) == 4  # h1 h3 h4(exits 2018) h6
    assert value("exited_year_hh", t.county, 2018) == 1  # h4


def test_persons_count_only_members_on_the_register(personas, county):
    t = personas.tree
    assert value("reg_p", t.county, 2016) == 12  # 4 + 2 (one died) + 2 + 1 + 3
    assert value("remaining_p", t.county, 2016) == 10  # 4 + 2 + 1 + 3
    assert value("reg_p", t.township_a, 2016) == 9
    assert value("reg_p", t.village_b1, 2016) == 3


def test_values_roll_up_from_groups_and_villages(personas, county):
    t = personas.tree
    assert value("reg_hh", t.village_a1, 2016) == 3  # h3 sits in a group of A1
    assert value("reg_hh", t.township_a, 2016) == 4
    assert value("reg_hh", t.township_b, 2016) == 1


def test_incidence_uses_each_areas_rural_population(personas, county):
    t = personas.tree
    assert value("incidence", t.village_a1, 2016) == Decimal("6.0000")  # 6 / 100
    assert value("incidence", t.township_a, 2016) == Decimal("4.6667")  # 7 / 150 (own row)
    assert value("incidence", t.county, 2016) == Decimal("2.8571")  # 10 / (100+50+200)
    row = IndicatorValue.objects.get(indicator="incidence", area_path=t.county.path, year=2016, dim="")
    assert (row.numerator, row.denominator) == (10, 350)


def test_breakdowns_by_cause_status_and_attribute(personas, county):
    t = personas.tree
    assert value("reg_hh", t.county, 2016, "cause", "1") == 3
    assert value("reg_hh", t.county, 2016, "cause", "2") == 1
    assert value("reg_hh", t.county, 2016, "cause", "7") == 1
    assert value("reg_hh", t.county, 2016, "status", "returned") == 1
    assert value("reg_hh", t.county, 2016, "attribute", "3") == 1


def test_monitoring_by_type_and_each_risk(personas, county):
    t = personas.tree
    assert value("mon_cases", t.county, 2025) == 1
    assert value("mon_cases", t.county, 2024) == 0  # entered 2025
    assert value("mon_cases", t.county, 2025, "monitoring_type", "marginal") == 1
    assert value("mon_cases", t.county, 2025, "risk", "illness") == 1
    assert value("mon_cases", t.county, 2025, "risk", "housing") == 1
    assert value("mon_cases", t.county, 2025, "risk", "disaster") == 0


def test_poor_villages_listed_and_exited(personas, county):
    t = personas.tree
    assert value("poor_villages", t.county, 2016) == 1
    assert value("poor_villages_remaining", t.county, 2016) == 1
    assert value("poor_villages_exited", t.county, 2018) == 1
    assert value("poor_villages_remaining", t.county, 2018) == 0


def test_refresh_replaces_values_and_writes_an_audit_event(personas, county):
    from jingzhun.core.models import AuditEvent

    before = IndicatorValue.objects.count()
    indicators_refresh(
        actor=personas.county_admin, area=personas.tree.village_a1, years=[2015, 2016, 2018, 2024, 2025]
    )
    assert IndicatorValue.objects.count() == before  # same county recomputed, nothing doubled
    assert AuditEvent.objects.filter(action="indicators.refresh").count() == 2


def test_every_figure_equals_the_count_of_its_drill_down(personas, county):
    user = personas.county_admin
    checked = 0
    for row in IndicatorValue.objects.filter(year__in=[2016, 2025]).exclude(value=0):
        ind = registry.get(row.indicator)
        area = selectors.Area.objects.get(path=row.area_path)
        rows = selectors.drill_queryset(user, ind, area, row.year, row.dim, row.member)
        assert rows.count() == row.numerator, (row.indicator, row.area_path, row.dim, row.member)
        checked += 1
    assert checked > 50


def test_figure_lookup_without_rows_is_zero_and_ratio_without_population_is_empty(personas, county):
    t = personas.tree
    figs = selectors.figures(t.township_b, 2015, ["reg_hh", "incidence"])
    assert figs["reg_hh"].value == 0
    assert figs["incidence"].value is None
