from django.conf import settings
from django.urls import NoReverseMatch, reverse

from .navigation import NAV_ITEMS
from .scoping import user_paths


def shell(request):
    """Navigation and the user's areas for the base template."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"jz_site_name": settings.JINGZHUN_SITE_NAME}
    nav = []
    for url_name, label, icon, capability in NAV_ITEMS:
        if capability and user_paths(user, capability) == []:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        nav.append(
            {
                "url": url,
                "label": label,
                "icon": icon,
                "active": request.path.startswith(url) and url != "/" or request.path == url,
            }
        )
    scope = []
    if not user.is_superuser:
        # The template translates the role name (default roles are stored under their msgids).
        scope = [
            {"role": a.role.name, "area": a.area.name}
            for a in user.assignments.select_related("role", "area")[:4]
        ]
    return {"jz_site_name": settings.JINGZHUN_SITE_NAME, "nav_items": nav, "user_scope": scope}
