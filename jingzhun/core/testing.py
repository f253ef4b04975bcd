"""Test helpers: a small area tree and the personas of shared/design/TESTING.md.

Tests build their own data with these; they never rely on the demo generator.
"""

from __future__ import annotations

from dataclasses import dataclass

from jingzhun.accounts.models import Role, RoleAssignment, User
from jingzhun.areas.choices import AreaLevel
from jingzhun.areas.models import Area

PASSWORD = "Persona-pass-2026"


def make_area(code: str, name: str, level: str, parent: Area | None = None, **extra) -> Area:
    return Area.objects.create(
        code=code, path=Area.path_for(code, level), name=name, level=level, parent=parent, **extra
    )


@dataclass
class Tree:
    province: Area
    city: Area
    county: Area
    township_a: Area
    township_b: Area
    village_a1: Area
    village_a2: Area
    village_b1: Area
    group_a1_1: Area
    other_county: Area


def build_tree() -> Tree:
    province = make_area("510000000000", "四川省", AreaLevel.PROVINCE)
    city = make_area("513400000000", "凉山彝族自治州", AreaLevel.CITY, province)
    county = make_area("513498000000", "测试县", AreaLevel.COUNTY, city)
    other = make_area("513497000000", "邻县", AreaLevel.COUNTY, city)
    ta = make_area("513498100000", "甲镇", AreaLevel.TOWNSHIP, county)
    tb = make_area("513498200000", "乙乡", AreaLevel.TOWNSHIP, county)
    a1 = make_area(
        "513498100201",
        "甲一村",
        AreaLevel.VILLAGE,
        ta,
        urban_rural_class="220",
        is_poor_village=True,
        poor_listed_year=2014,
        poor_exited_year=2018,
    )
    a2 = make_area("513498100202", "甲二村", AreaLevel.VILLAGE, ta, urban_rural_class="220")
    b1 = make_area("513498200201", "乙一村", AreaLevel.VILLAGE, tb, urban_rural_class="220")
    g = make_area("513498100201001", "一组", AreaLevel.GROUP, a1)
    return Tree(province, city, county, ta, tb, a1, a2, b1, g, other)


@dataclass
class Personas:
    tree: Tree
    county_admin: User
    township_a: User
    village_a1: User
    village_b1: User
    department: User
    cadre: User
    no_role: User

    def all(self) -> dict[str, User]:
        return {k: v for k, v in self.__dict__.items() if isinstance(v, User)}


def make_user(username: str, role_code: str | None, area: Area, **extra) -> User:
    user = User(username=username, full_name=extra.pop("full_name", username), area=area, **extra)
    user.set_password(PASSWORD)
    user.save()
    if role_code:
        RoleAssignment.objects.create(user=user, role=Role.objects.get(code=role_code), area=area)
    return user


def build_personas(tree: Tree | None = None) -> Personas:
    tree = tree or build_tree()
    return Personas(
        tree=tree,
        county_admin=make_user("county_admin", "county_admin", tree.county),
        township_a=make_user("township_a", "township_admin", tree.township_a),
        village_a1=make_user("village_a1", "village_officer", tree.village_a1),
        village_b1=make_user("village_b1", "village_officer", tree.village_b1),
        department=make_user("department", "department", tree.county),
        cadre=make_user("cadre", "cadre", tree.village_a1),
        no_role=make_user("no_role", None, tree.county),
    )


def run_worker() -> None:
    """Run every queued background task in this process, as ``manage.py db_worker --batch`` would.

    Jobs are queued on commit, so tests that use this need ``django_db(transaction=True)``. The worker
    installs its own SIGINT/SIGTERM handlers; they are put back afterwards so Ctrl+C still stops pytest.
    """
    import signal

    from django.core.management import call_command

    names = [s for s in ("SIGINT", "SIGTERM", "SIGQUIT") if hasattr(signal, s)]
    saved = {name: signal.getsignal(getattr(signal, name)) for name in names}
    try:
        call_command("db_worker", batch=True, startup_delay=False, interval=0, reload=False, verbosity=0)
    finally:
        for name, handler in saved.items():
            signal.signal(getattr(signal, name), handler)
