"""A township officer cannot read another township's areas or users through pages, API, counts or
autocomplete; the in-area user can. (Issue 2's 'done means'.)"""

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def township_a_client(client_for, personas):
    return client_for(personas.township_a)


def test_area_page_in_scope_and_out_of_scope(township_a_client, personas):
    t = personas.tree
    assert township_a_client.get(f"/areas/{t.village_a1.code}/").status_code == 200
    assert township_a_client.get(f"/areas/{t.village_b1.code}/").status_code == 404
    assert township_a_client.get(f"/areas/{t.township_b.code}/children/").status_code == 404
    assert township_a_client.get(f"/areas/{t.county.code}/").status_code == 404


def test_tree_page_lists_only_own_township(township_a_client, personas):
    html = township_a_client.get("/areas/").content.decode()
    assert "甲镇" in html and "乙乡" not in html
    children = township_a_client.get(f"/areas/{personas.tree.township_a.code}/children/").content.decode()
    assert "甲一村" in children and "乙一村" not in children


def test_home_counts_only_own_subtree(township_a_client):
    html = township_a_client.get("/").content.decode()
    assert 'data-testid="stat-areas">4<' in html


def test_autocomplete_does_not_leak(township_a_client):
    assert township_a_client.get("/areas/autocomplete/", {"q": "乙"}).json()["results"] == []
    names = [r["name"] for r in township_a_client.get("/areas/autocomplete/", {"q": "村"}).json()["results"]]
    assert sorted(names) == ["甲一村", "甲二村"]


def test_api_areas_are_scoped(township_a_client, personas):
    data = township_a_client.get("/api/v1/areas/").json()
    codes = {r["code"] for r in data["results"]}
    assert data["count"] == 4
    assert personas.tree.village_b1.code not in codes
    assert township_a_client.get(f"/api/v1/areas/{personas.tree.village_b1.code}/").status_code == 404
    assert township_a_client.get("/api/v1/areas/", {"q": "乙"}).json()["count"] == 0
    assert township_a_client.get(f"/api/v1/areas/{personas.tree.township_b.code}/stats/").status_code == 404


def test_user_pages_and_api_are_scoped(township_a_client, personas):
    html = township_a_client.get("/accounts/users/").content.decode()
    listed = set(re.findall(r'/accounts/users/\d+/">(\w+)</a>', html))
    assert listed == {"township_a", "village_a1", "cadre"}
    assert township_a_client.get(f"/accounts/users/{personas.village_b1.pk}/").status_code == 404
    assert township_a_client.get(f"/accounts/users/{personas.village_a1.pk}/").status_code == 200
    api = township_a_client.get("/api/v1/users/").json()
    assert {u["username"] for u in api["results"]} == {"township_a", "village_a1", "cadre"}
    assert township_a_client.get(f"/api/v1/users/{personas.village_b1.pk}/").status_code == 404
    auto = township_a_client.get("/accounts/users/autocomplete/", {"q": "village"}).json()["results"]
    assert [u["username"] for u in auto] == ["village_a1"]


def test_no_role_user_is_refused(client_for, personas):
    client = client_for(personas.no_role)
    assert client.get("/areas/").status_code == 403
    assert client.get(f"/areas/{personas.tree.village_a1.code}/").status_code == 404
    assert client.get("/api/v1/areas/").json()["count"] == 0
    assert client.get("/accounts/users/").status_code == 403
    assert client.get("/areas/autocomplete/", {"q": "村"}).json()["results"] == []


def test_village_b1_officer_sees_only_its_village(client_for, personas):
    client = client_for(personas.village_b1)
    codes = {r["code"] for r in client.get("/api/v1/areas/").json()["results"]}
    assert codes == {personas.tree.village_b1.code}
