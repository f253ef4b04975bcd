"""Household exit on the engine (refused on assessment failure unless overridden) and the
risk-elimination check (stable income above the threshold; no-labour households need 低保/特困)."""

import datetime

import pytest
from django.utils import timezone

from jingzhun.core.errors import DomainError
from jingzhun.monitoring import services as monitoring
from jingzhun.monitoring.choices import CaseStatus
from jingzhun.monitoring.models import MonitoringCase
from jingzhun.register.models import Household
from jingzhun.workflows import notices
from jingzhun.workflows import services as workflow
from jingzhun.workflows.choices import ProcedureStatus
from jingzhun.workflows.tests.helpers import photo

from .helpers import adult, build

pytestmark = pytest.mark.django_db
MEETING = {"representatives": 25, "present": 20}


def _appraise(personas, p):
    return workflow.batch_complete(
        actor=personas.village_a1, procedures=[p], meeting=MEETING, results={p.pk: {"votes_for": 18}}
    )[0]


def _notice(actor, p):
    p.refresh_from_db()
    n = notices.notice_publish(
        actor=actor, procedures=[p], start_date=timezone.localdate() - datetime.timedelta(days=8)
    )
    notices.notice_add_evidence(actor=actor, notice=n, upload=photo())
    notices.notice_close(actor=actor, notice=n)
    return n


def test_exit_of_a_passing_household_sets_it_exited_with_the_procedure_year(personas):
    v, c = personas.village_a1, personas.county_admin
    h = build(area=personas.tree.village_a1, actor=c)
    p = workflow.procedure_start(actor=v, kind="exit", household=h, year=2019)
    assert _appraise(personas, p)["result"] == "passed"
    with pytest.raises(DomainError) as exc:
        workflow.step_complete(actor=v, procedure=p, data={})
    assert exc.value.field == "household_agrees"
    workflow.step_complete(actor=v, procedure=p, data={"household_agrees": True})
    notice = _notice(v, p)
    entry = notice.entries.get()
    assert entry.reason == "人均纯收入 10000.00 元，两不愁三保障达标"
    _notice(c, p)
    p.refresh_from_db()
    h.refresh_from_db()
    assert p.status == ProcedureStatus.COMPLETED
    assert h.poverty_status == "exited" and h.year_exited == 2019


def test_exit_is_refused_on_assessment_failure_and_allowed_after_county_override(personas):
    v, c = personas.village_a1, personas.county_admin
    h = build(area=personas.tree.village_a1, actor=c, house_grade="D")
    p = workflow.procedure_start(actor=v, kind="exit", household=h, year=2019)
    out = _appraise(personas, p)
    assert out["result"] == "blocked" and "住房安全有保障" in out["message"] and "D 级" in out["message"]
    p.refresh_from_db()
    assert p.current_step.code == "appraisal"
    from jingzhun.workflows.selectors import findings

    assert [f["code"] for f in findings(p)] == ["assessment"]
    with pytest.raises(DomainError):
        workflow.procedure_override(actor=c, procedure=p, codes=["assessment"], reason="")
    workflow.procedure_override(
        actor=c, procedure=p, codes=["assessment"], reason="已搬入新房，等级鉴定待更新"
    )
    assert _appraise(personas, p)["result"] == "passed"


def test_exit_cannot_start_for_a_household_that_is_not_poor(personas):
    h = build(area=personas.tree.village_a1, actor=personas.county_admin, status="not_poor")
    with pytest.raises(DomainError) as exc:
        workflow.procedure_start(actor=personas.village_a1, kind="exit", household=h, year=2019)
    assert exc.value.code == "not_poor"


def _monitored_case(personas, members):
    h = build(
        area=personas.tree.village_a1,
        actor=personas.county_admin,
        status="exited",
        year_exited=2019,
        members=members,
    )
    case = MonitoringCase.objects.create(
        household=h,
        area=h.area,
        area_path=h.area_path,
        monitoring_type="unstable",
        source="cadre_visit",
        detail="测试",
        status=CaseStatus.MONITORED,
        opened_on=timezone.localdate(),
        proposed_by=personas.village_a1,
    )
    return monitoring.case_start_elimination(actor=personas.village_a1, case=case).elimination_procedure


def _verify(personas, p, **data):
    values = {"income_12m_per_capita": "9800", "stable_months": 8, "risk_gone": True, **data}
    return workflow.step_complete(actor=personas.village_a1, procedure=p, data=values)


def test_elimination_needs_six_months_of_income_above_the_threshold(personas):
    p = _monitored_case(personas, None)
    with pytest.raises(DomainError) as exc:
        _verify(personas, p, stable_months=4)
    assert "不足 6 个月" in exc.value.message
    with pytest.raises(DomainError) as exc:
        _verify(personas, p, income_12m_per_capita="7000")  # 2026 threshold 7,500
    assert "低于" in exc.value.message and "7500" in exc.value.message
    _verify(personas, p)
    p.refresh_from_db()
    assert p.current_step.code == "appraisal"


def test_a_household_without_labour_cannot_leave_monitoring_without_dibao_or_tekun(personas):
    old = [adult("老人甲", age=80, labour="4"), adult("老人乙", "02", age=78, male=False, labour="5")]
    p = _monitored_case(personas, old)
    with pytest.raises(DomainError) as exc:
        _verify(personas, p)
    assert "无劳动能力" in exc.value.message
    h = Household.objects.get(pk=p.household_id)
    member = h.members.get(relation="01")
    from jingzhun.register.services import member_update

    member_update(
        actor=personas.county_admin,
        member=member,
        changes={"dibao": True, "dibao_since": datetime.date(2025, 1, 1)},
        override_reason="测试",
    )
    _verify(personas, p)
    p.refresh_from_db()
    assert p.current_step.code == "appraisal"
