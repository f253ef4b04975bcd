"""Persona scoping of every assistance list, page, count and API: village B1 sees nothing of village A1,
the department user enters deliveries but cannot browse the register, the no-role user is refused."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jingzhun.assistance import services
from jingzhun.assistance.services_delivery import delivery_record

from .builders import cadre, head, measure, pair, registered, today

pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def world(personas):
    """In each of A1 and B1: a registered household, its cadre, a visit with a photo, a plan, a delivery."""
    out = {}
    for key, area, name in (
        ("a1", personas.tree.village_a1, "甲干部"),
        ("b1", personas.tree.village_b1, "乙干部"),
    ):
        h = registered(personas, area=area)
        c = cadre(personas, name=name)
        p = pair(personas, c, h)
        v = services.visit_record(
            actor=personas.county_admin,
            household=h,
            cadre=c,
            visited_on=today(),
            content=f"{name}走访",
            photos=[SimpleUploadedFile("p.jpg", JPEG, content_type="image/jpeg")],
        )
        plan = services.plan_save(
            actor=personas.county_admin,
            household=h,
            year=today().year,
            items=[{"measure": measure("family_doctor"), "cause": "1"}],
        )
        d = delivery_record(
            actor=personas.county_admin if key == "b1" else personas.department,
            id_number=head(h).id_number,
            measure=measure("medical_aid"),
            delivered_on=today() - datetime.timedelta(days=1),
            amount="500",
        )
        team = services.team_save(
            actor=personas.county_admin,
            area=area,
            name=f"{name}队",
            sending_unit="县教育局",
            started_on=today(),
        )
        out[key] = {
            "h": h,
            "c": c,
            "p": p,
            "v": v,
            "plan": plan,
            "d": d,
            "photo": v.photos.get(),
            "team": team,
        }
    return out


def a1_urls(w):
    a = w["a1"]
    return [
        f"/assistance/households/{a['h'].pk}/",
        f"/assistance/households/{a['h'].pk}/ledger/{a['d'].year}/",
        f"/assistance/households/{a['h'].pk}/card/",
        f"/assistance/visits/{a['v'].pk}/",
        f"/assistance/photos/{a['photo'].pk}/",
        f"/assistance/cadres/{a['c'].pk}/",
        f"/assistance/teams/{a['team'].pk}/",
        "/assistance/area/513498100201/",
    ]


def test_county_admin_sees_every_page(personas, world, client_for):
    client = client_for(personas.county_admin)
    for url in [
        *a1_urls(world),
        "/assistance/",
        "/assistance/cadres/",
        "/assistance/visits/",
        "/assistance/teams/",
        "/assistance/deliveries/",
        "/assistance/settings/",
        *[f"/assistance/gaps/{k}/" for k in ("cause", "unpaired", "overloaded", "overdue", "behind")],
    ]:
        assert client.get(url).status_code == 200, url
    photo = client.get(f"/assistance/photos/{world['a1']['photo'].pk}/")
    assert photo["Content-Type"] == "image/jpeg" and b"".join(photo.streaming_content) == JPEG


def test_village_b1_gets_404_for_a1_records(personas, world, client_for):
    client = client_for(personas.village_b1)
    for url in a1_urls(world):
        assert client.get(url).status_code == 404, url


def test_village_b1_lists_and_counts_hold_nothing_of_a1(personas, world, client_for):
    client = client_for(personas.village_b1)
    a1, b1 = world["a1"], world["b1"]
    checks = {
        "/assistance/cadres/": ("甲干部", "乙干部"),
        "/assistance/visits/": ("甲干部走访", "乙干部走访"),
        "/assistance/teams/": ("甲干部队", "乙干部队"),
        "/assistance/deliveries/": (f"/assistance/households/{a1['h'].pk}/", None),
        "/assistance/gaps/overdue/": (a1["h"].household_no, None),
    }
    for url, (hidden, shown) in checks.items():
        body = client.get(url).content.decode()
        assert hidden not in body, url
        if shown:
            assert shown in body, url
    body = client.get("/assistance/").content.decode()
    assert 'data-testid="count-targets">1<' in body
    deliveries = client.get("/assistance/deliveries/").content.decode()
    assert 'data-testid="delivery-count">共 1 条' in deliveries
    del b1


def test_village_b1_api_lists_hold_nothing_of_a1(personas, world, client_for):
    client = client_for(personas.village_b1)
    a1, b1 = world["a1"], world["b1"]
    expect = {
        "cadres": (a1["c"].pk, b1["c"].pk),
        "pairings": (a1["p"].pk, b1["p"].pk),
        "visits": (a1["v"].pk, b1["v"].pk),
        "plans": (a1["plan"].pk, b1["plan"].pk),
        "deliveries": (a1["d"].pk, b1["d"].pk),
    }
    for name, (hidden, shown) in expect.items():
        data = client.get(f"/api/v1/assistance/{name}/").json()
        ids = [r["id"] for r in data["results"]]
        assert ids == [shown], name
        assert client.get(f"/api/v1/assistance/{name}/{hidden}/").status_code == 404, name


def test_api_masks_id_numbers(personas, world, client_for):
    data = client_for(personas.county_admin).get("/api/v1/assistance/deliveries/").json()
    full = head(world["a1"]["h"]).id_number
    assert all("*" in r["id_number"] for r in data["results"])
    assert full not in str(data)


def test_village_b1_cannot_write_to_a1_through_the_api(personas, world, client_for):
    client = client_for(personas.village_b1)
    a1 = world["a1"]
    r = client.post(
        "/api/v1/assistance/visits/",
        {"household": a1["h"].pk, "cadre": a1["c"].pk, "visited_on": str(today()), "content": "x"},
    )
    assert r.status_code == 400 and "household" in r.json()
    r = client.post(
        f"/api/v1/assistance/pairings/{a1['p'].pk}/end/",
        {"ended_on": str(today()), "reason": "x"},
        content_type="application/json",
    )
    assert r.status_code == 404


def test_department_user_cannot_browse_register_or_assistance_households(personas, world, client_for):
    client = client_for(personas.department)
    assert client.get("/register/").status_code == 403
    assert client.get(f"/register/{world['a1']['h'].pk}/").status_code in (403, 404)
    api = client.get("/api/v1/register/households/")
    assert api.status_code == 403 or api.json()["count"] == 0
    assert client.get(f"/assistance/households/{world['a1']['h'].pk}/").status_code == 403
    assert client.get("/assistance/gaps/cause/").status_code == 403
    assert client.get("/api/v1/assistance/cadres/").json()["count"] == 0
    assert client.get("/assistance/").status_code == 302


def test_department_sees_only_the_deliveries_it_entered(personas, world, client_for):
    client = client_for(personas.department)
    ids = [r["id"] for r in client.get("/api/v1/assistance/deliveries/").json()["results"]]
    assert ids == [world["a1"]["d"].pk]
    body = client.get("/assistance/deliveries/").content.decode()
    assert 'data-testid="delivery-count">共 1 条' in body
    assert f"/assistance/households/{world['a1']['h'].pk}/" not in body  # no link into the register side


def test_department_enters_a_delivery_through_the_api_by_id_number(personas, world, client_for):
    client = client_for(personas.department)
    number = head(world["b1"]["h"]).id_number
    r = client.post(
        "/api/v1/assistance/deliveries/",
        {"id_number": number, "measure": "yulu", "delivered_on": str(today()), "amount": "1500"},
    )
    assert r.status_code == 201 and r.json()["income_line"] is True
    r = client.post(
        "/api/v1/assistance/deliveries/",
        {"id_number": number, "measure": "yulu", "delivered_on": str(today()), "amount": "1500"},
    )
    assert r.status_code == 400 and "已录入过" in r.json()["delivered_on"][0]


def test_no_role_user_is_refused(personas, world, client_for):
    client = client_for(personas.no_role)
    for url in ("/assistance/", "/assistance/cadres/", "/assistance/deliveries/", "/assistance/gaps/cause/"):
        assert client.get(url).status_code == 403, url
    for name in ("cadres", "pairings", "visits", "plans", "deliveries"):
        assert client.get(f"/api/v1/assistance/{name}/").json()["count"] == 0, name


def test_cadre_persona_sees_its_village_and_records_only_its_visits(personas, world, client_for):
    own = cadre(personas, name="本人", user=personas.cadre)
    h = world["a1"]["h"]
    client = client_for(personas.cadre)
    page = client.get(f"/assistance/households/{h.pk}/visit/")
    assert page.status_code == 200
    options = page.content.decode()
    assert "本人" in options and "甲干部" not in options
    r = client.post(
        "/api/v1/assistance/visits/",
        {"household": h.pk, "cadre": world["a1"]["c"].pk, "visited_on": str(today()), "content": "代记"},
    )
    assert r.status_code == 403
    del own
