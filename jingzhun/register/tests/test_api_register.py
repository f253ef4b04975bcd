"""Register API: scoped lists/details/counts, masked IDs, audited reveal, writes through services with
Chinese field-map errors."""

from decimal import Decimal

import pytest

from jingzhun.core.models import AuditEvent
from jingzhun.register.models import Household, HouseholdIncome, Member

from .factories import family
from .test_pages_common import code_lists, person, registered, unregistered  # noqa: F401

pytestmark = pytest.mark.django_db


def leaked(text: str) -> list[str]:
    """Full ID numbers of any member that appear in ``text``."""
    return [n for n in Member.objects.values_list("id_number", flat=True) if n and n in text]


H = "/api/v1/register/households/"
M = "/api/v1/register/members/"
INCOME = "/api/v1/register/incomes/"


@pytest.fixture
def pair(personas):
    return registered(personas), registered(
        personas, area=personas.tree.village_b1, members=[person("王五", 50)]
    )


def test_lists_details_and_counts_are_scoped(client_for, personas, pair):
    a1, b1 = pair
    client = client_for(personas.village_b1)
    data = client.get(H).json()
    assert data["count"] == 1 and [r["household_no"] for r in data["results"]] == [b1.household_no]
    assert client.get(f"{H}{a1.pk}/").status_code == 404
    assert client.get(H, {"q": "zsf"}).json()["count"] == 0
    assert client.get(M).json()["count"] == 1
    head = a1.members.get(relation="01")
    assert client.get(f"{M}{head.pk}/").status_code == 404
    assert client.get(M, {"household": a1.pk}).json()["count"] == 0
    assert client.get(INCOME, {"household": a1.pk}).json()["count"] == 0
    assert client.post(f"{M}{head.pk}/reveal/", {"field": "id_number"}).status_code == 404
    admin = client_for(personas.county_admin)
    assert admin.get(H).json()["count"] == 2 and admin.get(M).json()["count"] == 5


def test_no_role_user_is_refused(client_for, personas, pair):
    client = client_for(personas.no_role)
    assert client.get(H).status_code == 403
    assert client.get(M).status_code == 403


def test_list_filters_and_search_like_the_page(client_for, personas, pair):
    a1, b1 = pair
    client = client_for(personas.county_admin)
    row = client.get(H, {"q": "zsf"}).json()["results"]
    assert [r["household_no"] for r in row] == [a1.household_no]
    assert row[0]["village"] == "甲一村" and row[0]["main_cause_name"] == "因病"
    assert row[0]["poverty_status_display"] == "未脱贫" and row[0]["size"] == 4
    assert client.get(H, {"area": personas.tree.township_b.code}).json()["count"] == 1
    bad = client.get(H, {"year_identified_from": "abc"})
    assert bad.status_code == 400 and "year_identified_from" in bad.json()


def test_ids_are_masked_everywhere_by_default(client_for, personas, pair):
    a1, _b1 = pair
    client = client_for(personas.township_a)  # even a user who may reveal gets masked values
    for url in (H, f"{H}{a1.pk}/", M, f"{M}{a1.members.first().pk}/"):
        text = client.get(url).content.decode()
        assert leaked(text) == [], url
    detail = client.get(f"{H}{a1.pk}/").json()
    head = next(m for m in detail["members"] if m["relation"] == "01")
    number = a1.members.get(relation="01").id_number
    assert head["id_number"] == number[:3] + "*" * 11 + number[-4:]
    assert head["health"] == "***" and "birth_date" not in head and head["age"] == 45
    assert len(detail["members"]) == 4 and detail["incomes"] == []


def test_reveal_is_audited_and_needs_the_capability(client_for, personas, pair):
    a1, _b1 = pair
    head = a1.members.get(relation="01")
    village = client_for(personas.village_a1)
    assert village.post(f"{M}{head.pk}/reveal/", {"field": "id_number"}).status_code == 403
    assert not AuditEvent.objects.filter(action="sensitive.view").exists()
    township = client_for(personas.township_a)
    response = township.post(f"{M}{head.pk}/reveal/", {"field": "id_number"})
    assert response.status_code == 200 and response.json() == {"field": "id_number", "value": head.id_number}
    health = township.post(f"{M}{head.pk}/reveal/", {"field": "health"}).json()
    assert health["value"] == "长期慢性病"
    assert AuditEvent.objects.filter(action="sensitive.view", actor=personas.township_a).count() == 2
    bad = township.post(f"{M}{head.pk}/reveal/", {"field": "bank_account"})
    assert bad.status_code == 400 and "field" in bad.json()


def create_body(personas, members=None, **extra):
    return {
        "area": personas.tree.village_a1.code,
        "address": "三组 1 号",
        "members": members if members is not None else [_jsonable(m) for m in family()],
        **extra,
    }


def _jsonable(m: dict) -> dict:
    return {k: v for k, v in m.items() if not hasattr(v, "isoformat")}


