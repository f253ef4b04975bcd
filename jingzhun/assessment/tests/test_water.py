"""饮水安全 — 供水保证率: the days without enough water against the year's standard (policy
``water_short_days_max``), in the county pass and the one-household path alike."""

import pytest

from jingzhun.assessment.batch import assess, assess_household, preview_household
from jingzhun.assessment.models import HouseholdAssessment
from jingzhun.assessment.rules import Standards
from jingzhun.policy import services as policy_services
from jingzhun.policy.models import PolicyValue
from jingzhun.policy.selectors import policy_value

from .helpers import build

pytestmark = pytest.mark.django_db


def _water_reason(a: HouseholdAssessment) -> str:
    return next(c["reason"] for c in a.criteria() if c["code"] == "water")


def _set_standard(personas, year: int, days: int) -> None:
    policy_services.policy_value_set(
        actor=personas.county_admin, key="water_short_days_max", year=year, value=days,
        province=personas.tree.province, reason="省定供水保证率标准",
    )  # fmt: skip


def test_the_standard_is_seeded_policy_data_and_reseeding_adds_only_missing_keys(personas):
    assert policy_value("water_short_days_max", 2019, personas.tree.village_a1) == 36
    PolicyValue.objects.filter(key="water_short_days_max").delete()
    assert policy_services.seed_defaults() == 1  # what migration 0003 does on an existing database
    assert policy_services.seed_defaults() == 0
    assert policy_value("water_short_days_max", 2019) == 36


def test_36_days_pass_37_fail_and_blank_is_not_measured(personas):
    t, c = personas.tree, personas.county_admin
    at_limit = build(area=t.village_a1, actor=c, water_short_days=36)
    over = build(area=t.village_a1, actor=c, water_short_days=37)
    blank = build(area=t.village_b1, actor=c)
    none_short = build(area=t.village_b1, actor=c, water_short_days=0)
    assess(area=t.county, year=2019)
    got = {a.household_id: a for a in HouseholdAssessment.objects.filter(year=2019)}
    assert got[at_limit.pk].water_ok and got[at_limit.pk].passed
    assert got[at_limit.pk].water_short_days == 36 and got[at_limit.pk].water_short_days_max == 36
    assert not got[over.pk].water_ok and not got[over.pk].passed
    assert _water_reason(got[over.pk]) == "全年缺水 37 天，超过供水保证率标准 36 天。"
    assert got[blank.pk].water_ok and got[blank.pk].water_short_days is None
    assert "缺水" not in _water_reason(got[blank.pk])
    assert got[none_short.pk].water_ok


def test_days_and_other_water_problems_are_all_named(personas):
    h = build(
        area=personas.tree.village_a1, actor=personas.county_admin, water_minutes=30, water_short_days=50
    )
    reason = _water_reason(assess_household(h, 2019))
    assert reason == "取水往返 30 分钟，超过 20 分钟；全年缺水 50 天，超过供水保证率标准 36 天。"


def test_county_pass_and_one_household_path_agree(personas):
    t, c = personas.tree, personas.county_admin
    households = [
        build(area=t.village_a1, actor=c, water_short_days=days, water_lpd=lpd, water_minutes=minutes)
        for days, lpd, minutes in [(36, 60, 5), (37, 60, 5), (None, 60, 5), (0, 30, 5), (100, 60, 25)]
    ]
    assess(area=t.county, year=2019)
    fields = ["water_ok", "passed", "water_short_days", "water_short_days_max", "water_minutes_max"]
    county = {
        a.household_id: ({f: getattr(a, f) for f in fields}, a.criteria())
        for a in HouseholdAssessment.objects.filter(year=2019)
    }
    assert [county[h.pk][0]["water_ok"] for h in households] == [True, False, True, False, False]
    for h in households:
        preview = preview_household(h, 2019)
        assert ({f: getattr(preview, f) for f in fields}, preview.criteria()) == county[h.pk]
        one = assess_household(h, 2019)
        assert ({f: getattr(one, f) for f in fields}, one.criteria()) == county[h.pk]


def test_the_standard_depends_on_the_year_and_rerunning_a_year_uses_its_own(personas):
    _set_standard(personas, 2020, 20)
    h = build(area=personas.tree.village_a1, actor=personas.county_admin, water_short_days=30)
    from jingzhun.register.services import income_save

    income_save(actor=personas.county_admin, household=h, year=2020, wages=20000)
    first = assess_household(h, 2019)
    assert first.water_ok and first.water_short_days_max == 36
    later = assess_household(h, 2020)
    assert not later.water_ok and later.water_short_days_max == 20
    assert "超过供水保证率标准 20 天" in _water_reason(later)
    assert later.run.params["water_short_days_max"] == 20
    again = assess_household(h, 2019)
    assert again.water_ok and again.run.params["water_short_days_max"] == 36


def test_a_standard_of_zero_days_is_kept_not_replaced_by_the_default(personas):
    _set_standard(personas, 2019, 0)
    t, c = personas.tree, personas.county_admin
    dry = build(area=t.village_a1, actor=c, water_short_days=1)
    wet = build(area=t.village_a1, actor=c, water_short_days=0)
    assert not assess_household(dry, 2019).water_ok
    assert assess_household(wet, 2019).water_ok
    assert Standards.from_snapshot({"poverty_line": "3218"}, 2019).water_short_days_max == 36  # old params


def test_household_page_and_api_show_the_days_reason(personas, client_for):
    h = build(area=personas.tree.village_a1, actor=personas.county_admin, water_short_days=40)
    assess_household(h, 2019)
    client = client_for(personas.county_admin)
    page = client.get(f"/register/{h.pk}/").content.decode()
    assert "全年缺水 40 天，超过供水保证率标准 36 天" in page
    row = client.get("/api/v1/assessment/results/", {"year": 2019, "household": h.pk}).json()["results"][0]
    assert row["water_short_days"] == 40 and row["water_short_days_max"] == 36 and not row["water_ok"]
