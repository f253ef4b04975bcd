"""Monitoring cases: leads, the 9-step entry on the engine, dismissal, elimination, scoping."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.models import AuditEvent
from jingzhun.monitoring import services
from jingzhun.monitoring.choices import CaseStatus
from jingzhun.monitoring.models import MonitoringCase
from jingzhun.register.models import Household, HouseholdVersion
from jingzhun.register.tests.factories import make_household
from jingzhun.workflows import notices
from jingzhun.workflows import services as workflow
from jingzhun.workflows.tests.helpers import photo

pytestmark = pytest.mark.django_db
MEETING = {"representatives": 25, "present": 20}


def exited(personas, area=None):
    return make_household(
        area=area or personas.tree.village_a1,
        actor=personas.county_admin,
        status="exited",
        year_identified=2016,
        year_exited=2019,
    )


def lead(personas, household=None, **extra):
    household = household or exited(personas)
    values = {"source": "cadre_visit", "risk_types": ["illness"], "detail": "户主今年确诊尿毒症，透析费用高"}
    values.update(extra)
    return services.case_propose(actor=personas.village_a1, household=household, **values)


def test_a_lead_gets_its_type_from_the_household_and_is_audited(personas):
    case = lead(personas)
    assert case.status == CaseStatus.PROPOSED and case.monitoring_type == "unstable"
    never = make_household(area=personas.tree.village_a1, actor=personas.county_admin)
    other = lead(personas, never, risk_types=["disaster", "housing"], source="self_report")
    assert other.monitoring_type == "marginal" and other.risk_types == ["disaster", "housing"]
    assert AuditEvent.objects.filter(action="monitoring.propose", target_id=str(case.pk)).exists()


def test_lead_rules(personas):
    h = exited(personas)
    with pytest.raises(DomainError) as err:
        lead(personas, h, risk_types=[])
    assert err.value.field == "risk_types"
    with pytest.raises(DomainError) as err:
        lead(personas, h, detail="  ")
    assert err.value.field == "detail"
    with pytest.raises(DomainError) as err:
        lead(personas, h, opened_on=timezone.localdate() + datetime.timedelta(days=1))
    assert err.value.field == "opened_on"
    poor = make_household(
        area=personas.tree.village_a1, actor=personas.county_admin, status="poor", year_identified=2024
    )
    with pytest.raises(DomainError) as err:
        lead(personas, poor)
    assert "未脱贫户" in err.value.message
    lead(personas, h)
    with pytest.raises(DomainError) as err:
        lead(personas, h, risk_types=["water"])
    assert err.value.code == "open_case"
    with pytest.raises(AccessDenied):
        services.case_propose(
            actor=personas.village_b1,
            household=exited(personas),
            source="cadre_visit",
            risk_types=["illness"],
            detail="外村干部上报",
        )


def test_department_alert_words_map_to_national_risk_types(personas):
    case = services.case_propose(
        actor=personas.department,
        household=exited(personas),
        source="department_alert",
        risk_types=["unemployment", "medical"],
        detail="医保大额支出预警 8.6 万元",
    )
    assert case.risk_types == ["employment", "illness"]


def _walk_entry(personas, case):
    v, t, c = personas.village_a1, personas.township_a, personas.county_admin
    case = services.case_start_entry(actor=v, case=case, monitoring_type="unstable")
    p = case.entry_procedure
    workflow.step_complete(actor=v, procedure=p)  # 风险预警
    workflow.step_complete(
        actor=v,
        procedure=p,
        data={"income_12m_per_capita": "5200.00", "risk_confirmed": True, "security_notes": "三保障有保障"},
    )
    with pytest.raises(DomainError):
        workflow.step_complete(actor=v, procedure=p)  # 承诺授权 without the signed authorisation
    workflow.step_complete(actor=v, procedure=p, data={"authorised": True})
    with pytest.raises(AccessDenied):
        workflow.batch_complete(actor=v, procedures=[p])  # 信息比对 is the county's
    workflow.batch_complete(actor=c, procedures=[p], comment="比对无异常")
    workflow.batch_complete(actor=v, procedures=[p], meeting=MEETING, results={p.pk: {"votes_for": 18}})
    p.refresh_from_db()
    start = timezone.localdate() - datetime.timedelta(days=8)
    notice = notices.notice_publish(actor=v, procedures=[p], start_date=start)
    assert notice.entries.get().reason.startswith("脱贫不稳定户")
    notices.notice_add_evidence(actor=v, notice=notice, upload=photo())
    notices.notice_close(actor=v, notice=notice)
    workflow.batch_complete(actor=t, procedures=[p])
    workflow.batch_complete(actor=c, procedures=[p])
    workflow.batch_complete(actor=c, procedures=[p])  # 录入系统
    case.refresh_from_db()
    return case


def test_the_nine_steps_make_the_household_monitored(personas):
    case = _walk_entry(personas, lead(personas))
    assert case.status == CaseStatus.MONITORED and case.entered_on == timezone.localdate()
    h = Household.objects.get(pk=case.household_id)
    assert h.is_monitored
    assert HouseholdVersion.objects.filter(household=h, action="monitoring.enter").exists()
    assert case.entry_procedure.records.count() == 9


def test_elimination_closes_the_case_and_the_household_can_reopen(personas):
    case = _walk_entry(personas, lead(personas))
    v, t, c = personas.village_a1, personas.township_a, personas.county_admin
    case = services.case_start_elimination(actor=v, case=case)
    p = case.elimination_procedure
    workflow.step_complete(
        actor=v, procedure=p, data={"income_12m_per_capita": 9800, "stable_months": 8, "risk_gone": True}
    )
    workflow.batch_complete(actor=v, procedures=[p], meeting=MEETING, results={p.pk: {"votes_for": 19}})
    p.refresh_from_db()
    notice = notices.notice_publish(
        actor=v, procedures=[p], start_date=timezone.localdate() - datetime.timedelta(days=8)
    )
    notices.notice_add_evidence(actor=v, notice=notice, upload=photo())
    notices.notice_close(actor=v, notice=notice)
    workflow.batch_complete(actor=t, procedures=[p])
    p.refresh_from_db()
    announce = notices.notice_publish(actor=c, procedures=[p])
    notices.notice_add_evidence(actor=c, notice=announce, upload=photo())
    notices.notice_close(actor=c, notice=announce)
    case.refresh_from_db()
    assert case.status == CaseStatus.ELIMINATED
    assert not Household.objects.get(pk=case.household_id).is_monitored
    again = lead(personas, case.household, risk_types=["disaster"])
    assert again.pk != case.pk and MonitoringCase.objects.filter(household=case.household).count() == 2


def test_a_failed_appraisal_leaves_the_case_not_included_and_cancel_returns_it(personas):
    case = services.case_start_entry(
        actor=personas.village_a1, case=lead(personas), monitoring_type="unstable"
    )
    workflow.procedure_cancel(actor=personas.village_a1, procedure=case.entry_procedure, reason="重新核实")
    case.refresh_from_db()
    assert case.status == CaseStatus.PROPOSED and case.entry_procedure is None
    case = services.case_start_entry(actor=personas.village_a1, case=case, monitoring_type="unstable")
    workflow.procedure_reject(actor=personas.village_a1, procedure=case.entry_procedure, reason="核实无风险")
    case.refresh_from_db()
    assert case.status == CaseStatus.NOT_INCLUDED and case.close_reason == "核实无风险"


def test_dismiss_needs_a_reason_and_only_for_leads(personas):
    case = lead(personas)
    with pytest.raises(DomainError):
        services.case_dismiss(actor=personas.village_a1, case=case, reason="")
    with pytest.raises(AccessDenied):
        services.case_dismiss(actor=personas.cadre, case=case, reason="无风险")
    services.case_dismiss(actor=personas.village_a1, case=case, reason="收入稳定，无风险")
    with pytest.raises(DomainError):
        services.case_start_entry(actor=personas.village_a1, case=case, monitoring_type="unstable")


def test_pages_and_api_are_scoped(personas, client_for):
    a1 = lead(personas)
    b1 = services.case_propose(
        actor=personas.county_admin,
        household=exited(personas, personas.tree.village_b1),
        source="cadre_visit",
        risk_types=["water"],
        detail="饮水不达标",
    )
    client = client_for(personas.village_a1)
    page = client.get(reverse("monitoring:case-list")).content.decode()
    assert a1.household.household_no in page and b1.household.household_no not in page
    assert client.get(reverse("monitoring:case-detail", args=[b1.pk])).status_code == 404
    ids = {row["id"] for row in client.get("/api/v1/monitoring/cases/").json()["results"]}
    assert ids == {a1.pk}
    assert client.get(f"/api/v1/monitoring/cases/{b1.pk}/").status_code == 404
    client = client_for(personas.no_role)
    assert client.get(reverse("monitoring:case-list")).status_code == 403
    assert client.get("/api/v1/monitoring/cases/").status_code == 403
    client = client_for(personas.township_a)
    assert (
        client.get(reverse("monitoring:case-list") + "?risk=illness")
        .content.decode()
        .count(a1.household.household_no)
        >= 1
    )


def test_a_lead_reported_and_started_through_the_pages(personas, client_for):
    h = exited(personas)
    client = client_for(personas.village_a1)
    response = client.post(
        reverse("monitoring:case-new"),
        {"household": "nope", "source": "cadre_visit", "risk_types": ["illness"], "detail": "大病"},
    )
    assert "没有找到该户编号" in response.content.decode()
    response = client.post(
        reverse("monitoring:case-new"),
        {
            "household": h.household_no,
            "source": "cadre_visit",
            "risk_types": ["illness"],
            "detail": "户主大病住院",
        },
    )
    case = MonitoringCase.objects.get(household=h)
    assert response.status_code == 302
    client.post(reverse("monitoring:case-action", args=[case.pk, "start"]), {"monitoring_type": "sudden"})
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROCEDURE and case.monitoring_type == "sudden"
    assert case.entry_procedure.current_step.code == "alert"


def test_a_public_self_report_becomes_a_lead_and_is_marked_converted(personas, client_for):
    from jingzhun.public import guard
    from jingzhun.public.models import PublicSubmission
    from jingzhun.public.services import submission_create

    submission = submission_create(
        area=personas.tree.village_a1,
        kind="self_report",
        content="我家老人摔伤住院，花了三万多，生活困难",
        source=guard.Source(ip_hash="a" * 24, key="b" * 48),
    )
    h = exited(personas)
    client = client_for(personas.village_a1)
    page = client.get(reverse("monitoring:case-new") + f"?submission={submission.pk}").content.decode()
    assert submission.receipt_no in page and "摔伤住院" in page
    # Another village's officer cannot even open it.
    assert (
        client_for(personas.village_b1)
        .get(reverse("monitoring:case-new") + f"?submission={submission.pk}")
        .status_code
        == 404
    )
    client = client_for(personas.village_a1)
    response = client.post(
        reverse("monitoring:case-new"),
        {
            "submission": submission.pk,
            "household": h.household_no,
            "source": "self_report",
            "risk_types": ["accident", "illness"],
            "detail": "老人摔伤住院，自付 3.2 万元",
        },
    )
    assert response.status_code == 302
    case = MonitoringCase.objects.get(household=h)
    assert case.source == "self_report" and case.source_ref == f"public:{submission.pk}"
    submission.refresh_from_db()
    assert submission.status == "converted" and h.household_no in submission.handling_note
    assert PublicSubmission.objects.filter(status="converted").count() == 1
