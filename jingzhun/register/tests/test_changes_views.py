"""Change-request pages: typed forms with Chinese field errors, before/after, the review queue, scoping."""

import pytest
from django.urls import reverse

from jingzhun.register.changes import change_approve, change_submit
from jingzhun.register.choices import ChangeKind, ChangeStatus
from jingzhun.register.models import ChangeRequest

from .changes_factories import member_by_name, newborn, registered, single, today

pytestmark = pytest.mark.django_db


def new_url(h, kind):
    return reverse("register:change-new", args=[h.pk, kind])


def birth_form(**extra):
    baby = newborn()
    return {
        "event": "birth",
        "date": str(today()),
        "name": baby["name"],
        "id_number": baby["id_number"],
        "relation": "03",
        "education": "7",
        "in_school": "0",
        "health": "1",
        "reason": "张小军之子出生",
        **extra,
    }


def pending(personas, h):
    return change_submit(
        actor=personas.village_a1,
        household=h,
        kind="add_member",
        payload={"reason": "birth", "date": str(today()), "member": newborn()},
        reason="出生登记",
    )


def test_every_kind_has_a_form_page(personas, client_for):
    h = registered(personas)
    client = client_for(personas.village_a1)
    for kind, label in ChangeKind.choices:
        response = client.get(new_url(h, kind))
        assert response.status_code == 200, kind
        assert str(label) in response.content.decode() and "申请理由" in response.content.decode()
    assert client.get(new_url(h, "adopt")).status_code == 404


def test_village_officer_submits_and_sees_before_and_after(personas, client_for):
    h = registered(personas)
    data = birth_form()
    client = client_for(personas.village_a1)
    response = client.post(new_url(h, "add_member"), data)
    change = ChangeRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "register:change-detail", args=[change.pk]
    )
    assert change.submitted_by == personas.village_a1 and change.payload["member"]["name"] == "张小宝"
    page = client.get(response["Location"]).content.decode()
    assert "变更前" in page and "变更后" in page and page.count("张小宝") >= 2
    assert data["id_number"] not in page and data["id_number"][-4:] in page  # masked
    assert 'data-testid="review-form"' not in page and 'data-testid="withdraw"' in page
    assert h.members.count() == 4


def test_bad_input_shows_a_chinese_error_on_its_field_and_writes_nothing(personas, client_for):
    h = registered(personas)
    client = client_for(personas.village_a1)
    data = birth_form()
    data["id_number"] = data["id_number"][:-1] + ("0" if data["id_number"][-1] != "0" else "1")
    page = client.post(new_url(h, "add_member"), data).content.decode()
    assert 'data-field="id_number"' in page and "校验位" in page
    page = client.post(new_url(h, "add_member"), birth_form(reason="")).content.decode()
    assert 'data-field="reason"' in page
    page = client.post(new_url(h, "add_member"), birth_form(relation="01")).content.decode()
    assert 'data-field="relation"' in page and "选择一个有效的选项" in page  # 户主 is not offered
    assert ChangeRequest.objects.count() == 0


def test_remove_transfer_and_change_head_forms_build_their_payloads(personas, client_for):
    h = registered(personas)
    other = single(personas, "王老汉", area=personas.tree.group_a1_1)
    son, daughter, wife = (member_by_name(h, n) for n in ("张小军", "张小丽", "李梅"))
    client = client_for(personas.village_a1)
    client.post(
        new_url(h, "remove_member"),
        {"member": son.pk, "event": "moved_out", "date": str(today()), "reason": "外出落户"},
    )
    client.post(
        new_url(h, "transfer_member"),
        {
            "member": daughter.pk,
            "target": other.household_no,
            "relation": "13",
            "date": str(today()),
            "reason": "投亲",
        },
    )
    client.post(
        new_url(h, "change_head"),
        {"new_head": wife.pk, "old_head_relation": "02", f"relation_{son.pk}": "03", "reason": "户主外出"},
    )
    got = {c.kind: c.payload for c in ChangeRequest.objects.all()}
    assert got["remove_member"]["member"] == son.pk and got["remove_member"]["reason"] == "moved_out"
    assert got["transfer_member"]["target"] == other.pk and got["transfer_member"]["relation"] == "13"
    assert got["change_head"]["new_head"] == wife.pk and got["change_head"]["old_head_relation"] == "02"


