"""Background tasks of the core app (housekeeping)."""

from django_tasks import task

from .services import jobs_prune


@task()
def prune_finished_jobs(days: int = 90) -> int:
    """Drop job rows (not audit events) older than ``days``; their result files go with them."""
    return jobs_prune(actor=None, days=days)
