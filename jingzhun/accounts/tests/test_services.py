"""Account services: users are created and managed only inside the actor's subtree, only with roles below
the actor's rank; every change is audited."""

import pytest
from rest_framework.authtoken.models import Token

from jingzhun.accounts.models import Role, RoleAssignment, User
from jingzhun.accounts.services import (
    assignment_add,
    assignment_remove,
    role_set_capabilities,
    token_regenerate,
    user_create,
    user_set_password,
    user_update,
)
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.models import AuditEvent
from jingzhun.core.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db
GOOD_PASSWORD = "Qingshi-Village-2026"


def role(code):
    return Role.objects.get(code=code)


def create(actor, area, roles=(), username="new_user", password=GOOD_PASSWORD, **extra):
    return user_create(
        actor=actor,
        username=username,
        password=password,
        full_name=extra.pop("full_name", "李四"),
        area=area,
        assignments=[(role(code), where) for code, where in roles],
        **extra,
    )


# --- user_create ---------------------------------------------------------------------------------------


def test_township_admin_creates_a_village_user_in_its_subtree(personas):
    a1 = personas.tree.village_a1
    user = create(personas.township_a, a1, roles=[("village_officer", a1)], phone="13800000000")
    assert user.check_password(GOOD_PASSWORD)
    assert user.area == a1 and user.phone == "13800000000"
    assert list(user.assignments.values_list("role__code", "area__code")) == [("village_officer", a1.code)]
    event = AuditEvent.objects.get(action="user.create")
    assert event.actor == personas.township_a
    assert event.area == a1 and event.target_id == str(user.pk)
    assert event.after["username"] == "new_user"
    assert event.after["assignments"] == [["village_officer", a1.code]]
    assert "password" not in event.after
    assert User.objects.for_user(personas.township_a).filter(pk=user.pk).exists()


def test_user_cannot_be_created_outside_the_actors_subtree(personas):
    with pytest.raises(AccessDenied) as info:
        create(personas.township_a, personas.tree.village_b1)
    assert info.value.field == "area"
    assert not User.objects.filter(username="new_user").exists()


def test_role_cannot_be_granted_outside_the_actors_subtree(personas):
    with pytest.raises(AccessDenied):
        create(personas.township_a, personas.tree.village_a1, roles=[("cadre", personas.tree.village_b1)])
    assert not User.objects.filter(username="new_user").exists()


@pytest.mark.parametrize("granted", ["township_admin", "county_admin"])
def test_township_admin_cannot_grant_an_equal_or_higher_role(personas, granted):
    ta = personas.tree.township_a
    with pytest.raises(AccessDenied) as info:
        create(personas.township_a, ta, roles=[(granted, ta)])
    assert info.value.field == "role"
    assert "只能分配低于自己权限等级的角色" in info.value.message
    assert not User.objects.filter(username="new_user").exists()
    assert not AuditEvent.objects.filter(action="user.create").exists()


def test_county_admin_may_create_a_township_admin(personas):
    ta = personas.tree.township_a
    user = create(personas.county_admin, ta, roles=[("township_admin", ta)])
    assert user.assignments.get().role.code == "township_admin"


def test_village_officer_cannot_create_users(personas):
    with pytest.raises(AccessDenied):
        create(personas.village_a1, personas.tree.village_a1)


@pytest.mark.parametrize("username", ["village_a1", "VILLAGE_A1", " Village_A1 "])
def test_duplicate_username_is_refused_case_insensitively(personas, username):
    with pytest.raises(DomainError) as info:
        create(personas.township_a, personas.tree.village_a1, username=username)
    assert info.value.field == "username"
    assert "已被使用" in info.value.message


@pytest.mark.parametrize("password", ["12345678", "password", "abc", "new_user1"])
def test_weak_password_is_refused_on_the_password_field_in_chinese(personas, password):
    with pytest.raises(DomainError) as info:
        create(personas.township_a, personas.tree.village_a1, password=password)
    assert info.value.field == "password"
    assert "密码" in info.value.message
    assert not User.objects.filter(username="new_user").exists()


def test_invalid_username_is_a_domain_error_not_a_crash(personas):
    with pytest.raises(DomainError) as info:
        create(personas.township_a, personas.tree.village_a1, username="bad name!")
    assert info.value.field == "username"
    assert "用户名" in info.value.message


def test_invalid_phone_is_a_domain_error_on_phone(personas):
    with pytest.raises(DomainError) as info:
        create(personas.township_a, personas.tree.village_a1, phone="12")
    assert info.value.field == "phone"
    assert "手机号" in info.value.message


