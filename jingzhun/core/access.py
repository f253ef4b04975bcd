"""Every URL declares how it is protected; tests/test_url_access.py enforces it.

- ``public``: anyone, no login (login page, public notices, schema).
- ``scoped``: login required, and every query inside goes through ``for_user``.
- ``superuser``: the Django admin for system operators.

Function views use the ``@access(...)`` decorator; class-based views and DRF viewsets set the class
attribute ``access``.
"""

from __future__ import annotations

ACCESS_LEVELS = {"public", "scoped", "superuser"}


def access(level: str):
    if level not in ACCESS_LEVELS:
        raise ValueError(level)

    def mark(view):
        view.jingzhun_access = level
        return view

    return mark


def access_of(callback) -> str | None:
    level = getattr(callback, "jingzhun_access", None)
    if level:
        return level
    for attr in ("view_class", "cls"):
        cls = getattr(callback, attr, None)
        if cls is not None and getattr(cls, "access", None):
            return cls.access
    return None
