"""Each kind of change request applies correctly, and each of its rules refuses with a Chinese message."""

import pytest

from jingzhun.core.errors import DomainError
from jingzhun.core.models import AuditEvent
from jingzhun.register.changes import change_approve, change_submit
from jingzhun.register.choices import ChangeStatus, MemberStatus, PovertyStatus
from jingzhun.register.models import ChangeRequest, Household, HouseholdVersion, Member

from .changes_factories import member_by_name, registered, single, today

pytestmark = pytest.mark.django_db


def submit(personas, h, kind, payload, actor=None):
    return change_submit(
        actor=actor or personas.village_a1, household=h, kind=kind, payload=payload, reason="按规定申请"
    )


def apply(personas, h, kind, payload, actor=None, reviewer=None):
    request = submit(personas, h, kind, payload, actor)
    return change_approve(actor=reviewer or personas.township_a, request=request)


def refused(personas, h, kind, payload, actor=None) -> DomainError:
    count = ChangeRequest.objects.count()
    with pytest.raises(DomainError) as exc:
        submit(personas, h, kind, payload, actor)
    assert ChangeRequest.objects.count() == count
    return exc.value


# --- remove_member ---------------------------------------------------------------------------------


def test_remove_member_sets_status_and_dates_and_keeps_the_row(personas):
    h = registered(personas)
    son = member_by_name(h, "张小军")
    apply(personas, h, "remove_member", {"member": son.pk, "reason": "married_out", "date": str(today())})
    son.refresh_from_db()
    assert son.status == MemberStatus.MARRIED_OUT and son.left_on == today() and son.status_date == today()
    h.refresh_from_db()
    assert h.size == 3 and h.members.count() == 4


def test_remove_member_imprisoned_uses_its_status(personas):
    h = registered(personas)
    son = member_by_name(h, "张小军")
    apply(personas, h, "remove_member", {"member": son.pk, "reason": "imprisoned", "date": str(today())})
    son.refresh_from_db()
    assert son.status == MemberStatus.IMPRISONED


def test_head_cannot_be_removed_while_others_remain(personas):
    h = registered(personas)
    head = member_by_name(h, "张三丰")
    error = refused(
        personas, h, "remove_member", {"member": head.pk, "reason": "deceased", "date": str(today())}
    )
    assert error.field == "payload.member" and "变更户主" in error.message


def test_last_member_can_only_leave_by_death_and_the_household_is_kept(personas):
    h = single(personas, "王老汉")
    head = member_by_name(h, "王老汉")
    error = refused(
        personas, h, "remove_member", {"member": head.pk, "reason": "moved_out", "date": str(today())}
    )
    assert error.field == "payload.reason" and "最后一名在册成员" in error.message
    request = apply(
        personas, h, "remove_member", {"member": head.pk, "reason": "deceased", "date": str(today())}
    )
    assert "已无在册成员" in request.result["message"]
    h.refresh_from_db()
    assert h.size == 0 and h.head_name == "" and Household.objects.filter(pk=h.pk).exists()
    assert Member.objects.get(pk=head.pk).status == MemberStatus.DECEASED


def test_leaving_date_cannot_precede_joining(personas):
    h = registered(personas)
    son = member_by_name(h, "张小军")
    error = refused(
        personas, h, "remove_member", {"member": son.pk, "reason": "moved_out", "date": "2001-01-01"}
    )
    assert error.field == "payload.date" and "入户日期" in error.message


def test_member_of_another_household_cannot_be_removed(personas):
    h = registered(personas)
    stranger = single(personas, "外人").members.get()
    error = refused(
        personas, h, "remove_member", {"member": stranger.pk, "reason": "deceased", "date": str(today())}
    )
    assert error.field == "payload.member" and "不是本户的在册成员" in error.message


# --- transfer_member -------------------------------------------------------------------------------


