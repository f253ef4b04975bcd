"""Area services: editing an area, yearly statistics, loading the national list."""

import pytest

from jingzhun.areas.models import Area, AreaYearStat
from jingzhun.areas.services import area_stat_save, area_update, load_national_divisions
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def refused(call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as info:
        call(**kwargs)
    return info.value


# --- area_update ----------------------------------------------------------------------------------------


def test_area_update_saves_and_writes_an_audit_event_with_only_the_changes(personas):
    a2 = personas.tree.village_a2
    area_update(
        actor=personas.township_a,
        area=a2,
        name="  龙溪村 ",
        is_poor_village=True,
        poor_listed_year=2014,
        reason="县里批复",
    )
    a2.refresh_from_db()
    assert (a2.name, a2.is_poor_village, a2.poor_listed_year) == ("龙溪村", True, 2014)
    event = AuditEvent.objects.get(action="area.update")
    assert event.actor == personas.township_a
    assert event.area == a2 and event.target_id == str(a2.pk)
    assert event.before == {"name": "甲二村", "is_poor_village": False, "poor_listed_year": None}
    assert event.after == {"name": "龙溪村", "is_poor_village": True, "poor_listed_year": 2014}
    assert event.reason == "县里批复"


def test_area_update_without_changes_writes_no_event(personas):
    area_update(actor=personas.township_a, area=personas.tree.village_a2, name="甲二村")
    assert not AuditEvent.objects.filter(action="area.update").exists()


@pytest.mark.parametrize(
    ("which", "fields", "field", "message"),
    [
        ("village_a2", {"name": "   "}, "name", "名称不能为空。"),
        ("township_a", {"is_poor_village": True}, "is_poor_village", "只有行政村可以标记为贫困村。"),
        (
            "village_a2",
            {"poor_exited_year": 2018},
            "poor_listed_year",
            "填写退出年度前请先填写列为贫困村年度。",
        ),
        (
            "village_a1",
            {"poor_exited_year": 2013},
            "poor_exited_year",
            "贫困村退出年度不能早于列为贫困村年度。",
        ),
        ("village_a2", {"urban_rural_class": "999"}, "urban_rural_class", "城乡分类代码应为"),
        ("village_a2", {"code": "513498100299"}, "code", "不能在此修改"),
        ("village_a2", {"name": "长" * 101}, "name", "100"),
    ],
)
def test_area_update_rules(personas, which, fields, field, message):
    area = getattr(personas.tree, which)
    before = Area.objects.values_list("code", "name", "is_poor_village", "poor_exited_year").get(pk=area.pk)
    error = refused(area_update, actor=personas.township_a, area=area, **fields)
    assert error.field == field
    assert message in error.message
    assert (
        Area.objects.values_list("code", "name", "is_poor_village", "poor_exited_year").get(pk=area.pk)
        == before
    )
    assert not AuditEvent.objects.filter(action="area.update").exists()


def test_village_officer_cannot_update_its_village(personas):
    with pytest.raises(AccessDenied) as info:
        area_update(actor=personas.village_a1, area=personas.tree.village_a1, name="改名")
    assert "无权修改" in info.value.message
    assert Area.objects.get(pk=personas.tree.village_a1.pk).name == "甲一村"


def test_township_admin_cannot_update_another_township(personas):
    with pytest.raises(AccessDenied):
        area_update(actor=personas.township_a, area=personas.tree.village_b1, name="改名")


def test_edit_page_shows_the_service_error_on_its_field(client_for, personas):
    ta = personas.tree.township_a
    response = client_for(personas.township_a).post(
        f"/areas/{ta.code}/edit/", {"name": "甲镇", "is_poor_village": "on", "note": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<ul class="errorlist" data-field="is_poor_village"><li>只有行政村可以标记为贫困村。' in html
    assert not Area.objects.get(pk=ta.pk).is_poor_village


def test_edit_page_is_refused_to_a_village_officer(client_for, personas):
    client = client_for(personas.village_a1)
    assert client.get(f"/areas/{personas.tree.village_a1.code}/edit/").status_code == 403


# --- area_stat_save -------------------------------------------------------------------------------------


def test_stat_save_creates_then_updates_with_before_and_after(personas):
    a1 = personas.tree.village_a1
    area_stat_save(
        actor=personas.township_a,
        area=a1,
        year=2020,
        rural_population=900,
        total_population=950,
        rural_households=280,
        source="统计年报",
    )
    stat = area_stat_save(
        actor=personas.township_a, area=a1, year=2020, rural_population=880, total_population=950
    )
    assert AreaYearStat.objects.filter(area=a1, year=2020).count() == 1
    assert (stat.rural_population, stat.rural_households, stat.source) == (880, 280, "统计年报")
    created, updated = AuditEvent.objects.filter(action="area.stat_save").order_by("id")
    assert created.before is None  # a new row has no "before"
    assert created.after["rural_population"] == 900 and created.after["year"] == 2020
    assert updated.before == {"rural_population": 900}
    assert updated.after == {"year": 2020, "rural_population": 880}
    assert updated.target_label == "甲一村 2020年统计"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"rural_population": 1000, "total_population": 900},
            "rural_population",
            "户籍农业人口不能大于户籍总人口。",
        ),
        ({"rural_population": -1}, "rural_population", "不能为负数"),
        ({"rural_households": -3}, "rural_households", "不能为负数"),
        ({"year": 1999, "rural_population": 10}, "year", "年度应在 2000 至 2100 之间。"),
    ],
)
def test_stat_save_rules(personas, values, field, message):
    values = {"year": 2020, **values}
    error = refused(area_stat_save, actor=personas.township_a, area=personas.tree.village_a1, **values)
    assert error.field == field
    assert message in error.message
    assert AreaYearStat.objects.count() == 0
    assert not AuditEvent.objects.filter(action="area.stat_save").exists()


