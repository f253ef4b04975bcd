"""Change requests: submit → approve/reject/withdraw; the rules every request obeys; audit and history."""

import datetime

import pytest

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.models import AuditEvent
from jingzhun.register.changes import change_approve, change_reject, change_submit, change_withdraw
from jingzhun.register.choices import ChangeStatus, MemberStatus
from jingzhun.register.models import ChangeRequest, HouseholdIncome, HouseholdVersion, Member
from jingzhun.register.services import household_as_of, income_save

from .changes_factories import member_by_name, newborn, registered, today

pytestmark = pytest.mark.django_db


def submit_birth(personas, h, **member):
    return change_submit(
        actor=personas.village_a1,
        household=h,
        kind="add_member",
        payload={"reason": "birth", "date": today().isoformat(), "member": newborn() | member},
        reason="张小军之子出生",
    )


def test_submission_changes_nothing_until_the_township_approves(personas):
    h = registered(personas)
    request = submit_birth(personas, h)
    assert request.status == ChangeStatus.PENDING and request.area_path == h.area_path
    assert h.members.count() == 4
    h.refresh_from_db()
    assert h.size == 4
    # The reviewer sees the exact outcome computed at submission.
    after = request.payload["preview"]["after"][0]
    assert after["size"] == 5 and "张小宝" in [m["name"] for m in after["members"]]
    assert AuditEvent.objects.filter(action="change.submit", target_id=str(request.pk)).count() == 1


def test_approval_applies_with_reviewer_time_result_version_and_audit(personas):
    h = registered(personas)
    request = submit_birth(personas, h)
    versions = HouseholdVersion.objects.filter(household=h).count()
    change_approve(actor=personas.township_a, request=request, comment="情况属实")
    request.refresh_from_db()
    assert request.status == ChangeStatus.APPLIED
    assert request.reviewed_by == personas.township_a and request.reviewed_at is not None
    assert request.review_comment == "情况属实" and "张小宝" in request.result["message"]
    baby = member_by_name(h, "张小宝")
    assert baby.member_no == h.household_no + "05" and baby.joined_on == today()
    assert baby.status == MemberStatus.ACTIVE and baby.name_initials == "zxb"
    h.refresh_from_db()
    assert h.size == 5
    assert HouseholdVersion.objects.filter(household=h).count() == versions + 1
    current = HouseholdVersion.objects.get(household=h, valid_to__isnull=True)
    assert current.action == "change.add_member" and len(current.data["members"]) == 5
    assert AuditEvent.objects.filter(action="change.approve", target_id=str(request.pk)).count() == 1
    event = AuditEvent.objects.get(action="change.add_member", target_id=str(h.pk))
    assert event.before["size"] == 4 and event.after["size"] == 5


def test_bad_id_number_is_refused_at_submission_on_its_field(personas):
    h = registered(personas)
    bad = newborn()["id_number"]
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    with pytest.raises(DomainError) as exc:
        submit_birth(personas, h, id_number=bad)
    assert "payload.member.id_number" in exc.value.as_field_map()
    assert "校验位" in exc.value.as_field_map()["payload.member.id_number"][0]
    assert (
        ChangeRequest.objects.count() == 0 and not AuditEvent.objects.filter(action="change.submit").exists()
    )


def test_person_already_registered_elsewhere_cannot_be_added(personas):
    h = registered(personas)
    other = registered(personas, area=personas.tree.village_a2)
    person = newborn()
    change_approve(
        actor=personas.township_a, request=submit_birth(personas, h, id_number=person["id_number"])
    )
    with pytest.raises(DomainError) as exc:
        change_submit(
            actor=personas.township_a,
            household=other,
            kind="add_member",
            payload={"reason": "move_in", "date": today().isoformat(), "member": person | {"name": "重名"}},
            reason="迁入",
        )
    assert exc.value.field == "payload.member.id_number" and "同一人只能属于一户" in exc.value.message