# --- user_update ---------------------------------------------------------------------------------------


def test_user_update_saves_and_audits_only_changes(personas):
    user = personas.village_a1
    user_update(actor=personas.township_a, user=user, full_name="王五", unit="甲一村村委会")
    user.refresh_from_db()
    assert (user.full_name, user.unit) == ("王五", "甲一村村委会")
    event = AuditEvent.objects.get(action="user.update")
    assert event.before == {"full_name": "village_a1", "unit": ""}
    assert event.after == {"full_name": "王五", "unit": "甲一村村委会"}


def test_user_update_can_deactivate_and_the_user_then_sees_nothing(personas):
    from jingzhun.areas.models import Area

    user_update(actor=personas.township_a, user=personas.village_a1, is_active=False)
    user = User.objects.get(pk=personas.village_a1.pk)
    assert not user.is_active
    assert Area.objects.for_user(user).count() == 0


def test_user_with_an_equal_role_cannot_be_edited(personas):
    peer = make_user("township_a_peer", "township_admin", personas.tree.township_a)
    with pytest.raises(AccessDenied) as info:
        user_update(actor=personas.township_a, user=peer, full_name="改名")
    assert "高于或等于您的权限等级" in info.value.message
    assert User.objects.get(pk=peer.pk).full_name == "township_a_peer"


def test_user_with_a_higher_role_elsewhere_cannot_be_edited(personas):
    # Home area in township A, but a county_admin role: the township admin must not touch this account.
    boss = make_user("boss", "village_officer", personas.tree.village_a2)
    RoleAssignment.objects.create(user=boss, role=role("county_admin"), area=personas.tree.county)
    with pytest.raises(AccessDenied):
        user_update(actor=personas.township_a, user=boss, is_active=False)
    assert User.objects.get(pk=boss.pk).is_active


def test_user_out_of_scope_cannot_be_edited(personas):
    with pytest.raises(AccessDenied) as info:
        user_update(actor=personas.township_a, user=personas.village_b1, full_name="改名")
    assert "不在您的管理范围内" in info.value.message


def test_user_cannot_be_moved_out_of_the_actors_subtree(personas):
    with pytest.raises(AccessDenied) as info:
        user_update(actor=personas.township_a, user=personas.village_a1, area=personas.tree.village_b1)
    assert info.value.field == "area"
    assert User.objects.get(pk=personas.village_a1.pk).area == personas.tree.village_a1


def test_actor_cannot_edit_itself_through_user_update(personas):
    with pytest.raises(AccessDenied):
        user_update(actor=personas.township_a, user=personas.township_a, full_name="自己")


# --- passwords and tokens -------------------------------------------------------------------------------


def test_user_changes_own_password_and_it_is_audited(personas):
    user_set_password(actor=personas.village_a1, user=personas.village_a1, password=GOOD_PASSWORD)
    assert User.objects.get(pk=personas.village_a1.pk).check_password(GOOD_PASSWORD)
    event = AuditEvent.objects.get(action="user.set_password")
    assert event.actor == personas.village_a1
    assert event.before is None and event.after is None  # no hashes in the audit trail


def test_manager_resets_a_subordinates_password_but_not_a_peers(personas):
    user_set_password(actor=personas.township_a, user=personas.village_a1, password=GOOD_PASSWORD)
    assert User.objects.get(pk=personas.village_a1.pk).check_password(GOOD_PASSWORD)
    with pytest.raises(AccessDenied):
        user_set_password(actor=personas.township_a, user=personas.county_admin, password=GOOD_PASSWORD)
    assert User.objects.get(pk=personas.county_admin.pk).check_password(PASSWORD)


def test_token_regenerate_replaces_the_old_token(personas):
    old = Token.objects.create(user=personas.village_a1)
    new = token_regenerate(actor=personas.village_a1)
    assert new.key != old.key
    assert list(Token.objects.filter(user=personas.village_a1).values_list("key", flat=True)) == [new.key]
    assert AuditEvent.objects.filter(action="user.token_regenerate", actor=personas.village_a1).count() == 1


# --- assignments ----------------------------------------------------------------------------------------


def test_assignment_add_grants_scope_and_is_audited(personas):
    from jingzhun.areas.models import Area

    user = personas.village_a1
    assignment_add(
        actor=personas.township_a, user=user, role=role("village_officer"), area=personas.tree.village_a2
    )
    user = User.objects.get(pk=user.pk)
    assert Area.objects.for_user(user).filter(pk=personas.tree.village_a2.pk).exists()
    event = AuditEvent.objects.get(action="assignment.add")
    assert event.after == {"role": "village_officer", "area": personas.tree.village_a2.code}
    assert event.area == personas.tree.village_a2


