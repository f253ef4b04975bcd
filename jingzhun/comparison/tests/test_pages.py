"""Pages and API by persona: confidentiality of department rows, scoped suspects, register closed to
department users, no-role refused."""

import pytest
from django.urls import reverse

from jingzhun.comparison.models import Suspect
from jingzhun.register.models import Member

from .builders import load_batch, person, registered, run_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas, tmp_path):
    a1 = registered(personas)
    b1 = registered(personas, area=personas.tree.village_b1, members=[person("赵六", 50)])
    heads = {h.pk: Member.objects.get(household=h, relation="01") for h in (a1, b1)}
    batch = load_batch(
        personas.department,
        tmp_path,
        "vehicle",
        ["身份证号", "姓名", "号牌号码"],
        [[m.id_number, m.name, f"川W{i}"] for i, m in enumerate(heads.values())] + [["bad", "", "x"]],
    )
    run = run_now(personas.county_admin, personas.tree.county)
    return {
        "a1": Suspect.objects.get(household=a1),
        "b1": Suspect.objects.get(household=b1),
        "batch": batch,
        "run": run,
        "heads": heads,
    }


def test_village_officer_sees_only_its_suspects(personas, client_for, world):
    c = client_for(personas.village_a1)
    page = c.get(reverse("comparison:suspect-list")).content.decode()
    assert world["a1"].household.household_no in page and world["b1"].household.household_no not in page
    assert c.get(reverse("comparison:suspect-detail", args=[world["a1"].pk])).status_code == 200
    assert c.get(reverse("comparison:suspect-detail", args=[world["b1"].pk])).status_code == 404


def test_suspect_page_shows_masked_evidence_only(personas, client_for, world):
    head = world["heads"][world["a1"].household_id]
    page = (
        client_for(personas.village_a1)
        .get(reverse("comparison:suspect-detail", args=[world["a1"].pk]))
        .content.decode()
    )
    assert "川W0" in page and head.id_number not in page and head.id_number[-4:] in page


def test_village_officer_never_sees_department_rows(personas, client_for, world):
    c = client_for(personas.village_a1)
    batch = world["batch"]
    assert c.get(reverse("comparison:batch-list")).status_code == 403
    assert c.get(reverse("comparison:batch-detail", args=[batch.pk])).status_code == 404
    assert c.get(reverse("comparison:batch-bad-rows", args=[batch.pk])).status_code == 404
    assert c.get("/api/v1/comparison/batches/").json()["count"] == 0


def test_run_statistics_are_limited_to_the_users_area(personas, client_for, world):
    c = client_for(personas.village_a1)
    stats = c.get(f"/api/v1/comparison/runs/{world['run'].pk}/stats/").json()
    assert stats["total"]["suspects"] == 1 and [t["name"] for t in stats["townships"]] == ["甲镇"]
    county = client_for(personas.county_admin).get(f"/api/v1/comparison/runs/{world['run'].pk}/stats/").json()
    assert county["total"]["suspects"] == 2
    page = (
        client_for(personas.county_admin)
        .get(reverse("comparison:run-detail", args=[world["run"].pk]))
        .content.decode()
    )
    assert "甲一村" in page and "乙一村" in page


def test_department_user_sees_own_uploads_but_no_suspects_and_no_register(personas, client_for, world):
    from jingzhun.core.testing import make_user

    other = make_user("other_dept", "department", personas.tree.county)
    c = client_for(personas.department)
    assert c.get(reverse("comparison:batch-detail", args=[world["batch"].pk])).status_code == 200
    assert c.get(reverse("comparison:suspect-list")).status_code == 403
    assert c.get("/api/v1/comparison/suspects/").json()["count"] == 0
    assert c.get(reverse("register:household-list")).status_code == 403
    assert c.get("/api/v1/register/households/").status_code in (403, 200)
    r = c.get("/api/v1/register/households/")
    assert r.status_code == 403 or r.json()["count"] == 0
    assert c.get(reverse("register:household-detail", args=[world["a1"].household_id])).status_code in (
        403,
        404,
    )
    c2 = client_for(other)
    assert c2.get(reverse("comparison:batch-detail", args=[world["batch"].pk])).status_code == 404
    assert c2.get("/api/v1/comparison/batches/").json()["count"] == 0


def test_county_admin_sees_all_batches_and_bad_rows(personas, client_for, world):
    c = client_for(personas.county_admin)
    page = c.get(reverse("comparison:batch-detail", args=[world["batch"].pk])).content.decode()
    assert "身份证号" in page and world["batch"].bad_rows == 1
    r = c.get(reverse("comparison:batch-bad-rows", args=[world["batch"].pk]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_no_role_user_is_refused_everywhere(personas, client_for, world):
    c = client_for(personas.no_role)
    for name in (
        "suspect-list",
        "run-list",
        "alert-list",
        "batch-list",
        "batch-upload",
        "relative-list",
        "type-list",
        "index",
    ):
        assert c.get(reverse(f"comparison:{name}")).status_code == 403, name
    for url in ("suspects", "batches", "runs", "relatives", "alerts"):
        assert c.get(f"/api/v1/comparison/{url}/").json()["count"] == 0, url
    assert c.get("/api/v1/comparison/types/").status_code == 403


def test_api_suspects_are_scoped_and_masked(personas, client_for, world):
    data = client_for(personas.village_a1).get("/api/v1/comparison/suspects/?status=open").json()
    assert [r["id"] for r in data["results"]] == [world["a1"].pk]
    head = world["heads"][world["a1"].household_id]
    assert head.id_number not in str(data)
    assert (
        client_for(personas.village_b1).get(f"/api/v1/comparison/suspects/{world['a1'].pk}/").status_code
        == 404
    )


def test_village_officer_verifies_and_decides_through_the_page(personas, client_for, world):
    import datetime

    c = client_for(personas.village_a1)
    url = reverse("comparison:suspect-detail", args=[world["a1"].pk])
    r = c.post(
        url,
        {
            "action": "visit",
            "visit-visited_on": datetime.date.today().isoformat(),
            "visit-visitors": "王村长",
            "visit-findings": "",
            "visit-confirmed": "on",
        },
    )
    assert r.status_code == 200 and "核实情况" in r.content.decode()
    r = c.post(
        url,
        {
            "action": "visit",
            "visit-visited_on": datetime.date.today().isoformat(),
            "visit-visitors": "王村长",
            "visit-findings": "确有轿车一辆",
            "visit-confirmed": "on",
        },
    )
    assert r.status_code == 302
    r = c.post(url, {"action": "decide", "decide-decision": "remove", "decide-reason": "家有轿车，价值超标"})
    assert r.status_code == 302
    s = Suspect.objects.get(pk=world["a1"].pk)
    assert s.decision == "remove" and s.procedure_id
    assert client_for(personas.village_b1).post(url, {"action": "visit"}).status_code == 404


def test_module_index_sends_each_persona_to_its_page(personas, client_for, world):
    assert (
        client_for(personas.department)
        .get(reverse("comparison:index"))["Location"]
        .endswith("/comparison/batches/")
    )
    assert (
        client_for(personas.village_a1)
        .get(reverse("comparison:index"))["Location"]
        .endswith("/comparison/suspects/")
    )
