"""Procedures API: scoped lists, actions through the services, Chinese field maps and 403s."""

import pytest

from jingzhun.register.tests.factories import make_household
from jingzhun.workflows.choices import ProcedureStatus
from jingzhun.workflows.models import Procedure, ProcedureTemplate, StepRecord

from .wfui_factories import MEETING, at_appraisal, at_township_review, started

pytestmark = pytest.mark.django_db

URL = "/api/v1/workflows/procedures/"
BATCHES = "/api/v1/workflows/batches/"
TEMPLATES = "/api/v1/workflows/templates/"


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_lists_are_scoped(personas, client_for):
    (a,) = started(personas, 1)
    (b,) = started(personas, 1, area=personas.tree.village_b1)
    ids = {r["id"] for r in client_for(personas.village_a1).get(URL).json()["results"]}
    assert ids == {a.pk}
    ids = {r["id"] for r in client_for(personas.village_b1).get(URL).json()["results"]}
    assert ids == {b.pk}
    assert client_for(personas.village_b1).get(f"{URL}{a.pk}/").status_code == 404
    assert len(client_for(personas.county_admin).get(URL).json()["results"]) == 2
    for who in (personas.no_role, personas.department):
        client = client_for(who)
        assert client.get(URL).status_code == 403
        assert client.get(BATCHES).status_code == 403
        assert client.get(TEMPLATES).status_code == 403


def test_filters(personas, client_for):
    procs = at_appraisal(personas, 2) + started(personas, 1)
    client = client_for(personas.village_a1)
    rows = client.get(URL, {"step": "appraisal"}).json()["results"]
    assert {r["id"] for r in rows} == {procs[0].pk, procs[1].pk}
    rows = client.get(URL, {"q": procs[2].household.household_no}).json()["results"]
    assert [r["id"] for r in rows] == [procs[2].pk]