def test_the_same_person_cannot_be_in_two_pending_add_requests(personas):
    h = registered(personas)
    other = registered(personas, area=personas.tree.village_a2)
    person = newborn()
    submit_birth(personas, h, id_number=person["id_number"])
    with pytest.raises(DomainError) as exc:
        change_submit(
            actor=personas.township_a,
            household=other,
            kind="add_member",
            payload={"reason": "birth", "date": today().isoformat(), "member": person},
            reason="出生",
        )
    assert exc.value.field == "payload.member.id_number" and "待审核" in exc.value.message


def test_new_member_cannot_be_added_as_head(personas):
    h = registered(personas)
    with pytest.raises(DomainError) as exc:
        submit_birth(personas, h, relation="01")
    assert exc.value.field == "payload.member.relation" and "变更户主" in exc.value.message


def test_add_reason_and_date_are_required(personas):
    h = registered(personas)
    with pytest.raises(DomainError) as exc:
        change_submit(
            actor=personas.village_a1,
            household=h,
            kind="add_member",
            payload={"reason": "adopted", "date": today().isoformat(), "member": newborn()},
            reason="x",
        )
    assert exc.value.field == "payload.reason" and "出生" in exc.value.message
    future = (today() + datetime.timedelta(days=3)).isoformat()
    with pytest.raises(DomainError) as exc:
        change_submit(
            actor=personas.village_a1,
            household=h,
            kind="add_member",
            payload={"reason": "birth", "date": future, "member": newborn()},
            reason="x",
        )
    assert exc.value.field == "payload.date" and "不能晚于今天" in exc.value.message


def test_application_reason_is_required(personas):
    h = registered(personas)
    with pytest.raises(DomainError) as exc:
        change_submit(actor=personas.village_a1, household=h, kind="add_member", payload={}, reason="  ")
    assert exc.value.field == "reason" and exc.value.message == "请填写申请理由。"


def test_only_one_pending_request_of_a_kind_per_household(personas):
    h = registered(personas)
    submit_birth(personas, h)
    with pytest.raises(DomainError) as exc:
        submit_birth(personas, h, name="张二宝")
    assert exc.value.field == "kind" and "待审核" in exc.value.message
    assert ChangeRequest.objects.count() == 1


def test_approval_checks_again_and_writes_nothing_when_the_register_moved_on(personas):
    h = registered(personas)
    target = registered(personas, area=personas.tree.group_a1_1)
    daughter = member_by_name(h, "张小丽")
    transfer = change_submit(
        actor=personas.village_a1,
        household=h,
        kind="transfer_member",
        payload={
            "member": daughter.pk,
            "target": target.household_no,
            "relation": "13",
            "date": str(today()),
        },
        reason="投靠亲属",
    )
    # Meanwhile another approved request removes her …
    change_approve(
        actor=personas.township_a,
        request=change_submit(
            actor=personas.village_a1,
            household=h,
            kind="remove_member",
            payload={"member": daughter.pk, "reason": "deceased", "date": str(today())},
            reason="病故",
        ),
    )
    # … so the transfer no longer applies: refused with the rule's message, nothing written.
    versions = HouseholdVersion.objects.count()
    with pytest.raises(DomainError) as exc:
        change_approve(actor=personas.township_a, request=transfer)
    assert exc.value.field == "payload.member" and "不是本户的在册成员" in exc.value.message
    transfer.refresh_from_db()
    assert transfer.status == ChangeStatus.PENDING and HouseholdVersion.objects.count() == versions
    assert target.members.count() == 4


def test_village_officer_cannot_approve(personas):
    request = submit_birth(personas, registered(personas))
    with pytest.raises(AccessDenied):
        change_approve(actor=personas.village_a1, request=request)
    request.refresh_from_db()
    assert request.status == ChangeStatus.PENDING


def test_other_township_and_no_role_users_cannot_act(personas):
    h = registered(personas)
    for user in (personas.village_b1, personas.no_role):
        with pytest.raises(AccessDenied):
            change_submit(
                actor=user,
                household=h,
                kind="add_member",
                payload={"reason": "birth", "date": today().isoformat(), "member": newborn()},
                reason="x",
            )
    request = submit_birth(personas, h)
    for user in (personas.village_b1, personas.no_role, personas.cadre):
        with pytest.raises(AccessDenied):
            change_approve(actor=user, request=request)
        with pytest.raises(AccessDenied):
            change_reject(actor=user, request=request, comment="no")
    assert not ChangeRequest.objects.for_user(personas.village_b1).exists()
    assert ChangeRequest.objects.for_user(personas.village_a1).count() == 1