def test_assignment_add_refuses_self_out_of_scope_duplicate_and_high_roles(personas):
    t = personas.tree
    cases = [
        (personas.township_a, "cadre", t.village_a1, AccessDenied, "不能给自己分配角色"),
        (personas.village_b1, "cadre", t.village_b1, AccessDenied, "不在您的管理范围内"),
        (personas.village_a1, "cadre", t.village_b1, AccessDenied, "无权管理"),
        (personas.village_a1, "village_officer", t.village_a1, DomainError, "已在“甲一村”拥有"),
        (personas.village_a1, "township_admin", t.township_a, AccessDenied, "只能分配低于自己权限等级"),
    ]
    before = RoleAssignment.objects.count()
    for user, code, area, error, message in cases:
        with pytest.raises(error) as info:
            assignment_add(actor=personas.township_a, user=user, role=role(code), area=area)
        assert message in info.value.message, (user, code)
    assert RoleAssignment.objects.count() == before
    assert not AuditEvent.objects.filter(action="assignment.add").exists()


def test_assignment_remove_takes_away_scope_and_is_audited(personas):
    from jingzhun.areas.models import Area

    assignment = personas.village_a1.assignments.get()
    assignment_remove(actor=personas.township_a, assignment=assignment)
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert Area.objects.for_user(User.objects.get(pk=personas.village_a1.pk)).count() == 0
    event = AuditEvent.objects.get(action="assignment.remove")
    assert event.before == {"role": "village_officer", "area": personas.tree.village_a1.code}


def test_assignment_remove_refuses_own_and_higher_roles(personas):
    with pytest.raises(AccessDenied):
        assignment_remove(actor=personas.township_a, assignment=personas.township_a.assignments.get())
    with pytest.raises(AccessDenied):
        assignment_remove(actor=personas.township_a, assignment=personas.county_admin.assignments.get())
    with pytest.raises(AccessDenied):
        assignment_remove(actor=personas.township_a, assignment=personas.village_b1.assignments.get())
    assert RoleAssignment.objects.count() == 6
    assert not AuditEvent.objects.filter(action="assignment.remove").exists()


# --- roles ----------------------------------------------------------------------------------------------


def cadre_capabilities() -> list[str]:
    return sorted(role("cadre").capabilities.values_list("code", flat=True))


def test_county_admin_edits_a_lower_roles_capabilities_with_audit(personas):
    cadre = role("cadre")
    before = cadre_capabilities()
    assert "core.audit_view" not in before
    role_set_capabilities(
        actor=personas.county_admin, role=cadre, capability_codes=["areas.view", "core.audit_view"]
    )
    assert set(cadre.capabilities.values_list("code", flat=True)) == {"areas.view", "core.audit_view"}
    event = AuditEvent.objects.get(action="role.set_capabilities")
    assert event.before == {"capabilities": before}
    assert event.after == {"capabilities": ["areas.view", "core.audit_view"]}
    # The change takes effect for the role's holders.
    cadre_user = User.objects.get(pk=personas.cadre.pk)
    assert cadre_user.has_capability("core.audit_view")


def test_only_holders_of_accounts_roles_edit_roles(personas):
    before = cadre_capabilities()
    for actor in (personas.township_a, personas.department, personas.no_role):
        with pytest.raises(AccessDenied) as info:
            role_set_capabilities(actor=actor, role=role("cadre"), capability_codes=["areas.change"])
        assert "无权编辑角色权限" in info.value.message
    assert cadre_capabilities() == before
    assert not AuditEvent.objects.filter(action="role.set_capabilities").exists()


def test_roles_rank_limits_which_roles_can_be_edited(personas):
    with pytest.raises(AccessDenied):
        role_set_capabilities(actor=personas.county_admin, role=role("county_admin"), capability_codes=[])
    assert role("county_admin").capabilities.count() > 0


def test_unknown_capability_is_refused_on_the_capabilities_field(personas):
    before = cadre_capabilities()
    with pytest.raises(DomainError) as info:
        role_set_capabilities(
            actor=personas.county_admin, role=role("cadre"), capability_codes=["areas.view", "x.y"]
        )
    assert info.value.field == "capabilities"
    assert "未知权限项：x.y" in info.value.message
    assert cadre_capabilities() == before