def test_transfer_member_keeps_its_number_and_versions_both_households(personas):
    h = registered(personas)
    target = single(personas, "王老汉", area=personas.tree.group_a1_1)
    daughter = member_by_name(h, "张小丽")
    number = daughter.member_no
    versions = {x.pk: x.versions.count() for x in (h, target)}
    apply(
        personas,
        h,
        "transfer_member",
        {"member": daughter.pk, "target": target.household_no, "relation": "99", "date": str(today())},
    )
    daughter.refresh_from_db()
    assert daughter.household == target and daughter.member_no == number and daughter.relation == "99"
    assert daughter.joined_on == today() and daughter.status == MemberStatus.ACTIVE
    h.refresh_from_db()
    target.refresh_from_db()
    assert (h.size, target.size) == (3, 2)
    assert {x.pk: x.versions.count() for x in (h, target)} == {k: v + 1 for k, v in versions.items()}
    assert AuditEvent.objects.filter(action="change.transfer_member").count() == 2


def test_transfer_target_must_be_in_the_submitters_scope(personas):
    h = registered(personas)
    elsewhere = single(personas, "乙村人", area=personas.tree.village_b1)
    daughter = member_by_name(h, "张小丽")
    error = refused(
        personas,
        h,
        "transfer_member",
        {"member": daughter.pk, "target": elsewhere.household_no, "relation": "99", "date": str(today())},
    )
    assert error.field == "payload.target" and "不在您的范围内" in error.message


def test_transferred_member_cannot_become_the_targets_head(personas):
    h = registered(personas)
    target = single(personas, "王老汉", area=personas.tree.group_a1_1)
    daughter = member_by_name(h, "张小丽")
    error = refused(
        personas,
        h,
        "transfer_member",
        {"member": daughter.pk, "target": target.household_no, "relation": "01", "date": str(today())},
    )
    assert error.field == "payload.relation" and "户主" in error.message


# --- split -----------------------------------------------------------------------------------------


def test_split_creates_a_household_that_inherits_status_with_its_own_number(personas):
    h = registered(personas)
    son, daughter = member_by_name(h, "张小军"), member_by_name(h, "张小丽")
    numbers = (son.member_no, daughter.member_no)
    request = apply(
        personas,
        h,
        "split",
        {
            "members": [son.pk, daughter.pk],
            "head": son.pk,
            "relations": {str(daughter.pk): "13"},
            "area": personas.tree.village_a2.code,
            "date": str(today()),
            "override_reason": "新户沿用原户致贫原因",
        },
    )
    new = Household.objects.get(pk=request.result["new_household"])
    assert new.household_no.startswith(personas.tree.village_a2.code) and new.area == personas.tree.village_a2
    assert new.poverty_status == PovertyStatus.POOR and new.year_identified == 2014
    assert new.main_cause == h.main_cause and new.size == 2 and new.head_name == "张小军"
    assert new.warning_override["codes"] == ["cause_illness"]
    son.refresh_from_db()
    daughter.refresh_from_db()
    assert (son.relation, daughter.relation) == ("01", "13")
    assert (son.member_no, daughter.member_no) == numbers
    h.refresh_from_db()
    assert h.size == 2 and h.head_name == "张三丰"
    assert new.versions.count() == 1 and h.versions.filter(action="change.split").count() == 1


def test_split_cannot_take_the_old_head_or_everyone(personas):
    h = registered(personas)
    head, son = member_by_name(h, "张三丰"), member_by_name(h, "张小军")
    error = refused(
        personas, h, "split", {"members": [head.pk], "head": head.pk, "relations": {}, "date": str(today())}
    )
    assert error.field == "payload.members" and "原户主不能分出" in error.message
    error = refused(
        personas, h, "split", {"members": [son.pk], "head": head.pk, "relations": {}, "date": str(today())}
    )
    assert error.field == "payload.head" and "分出的成员之一" in error.message