def test_start_complete_and_records(personas, client_for):
    h = make_household(area=personas.tree.village_a1, actor=personas.county_admin)
    client = client_for(personas.village_a1)
    response = post(client, URL, {"kind": "reappraisal", "household": h.pk, "year": 2026})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["current_step_code"] == "verify" and body["year"] == 2026 and body["records"] == []
    response = post(client, f"{URL}{body['id']}/complete/", {"step": "verify", "comment": "已核实"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["current_step_code"] == "appraisal"
    assert body["records"][0]["step_code"] == "verify" and body["records"][0]["comment"] == "已核实"
    # the step moved on: acting on "verify" again is refused with a field map
    response = post(client, f"{URL}{body['id']}/complete/", {"step": "verify"})
    assert response.status_code == 400 and "当前处于“民主评议”环节" in response.json()["step"][0]
    # appraisal without quorum
    response = post(
        client,
        f"{URL}{body['id']}/complete/",
        {"meeting": {"representatives": 30, "present": 10}, "data": {"votes_for": 10}},
    )
    assert response.status_code == 400 and "评议无效" in response.json()["present"][0]


def test_start_refusals(personas, client_for):
    h = make_household(area=personas.tree.village_a1, actor=personas.county_admin)
    response = post(client_for(personas.village_b1), URL, {"kind": "reappraisal", "household": h.pk})
    assert response.status_code == 400 and "household" in response.json()  # not in scope
    response = post(client_for(personas.township_a), URL, {"kind": "reappraisal", "household": h.pk})
    assert response.status_code == 403 and "无权" in response.json()["detail"][0]
    assert not Procedure.objects.exists()


def test_a_village_officer_cannot_pass_a_township_step_through_the_api(personas, client_for):
    (p,) = at_township_review(personas, 1)
    before = StepRecord.objects.count()
    response = post(client_for(personas.village_a1), f"{URL}{p.pk}/complete/", {"step": "township_review"})
    assert response.status_code == 403
    assert "您无权办理" in response.json()["detail"][0] and "乡镇" in response.json()["detail"][0]
    assert StepRecord.objects.count() == before
    response = post(client_for(personas.township_a), f"{URL}{p.pk}/complete/", {"step": "township_review"})
    assert response.status_code == 200 and response.json()["current_step_code"] == "county_review"


def test_send_back_reject_cancel_override(personas, client_for):
    a, b, c = at_township_review(personas, 3)
    township = client_for(personas.township_a)
    response = post(township, f"{URL}{a.pk}/send-back/", {"reason": ""})
    assert response.status_code == 400 and "退回理由" in response.json()["reason"][0]
    response = post(township, f"{URL}{a.pk}/send-back/", {"reason": "复核收入", "to_step": "appraisal"})
    assert response.status_code == 200 and response.json()["current_step_code"] == "appraisal"
    response = post(township, f"{URL}{b.pk}/reject/", {"reason": "不符合条件"})
    assert response.status_code == 200 and response.json()["status"] == ProcedureStatus.REJECTED
    response = post(township, f"{URL}{c.pk}/override/", {"codes": ["car"], "reason": "代步车"})
    assert response.status_code == 403 and "县级" in response.json()["detail"][0]
    county = client_for(personas.county_admin)
    response = post(county, f"{URL}{c.pk}/override/", {"codes": ["car"], "reason": "代步车"})
    assert response.status_code == 200 and "car" in response.json()["data"]["overrides"]
    response = post(client_for(personas.cadre), f"{URL}{c.pk}/cancel/", {"reason": "撤回"})
    assert response.status_code == 403
    response = post(client_for(personas.village_a1), f"{URL}{c.pk}/cancel/", {"reason": "撤回"})
    assert response.status_code == 200 and response.json()["status"] == ProcedureStatus.CANCELLED


def test_batches_create_and_complete(personas, client_for):
    client = client_for(personas.village_a1)
    response = post(
        client, BATCHES, {"kind": "reappraisal", "area": personas.tree.village_a1.code, "year": 2026}
    )
    assert response.status_code == 201, response.json()
    batch_id = response.json()["id"]
    households = [
        make_household(area=personas.tree.village_a1, actor=personas.county_admin) for _ in range(3)
    ]
    ids = []
    for h in households:
        r = post(client, URL, {"kind": "reappraisal", "household": h.pk, "batch": batch_id})
        assert r.status_code == 201, r.json()
        ids.append(r.json()["id"])
        assert post(client, f"{URL}{ids[-1]}/complete/", {}).status_code == 200
    response = post(
        client,
        f"{BATCHES}{batch_id}/batch-complete/",
        {
            "step": "appraisal",
            "meeting": MEETING,
            "results": {
                str(ids[0]): {"votes_for": 25},
                str(ids[1]): {"votes_for": 3},
                str(ids[2]): {"votes_for": 99},
            },
        },
    )
    assert response.status_code == 200, response.json()
    outcomes = {o["procedure"]: o["result"] for o in response.json()["outcomes"]}
    assert outcomes == {ids[0]: "passed", ids[1]: "failed", ids[2]: "blocked"}
    assert client_for(personas.village_b1).get(f"{BATCHES}{batch_id}/").status_code == 404
    response = post(
        client_for(personas.village_b1),
        BATCHES,
        {"kind": "reappraisal", "area": personas.tree.village_a1.code, "year": 2026},
    )
    assert response.status_code == 400 and "area" in response.json()


def test_templates_read_and_revise(personas, client_for):
    rows = client_for(personas.village_a1).get(TEMPLATES, {"kind": "reappraisal", "current": "1"}).json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert len(rows) == 1 and [s["code"] for s in rows[0]["steps"]] == [
        "verify",
        "appraisal",
        "township_review",
        "county_review",
    ]
    base = rows[0]
    steps = [{k: v for k, v in s.items() if k != "order"} for s in base["steps"]]
    steps[0]["period_days"] = 10
    body = {"county": personas.tree.county.code, "steps": steps}
    response = post(client_for(personas.township_a), f"{TEMPLATES}{base['id']}/revise/", body)
    assert response.status_code == 403
    response = post(client_for(personas.county_admin), f"{TEMPLATES}{base['id']}/revise/", body)
    assert response.status_code == 201, response.json()
    assert (
        response.json()["area_key"] == personas.tree.county.path[:6]
        and response.json()["steps"][0]["period_days"] == 10
    )
    bad = {**body, "steps": [{**steps[0], "capability": "nope.nothing"}]}
    response = post(client_for(personas.county_admin), f"{TEMPLATES}{base['id']}/revise/", bad)
    assert response.status_code == 400 and "不存在" in response.json()["capability"][0]
    assert ProcedureTemplate.objects.filter(kind="reappraisal", is_current=True).count() == 2
