"""Household list, 一户一档, 扶贫手册 and the audited reveals, for each persona."""

import datetime
import re

import pytest

from jingzhun.core.models import AuditEvent
from jingzhun.register.models import HouseholdVersion, Member
from jingzhun.register.services import income_save, member_update

from .factories import family
from .test_pages_common import code_lists, person, registered, unregistered  # noqa: F401

pytestmark = pytest.mark.django_db


class _Leaks:
    """``FULL_ID.search(html)``: is any member's full ID number in the page?"""

    def search(self, text: str) -> list[str]:
        return [n for n in Member.objects.values_list("id_number", flat=True) if n and n in text]


FULL_ID = _Leaks()


def listed(html: str) -> list[str]:
    return re.findall(r'<tr data-household="(\d+)">', html)


@pytest.fixture
def two_villages(personas):
    a1 = registered(personas)
    b1 = registered(
        personas,
        area=personas.tree.village_b1,
        members=[person("王五", 50, health="2")],
    )
    return a1, b1


def test_list_shows_household_columns_and_never_an_id_number(client_for, personas, two_villages):
    a1, b1 = two_villages
    html = client_for(personas.county_admin).get("/register/").content.decode()
    assert listed(html) == sorted([a1.household_no, b1.household_no])
    row = html[html.index(f'data-household="{a1.household_no}"') :]
    row = row[: row.index("</tr>")]
    for text in ("张三丰", "甲一村", ">4<", "未脱贫", "一般贫困户", "因病", "2014 / —"):
        assert text in row, text
    assert not FULL_ID.search(html)


def test_village_b1_officer_sees_nothing_of_village_a1(client_for, personas, two_villages):
    a1, b1 = two_villages
    client = client_for(personas.village_b1)
    assert listed(client.get("/register/").content.decode()) == [b1.household_no]
    assert listed(client.get("/register/", {"q": "zsf"}).content.decode()) == []
    assert listed(client.get("/register/", {"q": a1.household_no}).content.decode()) == []
    assert client.get(f"/register/{a1.pk}/").status_code == 404
    assert client.get(f"/register/{a1.pk}/handbook/").status_code == 404
    assert client.get(f"/register/{a1.pk}/edit/").status_code == 404
    assert client.get(f"/register/{a1.pk}/income/new/").status_code == 404
    head = a1.members.get(relation="01")
    assert client.post(f"/register/members/{head.pk}/reveal-id/").status_code == 404
    assert client.get(f"/register/members/{head.pk}/edit/").status_code == 404
    assert client.get("/register/autocomplete/", {"q": "张"}).json()["results"] == []
    # Filtering on the other township's village does not reveal anything either.
    response = client.get("/register/", {"area": personas.tree.village_a1.code})
    assert listed(response.content.decode()) == [] and "不在您的范围内" in response.content.decode()


def test_township_officer_sees_own_township_only(client_for, personas, two_villages):
    a1, _b1 = two_villages
    a2 = unregistered(
        personas, area=personas.tree.village_a2, actor=personas.township_a, members=[person("赵六")]
    )
    html = client_for(personas.township_a).get("/register/").content.decode()
    assert listed(html) == sorted([a1.household_no, a2.household_no])


def test_no_role_user_is_refused(client_for, personas, two_villages):
    client = client_for(personas.no_role)
    assert client.get("/register/").status_code == 403
    assert client.get(f"/register/{two_villages[0].pk}/").status_code == 404
    assert client.get("/register/autocomplete/", {"q": "张"}).json()["results"] == []


def test_list_filters_and_search_box(client_for, personas, two_villages):
    a1, b1 = two_villages
    other = unregistered(personas, members=[person("李四", 33)])
    client = client_for(personas.county_admin)

    def ids(**params):
        return listed(client.get("/register/", params).content.decode())

    assert ids(poverty_status="not_poor") == [other.household_no]
    assert ids(area=personas.tree.township_a.code) == sorted([a1.household_no, other.household_no])
    assert ids(area="乙乡") == [b1.household_no]
    assert ids(main_cause="1", area=personas.tree.village_a1.code) == [a1.household_no]
    assert ids(year_identified_from=2015) == []
    assert ids(year_identified_from=2014, year_identified_to=2014) == sorted(
        [a1.household_no, b1.household_no]
    )
    assert ids(q="zsf") == [a1.household_no]
    assert ids(q="李四") == [other.household_no]
    head_id = a1.members.get(relation="01").id_number
    assert ids(q=head_id[-6:]) == [a1.household_no]
    response = client.get("/register/", {"year_identified_from": 2016, "year_identified_to": 2015})
    assert "不能早于" in response.content.decode()