def test_split_needs_each_others_relation_to_the_new_head(personas):
    h = registered(personas)
    son, daughter = member_by_name(h, "张小军"), member_by_name(h, "张小丽")
    error = refused(
        personas,
        h,
        "split",
        {"members": [son.pk, daughter.pk], "head": son.pk, "relations": {}, "date": str(today())},
    )
    assert error.field == f"payload.relations.{daughter.pk}" and "张小丽" in error.message


def test_split_into_another_township_is_refused(personas):
    h = registered(personas)
    son = member_by_name(h, "张小军")
    error = refused(
        personas,
        h,
        "split",
        {"members": [son.pk], "head": son.pk, "area": personas.tree.village_b1.code, "date": str(today())},
    )
    assert error.field == "payload.area" and "范围" in error.message


# --- merge -----------------------------------------------------------------------------------------


def test_merge_moves_every_active_member_and_keeps_the_empty_household(personas):
    target = registered(personas)
    source = single(personas, "张老太", age=75, male=False)
    grandma = source.members.get()
    apply(
        personas,
        source,
        "merge",
        {"target": target.pk, "relations": {str(grandma.pk): "10"}, "date": str(today())},
    )
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.size == 0 and source.head_name == "" and Household.objects.filter(pk=source.pk).exists()
    assert target.size == 5 and target.members.filter(name="张老太", relation="10").exists()
    assert source.versions.filter(action="change.merge").count() == 1
    assert target.versions.filter(action="change.merge").count() == 1


def test_merge_needs_a_relation_for_every_member_and_no_second_head(personas):
    target = registered(personas)
    source = single(personas, "张老太", age=75, male=False)
    grandma = source.members.get()
    error = refused(personas, source, "merge", {"target": target.pk, "relations": {}, "date": str(today())})
    assert error.field == f"payload.relations.{grandma.pk}"
    error = refused(
        personas,
        source,
        "merge",
        {"target": target.pk, "relations": {str(grandma.pk): "01"}, "date": str(today())},
    )
    assert "不能作为目标户户主" in error.message


# --- change_head -----------------------------------------------------------------------------------


def test_change_head_swaps_relations(personas):
    h = registered(personas)
    head, wife = member_by_name(h, "张三丰"), member_by_name(h, "李梅")
    apply(personas, h, "change_head", {"new_head": wife.pk, "old_head_relation": "02"})
    head.refresh_from_db()
    wife.refresh_from_db()
    h.refresh_from_db()
    assert (wife.relation, head.relation, h.head_name) == ("01", "02", "李梅")
    # Now the old head may be removed; he was the only ill member of this 因病 household, so the
    # warning that follows needs an explanation.
    payload = {"member": head.pk, "reason": "deceased", "date": str(today())}
    error = refused(personas, h, "remove_member", payload)
    assert error.code == "needs_override" and "因病" in error.message
    apply(personas, h, "remove_member", payload | {"override_reason": "户主病故，家庭仍按因病管理"})
    h.refresh_from_db()
    assert h.warning_override["codes"] == ["cause_illness"]
    h.refresh_from_db()
    assert h.size == 3 and h.head_name == "李梅"


def test_change_head_rules(personas):
    h = registered(personas)
    head, wife = member_by_name(h, "张三丰"), member_by_name(h, "李梅")
    error = refused(personas, h, "change_head", {"new_head": head.pk, "old_head_relation": "02"})
    assert error.field == "payload.new_head" and "已是户主" in error.message
    error = refused(personas, h, "change_head", {"new_head": wife.pk, "old_head_relation": "01"})
    assert error.field == "payload.old_head_relation"
    error = refused(personas, h, "change_head", {"new_head": wife.pk, "old_head_relation": ""})
    assert error.field == "payload.old_head_relation" and "与户主关系" in error.message


# --- correct_info ----------------------------------------------------------------------------------