def test_create_household_through_the_api(client_for, personas):
    response = client_for(personas.village_a1).post(H, create_body(personas), content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["household_no"].startswith(personas.tree.village_a1.code) and body["size"] == 4
    assert body["poverty_status"] == "not_poor" and leaked(response.content.decode()) == []
    assert AuditEvent.objects.filter(action="household.create").count() == 1


def test_validation_errors_are_chinese_field_maps_and_nothing_is_written(client_for, personas):
    client = client_for(personas.village_a1)
    members = [_jsonable(m) for m in family()]
    members[2]["id_number"] = members[2]["id_number"][:-1] + (
        "0" if members[2]["id_number"][-1] != "0" else "1"
    )
    members[1]["relation"] = "01"
    response = client.post(H, create_body(personas, members), content_type="application/json")
    assert response.status_code == 400
    errors = response.json()
    assert "校验位" in errors["members[2].id_number"][0]
    assert "只有 1 名户主" in errors["members"][0]
    assert Household.objects.count() == 0 and Member.objects.count() == 0
    missing = client.post(H, {"members": []}, content_type="application/json").json()
    assert missing["area"] == ["该字段是必填项。"]
    outside = client.post(
        H, create_body(personas, area=personas.tree.village_b1.code), content_type="application/json"
    )
    assert outside.status_code == 400 and "不在您的范围内" in outside.json()["area"][0]


def test_warnings_need_override_reason_in_the_api_too(client_for, personas):
    client = client_for(personas.village_a1)
    body = create_body(personas, main_cause="1")
    first = client.post(H, body, content_type="application/json")
    assert first.status_code == 400 and "请填写说明" in first.json()["main_cause"][0]
    body["override_reason"] = "户主慢性病证明待补"
    assert client.post(H, body, content_type="application/json").status_code == 201


def test_partial_update_refused_for_village_on_registered_household(client_for, personas, pair):
    a1, _b1 = pair
    response = client_for(personas.village_a1).patch(
        f"{H}{a1.pk}/", {"address": "改"}, content_type="application/json"
    )
    assert response.status_code == 403 and "信息更正" in response.json()["detail"][0]
    ok = client_for(personas.township_a).patch(
        f"{H}{a1.pk}/", {"address": "改", "reason": "核实"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["address"] == "改"
    assert (
        client_for(personas.township_a).put(f"{H}{a1.pk}/", {}, content_type="application/json").status_code
        == 405
    )


def test_partial_update_errors_name_the_field(client_for, personas):
    h = unregistered(personas)
    response = client_for(personas.village_a1).patch(
        f"{H}{h.pk}/", {"other_causes": ["1", "2", "3"], "house_year": 1800}, content_type="application/json"
    )
    assert response.status_code == 400
    assert (
        "最多填写 2 项" in response.json()["other_causes"][0]
        and "建房年份" in response.json()["house_year"][0]
    )


def test_income_create_computes_per_capita(client_for, personas, pair):
    a1, _b1 = pair
    wife = a1.members.get(name="李梅")
    body = {
        "household": a1.pk,
        "year": 2024,
        "wages": "8000",
        "business": "1200.50",
        "transfer_lines": [{"program": "dibao", "amount": "3000", "member": wife.pk}],
        "business_costs": "200.50",
    }
    response = client_for(personas.village_a1).post(INCOME, body, content_type="application/json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (
        data["per_capita"] == "3000.00"
        and data["net_income"] == "12000.00"
        and data["transfers"] == "3000.00"
    )
    assert (
        data["transfer_lines"][0]["program_name"] == "低保金"
        and data["transfer_lines"][0]["member"] == wife.pk
    )
    listed = client_for(personas.village_a1).get(INCOME, {"household": a1.pk, "year": 2024}).json()
    assert listed["count"] == 1


def test_income_errors_are_field_maps(client_for, personas, pair):
    a1, b1 = pair
    client = client_for(personas.village_a1)
    negative = client.post(
        INCOME, {"household": a1.pk, "year": 2024, "wages": "-1"}, content_type="application/json"
    )
    assert negative.status_code == 400 and "wages" in negative.json()
    assert "0" in negative.json()["wages"][0]
    outside = client.post(INCOME, {"household": b1.pk, "year": 2024}, content_type="application/json")
    assert outside.status_code == 400 and "不在您的范围内" in outside.json()["household"][0]
    stranger = b1.members.get()
    foreign = client.post(
        INCOME,
        {
            "household": a1.pk,
            "year": 2024,
            "transfer_lines": [{"program": "dibao", "amount": "1", "member": stranger.pk}],
        },
        content_type="application/json",
    )
    assert foreign.status_code == 400 and "不是该户成员" in foreign.json()["transfer_lines"][0]
    mismatch = client.post(
        INCOME,
        {
            "household": a1.pk,
            "year": 2024,
            "transfers": "5",
            "transfer_lines": [{"program": "eco", "amount": "1"}],
        },
        content_type="application/json",
    )
    assert mismatch.status_code == 400 and "不一致" in mismatch.json()["transfers"][0]
    assert HouseholdIncome.objects.count() == 0
    assert Decimal(0) == sum((i.per_capita for i in HouseholdIncome.objects.all()), Decimal(0))


def test_schema_documents_the_register_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/register/households/",
        "/api/v1/register/members/{id}/reveal/",
        "/api/v1/register/incomes/",
    ):
        assert path in schema
