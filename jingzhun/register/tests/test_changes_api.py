"""Change-request API: scoped list/retrieve, create → approve round trip, field-map errors."""

import pytest

from jingzhun.register.changes import change_submit
from jingzhun.register.choices import ChangeStatus
from jingzhun.register.models import ChangeRequest

from .changes_factories import newborn, registered, today

pytestmark = pytest.mark.django_db

URL = "/api/v1/register/change-requests/"


def body(h, **extra):
    return {
        "household": h.pk,
        "kind": "add_member",
        "payload": {"reason": "birth", "date": str(today()), "member": newborn()},
        "reason": "出生登记",
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


def test_create_then_approve_round_trip(personas, client_for):
    h = registered(personas)
    data = body(h)
    response = client_for(personas.village_a1).post(URL, data, content_type="application/json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["status"] == "pending" and created["household_no"] == h.household_no
    assert created["payload"]["member"]["id_number"] != data["payload"]["member"]["id_number"]  # masked
    assert created["payload"]["preview"]["after"][0]["size"] == 5
    response = client_for(personas.township_a).post(
        f"{URL}{created['id']}/approve/", {"comment": "同意"}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "applied" and "张小宝" in response.json()["result"]["message"]
    assert h.members.filter(name="张小宝").exists()


def test_validation_errors_are_chinese_field_maps(personas, client_for):
    h = registered(personas)
    client = client_for(personas.village_a1)
    bad = body(h)
    number = bad["payload"]["member"]["id_number"]
    bad["payload"]["member"]["id_number"] = number[:-1] + ("0" if number[-1] != "0" else "1")
    response = client.post(URL, bad, content_type="application/json")
    assert response.status_code == 400 and "校验位" in response.json()["payload.member.id_number"][0]
    response = client.post(URL, body(h, reason=""), content_type="application/json")
    assert response.status_code == 400 and response.json() == {"reason": ["请填写申请理由。"]}
    response = client.post(URL, body(h, payload={"reason": "birth"}), content_type="application/json")
    assert response.status_code == 400 and "payload.date" in response.json()
    response = client.post(URL, body(h, household=999999), content_type="application/json")
    assert response.status_code == 400 and "household" in response.json()
    assert ChangeRequest.objects.count() == 0


def test_other_village_gets_404_and_an_empty_list(personas, client_for):
    h = registered(personas)
    change = pending(personas, h)
    client = client_for(personas.village_b1)
    assert client.get(URL).json()["count"] == 0
    assert client.get(f"{URL}{change.pk}/").status_code == 404
    assert client.post(f"{URL}{change.pk}/approve/", {}, content_type="application/json").status_code == 404
    assert client.post(f"{URL}{change.pk}/withdraw/", {}, content_type="application/json").status_code == 404
    response = client.post(URL, body(h), content_type="application/json")
    assert response.status_code == 400 and "household" in response.json()
    assert client_for(personas.township_a).get(URL).json()["count"] == 1


def test_village_officer_cannot_approve(personas, client_for):
    change = pending(personas, registered(personas))
    response = client_for(personas.village_a1).post(
        f"{URL}{change.pk}/approve/", {}, content_type="application/json"
    )
    assert response.status_code == 403 and "无权审核" in response.json()["detail"][0]
    change.refresh_from_db()
    assert change.status == ChangeStatus.PENDING


def test_reject_needs_a_comment(personas, client_for):
    change = pending(personas, registered(personas))
    client = client_for(personas.township_a)
    response = client.post(f"{URL}{change.pk}/reject/", {"comment": ""}, content_type="application/json")
    assert response.status_code == 400 and "comment" in response.json()
    response = client.post(
        f"{URL}{change.pk}/reject/", {"comment": "材料不全"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "rejected"


def test_submitter_withdraws_and_filters_work(personas, client_for):
    h = registered(personas)
    change = pending(personas, h)
    client = client_for(personas.village_a1)
    assert client.get(URL, {"kind": "merge"}).json()["count"] == 0
    assert client.get(URL, {"kind": "add_member", "mine": "1"}).json()["count"] == 1
    response = client.post(f"{URL}{change.pk}/withdraw/", {}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert client.get(URL, {"status": "pending"}).json()["count"] == 0


def test_no_role_user_is_refused(personas, client_for):
    pending(personas, registered(personas))
    response = client_for(personas.no_role).get(URL)
    assert response.status_code == 403
