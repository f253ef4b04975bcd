"""Suspect verification, decisions (剔除/重新评议 start procedures), county sign-off, facts and to-dos."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jingzhun.comparison.choices import SuspectStatus
from jingzhun.comparison.models import Suspect
from jingzhun.comparison.selectors import household_facts, todo_items
from jingzhun.comparison.services import suspect_decide, suspect_signoff, suspect_visit_record
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.models import AuditEvent
from jingzhun.register.models import Member
from jingzhun.workflows.models import Procedure

from .builders import load_batch, registered, run_now

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def suspect(personas, tmp_path):
    h = registered(personas)
    head = Member.objects.get(household=h, relation="01")
    load_batch(
        personas.department,
        tmp_path,
        "vehicle",
        ["身份证号", "姓名", "号牌号码", "车辆价值"],
        [[head.id_number, head.name, "川W9", "120000"]],
    )
    run_now(personas.county_admin, personas.tree.county)
    return Suspect.objects.get(household=h)


def visit(personas, suspect, **kw):
    return suspect_visit_record(
        actor=kw.pop("actor", personas.village_a1),
        suspect=suspect,
        visited_on=TODAY,
        visitors="王村长、李队员",
        findings="核实该户确有一辆轿车，登记在户主名下。",
        confirmed=True,
        **kw,
    )


def evidence_file():
    return SimpleUploadedFile("核实照片.jpg", b"\xff\xd8\xff", content_type="image/jpeg")


def test_decision_needs_a_visit_first(personas, suspect):
    with pytest.raises(DomainError, match="入户核实") as err:
        suspect_decide(
            actor=personas.village_a1, suspect=suspect, decision="remove", reason="有车，不符合条件"
        )
    assert err.value.field == "decision"


def test_remove_starts_the_removal_procedure(personas, suspect):
    visit(personas, suspect)
    s = suspect_decide(
        actor=personas.village_a1, suspect=suspect, decision="remove", reason="家有轿车，价值超标"
    )
    assert s.status == SuspectStatus.DECIDED and s.procedure_id
    procedure = Procedure.objects.get(pk=s.procedure_id)
    assert procedure.kind == "removal" and procedure.household_id == suspect.household_id
    assert procedure.data["suspect_id"] == suspect.pk and procedure.data["reason"] == "家有轿车，价值超标"
    event = AuditEvent.objects.get(action="comparison.suspect_decide", target_id=str(suspect.pk))
    assert event.after["decision"] == "remove" and event.reason == "家有轿车，价值超标"


def test_reappraise_starts_the_reappraisal_procedure(personas, suspect):
    visit(personas, suspect)
    s = suspect_decide(
        actor=personas.village_a1, suspect=suspect, decision="reappraise", reason="车辆已变卖，需重新评议"
    )
    assert Procedure.objects.get(pk=s.procedure_id).kind == "reappraisal"


def test_a_running_procedure_refuses_the_decision_and_nothing_changes(personas, suspect):
    from jingzhun.workflows.services import procedure_start

    procedure_start(actor=personas.village_a1, kind="removal", household=suspect.household, data={})
    visit(personas, suspect)
    with pytest.raises(DomainError):
        suspect_decide(
            actor=personas.village_a1, suspect=suspect, decision="remove", reason="家有轿车，价值超标"
        )
    suspect.refresh_from_db()
    assert suspect.status == SuspectStatus.VERIFIED and suspect.decision == ""
    assert Procedure.objects.filter(household=suspect.household).count() == 1


def test_keep_needs_reason_and_evidence_file_and_starts_nothing(personas, suspect):
    visit(personas, suspect)
    with pytest.raises(DomainError, match="佐证材料") as err:
        suspect_decide(
            actor=personas.village_a1, suspect=suspect, decision="keep", reason="车辆为他人借名登记"
        )
    assert err.value.field == "file"
    with pytest.raises(DomainError, match="理由"):
        suspect_decide(
            actor=personas.village_a1, suspect=suspect, decision="keep", reason="无", file=evidence_file()
        )
    s = suspect_decide(
        actor=personas.village_a1,
        suspect=suspect,
        decision="keep",
        reason="车辆为他人借名登记，有公安证明",
        file=evidence_file(),
        fact_disproved=True,
    )
    assert s.procedure_id is None and s.decision_file.name and s.fact_disproved
    assert not Procedure.objects.filter(household=suspect.household).exists()


def test_other_village_and_department_cannot_verify_or_decide(personas, suspect):
    for user in (personas.village_b1, personas.department, personas.cadre, personas.no_role):
        with pytest.raises(AccessDenied):
            visit(personas, suspect, actor=user)
    assert not suspect.visits.exists()


def test_county_signs_off_or_sends_back(personas, suspect):
    visit(personas, suspect)
    suspect_decide(
        actor=personas.village_a1,
        suspect=suspect,
        decision="keep",
        reason="借名登记，有证明",
        file=evidence_file(),
    )
    with pytest.raises(AccessDenied):
        suspect_signoff(actor=personas.township_a, suspect=suspect, approve=True)
    with pytest.raises(DomainError, match="县级意见"):
        suspect_signoff(actor=personas.county_admin, suspect=suspect, approve=False)
    s = suspect_signoff(
        actor=personas.county_admin, suspect=suspect, approve=False, comment="证明材料不清晰，请补充"
    )
    assert s.status == SuspectStatus.VERIFIED and s.decision == ""
    suspect_decide(
        actor=personas.village_a1, suspect=s, decision="keep", reason="补充了公安证明", file=evidence_file()
    )
    s = suspect_signoff(actor=personas.county_admin, suspect=s, approve=True, comment="同意")
    assert s.status == SuspectStatus.SIGNED_OFF and s.signed_off_by == personas.county_admin


def test_household_facts_for_exclusion_rules(personas, suspect):
    facts = household_facts([suspect.household_id, 999999])
    assert facts[999999] == []
    (fact,) = facts[suspect.household_id]
    head = Member.objects.get(household=suspect.household, relation="01")
    assert fact["fact"] == "vehicle" and fact["member_id"] == head.pk and fact["member_name"] == head.name
    assert (
        fact["dataset_type"] == "vehicle"
        and fact["strength"] == "id"
        and fact["batch_id"] == suspect.batch_id
    )
    assert fact["evidence"]["value"] == 120000 and head.id_number not in str(fact)
    # Kept because the data was wrong: the fact no longer counts.
    visit(personas, suspect)
    suspect_decide(
        actor=personas.village_a1,
        suspect=suspect,
        decision="keep",
        reason="借名登记，有证明",
        file=evidence_file(),
        fact_disproved=True,
    )
    assert household_facts([suspect.household_id])[suspect.household_id] == []


def test_todo_items_count_open_and_overdue_suspects_in_scope(personas, suspect):
    Suspect.objects.filter(pk=suspect.pk).update(due_date=TODAY - datetime.timedelta(days=1))
    (item,) = todo_items(personas.village_a1)
    assert item["count"] == 1 and item["overdue"] == 1 and "status=open" in item["url"]
    assert todo_items(personas.village_b1) == []
    assert todo_items(personas.department) == []
    visit(personas, suspect)
    suspect_decide(actor=personas.village_a1, suspect=suspect, decision="remove", reason="家有轿车，价值超标")
    assert todo_items(personas.village_a1) == []
    assert [i["count"] for i in todo_items(personas.county_admin)] == [1]  # awaiting county sign-off


def test_suspects_appear_in_the_workflows_todo_queue(personas, suspect):
    from jingzhun.workflows.todo import PROVIDERS

    assert todo_items in PROVIDERS
