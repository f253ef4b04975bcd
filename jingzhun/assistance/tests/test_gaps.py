"""Gaps lists on small hand-built fixtures: causes without measures, unpaired households, cadres over
their maximum, overdue visits and the cadres behind."""

import datetime

import pytest

from jingzhun.assistance import gaps, services
from jingzhun.assistance.models import Cadre, CauseMeasure, Pairing
from jingzhun.assistance.selectors import households_for
from jingzhun.assistance.services_delivery import delivery_record
from jingzhun.register.models import Household

from .builders import cadre, head, measure, not_registered, pair, registered, today

pytestmark = pytest.mark.django_db


def test_cause_gap_until_a_matching_measure_is_delivered_or_planned(personas):
    sick = registered(personas, main_cause="1")
    student = registered(personas, main_cause="3", other_causes=["1"])
    year = today().year
    found = gaps.cause_gaps(Household.objects.all(), year)
    assert sorted((g.household_id, g.cause) for g in found) == sorted(
        [(sick.pk, "1"), (student.pk, "3"), (student.pk, "1")]
    )
    assert "雨露计划" in next(g.measures for g in found if g.cause == "3")
    delivery_record(
        actor=personas.department,
        id_number=head(sick).id_number,
        measure=measure("family_doctor"),
        delivered_on=today(),
        amount=1,
    )
    services.plan_save(
        actor=personas.county_admin,
        household=student,
        year=year,
        items=[{"measure": measure("yulu"), "cause": "3"}],
    )
    found = gaps.cause_gaps(Household.objects.all(), year)
    assert [(g.household_id, g.cause) for g in found] == [(student.pk, "1")]
    delivered_only = gaps.cause_gaps(Household.objects.all(), year, basis="delivered")
    assert {(g.household_id, g.cause) for g in delivered_only} == {(student.pk, "1"), (student.pk, "3")}
    # a measure of another year does not count
    assert len(gaps.cause_gaps(Household.objects.all(), year - 1)) == 3


def test_the_cause_mapping_is_data(personas):
    h = registered(personas, main_cause="9")
    year = today().year
    assert [g.cause for g in gaps.cause_gaps(Household.objects.all(), year)] == ["9"]
    CauseMeasure.objects.filter(cause="9").delete()
    assert gaps.cause_gaps(Household.objects.all(), year) == []
    del h


def test_unregistered_households_are_not_in_the_gaps(personas):
    not_registered(personas)
    assert gaps.cause_gaps(Household.objects.all(), today().year) == []
    assert gaps.unpaired(Household.objects.all()).count() == 0


def test_unpaired_lists_targets_without_an_open_pairing(personas):
    a, b = registered(personas), registered(personas)
    p = pair(personas, cadre(personas), a)
    assert list(gaps.unpaired(Household.objects.all())) == [b]
    services.pairing_end(actor=personas.county_admin, pairing=p, ended_on=today(), reason="调动")
    assert set(gaps.unpaired(Household.objects.all())) == {a, b}


def test_overloaded_cadres_use_the_current_limit(personas):
    c = cadre(personas)
    for _ in range(3):
        pair(personas, c, registered(personas))
    assert gaps.overloaded(Cadre.objects.all()) == []
    services.setting_save(
        actor=personas.county_admin,
        area=personas.tree.county,
        max_households_per_cadre=2,
        min_visits_per_month=1,
    )
    (row,) = gaps.overloaded(Cadre.objects.all())
    assert (row.pk, row.open_count, row.limit) == (c.pk, 3, 2)


def test_overdue_visits_follow_the_monthly_minimum(personas):
    c = cadre(personas)
    fresh, late, never, new = (registered(personas) for _ in range(4))
    for h in (fresh, late, never):
        pair(personas, c, h, started_on=today() - datetime.timedelta(days=200))
    pair(personas, c, new, started_on=today() - datetime.timedelta(days=5))
    for h, days in ((fresh, 3), (late, 40)):
        services.visit_record(
            actor=personas.county_admin,
            household=h,
            cadre=c,
            visited_on=today() - datetime.timedelta(days=days),
            content="走访",
        )
    rows = gaps.overdue(Pairing.objects.all(), today())
    assert {r.pairing.household_id: r.days for r in rows} == {late.pk: 40, never.pk: None}
    services.setting_save(
        actor=personas.county_admin,
        area=personas.tree.county,
        max_households_per_cadre=5,
        min_visits_per_month=15,
    )  # every 2 days
    rows = gaps.overdue(Pairing.objects.all(), today())
    # the pairing made 5 days ago is now older than the 2-day interval too
    assert {r.pairing.household_id for r in rows} == {fresh.pk, late.pk, never.pk, new.pk}
    assert all(r.interval == 2 for r in rows)
    ((who, households),) = gaps.behind(rows)
    assert who.pk == c.pk and len(households) == 4


def test_counts_follow_the_users_scope(personas):
    registered(personas, area=personas.tree.village_a1)
    registered(personas, area=personas.tree.village_b1, main_cause="3")
    year = today().year

    def numbers(user):
        return gaps.counts(
            households=households_for(user),
            pairings=Pairing.objects.for_user(user),
            cadres=Cadre.objects.for_user(user),
            year=year,
            today=today(),
        )

    a1, b1 = numbers(personas.village_a1), numbers(personas.village_b1)
    assert (a1["targets"], a1["unpaired"], dict(a1["by_cause"])) == (1, 1, {"1": 1})
    assert (b1["targets"], b1["unpaired"], dict(b1["by_cause"])) == (1, 1, {"3": 1})
    assert numbers(personas.department)["targets"] == 0
    assert numbers(personas.county_admin)["cause_households"] == 2