def test_stat_update_of_one_figure_cannot_make_rural_exceed_total(personas):
    a1 = personas.tree.village_a1
    area_stat_save(actor=personas.township_a, area=a1, year=2020, rural_population=900, total_population=950)
    error = refused(area_stat_save, actor=personas.township_a, area=a1, year=2020, rural_population=990)
    assert error.field == "rural_population"
    assert AreaYearStat.objects.get(area=a1, year=2020).rural_population == 900


def test_village_officer_cannot_save_statistics(personas):
    with pytest.raises(AccessDenied):
        area_stat_save(
            actor=personas.village_a1, area=personas.tree.village_a1, year=2020, rural_population=1
        )
    assert AreaYearStat.objects.count() == 0


def test_stat_page_saves_through_the_service(client_for, personas):
    a1 = personas.tree.village_a1
    response = client_for(personas.township_a).post(
        f"/areas/{a1.code}/stats/new/",
        {
            "year": 2021,
            "rural_population": 800,
            "rural_households": 250,
            "total_population": 820,
            "source": "年报",
        },
    )
    assert response.status_code == 302
    assert AreaYearStat.objects.get(area=a1, year=2021).total_population == 820
    assert AuditEvent.objects.filter(action="area.stat_save").count() == 1


def test_stat_page_shows_the_rule_violation_in_chinese(client_for, personas):
    a1 = personas.tree.village_a1
    response = client_for(personas.township_a).post(
        f"/areas/{a1.code}/stats/new/", {"year": 2021, "rural_population": 900, "total_population": 800}
    )
    assert "户籍农业人口不能大于户籍总人口。" in response.content.decode()
    assert AreaYearStat.objects.count() == 0


# --- load_national_divisions ----------------------------------------------------------------------------


def test_national_divisions_load_every_province_city_and_county_once():
    added = load_national_divisions()
    assert added == 31 + 342 + 2975
    assert Area.objects.filter(level="province").count() == 31
    assert Area.objects.filter(level="city").count() == 342
    assert Area.objects.filter(level="county").count() == 2975
    chengdu = Area.objects.get(code="510100000000")
    assert (chengdu.name, chengdu.path, chengdu.parent.code) == ("成都市", "5101", "510000000000")
    assert not Area.objects.filter(level__in=["city", "county"], parent__isnull=True).exists()
    event = AuditEvent.objects.get(action="area.load_national")
    assert event.after["added"] == added and event.actor is None

    assert load_national_divisions() == 0
    assert Area.objects.count() == added
    assert AuditEvent.objects.filter(action="area.load_national").count() == 1


def test_national_divisions_keep_existing_areas_and_fill_around_them(tree):
    before = Area.objects.count()
    added = load_national_divisions()
    # The tree already has 四川省 and 凉山州; 513497/513498 are fictional and not in the list.
    assert added == 31 + 342 + 2975 - 2
    assert Area.objects.count() == before + added
    assert Area.objects.get(code="513401000000").parent == tree.city