def test_split_merge_correct_and_move_forms_build_their_payloads(personas, client_for):
    h = registered(personas)
    grandma = single(personas, "张老太", age=75, male=False)
    son, daughter = member_by_name(h, "张小军"), member_by_name(h, "张小丽")
    client = client_for(personas.village_a1)
    response = client.post(
        new_url(h, "split"),
        {
            "members": [son.pk, daughter.pk],
            "head": son.pk,
            f"relation_{daughter.pk}": "13",
            "area": personas.tree.group_a1_1.code,
            "date": str(today()),
            "override_reason": "沿用原户致贫原因",
            "reason": "子女分户",
        },
    )
    assert response.status_code == 302, response.content.decode()
    client.post(
        new_url(grandma, "merge"),
        {
            "target": h.household_no,
            f"relation_{grandma.members.get().pk}": "10",
            "date": str(today()),
            "reason": "投靠儿子",
        },
    )
    client.post(
        new_url(h, "correct_info"),
        {"who_1": "household", "field_1": "h:address", "value_1": "二组 8 号", "reason": "门牌调整"},
    )
    client.post(new_url(h, "move_household"), {"area": personas.tree.village_a2.code, "reason": "整户搬迁"})
    got = {c.kind: c.payload for c in ChangeRequest.objects.all()}
    assert got["split"]["members"] == [son.pk, daughter.pk] and got["split"]["relations"] == {
        str(daughter.pk): "13"
    }
    assert got["split"]["area"] == personas.tree.group_a1_1.code
    assert got["merge"]["target"] == h.pk
    assert got["correct_info"]["household"]["address"] == {"before": "一组 12 号", "after": "二组 8 号"}
    assert got["move_household"]["area"] == personas.tree.village_a2.code


def test_correction_errors_land_on_the_value_field(personas, client_for):
    h = registered(personas)
    client = client_for(personas.village_a1)
    page = client.post(
        new_url(h, "correct_info"),
        {"who_1": "household", "field_1": "h:farmland_mu", "value_1": "很多", "reason": "更正"},
    ).content.decode()
    assert 'data-field="value_1"' in page and "耕地" in page
    page = client.post(
        new_url(h, "correct_info"),
        {"who_1": "household", "field_1": "m:name", "value_1": "x", "reason": "更正"},
    ).content.decode()
    assert 'data-field="field_1"' in page and "不符" in page
    assert ChangeRequest.objects.count() == 0


def test_queue_lists_pending_requests_with_counts_and_filters(personas, client_for):
    h = registered(personas)
    h2 = registered(personas, area=personas.tree.village_a2)
    pending(personas, h)
    change_submit(
        actor=personas.township_a,
        household=h2,
        kind="move_household",
        payload={"area": personas.tree.village_a1.code},
        reason="搬迁",
    )
    client = client_for(personas.township_a)
    page = client.get(reverse("register:change-queue")).content.decode()
    assert page.count('data-testid="change-row"') == 2
    assert 'data-kind="add_member"' in page and 'data-kind="move_household"' in page
    # The township officer cannot approve its own request: one row has buttons.
    assert page.count('data-testid="approve"') == 1
    page = client.get(reverse("register:change-queue"), {"kind": "add_member"}).content.decode()
    assert page.count('data-testid="change-row"') == 1 and h.household_no in page
    page = client.get(
        reverse("register:change-queue"), {"village": personas.tree.village_a2.code}
    ).content.decode()
    assert page.count('data-testid="change-row"') == 1 and h2.household_no in page
    page = client.get(reverse("register:change-queue"), {"status": "applied"}).content.decode()
    assert 'data-testid="change-row"' not in page


def test_township_approves_from_the_queue(personas, client_for):
    h = registered(personas)
    change = pending(personas, h)
    queue = reverse("register:change-queue")
    response = client_for(personas.township_a).post(
        reverse("register:change-approve", args=[change.pk]), {"comment": "同意", "next": queue}
    )
    assert response.status_code == 302 and response["Location"] == queue
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPLIED and change.review_comment == "同意"
    assert h.members.count() == 5


