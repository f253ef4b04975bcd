"""Cleanup of the upload folder (MEDIA_ROOT/uploads/): files of imports that were never committed.

What is written there, and by whom (checked in the code that writes it):

- ``uploads/register/``, ``uploads/assistance/``: register and delivery import files. Their path is in the
  job's params (``path``, ``income_path``); they stay between the dry run and the commit and the import
  never deletes them. The register dry run writes its checked cache next to the file (``<file>.checked``);
  the commit deletes the cache, a dry run that is never committed leaves it behind.
- ``uploads/areas/``: area list imports, deleted by the task when it ends.
- ``uploads/comparison/``: a department data file, referenced by its ``DatasetBatch.file_path`` until the
  batch is loaded (the load deletes it). A batch still waiting to be checked or loaded needs the file.
- ``uploads/comparison-relatives/``: deleted by the page right after the import.
- ``uploads/demo/``: the demo's department files, deleted when the demo batch is loaded.

Evidence files, notice posting photos, visit photos, report templates, generated reports and job result
files live elsewhere under MEDIA_ROOT (``evidence/``, ``assistance/visits/``, ``reports/``, ``jobs/`` …)
and are never looked at here.

A file under ``uploads/`` is removed when it is older than the retention period (by modification time)
and nothing refers to it: no unfinished job and no job created within the period, no data batch that is
not loaded yet, and (a safety net) no file field of any model.
"""

from __future__ import annotations

import datetime
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import JobState
from .models import Job
from .services import audit_record

FOLDER = "uploads"
CACHE_SUFFIX = ".checked"  # the register dry run's cache next to the uploaded file

# Rows that keep the upload they point to: (model label, field holding the path, rows that still need it).
KEEPING_ROWS = [
    ("comparison.DatasetBatch", "file_path", ~Q(status="loaded")),
]


@dataclass
class RemovedFile:
    name: str  # relative to the upload folder, with "/"
    size: int
    modified: datetime.datetime


@dataclass
class CleanupResult:
    days: int
    dry_run: bool
    removed: list[RemovedFile] = field(default_factory=list)
    kept: dict[str, str] = field(default_factory=dict)  # old file → what still refers to it

    @property
    def size(self) -> int:
        return sum(f.size for f in self.removed)


def retention_days() -> int:
    return int(getattr(settings, "JINGZHUN_UPLOAD_RETENTION_DAYS", 7))


def uploads_root() -> Path:
    return Path(settings.MEDIA_ROOT) / FOLDER


def uploads_cleanup(*, actor=None, days: int | None = None, dry_run: bool = False, now=None) -> CleanupResult:
    """Delete upload files older than ``days`` (default: the setting) that nothing refers to.

    A real run writes one audit event (also when nothing was removed); a dry run only reports."""
    days = retention_days() if days is None else int(days)
    if days < 1:
        raise ValueError("days must be at least 1")
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=days)
    root = uploads_root()
    result = CleanupResult(days=days, dry_run=dry_run)
    old = list(_old_files(root, cutoff.timestamp())) if root.is_dir() else []
    if old:
        referenced = _referenced(root, cutoff)
        for path, name, st in old:
            if name in referenced:
                result.kept[name] = referenced[name]
                continue
            if not dry_run:
                try:
                    path.unlink()
                except FileNotFoundError:
                    continue
            modified = datetime.datetime.fromtimestamp(st.st_mtime, tz=datetime.UTC)
            result.removed.append(RemovedFile(name=name, size=st.st_size, modified=modified))
    if not dry_run:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="core.uploads_cleanup",
                target_label=_("清理上传文件"),
                after={
                    "days": days,
                    "removed": len(result.removed),
                    "bytes": result.size,
                    "kept": len(result.kept),
                    "files": [f.name for f in result.removed[:200]],
                },
            )
    return result


def _old_files(root: Path, cutoff: float) -> Iterator[tuple[Path, str, os.stat_result]]:
    """Regular files (not links) under ``root`` last modified before ``cutoff``, in name order."""
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for file_name in sorted(files):
            path = Path(folder) / file_name
            try:
                st = path.lstat()
            except FileNotFoundError:
                continue
            if stat.S_ISREG(st.st_mode) and st.st_mtime < cutoff:
                yield path, path.relative_to(root).as_posix(), st


def _referenced(root: Path, cutoff: datetime.datetime) -> dict[str, str]:
    """Files under the upload folder that something still refers to → a short description of what."""
    refs: dict[str, str] = {}
    resolved = root.resolve()

    def keep(value, why: str) -> None:
        name = _name_in_uploads(str(value), resolved)
        if name:
            refs.setdefault(name, why)
            refs.setdefault(name + CACHE_SUFFIX, why)

    jobs = Job.objects.filter(
        Q(state__in=[JobState.QUEUED, JobState.RUNNING]) | Q(created_at__gte=cutoff)
    ).values_list("pk", "title", "params")
    for pk, title, params in jobs.iterator():
        for value in _strings(params):
            keep(value, _("后台任务“%(title)s”（%(id)s）") % {"title": title, "id": str(pk)[:8]})
    for label, field_name, needed in KEEPING_ROWS:
        model = _model(label)
        if model is None:
            continue
        rows = model._base_manager.filter(needed).exclude(**{field_name: ""})
        for pk, value in rows.values_list("pk", field_name).iterator():
            keep(value, f"{model._meta.verbose_name} #{pk}")
    for model, field_name in _file_fields():
        rows = model._base_manager.filter(**{f"{field_name}__startswith": FOLDER + "/"})
        for pk, value in rows.values_list("pk", field_name).iterator():
            keep(value, f"{model._meta.verbose_name} #{pk}")
    return refs


def _name_in_uploads(value: str, resolved_root: Path) -> str | None:
    """A stored path (absolute, or relative to MEDIA_ROOT) as a name relative to the upload folder."""
    if not value:
        return None
    if value.startswith(FOLDER + "/"):
        return value[len(FOLDER) + 1 :]
    path = Path(value)
    if path.is_absolute():
        try:
            return path.resolve().relative_to(resolved_root).as_posix()
        except ValueError:
            pass
    marker = f"/{FOLDER}/"
    if marker in value:  # written under another MEDIA_ROOT (the data folder was moved)
        return value.rsplit(marker, 1)[1]
    return None


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _file_fields() -> Iterator[tuple[type[models.Model], str]]:
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                yield model, f.attname
