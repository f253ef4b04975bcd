"""The demo county generator: documented shape, determinism, idempotence, and its logins."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from jingzhun.accounts.models import RoleAssignment, User
from jingzhun.areas.models import Area, AreaYearStat
from jingzhun.demo.areas import COUNTY_CODE
from jingzhun.demo.users import DEMO_PASSWORD, PERSONAS

pytestmark = pytest.mark.django_db


def load(*args) -> str:
    """The areas part of the demo (households are covered at a small scale in test_demo_households)."""
    out = io.StringIO()
    call_command("load_demo", "--areas-only", *args, stdout=out)
    return out.getvalue()


def county():
    return Area.objects.get(code=COUNTY_CODE)


def subtree(level=None):
    qs = Area.objects.filter(path__startswith=COUNTY_CODE[:6])
    return qs.filter(level=level) if level else qs


def village_names():
    return list(subtree("village").order_by("code").values_list("code", "name"))


@pytest.fixture
def demo():
    output = load("--seed", "2014")
    assert "已生成演示县“云岭县”" in output
    return county()


def test_county_is_the_fictional_yunling_under_liangshan(demo):
    assert demo.name == "云岭县" and demo.level == "county" and demo.is_poor_county
    assert demo.parent.code == "513400000000"
    assert "演示数据" in demo.note


def test_seventeen_townships_two_of_them_towns(demo):
    townships = list(subtree("township").values_list("name", flat=True))
    assert len(townships) == 17
    assert sum(name.endswith("镇") for name in townships) == 2
    assert sum(name.endswith("乡") for name in townships) == 15


def test_120_rural_villages_and_10_communities(demo):
    villages = subtree("village")
    assert villages.filter(urban_rural_class="220").count() == 120
    communities = villages.filter(urban_rural_class="121")
    assert communities.count() == 10
    assert all(name.endswith("社区") for name in communities.values_list("name", flat=True))
    assert villages.count() == 130


def test_48_poor_villages_listed_in_2014_and_exactly_5_exit_in_2018(demo):
    poor = subtree("village").filter(is_poor_village=True)
    assert poor.count() == 48
    assert set(poor.values_list("poor_listed_year", flat=True)) == {2014}
    assert poor.filter(poor_exited_year=2018).count() == 5
    assert set(poor.values_list("poor_exited_year", flat=True)) <= {2016, 2017, 2018}
    assert not poor.exclude(urban_rural_class="220").exists()  # communities are never poor villages


def test_every_village_has_at_least_three_groups_with_15_digit_codes(demo):
    counts = subtree("village").annotate(n=Count("children")).values_list("n", flat=True)
    assert min(counts) >= 3
    groups = subtree("group")
    assert all(len(code) == 15 for code in groups.values_list("code", flat=True))
    assert not groups.exclude(parent__level="village").exists()


def test_every_area_hangs_under_its_code_prefix(demo):
    for area in subtree().exclude(pk=demo.pk).select_related("parent"):
        assert area.path.startswith(area.parent.path), area.code


def test_statistics_cover_2014_to_2025_and_township_and_county_are_village_sums(demo):
    years = set(AreaYearStat.objects.filter(area=demo).values_list("year", flat=True))
    assert years == set(range(2014, 2026))
    village_sum = AreaYearStat.objects.filter(
        area__level="village", area__path__startswith=demo.path, year=2020
    )
    totals = village_sum.aggregate(
        r=Sum("rural_population"), h=Sum("rural_households"), t=Sum("total_population")
    )
    county_2020 = AreaYearStat.objects.get(area=demo, year=2020)
    assert county_2020.rural_population == totals["r"]
    assert county_2020.rural_households == totals["h"]
    assert county_2020.total_population == totals["t"]
    township = subtree("township").order_by("code").first()
    in_township = AreaYearStat.objects.filter(area__parent=township, year=2020).aggregate(
        r=Sum("rural_population")
    )
    assert AreaYearStat.objects.get(area=township, year=2020).rural_population == in_township["r"]


def test_no_statistic_has_more_rural_than_total_population(demo):
    stats = AreaYearStat.objects.filter(area__path__startswith=demo.path)
    assert stats.count() == 12 * (1 + 17 + 130)
    assert all(s.rural_population <= s.total_population for s in stats)


def test_same_seed_gives_the_same_county_and_another_seed_another(demo):
    first = village_names()
    first_rural = AreaYearStat.objects.get(area=demo, year=2020).rural_population
    load("--reset", "--seed", "2014")
    assert village_names() == first
    assert AreaYearStat.objects.get(area=county(), year=2020).rural_population == first_rural
    load("--reset", "--seed", "7")
    assert village_names() != first


def test_second_run_adds_nothing(demo):
    counts = (
        Area.objects.count(),
        AreaYearStat.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
    )
    output = load("--seed", "2014")
    assert "演示县已存在，跳过生成" in output
    assert (
        Area.objects.count(),
        AreaYearStat.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
    ) == counts


def test_demo_personas_log_in_with_their_roles(demo):
    townships = list(subtree("township").order_by("code")[:2])
    xiang_a = User.objects.get(username="xiang_a")
    assert xiang_a.check_password(DEMO_PASSWORD)
    assert xiang_a.assignments.get().area == townships[0]
    codes = set(Area.objects.for_user(xiang_a).values_list("code", flat=True))
    assert codes and all(c.startswith(townships[0].code[:9]) for c in codes)
    assert Area.objects.for_user(User.objects.get(username="wujuese")).count() == 0
    assert User.objects.get(username="sysadmin").is_superuser


def test_reset_keeps_the_demo_logins_working(demo):
    load("--reset", "--seed", "2014")
    xian_admin = User.objects.get(username="xian_admin")
    assert xian_admin.area == county()
    assert xian_admin.assignments.get().role.code == "county_admin"
    assert Area.objects.for_user(xian_admin).count() == subtree().count()
    assert User.objects.get(username="cun_a1").assignments.get().area.level == "village"


def test_demo_logins_prints_every_persona(demo):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for username, *_rest in [("sysadmin",), *PERSONAS]:
        assert username in text
    assert DEMO_PASSWORD in text
    assert "县级管理员 · 四川省凉山彝族自治州云岭县" in text


def test_demo_logins_before_load_says_to_load_first():
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "尚无演示账号，请先运行 load_demo。" in out.getvalue()
