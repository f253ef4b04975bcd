"""API: create, draw, sample (list, replace), surveys (submit), close — all scoped."""

import datetime

import pytest

from jingzhun.evaluation.models import SampledHousehold, Survey

from .conftest import YEAR

pytestmark = pytest.mark.django_db
BASE = "/api/v1/evaluation"


def _answers(sample, **extra):
    return {"sample": sample, "surveyed_on": datetime.date.today().isoformat(), "surveyor": "李评估", "persons": 4,
            "income_stable": True, "needs_met": True, "meets_criteria": False, "fair_identification": True,
            "measures": True, "exit_recognised": True, "cadres": True, "approves": True, **extra}  # fmt: skip


def test_county_admin_runs_an_evaluation_through_the_api(personas, client_for, county_two_villages):
    client = client_for(personas.county_admin)
    r = client.post(f"{BASE}/evaluations/", {"county": county_two_villages.county.code, "year": YEAR, "kind": "self",
                    "households_per_village": 4, "registered_share": "50"}, content_type="application/json")  # fmt: skip
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["status"] == "draft" and r.json()["households_per_village"] == 4
    r = client.post(f"{BASE}/evaluations/{pk}/draw/", {"seed": 42}, content_type="application/json")
    assert r.status_code == 200 and r.json()["seed"] == 42 and r.json()["status"] == "sampling"
    rows = client.get(f"{BASE}/households/?evaluation={pk}").json()["results"]
    assert len(rows) == 8 and all("*" in row["head_id_number"] for row in rows)
    first = rows[0]["id"]
    r = client.post(f"{BASE}/households/{first}/replace/", {"reason": ""}, content_type="application/json")
    assert r.status_code == 400 and "reason" in r.json()
    for row in rows:
        r = client.post(f"{BASE}/surveys/", _answers(row["id"]), content_type="application/json")
        assert r.status_code == 201, r.content
    r = client.post(f"{BASE}/evaluations/{pk}/close/", content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert r.json()["results"]["rates"]["approval"]["rate"] == 100


def test_api_is_scoped_and_refuses_non_managers(personas, client_for, small_design):
    t = personas.tree
    client = client_for(personas.township_a)
    rows = client.get(f"{BASE}/households/?evaluation={small_design.pk}").json()["results"]
    assert rows and all(row["area_path"].startswith(t.township_a.path) for row in rows)
    villages = client.get(f"{BASE}/villages/").json()["results"]
    assert [v["village"] for v in villages] == [t.village_a1.pk]
    r = client.post(
        f"{BASE}/villages/{villages[0]['id']}/replace/", {"reason": "x"}, content_type="application/json"
    )
    assert r.status_code == 403
    r = client.post(f"{BASE}/evaluations/{small_design.pk}/close/", content_type="application/json")
    assert r.status_code == 403
    other = SampledHousehold.objects.filter(evaluation=small_design, area_path__startswith=t.township_b.path)[
        0
    ]
    r = client.post(f"{BASE}/surveys/", _answers(other.pk), content_type="application/json")
    assert r.status_code == 404 and not Survey.objects.exists()
    vclient = client_for(personas.village_a1)
    assert vclient.get(f"{BASE}/evaluations/").json()["results"] == []
    r = vclient.post(f"{BASE}/evaluations/", {"county": t.county.code, "year": YEAR, "kind": "pre"},
                     content_type="application/json")  # fmt: skip
    assert r.status_code == 403


def test_bad_survey_through_the_api_names_the_field(personas, client_for, small_design):
    sh = SampledHousehold.objects.filter(evaluation=small_design, group="outside")[0]
    client = client_for(personas.county_admin)
    r = client.post(f"{BASE}/surveys/", _answers(sh.pk, meets_criteria=None), content_type="application/json")
    assert r.status_code == 400 and r.json() == {"meets_criteria": ["请选择“是”或“否”。"]}
    r = client.post(f"{BASE}/surveys/", _answers(sh.pk, persons=-1), content_type="application/json")
    assert r.status_code == 400 and "persons" in r.json()
    assert not Survey.objects.exists()
