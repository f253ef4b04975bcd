"""The choke point itself: for_user over area paths, capabilities, superusers, inactive and no-role users."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingzhun.accounts.models import User
from jingzhun.areas.models import Area
from jingzhun.core.scoping import minimal_paths, user_can


def test_minimal_paths_drops_nested_paths():
    assert minimal_paths(["5134981", "513498", "5134982", "6201"]) == ["513498", "6201"]


@pytest.mark.django_db
def test_township_officer_sees_only_its_subtree(personas):
    t = personas.tree
    codes = set(Area.objects.for_user(personas.township_a).values_list("code", flat=True))
    assert codes == {t.township_a.code, t.village_a1.code, t.village_a2.code, t.group_a1_1.code}


@pytest.mark.django_db
def test_village_officer_sees_its_village_and_groups_only(personas):
    t = personas.tree
    codes = set(Area.objects.for_user(personas.village_a1).values_list("code", flat=True))
    assert codes == {t.village_a1.code, t.group_a1_1.code}


@pytest.mark.django_db
def test_no_role_user_sees_nothing(personas):
    assert Area.objects.for_user(personas.no_role).count() == 0
    assert User.objects.for_user(personas.no_role).count() == 0


@pytest.mark.django_db
def test_inactive_user_sees_nothing(personas):
    personas.county_admin.is_active = False
    assert Area.objects.for_user(personas.county_admin).count() == 0


@pytest.mark.django_db
def test_anonymous_sees_nothing(personas):
    from django.contrib.auth.models import AnonymousUser

    assert Area.objects.for_user(AnonymousUser()).count() == 0
    assert Area.objects.for_user(None).count() == 0


@pytest.mark.django_db
def test_superuser_sees_everything(personas):
    admin = User.objects.create_superuser("root", password="x" * 12)
    assert Area.objects.for_user(admin).count() == Area.objects.count()


@pytest.mark.django_db
def test_capability_is_required_not_just_an_area(personas):
    # A village officer holds areas.view but not accounts.view: it sees areas, not users.
    user = personas.village_a1
    assert Area.objects.for_user(user).exists()
    assert User.objects.for_user(user).count() == 0
    assert user_can(user, "areas.view", personas.tree.village_a1)
    assert not user_can(user, "areas.view", personas.tree.village_a2)
    assert not user_can(user, "areas.change", personas.tree.village_a1)


@pytest.mark.django_db
def test_two_assignments_see_the_union(personas):
    from jingzhun.accounts.models import Role, RoleAssignment

    user = personas.village_a1
    RoleAssignment.objects.create(
        user=user, role=Role.objects.get(code="village_officer"), area=personas.tree.village_b1
    )
    user.forget_assignments()
    codes = set(Area.objects.for_user(user).filter(level="village").values_list("code", flat=True))
    assert codes == {personas.tree.village_a1.code, personas.tree.village_b1.code}


@pytest.mark.django_db
def test_users_are_visible_by_home_area_or_assignment(personas):
    visible = set(User.objects.for_user(personas.township_a).values_list("username", flat=True))
    assert visible == {"township_a", "village_a1", "cadre"}


@given(st.text(alphabet="0123456789", max_size=15), st.text(alphabet="0123456789", min_size=1, max_size=15))
def test_sqlite_range_form_equals_prefix_test_for_digit_paths(path, prefix):
    # paths_q writes "starts with prefix" as prefix <= path < prefix + ":" on SQLite.
    assert (prefix <= path < prefix + ":") == path.startswith(prefix)
