"""Every transition the engine refuses, with its message; and what a refusal leaves behind (nothing)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.models import AuditEvent
from jingzhun.register.tests.factories import make_household
from jingzhun.workflows import notices, services
from jingzhun.workflows.choices import ProcedureStatus
from jingzhun.workflows.models import BatchAct, Procedure, StepRecord

from .helpers import MEETING, at_notice, candidates, photo, published

pytestmark = pytest.mark.django_db


def test_start_needs_the_first_steps_capability_in_the_households_area(personas):
    h = make_household(area=personas.tree.village_a1, actor=personas.county_admin)
    for user in (personas.village_b1, personas.township_a, personas.cadre, personas.no_role):
        with pytest.raises(AccessDenied):
            services.procedure_start(actor=user, kind="identification", household=h)
    assert not Procedure.objects.exists()


def test_a_household_cannot_be_in_two_running_procedures_of_the_same_kind(personas):
    h = make_household(area=personas.tree.village_a1, actor=personas.county_admin)
    services.procedure_start(actor=personas.village_a1, kind="identification", household=h)
    with pytest.raises(DomainError) as err:
        services.procedure_start(actor=personas.village_a1, kind="identification", household=h)
    assert err.value.code == "running" and "办理中" in err.value.message


def test_apply_step_refused_without_the_signed_authorisation(personas):
    h = make_household(area=personas.tree.village_a1, actor=personas.county_admin)
    p = services.procedure_start(actor=personas.village_a1, kind="identification", household=h)
    with pytest.raises(DomainError) as err:
        services.step_complete(actor=personas.village_a1, procedure=p, data={"authorised": False})
    assert err.value.field == "authorised" and "授权书" in err.value.message
    assert not StepRecord.objects.filter(procedure=p).exists()


def test_wrong_step_code_and_finished_procedures_are_refused(personas):
    (p,) = candidates(personas, 1)
    with pytest.raises(DomainError) as err:
        services.step_complete(actor=personas.village_a1, procedure=p, step_code="survey")
    assert err.value.code == "wrong_step"
    services.procedure_cancel(actor=personas.village_a1, procedure=p, reason="农户撤回申请")
    with pytest.raises(DomainError) as err:
        services.step_complete(
            actor=personas.village_a1, procedure=p, meeting=MEETING, data={"votes_for": 20}
        )
    assert err.value.code == "not_running" and "已撤销" in err.value.message


def test_a_village_officer_cannot_pass_a_township_step(personas):
    procs = at_notice(personas, 1)
    p = procs[0]
    Procedure.objects.filter(pk=p.pk).update(current_step=p.template.steps.get(code="township_review"))
    p.refresh_from_db()
    with pytest.raises(AccessDenied) as err:
        services.batch_complete(actor=personas.village_a1, procedures=[p])
    assert "乡镇" in err.value.message
    assert not BatchAct.objects.filter(step__code="township_review").exists()
    outcome = services.batch_complete(actor=personas.township_a, procedures=[p])
    assert outcome[0]["result"] == "passed"


def test_an_officer_of_another_village_cannot_act(personas):
    procs = candidates(personas, 1)
    with pytest.raises(AccessDenied):
        services.batch_complete(actor=personas.village_b1, procedures=procs, meeting=MEETING)
    with pytest.raises(AccessDenied):
        services.send_back(actor=personas.village_b1, procedure=procs[0], reason="材料不全")


def test_appraisal_without_quorum_is_refused_and_writes_nothing(personas):
    procs = candidates(personas, 2)
    with pytest.raises(DomainError) as err:
        services.batch_complete(
            actor=personas.village_a1, procedures=procs, meeting={"representatives": 30, "present": 19}
        )
    assert err.value.code == "no_quorum" and "2/3" in err.value.message and "20" in err.value.message
    assert not BatchAct.objects.exists()
    assert all(p.current_step.code == "appraisal" for p in Procedure.objects.all())


def test_votes_exceeding_those_present_block_only_that_household(personas):
    a, b = candidates(personas, 2)
    out = services.batch_complete(
        actor=personas.village_a1,
        procedures=[a, b],
        meeting=MEETING,
        results={a.pk: {"votes_for": 20, "votes_against": 5}, b.pk: {"votes_for": 15}},
    )
    by = {o["procedure"].pk: o for o in out}
    assert by[a.pk]["result"] == "blocked" and "不能超过到会代表人数" in by[a.pk]["message"]
    assert by[b.pk]["result"] == "passed"


def test_a_batch_must_share_one_step_and_the_step_must_be_a_batch_step(personas):
    (a,) = candidates(personas, 1)
    h = make_household(area=personas.tree.village_a1, actor=personas.county_admin)
    fresh = services.procedure_start(actor=personas.village_a1, kind="identification", household=h)
    with pytest.raises(DomainError) as err:
        services.batch_complete(actor=personas.village_a1, procedures=[a, fresh], meeting=MEETING)
    assert "同一环节" in err.value.message
    with pytest.raises(DomainError) as err:
        services.batch_complete(actor=personas.village_a1, procedures=[fresh])
    assert "逐户办理" in err.value.message
    with pytest.raises(DomainError):
        services.batch_complete(actor=personas.village_a1, procedures=[])


def test_notice_steps_cannot_be_passed_directly(personas):
    (p,) = at_notice(personas, 1)
    with pytest.raises(DomainError) as err:
        services.step_complete(actor=personas.village_a1, procedure=p)
    assert err.value.code == "notice_step"


def test_send_back_rules(personas):
    h = make_household(area=personas.tree.village_a1, actor=personas.county_admin)
    first = services.procedure_start(actor=personas.village_a1, kind="identification", household=h)
    with pytest.raises(DomainError) as err:
        services.send_back(actor=personas.village_a1, procedure=first, reason="重新申请")
    assert err.value.code == "first_step"
    (p,) = candidates(personas, 1)
    with pytest.raises(DomainError) as err:
        services.send_back(actor=personas.village_a1, procedure=p, reason="")
    assert err.value.field == "reason"
    with pytest.raises(DomainError) as err:
        services.send_back(actor=personas.village_a1, procedure=p, reason="复查", to_step="county_review")
    assert err.value.code == "bad_target"
    services.send_back(actor=personas.village_a1, procedure=p, reason="收入数据需复核")
    p.refresh_from_db()
    assert p.current_step.code == "survey"
    assert AuditEvent.objects.filter(action="procedure.send_back", target_id=str(p.pk)).exists()


def test_reject_and_cancel_need_a_reason_and_the_right_person(personas):
    a, b = candidates(personas, 2)
    with pytest.raises(DomainError):
        services.procedure_reject(actor=personas.village_a1, procedure=a, reason=" ")
    with pytest.raises(AccessDenied):
        services.procedure_cancel(actor=personas.village_b1, procedure=b, reason="撤回")
    services.procedure_reject(actor=personas.village_a1, procedure=a, reason="家庭收入明显高于标准")
    a.refresh_from_db()
    assert a.status == ProcedureStatus.REJECTED and a.outcome_reason == "家庭收入明显高于标准"


def test_only_the_county_may_approve_an_exception(personas):
    (p,) = candidates(personas, 1)
    for user in (personas.village_a1, personas.township_a):
        with pytest.raises(AccessDenied):
            services.procedure_override(actor=user, procedure=p, codes=["vehicle"], reason="农用车")
    with pytest.raises(DomainError):
        services.procedure_override(actor=personas.county_admin, procedure=p, codes=["vehicle"], reason="")
    services.procedure_override(
        actor=personas.county_admin, procedure=p, codes=["vehicle"], reason="报废农用车"
    )
    assert services.overridden(Procedure.objects.get(pk=p.pk)) == {"vehicle"}
    event = AuditEvent.objects.get(action="procedure.override")
    assert event.reason == "报废农用车" and event.after == {"codes": ["vehicle"]}


def test_notice_cannot_close_before_the_period_ends_without_photo_or_with_open_objection(personas):
    procs, notice = published(personas, 2, days_ago=3)
    problems = " ".join(notices.close_blockers(notice))
    assert "期满" in problems and "照片" in problems
    with pytest.raises(DomainError) as err:
        notices.notice_close(actor=personas.village_a1, notice=notice)
    assert err.value.code == "cannot_close"
    objection = notices.objection_record(notice=notice, content="该户家中有人在县城开店铺")
    assert objection.channel == "web" and objection.recorded_by is None
    procs2, old = published(personas, 1, days_ago=8)
    notices.notice_add_evidence(actor=personas.village_a1, notice=old, upload=photo())
    notices.objection_record(
        actor=personas.village_a1, notice=old, channel="phone", content="反映该户情况不实"
    )
    assert "1 条异议未答复" in " ".join(notices.close_blockers(old))
    with pytest.raises(AccessDenied):
        notices.notice_close(actor=personas.village_b1, notice=old)


def test_public_objection_refused_once_the_period_has_ended(personas):
    procs, notice = published(personas, 1, days_ago=8)
    with pytest.raises(DomainError) as err:
        notices.objection_record(notice=notice, content="公示期结束后才看到，反映情况")
    assert err.value.code == "closed"


def test_upheld_objection_takes_the_household_off_and_sends_it_back(personas):
    procs, notice = published(personas, 2, days_ago=8)
    entry = notice.entries.get(procedure=procs[0])
    objection = notices.objection_record(
        actor=personas.village_a1,
        notice=notice,
        entry=entry,
        channel="in_person",
        content="该户儿子是公职人员",
    )
    notices.objection_answer(
        actor=personas.village_a1, objection=objection, outcome="upheld", answer="经核实属实"
    )
    with pytest.raises(DomainError) as err:
        notices.objection_answer(
            actor=personas.village_a1, objection=objection, outcome="dismissed", answer="再次"
        )
    assert err.value.code == "answered"
    entry.refresh_from_db()
    assert entry.withdrawn
    procs[0].refresh_from_db()
    assert procs[0].current_step.code == "survey"
    notices.notice_add_evidence(actor=personas.village_a1, notice=notice, upload=photo())
    passed = notices.notice_close(actor=personas.village_a1, notice=notice)
    assert [p.pk for p in passed] == [procs[1].pk]


def test_evidence_files_are_checked_by_type_size_and_content(personas):
    procs, notice = published(personas, 1, days_ago=8)
    bad = [
        SimpleUploadedFile("x.exe", b"MZ" + b"0" * 20),
        SimpleUploadedFile("fake.png", b"<script>alert(1)</script>"),
        SimpleUploadedFile("empty.jpg", b""),
    ]
    for upload in bad:
        with pytest.raises(DomainError) as err:
            notices.notice_add_evidence(actor=personas.village_a1, notice=notice, upload=upload)
        assert err.value.field == "files"
    assert not notice.evidence.exists()
