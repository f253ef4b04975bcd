"""Running code as a background job with a progress bar.

A job function is a django-tasks task that takes ``job_id``. Wrap its body with ``run_job`` to get
state changes, error capture and a ``Progress`` reporter::

    @task()
    def area_export_task(job_id: str):
        run_job(job_id, _export)

    def _export(job, progress):
        progress.update(10, gettext("正在读取…"))
        return JobOutcome(message=gettext("完成"), result={...}, result_file=("a.xlsx", ContentFile(data)))

Messages are stored as text, so they are translated when written, in the worker's language (Chinese).

Progress goes to a file-based cache (readable by the web process even while the worker holds a long
transaction) and, when no transaction is open, to the Job row as well.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import caches
from django.db import connection
from django.utils.translation import gettext

from .errors import DomainError
from .models import Job
from .services import job_mark_finished, job_mark_running

log = logging.getLogger(__name__)


def _key(job_id) -> str:
    return f"job-progress:{job_id}"


def _done() -> str:
    return gettext("完成")


@dataclass
class JobOutcome:
    message: str = field(default_factory=_done)
    result: dict | None = None
    errors: list = field(default_factory=list)
    result_file: tuple | None = None  # (file name, django File/ContentFile)
    ok: bool = True


class Progress:
    """Reports percent and message; throttled so tight loops can call it freely."""

    def __init__(self, job: Job, min_interval: float = 0.3):
        self.job = job
        self.min_interval = min_interval
        self._last = 0.0

    def update(self, percent: float, message: str = "", *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.min_interval:
            return
        self._last = now
        pct = max(0, min(99, int(percent)))
        caches["progress"].set(_key(self.job.pk), {"percent": pct, "message": message[:300]})
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job.pk).update(percent=pct, message=message[:300])


def live_progress(job: Job) -> tuple[int, str]:
    """What the page shows: the cache while running, the row once finished."""
    if job.is_finished:
        return job.percent, job.message
    cached = caches["progress"].get(_key(job.pk))
    if cached:
        return cached["percent"], cached["message"]
    return job.percent, job.message


def run_job(job_id: str, body: Callable[[Job, Progress], JobOutcome]) -> None:
    job = Job.objects.get(pk=job_id)
    job_mark_running(job)
    progress = Progress(job)
    try:
        outcome = body(job, progress)
    except DomainError as exc:
        job_mark_finished(
            job,
            ok=False,
            message=str(exc),
            errors=[{"row": exc.row, "field": exc.field, "message": exc.message}],
        )
    except Exception as exc:
        log.exception("job %s failed", job_id)
        job_mark_finished(
            job,
            ok=False,
            message=(gettext("任务出错：%(error)s") % {"error": f"{exc.__class__.__name__}: {exc}"})[:300],
            errors=[{"message": traceback.format_exc()[-2000:]}],
        )
    else:
        job_mark_finished(
            job,
            ok=outcome.ok,
            message=outcome.message,
            result=outcome.result,
            errors=outcome.errors,
            result_file=outcome.result_file,
        )
    finally:
        caches["progress"].delete(_key(job_id))
