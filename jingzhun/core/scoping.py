"""The scoping choke point.

Every read of area-bound data goes through ``Model.objects.for_user(user, action)``. A user holds
(role, area) assignments; a role grants capabilities; ``for_user`` keeps the rows whose area lies in the
subtree of an assignment whose role grants the capability that ``action`` needs on this model.

Areas use code prefixes as materialised paths (see areas.models.Area.path), so "in the subtree of X"
is ``path LIKE 'X%'`` on an indexed column — one predicate per assignment, no recursive query.

A model opts in by using ``ScopedManager`` and declaring:
- ``scope_area_path``: the lookup from the model to the area's ``path`` (e.g. ``"area__path"``), or
- a classmethod ``scope_q(paths) -> Q`` for anything more involved (users, audit events).
- ``scope_capabilities``: action → capability code (defaults to ``"<app_label>.<action>"``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models
from django.db.models import Q


def capability_for(model, action: str) -> str:
    mapping = getattr(model, "scope_capabilities", None) or {}
    return mapping.get(action) or f"{model._meta.app_label}.{action}"


def minimal_paths(paths: Iterable[str]) -> list[str]:
    """Drop paths that lie inside another one (a county assignment covers its townships)."""
    result: list[str] = []
    for p in sorted(set(paths), key=len):
        if not any(p.startswith(q) for q in result):
            result.append(p)
    return sorted(result)


def paths_q(lookup: str, paths: Iterable[str]) -> Q:
    """Rows whose area path starts with one of ``paths``.

    SQLite never uses an index for ``LIKE 'x%' ESCAPE``; area paths are digit strings, so on SQLite the
    prefix test is written as the equivalent range ``x <= path < x + ':'`` (':' follows '9' in ASCII and
    SQLite compares text bytewise), which the index serves. PostgreSQL's pattern index serves LIKE.
    """
    q = Q(pk__in=[])
    as_range = connection.vendor == "sqlite"
    for p in paths:
        if as_range and p.isdigit():
            q |= Q(**{f"{lookup}__gte": p, f"{lookup}__lt": p + ":"})
        else:
            q |= Q(**{f"{lookup}__startswith": p})
    return q


def user_paths(user, capability: str) -> list[str] | None:
    """Area paths where ``user`` holds ``capability``; None means unrestricted (superuser)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return None
    return user.scope_paths(capability)


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user, action: str = "view"):
        paths = user_paths(user, capability_for(self.model, action))
        if paths is None:
            return self
        if not paths:
            return self.none()
        scope_q = getattr(self.model, "scope_q", None)
        if scope_q is not None:
            return self.filter(scope_q(paths))
        return self.filter(paths_q(self.model.scope_area_path, paths))


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass


def user_can(user, capability: str, area=None) -> bool:
    """Does ``user`` hold ``capability`` at ``area`` (or anywhere, when area is None)?"""
    paths = user_paths(user, capability)
    if paths is None:
        return True
    if area is None:
        return bool(paths)
    return any(area.path.startswith(p) for p in paths)
