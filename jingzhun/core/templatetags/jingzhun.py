"""Template helpers shared by every app: audit panel, progress bar, masking."""

from django import template

from ..jobs import live_progress
from ..masking import mask_id_number, mask_phone
from ..selectors import audit_for_object

register = template.Library()


@register.inclusion_tag("core/partials/audit_panel.html", takes_context=True)
def audit_panel(context, obj):
    """The 变更记录 panel: who changed this object, when, from what to what."""
    return {"events": audit_for_object(context["request"].user, obj)}


@register.inclusion_tag("core/partials/progress.html")
def job_progress(job):
    percent, message = live_progress(job)
    return {"job": job, "percent": percent, "message": message}


@register.filter
def masked_id(value):
    return mask_id_number(value)


@register.filter
def masked_phone(value):
    return mask_phone(value)


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None
