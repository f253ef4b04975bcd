"""Area reads. Every function starts from ``Area.objects.for_user``."""

from __future__ import annotations

from django.db.models import Count, Q

from .models import Area, AreaYearStat


def visible_areas(user):
    return Area.objects.for_user(user)


def tree_roots(user):
    """The top of what the user sees: its assigned areas (or the provinces for a superuser)."""
    qs = visible_areas(user)
    if user.is_superuser:
        return qs.filter(parent__isnull=True)
    paths = user.scope_paths("areas.view")
    return qs.filter(path__in=paths).order_by("code")


def children_of(user, area: Area):
    return (
        visible_areas(user)
        .filter(parent=area)
        .annotate(child_count=Count("children", distinct=True))
        .order_by("code")
    )


def area_by_code(user, code: str) -> Area | None:
    return visible_areas(user).filter(code=code).first()


def search(user, term: str, *, level: str | None = None, limit: int = 20):
    """Autocomplete: name contains or code starts with ``term``, in the user's scope only."""
    term = (term or "").strip()
    qs = visible_areas(user)
    if level:
        qs = qs.filter(level=level)
    if not term:
        return qs.none()
    return qs.filter(Q(name__contains=term) | Q(code__startswith=term)).order_by("path")[:limit]


def year_stats(user, area: Area):
    return AreaYearStat.objects.for_user(user).filter(area=area).order_by("-year")


def level_counts(user, area: Area) -> dict[str, int]:
    rows = (
        visible_areas(user)
        .filter(path__startswith=area.path)
        .exclude(pk=area.pk)
        .values("level")
        .annotate(n=Count("id"))
    )
    return {r["level"]: r["n"] for r in rows}
