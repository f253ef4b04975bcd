"""Fixtures of the evaluation tests: a county with two poor villages and households of known shape."""

import datetime

import pytest
from django.utils import timezone

from jingzhun.areas.models import AreaYearStat
from jingzhun.evaluation import services
from jingzhun.register.tests.factories import make_household

YEAR = timezone.localdate().year - 1


@pytest.fixture
def county_two_villages(personas):
    """甲一村 (township A) and 乙一村 (township B) both poor, 甲二村 urban (not drawn); in each village two
    exited households and two outside the register (4 persons each); rural population 1,000."""
    t = personas.tree
    t.village_a2.urban_rural_class = "111"
    t.village_a2.save()
    t.village_b1.is_poor_village = True
    t.village_b1.save()
    admin = personas.county_admin
    for village in (t.village_a1, t.village_b1):
        for _i in range(2):
            make_household(area=village, actor=admin, status="exited", year_identified=2014, year_exited=2019)
            make_household(area=village, actor=admin)
    AreaYearStat.objects.create(area=t.county, year=YEAR, rural_population=1000)
    return t


@pytest.fixture
def small_design(personas, county_two_villages):
    """An evaluation drawing every village and all four households of each (2 registered + 2 outside)."""
    ev = services.evaluation_create(
        actor=personas.county_admin, county=county_two_villages.county, year=YEAR, kind="pre",
        design={"village_share": 5, "poor_villages_min": 1, "nonpoor_villages_min": 1,
                "households_per_village": 4, "registered_share": 50},
    )  # fmt: skip
    return services.sample_draw(actor=personas.county_admin, evaluation=ev, seed=20200101)


def answers(**extra) -> dict:
    """A complete survey: everything fine, approving."""
    return {
        "surveyed_on": datetime.date.today(), "surveyor": "王评估", "persons": 4, "income_stable": True,
        "needs_met": True, "meets_criteria": False, "fair_identification": True, "measures": True,
        "exit_recognised": True, "cadres": True, "approves": True, **extra,
    }  # fmt: skip
