"""The reproducible, stratified draw and replacements (临时换村 / 换户)."""

import pytest

from jingzhun.areas.choices import AreaLevel
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.models import AuditEvent
from jingzhun.core.testing import make_area
from jingzhun.evaluation import sampling, services
from jingzhun.evaluation.models import SampledHousehold, SampledVillage
from jingzhun.register.tests.factories import make_household

from .conftest import YEAR, answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def wide_county(personas):
    """Township A: 甲一村 poor + 9 non-poor villages (甲二村 and 8 more); township B: 乙一村 + 3 poor.
    甲二村 has 8 households outside the register and 4 registered (2 exited, 2 poor)."""
    t = personas.tree
    for i in range(8):
        make_area(
            f"5134981003{i:02d}", f"甲新{i}村", AreaLevel.VILLAGE, t.township_a, urban_rural_class="220"
        )
    for i in range(3):
        make_area(f"5134982003{i:02d}", f"乙新{i}村", AreaLevel.VILLAGE, t.township_b, is_poor_village=True)
    admin = personas.county_admin
    for _i in range(8):
        make_household(area=t.village_a2, actor=admin)
    for status in ("exited", "exited", "poor", "poor"):
        make_household(area=t.village_a2, actor=admin, status=status, year_identified=2014,
                       year_exited=2019 if status == "exited" else None)  # fmt: skip
    return t


def _evaluation(personas, t, **design):
    base = {"village_share": 25, "poor_villages_min": 1, "nonpoor_villages_min": 1,
            "households_per_village": 6, "registered_share": 50}  # fmt: skip
    return services.evaluation_create(actor=personas.county_admin, county=t.county, year=YEAR, kind="pre",
                                      design={**base, **design})  # fmt: skip


def _drawn(ev):
    return (
        list(SampledVillage.objects.filter(evaluation=ev).order_by("seq").values_list("village_id", flat=True)),
        list(SampledHousehold.objects.filter(evaluation=ev).order_by("seq", "id").values_list("household_id", flat=True)),
    )  # fmt: skip


def test_same_seed_gives_the_same_sample_and_another_seed_differs(personas, wide_county):
    ev1 = services.sample_draw(
        actor=personas.county_admin, evaluation=_evaluation(personas, wide_county), seed=7
    )
    ev2 = services.sample_draw(
        actor=personas.county_admin, evaluation=_evaluation(personas, wide_county), seed=7
    )
    assert _drawn(ev1) == _drawn(ev2) and ev1.seed == 7
    # redrawing ev2 with other seeds changes the draw (one of three would collide only by chance)
    others = []
    for seed in (8, 9, 10):
        services.sample_draw(actor=personas.county_admin, evaluation=ev2, seed=seed)
        others.append(_drawn(ev2))
    assert any(o != _drawn(ev1) for o in others)
    assert sampling.draw(range(100), 5, 7, "k") == sampling.draw(list(reversed(range(100))), 5, 7, "k")


def test_villages_are_stratified_by_township_and_poor_status(personas, wide_county):
    t = wide_county
    ev = services.sample_draw(actor=personas.county_admin, evaluation=_evaluation(personas, t), seed=1)
    rows = SampledVillage.objects.filter(evaluation=ev)
    counts = {(v.township_id, v.stratum): (v.stratum_size, 0) for v in rows}
    for v in rows:
        counts[(v.township_id, v.stratum)] = (v.stratum_size, counts[(v.township_id, v.stratum)][1] + 1)
    # A poor: N=1 → 1; A non-poor: N=9, ⌈25 % × 9⌉ = 3; B poor: N=3 → min 1; B non-poor (乙一村): 1
    assert counts[(t.township_a.pk, "poor")] == (1, 1)
    assert counts[(t.township_a.pk, "non_poor")] == (9, 3)
    assert counts[(t.township_b.pk, "poor")] == (3, 1)
    assert counts[(t.township_b.pk, "non_poor")] == (1, 1)
    assert sampling.villages_to_draw(40, 5, 3) == 3 and sampling.villages_to_draw(100, 5, 3) == 5
    assert sampling.villages_to_draw(2, 50, 5) == 2


def test_households_are_half_registered_and_half_outside(personas, wide_county):
    t = wide_county
    ev = _evaluation(personas, t, village_share=100)
    services.sample_draw(actor=personas.county_admin, evaluation=ev, seed=3)
    rows = SampledHousehold.objects.filter(evaluation=ev, sampled_village__village=t.village_a2)
    assert sorted(r.group for r in rows) == ["outside"] * 3 + ["registered"] * 3
    assert all(r.poverty_status in ("exited", "poor") for r in rows if r.group == "registered")
    assert sampling.registered_quota(10, 50) == 5 and sampling.registered_quota(11, 50) == 6


def test_replacing_a_village_keeps_the_original_and_is_audited(personas, wide_county):
    t = wide_county
    ev = services.sample_draw(actor=personas.county_admin, evaluation=_evaluation(personas, t), seed=5)
    old = SampledVillage.objects.filter(evaluation=ev, township=t.township_a, stratum="non_poor").first()
    new = services.village_replace(actor=personas.county_admin, sampled=old, reason="道路塌方无法进村")
    old.refresh_from_db()
    assert not old.is_active and new.replaces == old and new.replace_reason == "道路塌方无法进村"
    assert (
        new.stratum == old.stratum and new.township_id == old.township_id and new.village_id != old.village_id
    )
    assert not SampledHousehold.objects.filter(sampled_village=old, is_active=True).exists()
    event = AuditEvent.objects.get(action="evaluation.village_replace")
    assert event.before == {"village": old.village_id} and event.reason == "道路塌方无法进村"
    with pytest.raises(DomainError) as e:
        services.village_replace(actor=personas.county_admin, sampled=new, reason="")
    assert e.value.field == "reason"


def test_replacing_a_household_draws_from_the_same_group_and_not_after_a_survey(personas, wide_county):
    t = wide_county
    ev = _evaluation(personas, t, village_share=100)
    services.sample_draw(actor=personas.county_admin, evaluation=ev, seed=11)
    old = SampledHousehold.objects.filter(
        evaluation=ev, sampled_village__village=t.village_a2, group="outside"
    )[0]
    new = services.household_replace(actor=personas.county_admin, sampled=old, reason="全家外出")
    old.refresh_from_db()
    assert not old.is_active and new.replaces == old and new.group == "outside"
    assert AuditEvent.objects.filter(action="evaluation.household_replace", reason="全家外出").count() == 1
    services.survey_submit(actor=personas.county_admin, sampled=new, data=answers())
    with pytest.raises(DomainError):
        services.household_replace(actor=personas.county_admin, sampled=new, reason="又外出")
    with pytest.raises(DomainError):  # a survey is in: no redraw
        services.sample_draw(actor=personas.county_admin, evaluation=ev, seed=12)


def test_only_county_managers_create_draw_and_replace(personas, wide_county):
    t = wide_county
    with pytest.raises(AccessDenied):
        services.evaluation_create(actor=personas.township_a, county=t.county, year=YEAR, kind="pre")
    ev = services.sample_draw(actor=personas.county_admin, evaluation=_evaluation(personas, t), seed=5)
    sv = SampledVillage.objects.filter(evaluation=ev).first()
    for user in (personas.village_a1, personas.township_a):
        with pytest.raises(AccessDenied):
            services.village_replace(actor=user, sampled=sv, reason="x")
        with pytest.raises(AccessDenied):
            services.sample_draw(actor=user, evaluation=ev, seed=1)