def test_submitter_cannot_approve_own_request(personas):
    h = registered(personas)
    request = change_submit(
        actor=personas.township_a,
        household=h,
        kind="add_member",
        payload={"reason": "birth", "date": today().isoformat(), "member": newborn()},
        reason="x",
    )
    with pytest.raises(AccessDenied) as exc:
        change_approve(actor=personas.township_a, request=request)
    assert "自己提交" in exc.value.message
    change_approve(actor=personas.county_admin, request=request)
    assert h.members.count() == 5


def test_reject_needs_a_comment_and_is_audited(personas):
    request = submit_birth(personas, registered(personas))
    with pytest.raises(DomainError) as exc:
        change_reject(actor=personas.township_a, request=request, comment=" ")
    assert exc.value.field == "comment" and "驳回" in exc.value.message
    change_reject(actor=personas.township_a, request=request, comment="出生证明缺失")
    request.refresh_from_db()
    assert request.status == ChangeStatus.REJECTED and request.review_comment == "出生证明缺失"
    assert request.household.members.count() == 4
    event = AuditEvent.objects.get(action="change.reject", target_id=str(request.pk))
    assert event.reason == "出生证明缺失"
    with pytest.raises(DomainError) as exc:
        change_approve(actor=personas.township_a, request=request)
    assert "已驳回" in exc.value.message


def test_only_the_submitter_withdraws_a_pending_request(personas):
    request = submit_birth(personas, registered(personas))
    with pytest.raises(AccessDenied):
        change_withdraw(actor=personas.township_a, request=request)
    change_withdraw(actor=personas.village_a1, request=request)
    request.refresh_from_db()
    assert request.status == ChangeStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action="change.withdraw", target_id=str(request.pk)).exists()
    with pytest.raises(DomainError):
        change_withdraw(actor=personas.village_a1, request=request)
    # Withdrawn requests no longer block a new one of the same kind.
    assert submit_birth(personas, request.household).status == ChangeStatus.PENDING


def test_last_years_composition_and_income_never_change(personas):
    h = registered(personas)
    last_year = today().year - 1
    HouseholdVersion.objects.filter(household=h).update(
        valid_from=datetime.datetime(last_year, 3, 1, tzinfo=datetime.UTC)
    )
    income = income_save(actor=personas.county_admin, household=h, year=last_year, wages=8000, business=2000)
    figures = (income.size, income.net_income, income.per_capita, income.updated_at)
    end_of_last_year = datetime.datetime(last_year, 12, 31, 23, 59, 59, tzinfo=datetime.UTC)
    before = household_as_of(h, end_of_last_year)

    change_approve(actor=personas.township_a, request=submit_birth(personas, h))
    son = member_by_name(h, "张小军")
    change_approve(
        actor=personas.township_a,
        request=change_submit(
            actor=personas.village_a1,
            household=h,
            kind="remove_member",
            payload={"member": son.pk, "reason": "moved_out", "date": today().isoformat()},
            reason="外出落户",
        ),
    )

    as_of = household_as_of(h, end_of_last_year)
    assert as_of == before
    assert [m["name"] for m in as_of["members"]] == ["张三丰", "李梅", "张小军", "张小丽"]
    assert all(m["status"] == "active" for m in as_of["members"]) and as_of["size"] == 4
    income = HouseholdIncome.objects.get(household=h, year=last_year)
    assert (income.size, income.net_income, income.per_capita, income.updated_at) == figures
    now = household_as_of(h, datetime.datetime.now(datetime.UTC))
    assert sorted(m["name"] for m in now["members"] if m["status"] == "active") == [
        "张三丰",
        "张小丽",
        "张小宝",
        "李梅",
    ]
    assert Member.objects.get(pk=son.pk).status == MemberStatus.MOVED_OUT