def test_autocomplete_returns_scoped_households_as_json(client_for, personas, two_villages):
    a1, _b1 = two_villages
    results = client_for(personas.village_a1).get("/register/autocomplete/", {"q": "zsf"}).json()["results"]
    assert [r["household_no"] for r in results] == [a1.household_no]
    assert results[0]["head_name"] == "张三丰" and "甲一村" in results[0]["label"]
    assert (
        client_for(personas.village_a1).get("/register/autocomplete/", {"q": "王五"}).json()["results"] == []
    )


def test_detail_shows_masked_ids_causes_and_members(client_for, personas, two_villages):
    a1, _b1 = two_villages
    html = client_for(personas.village_a1).get(f"/register/{a1.pk}/").content.decode()
    head = a1.members.get(relation="01")
    assert head.id_number[:3] + "*" * 11 + head.id_number[-4:] in html
    assert not FULL_ID.search(html)
    assert 'data-testid="reveal-id"' not in html  # a village officer may not reveal
    assert 'data-testid="main-cause">因病<' in html
    for name in ("张三丰", "李梅", "张小军", "张小丽"):
        assert f'data-member="{name}"' in html
    # The 变更记录 panel is there; a village officer (no audit capability) sees no events in it.
    assert 'id="audit-panel"' in html and "household.create" not in html
    township = client_for(personas.township_a).get(f"/register/{a1.pk}/").content.decode()
    panel = township[township.index('id="audit-panel"') :]
    assert "household.create" in panel


def test_township_officer_reveals_id_and_the_view_is_audited(client_for, personas, two_villages):
    a1, _b1 = two_villages
    head = a1.members.get(relation="01")
    client = client_for(personas.township_a)
    html = client.get(f"/register/{a1.pk}/").content.decode()
    assert 'data-testid="reveal-id"' in html and not FULL_ID.search(html)
    response = client.post(f"/register/members/{head.pk}/reveal-id/")
    assert response.status_code == 200 and head.id_number in response.content.decode()
    event = AuditEvent.objects.get(action="sensitive.view")
    assert event.actor == personas.township_a and event.target_id == str(head.pk)
    assert event.after == {"field": "id_number"} and event.area_path == personas.tree.village_a1.path


def test_reveal_refused_without_capability_and_not_audited(client_for, personas, two_villages):
    a1, _b1 = two_villages
    head = a1.members.get(relation="01")
    client = client_for(personas.village_a1)
    assert client.post(f"/register/members/{head.pk}/reveal-id/").status_code == 403
    assert client.post(f"/register/members/{head.pk}/reveal-health/").status_code == 403
    assert client.post(f"/register/{a1.pk}/reveal-account/").status_code == 403
    assert client.get(f"/register/members/{head.pk}/reveal-id/").status_code == 405
    assert not AuditEvent.objects.filter(action="sensitive.view").exists()


def test_health_details_are_hidden_until_revealed(client_for, personas):
    members = family()
    members[2].update(
        health="4", disability_type="4", disability_grade=2, disability_cert_no="51340119990101123442"
    )
    h = registered(personas, members=members, other_causes=["2"])
    client = client_for(personas.township_a)
    html = client.get(f"/register/{h.pk}/").content.decode()
    assert "肢体残疾" not in html and "51340119990101123442" not in html and "长期慢性病" not in html
    son = h.members.get(name="张小军")
    revealed = client.post(f"/register/members/{son.pk}/reveal-health/").content.decode()
    assert "残疾" in revealed and "肢体残疾 2 级" in revealed and "51340119990101123442" in revealed
    assert AuditEvent.objects.filter(action="sensitive.view", after={"field": "health"}).count() == 1


def test_bank_account_is_masked_and_revealed_with_audit(client_for, personas):
    h = registered(personas, bank_name="农商银行", bank_account="6228480012345678")
    client = client_for(personas.township_a)
    html = client.get(f"/register/{h.pk}/").content.decode()
    assert "6228480012345678" not in html and "************5678" in html
    assert "6228480012345678" in client.post(f"/register/{h.pk}/reveal-account/").content.decode()
    assert AuditEvent.objects.filter(action="sensitive.view", after={"field": "bank_account"}).exists()


