"""Account reads, all through ``for_user``."""

from django.db.models import Q

from .models import Role, RoleAssignment, User


def visible_users(user):
    return User.objects.for_user(user).select_related("area")


def user_search(user, term: str = "", role_code: str = ""):
    qs = visible_users(user)
    if term:
        qs = qs.filter(Q(username__icontains=term) | Q(full_name__contains=term) | Q(phone__startswith=term))
    if role_code:
        qs = qs.filter(assignments__role__code=role_code).distinct()
    return qs.order_by("username")


def assignments_of(user, target):
    """The target's assignments that lie in the viewer's scope."""
    return RoleAssignment.objects.for_user(user).filter(user=target).select_related("role", "area")


def grantable_roles(user, area=None):
    """Roles the user may grant (rank below its own at ``area``, or anywhere when area is None)."""
    if user.is_superuser:
        return Role.objects.all()
    if area is not None:
        rank = user.rank_at(area)
    else:
        rank = max(
            (r for _p, _c, r, caps in user._assignment_rows() if "accounts.manage" in caps), default=-1
        )
    return Role.objects.filter(rank__lt=rank)
