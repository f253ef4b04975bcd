"""Background tasks of the core app (housekeeping)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from .models import Job


@task()
def prune_finished_jobs(days: int = 90) -> int:
    """Drop job rows (not audit events) older than ``days``; their result files go with them."""
    old = Job.objects.filter(finished_at__lt=timezone.now() - timedelta(days=days))
    count = 0
    for job in old.iterator():
        if job.result_file:
            job.result_file.delete(save=False)
        count += 1
    old.delete()
    return count
