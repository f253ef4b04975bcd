import pytest
from django.utils import timezone

from jingzhun.core.errors import DomainError
from jingzhun.core.models import AuditEvent
from jingzhun.identification import services
from jingzhun.register.choices import PovertyStatus
from jingzhun.register.models import HouseholdVersion
from jingzhun.workflows import services as workflow
from jingzhun.workflows.choices import ProcedureStatus

from . import helpers
from .factories import survey_data

pytestmark = pytest.mark.django_db


def test_full_eight_steps_register_three_households(personas):
    year = timezone.localdate().year
    hh = helpers.households(personas, 3)
    batch, procs = helpers.start(personas, hh, year)
    assert batch is not None and all(p.batch_id == batch.pk for p in procs)
    helpers.apply_and_survey(
        personas, procs, {1: survey_data(main_cause="1", cause_note="户主长期患病未确诊")}
    )
    procs = helpers.to_announce(personas, helpers.refresh(procs))
    assert {p.current_step.code for p in procs} == {"announce"}
    passed = helpers.notice_round(personas.county_admin, procs)
    assert len(passed) == 3
    for p, h in zip(helpers.refresh(procs), hh, strict=True):
        h.refresh_from_db()
        assert p.status == ProcedureStatus.COMPLETED
        assert h.poverty_status == PovertyStatus.POOR
        assert h.year_identified == year
        assert p.data["registration"]["household_no"] == h.household_no
        assert HouseholdVersion.objects.filter(household=h, action="household.poverty_status").exists()
    hh[1].refresh_from_db()
    assert hh[1].main_cause == "1" and hh[1].attribute == "1" and hh[1].other_causes == ["7"]
    assert hh[0].main_cause == "9"
    assert AuditEvent.objects.filter(action="household.poverty_status").count() == 3


def test_survey_is_kept_on_the_procedure_with_per_capita_computed(personas):
    hh = helpers.households(personas, 1)
    _batch, procs = helpers.start(personas, hh)
    helpers.apply_and_survey(personas, procs, {0: survey_data(per_capita="99999")})
    p = helpers.refresh(procs)[0]
    income = p.data["survey"]["income"]
    # 6000 + 2000 + 0 + 1200 − 800 = 8400 over 4 members
    assert income["net_income"] == "8400.00" and income["per_capita"] == "2100.00" and income["size"] == 4
    assert "per_capita" not in p.data["survey"]
    assert p.data["application"]["method"] == "household"


def test_comparison_hit_blocks_the_appraisal_until_the_county_overrides(personas, monkeypatch):
    hh = helpers.households(personas, 3)
    _batch, procs = helpers.start(personas, hh)
    helpers.apply_and_survey(personas, procs)
    car = {
        "fact": "vehicle",
        "member_name": "某某",
        "dataset_type": "vehicle",
        "dataset_name": "机动车登记",
        "strength": "id",
        "evidence": "川W12345 小型轿车",
    }
    monkeypatch.setattr(
        "jingzhun.identification.rules.comparison_facts",
        lambda ids: {hh[0].pk: [car]} if hh[0].pk in ids else {},
    )
    out = helpers.appraise(personas, helpers.refresh(procs))
    assert [o["result"] for o in out] == ["blocked", "passed", "passed"]
    assert "拥有车辆或工程机械" in out[0]["message"] and "川W12345" in out[0]["message"]
    blocked = helpers.refresh(procs)[0]
    assert blocked.current_step.code == "appraisal"
    with pytest.raises(DomainError):
        workflow.procedure_override(
            actor=personas.county_admin, procedure=blocked, codes=["vehicle"], reason=""
        )
    workflow.procedure_override(
        actor=personas.county_admin, procedure=blocked, codes=["vehicle"], reason="车辆已于去年报废，经核实"
    )
    event = AuditEvent.objects.get(action="procedure.override", target_id=str(blocked.pk))
    assert event.reason == "车辆已于去年报废，经核实"
    out = helpers.appraise(personas, [blocked])
    assert out[0]["result"] == "passed"
    from jingzhun.identification.kind import findings

    assert findings(helpers.refresh([blocked])[0])[0]["overridden"] is True


