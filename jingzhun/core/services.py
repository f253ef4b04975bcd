"""Services of the core app: the audit trail and background jobs.

Domain services call ``audit_record`` inside their own ``transaction.atomic`` block, so the event is
committed or rolled back together with the change it describes.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext

from . import context
from .choices import JobState
from .models import AuditEvent, Job


def _jsonable(value: Any) -> Any:
    if isinstance(value, Promise):  # lazy translations (choice labels)
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "url"):  # FieldFile
        return value.name or ""
    return value


def jsonable(value: Any) -> Any:
    """Dates, decimals, lazy strings and model instances made JSON-safe (form data kept in JSONFields)."""
    return _jsonable(value)


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    """A JSON-able dict of a model's concrete field values, for before/after in audit events."""
    names = fields or [
        f.name for f in obj._meta.concrete_fields if f.name not in ("created_at", "updated_at")
    ]
    out = {}
    for name in names:
        field = obj._meta.get_field(name)
        out[name] = _jsonable(getattr(obj, field.attname))
    return out


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values differ, to keep audit rows readable."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    area=None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
) -> AuditEvent:
    """Write one audit event. Call inside the service's transaction."""
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_label = target_label or str(target)[:200]
    if area is None and target is not None:
        area = _area_of(target)
    info = context.current()
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=_actor_name(actor),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_label=target_label[:200],
        area=area,
        area_path=getattr(area, "path", "") or "",
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        reason=reason or "",
        ip=info.ip,
    )


def record_sensitive_view(*, actor, target: models.Model, field: str, area=None) -> AuditEvent:
    """Record that ``actor`` revealed a sensitive field (full ID number, bank account, health data)."""
    return audit_record(
        actor=actor, action="sensitive.view", target=target, area=area, after={"field": field}
    )


def _actor_name(actor) -> str:
    if actor is None:
        # Translators: the actor name recorded for changes made by the system itself.
        return gettext("系统")
    full = getattr(actor, "full_name", "") or ""
    return (full or getattr(actor, "username", "") or str(actor))[:150]


def _area_of(obj: models.Model):
    from jingzhun.areas.models import Area

    if isinstance(obj, Area):
        return obj
    area = getattr(obj, "area", None)
    return area if isinstance(area, Area) else None


# --- background jobs -------------------------------------------------------------------------------


@transaction.atomic
def job_enqueue(*, actor, kind: str, title: str, task, area=None, params: dict | None = None) -> Job:
    """Create a Job row and queue ``task`` (a django-tasks task taking ``job_id``) after commit."""
    job = Job.objects.create(
        kind=kind,
        title=title,
        owner=actor if getattr(actor, "pk", None) else None,
        area=area,
        area_path=getattr(area, "path", "") or "",
        params=_jsonable(params or {}),
    )
    audit_record(
        actor=actor, action="job.enqueue", target=job, area=area, after={"kind": kind, "params": job.params}
    )

    def _enqueue():
        result = task.enqueue(job_id=str(job.pk))
        Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))

    transaction.on_commit(_enqueue)
    return job


def job_mark_running(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, started_at=timezone.now(), percent=0)


def job_mark_finished(
    job: Job, *, ok: bool, message: str, result=None, errors=None, result_file=None
) -> None:
    job.refresh_from_db()
    job.state = JobState.SUCCEEDED if ok else JobState.FAILED
    job.finished_at = timezone.now()
    job.percent = 100 if ok else job.percent
    job.message = message[:300]
    job.result = _jsonable(result) if result is not None else job.result
    job.errors = _jsonable(errors or [])[:1000]
    if result_file is not None:
        name, content = result_file
        job.result_file.save(name, content, save=False)
    job.save()


def jobs_prune(*, actor=None, days: int, dry_run: bool = False) -> int:
    """Drop job rows (never audit events) that finished more than ``days`` ago, with their result files.

    Returns how many rows went (or would go, on a dry run). A real run writes one audit event."""
    if days < 1:
        raise ValueError("days must be at least 1")
    old = Job.objects.filter(finished_at__lt=timezone.now() - datetime.timedelta(days=days))
    if dry_run:
        return old.count()
    count = 0
    with transaction.atomic():
        for job in old.only("id", "result_file").iterator():
            if job.result_file:
                job.result_file.delete(save=False)
            count += 1
        old.delete()
        audit_record(
            actor=actor,
            action="core.jobs_prune",
            target_label=gettext("清理后台任务记录"),
            after={"days": days, "count": count},
        )
    return count
