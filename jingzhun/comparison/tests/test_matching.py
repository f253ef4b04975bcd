"""The matching engine through a run: ID match, name + birth fallback, relatives, rules per fact,
incremental reruns and withdrawn suspects."""

import datetime

import pytest

from jingzhun.comparison.choices import RunStatus, Strength, SuspectStatus
from jingzhun.comparison.models import AlertProposal, Suspect
from jingzhun.comparison.services import run_start
from jingzhun.comparison.services_relatives import relative_add
from jingzhun.core.errors import DomainError
from jingzhun.register.models import Member
from jingzhun.register.tests.factories import id_number

from .builders import load_batch, person, registered, run_now

pytestmark = pytest.mark.django_db

VEHICLE = ["身份证号", "姓名", "号牌号码", "车辆类型", "车辆价值"]


def test_exact_id_match_after_normalisation_creates_suspect_with_masked_evidence(personas, tmp_path):
    h = registered(personas)
    head = Member.objects.get(household=h, relation="01")
    dirty = " " + head.id_number[:6] + " " + head.id_number[6:].lower() + " "
    dirty = dirty.replace("1", "１")  # full-width digits
    load_batch(
        personas.department,
        tmp_path,
        "vehicle",
        VEHICLE,
        [[dirty, head.name, "川W12345", "小型轿车", "86000"]],
    )
    run = run_now(personas.county_admin, personas.tree.county)
    assert run.status == RunStatus.DONE
    s = Suspect.objects.get(household=h)
    assert s.fact == "vehicle" and s.strength == Strength.ID and s.status == SuspectStatus.PENDING
    entry = s.evidence[0]
    assert entry["member_id"] == head.pk and entry["columns"]["plate"] == "川W12345"
    assert entry["columns"]["value"] == 86000
    assert head.id_number not in str(s.evidence)  # only the masked number is kept
    assert (
        entry["columns"]["id_number"].startswith(head.id_number[:3]) and "*" in entry["columns"]["id_number"]
    )


def test_name_and_birth_fallback_is_flagged_weaker(personas, tmp_path):
    h = registered(personas)
    spouse = Member.objects.get(household=h, relation="02")
    bad_id = spouse.id_number[:17] + ("0" if spouse.id_number[17] != "0" else "1")  # wrong check character
    load_batch(
        personas.department,
        tmp_path,
        "public_payroll",
        ["身份证号", "姓名", "出生日期", "工作单位"],
        [[bad_id, spouse.name, spouse.birth_date.isoformat(), "县教育局"]],
    )
    run_now(personas.county_admin, personas.tree.county)
    s = Suspect.objects.get(household=h)
    assert s.strength == Strength.NAME_BIRTH
    assert s.evidence[0]["strength"] == "name_birth" and "校验位" in s.evidence[0]["columns"]["note"]


def test_name_birth_does_not_match_when_both_ids_are_valid_and_differ(personas, tmp_path):
    h = registered(personas)
    head = Member.objects.get(household=h, relation="01")
    other = id_number(head.birth_date)  # a namesake born the same day, with his own valid ID
    load_batch(
        personas.department,
        tmp_path,
        "vehicle",
        ["身份证号", "姓名", "出生日期"],
        [[other, head.name, head.birth_date.isoformat()]],
    )
    run_now(personas.county_admin, personas.tree.county)
    assert not Suspect.objects.filter(household=h).exists()


def test_relatives_are_covered_only_for_types_configured_so(personas, tmp_path):
    h = registered(personas)
    birth = datetime.date(1990, 5, 6)
    son_id = id_number(birth)
    relative_add(
        actor=personas.village_a1,
        household=h,
        data={"name": "张大军", "kind": "child_apart", "id_number": son_id},
    )
    load_batch(
        personas.department, tmp_path, "vehicle", VEHICLE, [[son_id, "张大军", "川W0001", "轿车", "150000"]]
    )
    load_batch(personas.department, tmp_path, "imprisoned", ["身份证号", "姓名"], [[son_id, "张大军"]])
    run_now(personas.county_admin, personas.tree.county)
    suspects = Suspect.objects.filter(household=h)
    assert [s.fact for s in suspects] == ["vehicle"]  # 服刑 does not cover relatives
    entry = suspects[0].evidence[0]
    assert (
        entry["person_kind"] == "relative"
        and entry["member_id"] is None
        and entry["relation"] == "child_apart"
    )