def test_reject_without_comment_shows_the_error_and_keeps_it_pending(personas, client_for):
    change = pending(personas, registered(personas))
    client = client_for(personas.township_a)
    response = client.post(reverse("register:change-reject", args=[change.pk]), {"comment": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field="comment"' in page and "驳回时必须填写审核意见" in page
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING
    client.post(reverse("register:change-reject", args=[change.pk]), {"comment": "材料不全"})
    change.refresh_from_db()
    assert change.status == ChangeStatus.REJECTED


def test_other_village_officer_sees_nothing(personas, client_for):
    h = registered(personas)
    change = pending(personas, h)
    client = client_for(personas.village_b1)
    assert client.get(reverse("register:change-detail", args=[change.pk])).status_code == 404
    assert client.post(reverse("register:change-approve", args=[change.pk])).status_code == 404
    assert client.post(reverse("register:change-withdraw", args=[change.pk])).status_code == 404
    assert client.get(new_url(h, "add_member")).status_code == 404
    page = client.get(reverse("register:change-queue")).content.decode()
    assert 'data-testid="change-row"' not in page and h.household_no not in page
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING


def test_village_officer_cannot_approve_or_reject(personas, client_for):
    change = pending(personas, registered(personas))
    client = client_for(personas.village_a1)
    page = client.get(reverse("register:change-queue")).content.decode()
    assert page.count('data-testid="change-row"') == 1 and 'data-testid="approve"' not in page
    assert client.post(reverse("register:change-approve", args=[change.pk])).status_code == 403
    assert (
        client.post(reverse("register:change-reject", args=[change.pk]), {"comment": "x"}).status_code == 403
    )
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING


def test_no_role_user_and_cadre_are_refused(personas, client_for):
    h = registered(personas)
    change = pending(personas, h)
    client = client_for(personas.no_role)
    assert client.get(reverse("register:change-queue")).status_code == 403
    assert client.get(reverse("register:change-mine")).status_code == 403
    assert client.get(reverse("register:change-detail", args=[change.pk])).status_code == 404
    cadre = client_for(personas.cadre)  # may view the register, not change it
    assert cadre.get(new_url(h, "add_member")).status_code == 403
    assert cadre.post(new_url(h, "add_member"), birth_form()).status_code == 403


def test_my_requests_and_withdraw(personas, client_for):
    h = registered(personas)
    mine = pending(personas, h)
    other = change_submit(
        actor=personas.township_a,
        household=h,
        kind="move_household",
        payload={"area": personas.tree.village_a2.code},
        reason="搬迁",
    )
    client = client_for(personas.village_a1)
    page = client.get(reverse("register:change-mine")).content.decode()
    assert f'data-pk="{mine.pk}"' in page and f'data-pk="{other.pk}"' not in page
    client.post(reverse("register:change-withdraw", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.status == ChangeStatus.WITHDRAWN
    assert client.post(reverse("register:change-withdraw", args=[other.pk])).status_code == 403


def test_applied_request_shows_the_recorded_result(personas, client_for):
    h = registered(personas)
    change = change_approve(actor=personas.township_a, request=pending(personas, h))
    page = (
        client_for(personas.village_a1)
        .get(reverse("register:change-detail", args=[change.pk]))
        .content.decode()
    )
    assert "处理结果" in page and change.result["message"] in page and "已通过" in page
    assert 'data-testid="withdraw"' not in page


def test_detail_page_shows_every_kind_before_and_after(personas, client_for):
    h = registered(personas)
    grandma = single(personas, "张老太", age=75, male=False)
    son, daughter, wife = (member_by_name(h, n) for n in ("张小军", "张小丽", "李梅"))
    d = str(today())
    made = {
        "split": (h, {"members": [son.pk], "head": son.pk, "date": d, "override_reason": "沿用"}),
        "merge": (grandma, {"target": h.pk, "relations": {str(grandma.members.get().pk): "10"}, "date": d}),
        "correct_info": (h, {"household": {"bank_account": "6228480012345678"}}),
        "move_household": (h, {"area": personas.tree.village_a2.code}),
        "change_head": (h, {"new_head": wife.pk, "old_head_relation": "02"}),
        "remove_member": (h, {"member": daughter.pk, "reason": "married_out", "date": d}),
    }
    client = client_for(personas.township_a)
    for kind, (household, payload) in made.items():
        change = change_submit(
            actor=personas.village_a1, household=household, kind=kind, payload=payload, reason="x"
        )
        page = client.get(reverse("register:change-detail", args=[change.pk])).content.decode()
        assert "变更前" in page and "变更后" in page and 'data-testid="review-form"' in page, kind
        if kind == "split":
            assert "新户" in page and page.count('data-testid="comparison"') == 2
        if kind == "merge":
            assert page.count('data-testid="comparison"') == 2 and h.household_no in page
        if kind == "correct_info":
            assert 'data-testid="corrections"' in page and "6228480012345678" not in page and "5678" in page
        if kind == "move_household":
            assert "甲二村" in page


def test_warning_asks_for_an_explanation_next_to_its_box(personas, client_for):
    h = registered(personas)
    head, wife = member_by_name(h, "张三丰"), member_by_name(h, "李梅")
    change_approve(
        actor=personas.township_a,
        request=change_submit(
            actor=personas.village_a1,
            household=h,
            kind="change_head",
            payload={"new_head": wife.pk, "old_head_relation": "02"},
            reason="x",
        ),
    )
    client = client_for(personas.village_a1)
    data = {"member": head.pk, "event": "deceased", "date": str(today()), "reason": "病故"}
    page = client.post(new_url(h, "remove_member"), data).content.decode()
    assert 'data-field="override_reason"' in page and "因病" in page
    response = client.post(new_url(h, "remove_member"), data | {"override_reason": "仍按因病管理"})
    assert response.status_code == 302
    assert ChangeRequest.objects.get(kind="remove_member").payload["override_reason"] == "仍按因病管理"
