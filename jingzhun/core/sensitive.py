"""Revealing masked values (full ID numbers, phone numbers, bank accounts, health details).

Pages show masked values. A user holding ``core.reveal_sensitive`` at the object's area may ask for the
full value; each reveal is an audit event (who saw which field of which record, when, from where).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .scoping import user_can
from .services import record_sensitive_view


def reveal(*, actor, obj, field: str, area) -> str:
    """Return the full value of ``obj.field`` after checking the capability and recording the view."""
    if area is None or not user_can(actor, "core.reveal_sensitive", area):
        raise PermissionDenied(_("您无权查看完整信息。"))
    value = getattr(obj, field) or ""
    record_sensitive_view(actor=actor, target=obj, field=field, area=area)
    return str(value)