def test_assistance_status_flags_only_disagreement_with_register(personas, tmp_path):
    h = registered(
        personas, members=[person("王五", 60), person("王妻", 58, male=False, relation="02", dibao=True)]
    )
    head, wife = Member.objects.filter(household=h).order_by("relation")
    load_batch(
        personas.department,
        tmp_path,
        "assistance_status",
        ["身份证号", "姓名", "救助类别"],
        [[head.id_number, head.name, "低保"], [wife.id_number, wife.name, "低保"]],
    )
    run_now(personas.county_admin, personas.tree.county)
    s = Suspect.objects.get(household=h)
    assert [e["person_name"] for e in s.evidence] == ["王五"]  # the wife's dibao agrees with the register


def test_rerun_is_incremental_by_batch_and_full_rerun_withdraws_stale_suspects(personas, tmp_path):
    h = registered(personas)
    head, spouse = Member.objects.filter(household=h).order_by("relation")
    first = load_batch(
        personas.department, tmp_path, "vehicle", VEHICLE, [[head.id_number, head.name, "A", "车", "1"]]
    )
    run1 = run_now(personas.county_admin, personas.tree.county)
    assert list(run1.batches.all()) == [first]
    with pytest.raises(DomainError):  # nothing new to match
        run_start(actor=personas.county_admin, area=personas.tree.county)
    second = load_batch(
        personas.department,
        tmp_path,
        "tax",
        ["身份证号", "姓名", "纳税额"],
        [[spouse.id_number, spouse.name, "5000"]],
    )
    run2 = run_now(personas.county_admin, personas.tree.county)
    assert list(run2.batches.all()) == [second]
    assert Suspect.objects.filter(household=h).count() == 2
    assert Suspect.objects.get(batch=first).run == run1  # untouched by the incremental run
    # The head leaves the household; a full rerun no longer matches the car and withdraws that suspect.
    Member.objects.filter(pk=head.pk).update(status="deceased")
    run3 = run_now(personas.county_admin, personas.tree.county, full=True)
    assert set(run3.batches.all()) == {first, second}
    assert Suspect.objects.get(batch=first).status == SuspectStatus.WITHDRAWN
    assert Suspect.objects.get(batch=second).status == SuspectStatus.PENDING
    assert run3.suspects_withdrawn == 1 and run3.suspects_new == 0


def test_department_alert_becomes_monitoring_proposal_not_suspect(personas, tmp_path):
    h = registered(personas)
    head = Member.objects.get(household=h, relation="01")
    load_batch(
        personas.department,
        tmp_path,
        "medical_expense",
        ["身份证号", "姓名", "个人自付"],
        [[head.id_number, head.name, "68000"]],
    )
    run = run_now(personas.county_admin, personas.tree.county)
    assert not Suspect.objects.filter(household=h).exists()
    alert = AlertProposal.objects.get(household=h)
    assert alert.risk_types == ["illness"] and "大额医疗费用" in alert.detail and run.alerts == 1
    # A rerun does not propose the same household for the same batch again.
    run_now(personas.county_admin, personas.tree.county, full=True)
    assert AlertProposal.objects.filter(household=h).count() == 1


def test_run_covers_only_the_runs_area(personas, tmp_path):
    a = registered(personas)
    b = registered(personas, area=personas.tree.village_b1, members=[person("赵六", 50)])
    ids = [m.id_number for m in Member.objects.filter(household__in=[a, b], relation="01")]
    load_batch(personas.department, tmp_path, "vehicle", VEHICLE, [[i, "", "P", "车", "1"] for i in ids])
    run_now(personas.county_admin, personas.tree.county)
    assert Suspect.objects.filter(household__in=[a, b]).count() == 2


def test_demo_reset_removes_the_countys_comparison_data(personas, tmp_path):
    from jingzhun.comparison.demo import delete_comparison
    from jingzhun.comparison.models import ComparisonRun, DatasetBatch, DatasetRow

    h = registered(personas)
    head = Member.objects.get(household=h, relation="01")
    load_batch(
        personas.department, tmp_path, "vehicle", VEHICLE, [[head.id_number, head.name, "A", "车", "1"]]
    )
    run_now(personas.county_admin, personas.tree.county)
    delete_comparison(personas.tree.county)
    assert not Suspect.objects.exists() and not ComparisonRun.objects.exists()
    assert not DatasetBatch.objects.exists() and not DatasetRow.objects.exists()
