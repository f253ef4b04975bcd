"""Demo logins: one per persona of shared/design/TESTING.md, plus the other default roles."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from jingzhun.accounts.models import Role, RoleAssignment, User
from jingzhun.areas.models import Area

DEMO_PASSWORD = "jingzhun2026"

# (username, full name, unit, role code or None, which area: county / township_a / village_a1 / ...);
# "{township_a}" etc. in a name or unit stand for that area's name in the generated county.
PERSONAS = [
    ("xian_admin", "县扶贫办管理员", "县乡村振兴局", "county_admin", "county"),
    ("xiang_a", "{township_a}扶贫专干", "{township_a}人民政府", "township_admin", "township_a"),
    ("xiang_b", "{township_b}扶贫专干", "{township_b}人民政府", "township_admin", "township_b"),
    ("cun_a1", "{village_a1}信息员", "{village_a1}村委会", "village_officer", "village_a1"),
    ("cun_b1", "{village_b1}信息员", "{village_b1}村委会", "village_officer", "village_b1"),
    ("shuji_a1", "{village_a1}第一书记", "县教育局", "work_team", "village_a1"),
    ("bumen_jy", "教育局用户", "县教育局", "department", "county"),
    ("ganbu_a1", "帮扶责任人", "县农业农村局", "cadre", "village_a1"),
    ("ducha", "县纪委督查员", "县纪委监委", "inspector", "county"),
    ("lingdao", "分管县领导", "县人民政府", "leader", "county"),
    ("wujuese", "未分配角色用户", "", None, "county"),
]


def persona_areas(county: Area) -> dict[str, Area]:
    townships = list(Area.objects.filter(parent=county).order_by("code")[:2])
    first_village = {
        t.pk: Area.objects.filter(parent=t, urban_rural_class="220").order_by("code").first()
        for t in townships
    }
    return {
        "county": county,
        "township_a": townships[0],
        "township_b": townships[1],
        "village_a1": first_village[townships[0].pk],
        "village_b1": first_village[townships[1].pk],
    }


def create_users(county: Area) -> list[User]:
    """Create the missing demo logins. The shared demo password is hashed once for all of them
    (PBKDF2 per user would cost several seconds of the demo's one-minute budget)."""
    areas = persona_areas(county)
    hashed = None
    roles = {r.code: r for r in Role.objects.all()}
    users = []
    admin = User.objects.filter(username="sysadmin").first()
    if admin is None:
        admin = User(
            username="sysadmin", full_name="系统管理员", is_superuser=True, is_staff=True, area=county
        )
        admin.password = hashed = make_password(DEMO_PASSWORD)
        admin.save()
        users.append(admin)
    elif admin.area_id is None:
        admin.area = county
        admin.save(update_fields=["area"])
    names = {key: a.name for key, a in areas.items()}
    for username, full_name, unit, role_code, where in PERSONAS:
        area = areas[where]
        full_name, unit = full_name.format(**names), unit.format(**names)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=full_name, unit=unit, area=area)
            user.password = hashed = hashed or make_password(DEMO_PASSWORD)
            user.save()
            users.append(user)
        elif user.area_id is None:
            # `load_demo --reset` detached the existing demo users from the deleted tree: attach them to
            # the rebuilt one, or the demo logins would see nothing.
            user.area = area
            user.save(update_fields=["area"])
        if role_code and not user.assignments.exists():
            RoleAssignment.objects.create(user=user, role=roles[role_code], area=area)
    return users


def logins_table() -> list[tuple[str, str, str]]:
    rows = []
    if User.objects.filter(username="sysadmin").exists():
        rows.append(("sysadmin", "系统管理员（全部区域）", DEMO_PASSWORD))
    for username, _full_name, _unit, _role, _where in PERSONAS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        a = user.assignments.select_related("role", "area").first()
        scope = f"{a.role.name} · {a.area.full_name()}" if a else "未分配角色"
        rows.append((username, scope, DEMO_PASSWORD))
    return rows
