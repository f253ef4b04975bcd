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


def import_job_or_404(user, kind: str, pk):
    """An import job of ``kind`` the user may see (dry runs and commits share the kind)."""
    from django.http import Http404
    from django.utils.translation import gettext as _

    job = jobs_visible_to(user).filter(kind=kind, pk=pk).first()
    if job is None:
        raise Http404(_("任务不存在或不在您的范围内。"))
    return job


def import_job_status(user, job, kind: str) -> dict:
    """What an import page shows: progress, the dry run's summary, and whether its owner may commit it
    (a successful dry run not yet committed)."""
    from .choices import JobState
    from .jobs import live_progress
    from .models import Job

    percent, message = live_progress(job)
    params = job.params or {}
    committed = Job.objects.filter(kind=kind, params__dry_run_of=str(job.pk)).order_by("-created_at").first()
    can_commit = (
        params.get("dry_run")
        and job.state == JobState.SUCCEEDED
        and job.owner_id == user.pk
        and committed is None
    )
    return {
        "job": job,
        "percent": percent,
        "message": message,
        "summary": job.result or {},
        "is_dry_run": params.get("dry_run", True),
        "can_commit": can_commit,
        "commit_job": committed,
    }
