"""household_search: every filter and search mode, scoped, one row per household."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jingzhun.register import selectors
from jingzhun.register.choices import PovertyStatus
from jingzhun.register.models import Household, HouseholdVersion, Member
from jingzhun.register.services import household_create

from .factories import household
from .test_pages_common import code_lists, id_ending_in_x, person, registered, unregistered  # noqa: F401

pytestmark = pytest.mark.django_db


def nos(user, **params):
    return list(selectors.household_search(user, params).values_list("household_no", flat=True))


@pytest.fixture
def data(personas):
    t = personas.tree
    zhang = registered(personas)  # 张三丰 (head), 李梅, 张小军, 张小丽 in A1
    exited = registered(
        personas,
        area=t.group_a1_1,
        members=[person("刘备", 60, health="2")],
        status=PovertyStatus.EXITED,
        year=2016,
        attribute="2",
    )
    plain = unregistered(personas, area=t.village_a2, actor=personas.township_a, members=[person("赵云", 30)])
    other = registered(personas, area=t.village_b1, members=[person("张三", 50, health="3")], year=2015)
    Household.objects.filter(pk=plain.pk).update(is_monitored=True)
    return {"zhang": zhang, "exited": exited, "plain": plain, "other": other}


def test_pinyin_initials_find_the_person(personas, data):
    admin = personas.county_admin
    assert nos(admin, q="zsf") == [data["zhang"].household_no]
    assert nos(admin, q="ZSF") == [data["zhang"].household_no]
    assert sorted(nos(admin, q="zs")) == sorted([data["zhang"].household_no, data["other"].household_no])
    assert nos(admin, q="zxl") == [data["zhang"].household_no]  # a member, not the head
    assert nos(admin, q="zq") == []
    assert nos(admin, q="z") == []  # a single letter matches nothing rather than everyone


def test_name_contains_matches_head_or_member_once_per_household(personas, data):
    admin = personas.county_admin
    # Three members of the 张 household match "张": it is listed once, and counted once.
    found = selectors.household_search(admin, {"q": "张"})
    assert sorted(found.values_list("household_no", flat=True)) == sorted(
        [data["zhang"].household_no, data["other"].household_no]
    )
    assert found.count() == 2
    assert nos(admin, q="李梅") == [data["zhang"].household_no]
    assert nos(admin, q="小丽") == [data["zhang"].household_no]


def test_full_and_partial_id_numbers(personas, data):
    admin = personas.county_admin
    son = data["zhang"].members.get(name="张小军").id_number
    assert nos(admin, q=son) == [data["zhang"].household_no]
    assert nos(admin, q=f" {son[:6]} {son[6:14]} {son[14:]} ") == [data["zhang"].household_no]
    full_width = son.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert nos(admin, q=full_width) == [data["zhang"].household_no]
    assert nos(admin, q=son[-6:]) == [data["zhang"].household_no]
    assert nos(admin, q=son[6:14]) == [data["zhang"].household_no]  # the birth date part
    assert nos(admin, q=son[:-1] + ("0" if son[-1] != "0" else "1")) == []


def test_id_with_x_is_found_with_lower_case_x(personas):
    birth = datetime.date(1970, 2, 3)
    number = id_ending_in_x(birth)
    h = household_create(
        actor=personas.village_a1,
        area=personas.tree.village_a1,
        household=household(main_cause=""),
        members=[{"name": "陈曦", "relation": "01", "id_number": number.lower()}],
    )
    assert h.members.get().id_number == number
    assert nos(personas.village_a1, q=number.lower()) == [h.household_no]
    assert nos(personas.village_a1, q=number[-5:].lower()) == [h.household_no]


def test_old_15_digit_id_finds_the_converted_number(personas):
    old = "513401700203123"
    h = household_create(
        actor=personas.village_a1,
        area=personas.tree.village_a1,
        household=household(main_cause=""),
        members=[{"name": "周老", "relation": "01", "id_number": old}],
    )
    assert len(h.members.get().id_number) == 18
    assert nos(personas.village_a1, q=old) == [h.household_no]


def test_household_and_member_numbers(personas, data):
    admin = personas.county_admin
    zhang = data["zhang"]
    assert nos(admin, q=zhang.household_no) == [zhang.household_no]
    village_prefix = personas.tree.village_a1.code
    assert sorted(nos(admin, q=village_prefix)) == sorted([zhang.household_no, data["exited"].household_no])
    head = zhang.members.get(relation="01")
    assert nos(admin, q=head.member_no) == [zhang.household_no]


def test_filters(personas, data):
    admin = personas.county_admin
    d = data
    assert nos(admin, poverty_status="exited") == [d["exited"].household_no]
    assert nos(admin, attribute="2") == [d["exited"].household_no]
    assert sorted(nos(admin, main_cause="1")) == sorted(
        [d["zhang"].household_no, d["exited"].household_no, d["other"].household_no]
    )
    assert nos(admin, year_identified_from=2015, year_identified_to=2016) == sorted(
        [d["exited"].household_no, d["other"].household_no]
    )
    assert nos(admin, year_exited_from=2019, year_exited_to=2019) == [d["exited"].household_no]
    assert nos(admin, is_monitored="1") == [d["plain"].household_no]
    assert d["plain"].household_no not in nos(admin, is_monitored="0")
    assert nos(admin, area=personas.tree.group_a1_1.code) == [d["exited"].household_no]
    assert sorted(nos(admin, area=personas.tree.township_a.code)) == sorted(
        [d["zhang"].household_no, d["exited"].household_no, d["plain"].household_no]
    )
    assert nos(admin, area="999999999999") == []
    assert nos(admin, area=personas.tree.township_b.code, q="zsf") == []


def test_search_is_scoped(personas, data):
    d = data
    assert nos(personas.village_b1, q="张") == [d["other"].household_no]
    assert nos(personas.village_b1, q=d["zhang"].members.get(relation="01").id_number) == []
    assert nos(personas.village_b1, q=d["zhang"].household_no) == []
    assert nos(personas.village_b1, area=personas.tree.village_a1.code) == []
    assert sorted(nos(personas.village_a1)) == sorted([d["zhang"].household_no, d["exited"].household_no])
    assert sorted(nos(personas.township_a, q="zy")) == [d["plain"].household_no]
    assert nos(personas.no_role) == [] and nos(personas.department) == []
    assert selectors.household_autocomplete(personas.village_b1, "zsf") == []


def test_member_search_reads_members_once_and_never_joins_them(personas, data):
    """Matching members are looked up once (ids), so the page and its count stay on the household table."""
    with CaptureQueriesContext(connection) as ctx:
        qs = selectors.household_list_rows(selectors.household_search(personas.county_admin, {"q": "张"}))
        count, rows = qs.count(), list(qs)
    assert len(rows) == 2 and count == 2
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert len(sqls) == 3 and "register_member" in sqls[0]
    assert "register_member" not in sqls[1] and "register_member" not in sqls[2]


def test_large_member_matches_stay_a_subquery(personas, data, monkeypatch):
    monkeypatch.setattr(selectors, "MATERIALIZE_LIMIT", 1)
    qs = selectors.household_search(personas.county_admin, {"q": "张"})
    assert "register_member" in str(qs.query) and ' JOIN "register_member"' not in str(qs.query)
    assert qs.count() == 2


def test_unfiltered_count_touches_only_the_household_table(personas, data):
    with CaptureQueriesContext(connection) as ctx:
        n = selectors.household_search(personas.county_admin, {}).count()
    assert n == 4
    assert "register_member" not in ctx.captured_queries[-1]["sql"]
    assert "JOIN" not in ctx.captured_queries[-1]["sql"]


def test_as_of_objects_are_built_from_a_version(personas, data):
    zhang = data["zhang"]
    version = HouseholdVersion.objects.get(household=zhang)
    h, members = selectors.objects_from_version(personas.village_a1, version.data)
    assert h.household_no == zhang.household_no and h.area == personas.tree.village_a1
    assert [m.name for m in members][0] == "张三丰"
    assert isinstance(members[0].birth_date, datetime.date)
    assert len(members) == Member.objects.filter(household=zhang).count()