def test_declared_vehicle_blocks_the_survey_and_the_survey_is_kept(personas):
    hh = helpers.households(personas, 1)
    _batch, (p,) = helpers.start(personas, hh)
    workflow.step_complete(actor=personas.village_a1, procedure=p, data={"authorised": True})
    data = survey_data(vehicle=True, vehicle_value="80000")
    with pytest.raises(DomainError) as exc:
        workflow.step_complete(actor=personas.village_a1, procedure=p, data=dict(data))
    assert exc.value.code == "exclusion_hit"
    services.survey_keep(actor=personas.village_a1, procedure=p, data=data)
    p.refresh_from_db()
    assert p.current_step.code == "survey" and p.data["survey_draft"]["vehicle_value"] == "80000.00"
    workflow.procedure_override(
        actor=personas.county_admin, procedure=p, codes=["vehicle"], reason="农用三轮车"
    )
    workflow.step_complete(actor=personas.village_a1, procedure=p, data=dict(data))
    p.refresh_from_db()
    assert p.current_step.code == "appraisal" and "survey_draft" not in p.data
    assert p.data["overrides_used"]["survey"] == ["vehicle"]


def test_quota_refuses_the_announcement_until_the_county_approves_more(personas):
    year = timezone.localdate().year
    county = personas.tree.county
    helpers.households(personas, 1, status="poor", year_identified=year)  # already used
    services.quota_set(actor=personas.county_admin, county=county, year=year, quota=3)
    hh = helpers.households(personas, 3)
    _batch, procs = helpers.start(personas, hh, year)
    helpers.apply_and_survey(personas, procs)
    procs = helpers.to_announce(personas, helpers.refresh(procs))
    from jingzhun.identification.selectors import quota_status

    status = quota_status(county, year)
    assert (status["used"], status["in_progress"], status["remaining"]) == (1, 3, 2)
    with pytest.raises(DomainError) as exc:
        helpers.notice_round(personas.county_admin, procs)
    assert exc.value.code == "quota_exceeded"
    assert "已识别 1 户" in exc.value.message and "剩余 2 户" in exc.value.message
    assert all(p.current_step.code == "announce" for p in helpers.refresh(procs))
    with pytest.raises(DomainError):
        services.quota_override_add(
            actor=personas.county_admin, county=county, year=year, extra=1, reason=" "
        )
    services.quota_override_add(
        actor=personas.county_admin, county=county, year=year, extra=1, reason="新增因灾户"
    )
    assert AuditEvent.objects.filter(action="identification.quota_override", reason="新增因灾户").exists()
    from jingzhun.workflows.models import Notice

    notice = Notice.objects.filter(step__code="announce", status="published").get()
    from jingzhun.workflows import notices

    assert len(notices.notice_close(actor=personas.county_admin, notice=notice)) == 3
    assert quota_status(county, year)["used"] == 4


def test_quota_and_override_need_the_county(personas):
    from jingzhun.core.errors import AccessDenied

    for user in (personas.township_a, personas.village_a1):
        with pytest.raises(AccessDenied):
            services.quota_set(actor=user, county=personas.tree.county, year=2026, quota=5)
        with pytest.raises(AccessDenied):
            services.quota_override_add(
                actor=user, county=personas.tree.county, year=2026, allow_exceed=True, reason="x"
            )


def test_failed_appraisal_and_unregistered_household_kept_not_poor(personas):
    hh = helpers.households(personas, 2)
    _batch, procs = helpers.start(personas, hh)
    helpers.apply_and_survey(personas, procs)
    out = workflow.batch_complete(
        actor=personas.village_a1,
        procedures=helpers.refresh(procs),
        meeting=helpers.MEETING,
        results={procs[0].pk: {"votes_for": 20}, procs[1].pk: {"votes_for": 3}},
    )
    assert [o["result"] for o in out] == ["passed", "failed"]
    hh[1].refresh_from_db()
    assert hh[1].poverty_status == PovertyStatus.NOT_POOR