def test_correct_info_stores_before_and_after_and_applies(personas):
    h = registered(personas)
    son = member_by_name(h, "张小军")
    request = submit(
        personas,
        h,
        "correct_info",
        {
            "household": {"address": "二组 3 号", "farmland_mu": "2.5"},
            "members": {str(son.pk): {"name": "张晓军"}},
        },
    )
    assert request.payload["household"]["address"] == {"before": "一组 12 号", "after": "二组 3 号"}
    assert request.payload["household"]["farmland_mu"] == {"before": "0.00", "after": "2.5"}
    assert request.payload["members"][str(son.pk)]["fields"]["name"] == {
        "before": "张小军",
        "after": "张晓军",
    }
    change_approve(actor=personas.township_a, request=request)
    h.refresh_from_db()
    son.refresh_from_db()
    assert h.address == "二组 3 号" and str(h.farmland_mu) == "2.50"
    assert son.name == "张晓军" and son.name_initials == "zxj"


def test_correct_info_refuses_unknown_fields_bad_values_and_no_change(personas):
    h = registered(personas)
    error = refused(personas, h, "correct_info", {"household": {"poverty_status": "exited"}})
    assert error.field == "payload.household.poverty_status" and "不能通过信息更正修改" in error.message
    error = refused(personas, h, "correct_info", {"household": {"farmland_mu": "很多"}})
    assert error.field == "payload.household.farmland_mu" and "耕地" in error.message
    error = refused(personas, h, "correct_info", {"household": {"address": "一组 12 号"}})
    assert error.field == "payload" and "没有需要更正的内容" in error.message
    son = member_by_name(h, "张小军")
    error = refused(personas, h, "correct_info", {"members": {str(son.pk): {"name": "<script>"}}})
    assert error.field == f"payload.members.{son.pk}.name" and "不允许的字符" in error.message


def test_correct_info_is_refused_at_approval_when_the_value_changed_meanwhile(personas):
    h = registered(personas)
    first = submit(personas, h, "correct_info", {"household": {"address": "二组 3 号"}})
    Household.objects.filter(pk=h.pk).update(address="三组 9 号")  # e.g. edited by the township directly
    with pytest.raises(DomainError) as exc:
        change_approve(actor=personas.township_a, request=first)
    assert exc.value.field == "payload.household.address" and "已被修改" in exc.value.message


# --- move_household --------------------------------------------------------------------------------


def test_move_household_keeps_its_number_and_follows_with_its_requests(personas):
    h = registered(personas)
    number = h.household_no
    request = apply(personas, h, "move_household", {"area": personas.tree.village_a2.code})
    h.refresh_from_db()
    assert h.household_no == number and h.area == personas.tree.village_a2
    assert h.area_path == personas.tree.village_a2.path
    request.refresh_from_db()
    assert request.area_path == personas.tree.village_a2.path and request.status == ChangeStatus.APPLIED
    # The A1 officer no longer sees it; it is now the A2 village's household.
    assert not Household.objects.for_user(personas.village_a1).filter(pk=h.pk).exists()
    assert Household.objects.for_user(personas.township_a).filter(pk=h.pk).exists()
    assert (
        HouseholdVersion.objects.get(household=h, valid_to__isnull=True).data["area"]
        == personas.tree.village_a2.pk
    )


def test_move_household_to_another_township_or_the_same_place_is_refused(personas):
    h = registered(personas)
    error = refused(personas, h, "move_household", {"area": personas.tree.village_b1.code})
    assert error.field == "payload.area" and "范围" in error.message
    error = refused(personas, h, "move_household", {"area": personas.tree.village_a1.code})
    assert error.field == "payload.area" and "相同" in error.message
    error = refused(personas, h, "move_household", {"area": personas.tree.township_a.code})
    assert error.field == "payload.area"


def test_move_to_another_township_needs_a_reviewer_there(personas):
    h = registered(personas)
    request = submit(
        personas, h, "move_household", {"area": personas.tree.village_b1.code}, actor=personas.county_admin
    )
    # The township A officer reviews A1 households but not B1: refused at approval.
    with pytest.raises(DomainError) as exc:
        change_approve(actor=personas.township_a, request=request)
    assert exc.value.field == "payload.area"