def test_income_by_year_with_per_capita_and_transfer_breakdown(client_for, personas):
    h = registered(personas)
    income_save(
        actor=personas.county_admin,
        household=h,
        year=2023,
        wages=12000,
        business=3000,
        transfer_lines=[{"program": "dibao", "amount": 2400}, {"program": "eco", "amount": 600}],
        business_costs=1000,
    )
    html = client_for(personas.village_a1).get(f"/register/{h.pk}/").content.decode()
    row = html[html.index('data-year="2023"') :]
    row = row[: row.index("</tr>")]
    assert "17000.00" in row and "4250.00" in row  # net 12000+3000+3000−1000, ÷ 4 persons
    assert "低保金 2400.00" in row and "生态补偿金 600.00" in row and "占纯收入 17.6%" in row


def test_as_of_year_shows_the_older_composition(client_for, personas):
    h = unregistered(personas)
    first = HouseholdVersion.objects.get(household=h)
    HouseholdVersion.objects.filter(pk=first.pk).update(
        valid_from=datetime.datetime(2022, 3, 1, tzinfo=datetime.UTC)
    )
    son = h.members.get(name="张小军")
    member_update(actor=personas.village_a1, member=son, changes={"name": "张晓军"})
    # A version of 2023 without the daughter (as if she joined later).
    data = dict(first.data)
    data["members"] = [m for m in data["members"] if m["name"] != "张小丽"]
    HouseholdVersion.objects.create(
        household=h, valid_from=datetime.datetime(2023, 5, 1, tzinfo=datetime.UTC), data=data, action="test"
    )
    client = client_for(personas.village_a1)
    now = client.get(f"/register/{h.pk}/").content.decode()
    assert 'data-member="张晓军"' in now and 'data-member="张小丽"' in now
    assert 'data-testid="as-of-banner"' not in now
    old = client.get(f"/register/{h.pk}/", {"as_of": 2022}).content.decode()
    assert "以下为 2022 年末的档案" in old
    assert 'data-member="张小军"' in old and 'data-member="张晓军"' not in old
    y2023 = client.get(f"/register/{h.pk}/", {"as_of": 2023}).content.decode()
    assert "以下为 2023 年末的档案" in y2023 and 'data-member="张小丽"' not in y2023
    assert not FULL_ID.search(old)
    before = client.get(f"/register/{h.pk}/", {"as_of": 2021}).content.decode()
    assert "2021 年末该户尚未建档" in before


def test_handbook_page_renders_for_print_with_masked_ids(client_for, personas):
    h = registered(personas)
    income_save(actor=personas.county_admin, household=h, year=2024, wages=20000)
    response = client_for(personas.village_a1).get(f"/register/{h.pk}/handbook/")
    html = response.content.decode()
    assert response.status_code == 200 and "扶贫手册" in html and 'data-testid="handbook"' in html
    assert 'css/print.css" media="print"' in html and "size: A4" in open_print_css()
    assert "page-break" in html and 'data-testid="print"' in html
    for text in ("张三丰", "李梅", "因病", "5000.00", "户主签字", "帮扶责任人签字"):
        assert text in html, text
    assert not FULL_ID.search(html)
    assert h.members.get(relation="01").id_number[-4:] in html


def open_print_css() -> str:
    from pathlib import Path

    return (Path(__file__).resolve().parents[2] / "static" / "css" / "print.css").read_text()


def test_change_request_list_and_buttons_on_registered_household(client_for, personas):
    h = registered(personas)
    html = client_for(personas.village_a1).get(f"/register/{h.pk}/").content.decode()
    assert 'id="changes"' in html
    if 'data-testid="change-links"' in html:  # once the change-request pages exist
        assert f"/register/changes/new/{h.pk}/add_member/" in html
    assert 'data-testid="household-edit"' not in html and 'data-testid="change-notice"' in html


def test_member_who_left_is_shown_as_such_and_left_out_of_the_handbook(client_for, personas):
    h = unregistered(personas)
    Member.objects.filter(household=h, name="张小丽").update(
        status="moved_out", left_on=datetime.date(2020, 1, 1)
    )
    client = client_for(personas.village_a1)
    html = client.get(f"/register/{h.pk}/").content.decode()
    row = html[html.index('data-member="张小丽"') :]
    row = row[: row.index("</tr>")]
    assert "迁出" in row and "2020-01-01" in row and "修改" not in row
    handbook = client.get(f"/register/{h.pk}/handbook/").content.decode()
    members = handbook[handbook.index('data-testid="handbook-members"') :]
    assert "张小丽" not in members[: members.index("</table>")]
