from django.conf import settings
from django.urls import NoReverseMatch, reverse

from .navigation import GROUPS, NAV_ITEMS
from .scoping import user_paths


def shell(request):
    """Navigation and the user's areas for the base template."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"jz_site_name": settings.JINGZHUN_SITE_NAME}
    nav, groups = [], {}
    for url_name, label, icon, capability, group in NAV_ITEMS:
        if capability and user_paths(user, capability) == []:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        item = {
            "url": url,
            "label": label,
            "icon": icon,
            "active": request.path.startswith(url) and url != "/" or request.path == url,
        }
        if group is None:
            nav.append(item)
        elif group in groups:
            groups[group]["children"].append(item)
        else:
            groups[group] = {"label": GROUPS[group], "key": group, "children": [item]}
            nav.append(groups[group])
    for entry in nav:
        children = entry.get("children")
        if children is not None:
            entry["active"] = any(c["active"] for c in children)
    badge = _todo_badge(user)
    for entry in nav:
        if entry.get("url") == _todo_url():
            entry["badge"] = badge
    # A menu with a single visible entry is shown as that entry.
    nav = [e["children"][0] if len(e.get("children", ())) == 1 else e for e in nav]
    scope = []
    if not user.is_superuser:
        # The template translates the role name (default roles are stored under their msgids).
        scope = [
            {"role": a.role.name, "area": a.area.name}
            for a in user.assignments.select_related("role", "area")[:4]
        ]
    return {"jz_site_name": settings.JINGZHUN_SITE_NAME, "nav_items": nav, "user_scope": scope}


def _todo_url() -> str | None:
    try:
        return reverse("workflows:todo")
    except NoReverseMatch:
        return None


def _todo_badge(user) -> dict | None:
    """Waiting and overdue counts for the 待办事项 link; cached briefly, since every page shows it."""
    from django.core.cache import cache

    key = f"jz:todo-badge:{user.pk}:{user.date_joined.timestamp()}"
    badge = cache.get(key)
    if badge is None:
        try:
            from jingzhun.workflows.todo import todo_summary
        except ImportError:
            return None
        summary = todo_summary(user)
        badge = {"total": summary["total"], "overdue": summary["overdue"]}
        cache.set(key, badge, 30)
    return badge if badge["total"] else None
