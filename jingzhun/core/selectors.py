"""Read helpers of the core app. Each one starts from ``for_user``."""

from django.db.models import Q

from .models import AuditEvent, Job
from .scoping import user_paths


def jobs_visible_to(user):
    """A user always sees its own jobs; with ``core.jobs_view`` also the jobs of its areas."""
    if not user.is_authenticated:
        return Job.objects.none()
    return (Job.objects.for_user(user) | Job.objects.filter(owner=user)).distinct()


def audit_for_object(user, obj):
    """The 变更记录 panel: events about ``obj`` that the user may read."""
    return (
        AuditEvent.objects.for_user(user)
        .filter(target_type=obj._meta.label_lower, target_id=str(obj.pk))
        .select_related("actor")[:50]
    )


def audit_search(user, *, actor=None, action="", area=None, date_from=None, date_to=None, target=""):
    qs = AuditEvent.objects.for_user(user).select_related("actor", "area")
    if actor:
        qs = qs.filter(Q(actor_name__icontains=actor) | Q(actor__username__iexact=actor))
    if action:
        qs = qs.filter(action__startswith=action)
    if area is not None:
        qs = qs.filter(area_path__startswith=area.path)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    if target:
        qs = qs.filter(Q(target_label__icontains=target) | Q(target_id=target))
    return qs


def can_view_audit(user) -> bool:
    paths = user_paths(user, "core.audit_view")
    return paths is None or bool(paths)
