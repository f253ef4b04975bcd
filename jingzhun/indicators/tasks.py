"""Background jobs of the indicators app: refreshing the pre-aggregated values of a county."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tasks import task

from jingzhun.core.jobs import JobOutcome, run_job

from .services import indicators_refresh


@task()
def indicators_refresh_task(job_id: str) -> None:
    run_job(job_id, _refresh)


def _refresh(job, progress):
    progress.update(1, _("正在计算指标…"), force=True)
    result = indicators_refresh(
        actor=job.owner,
        area=job.area,
        years=job.params.get("years") or None,
        progress=lambda pct, name: progress.update(pct, _("正在计算：%(name)s") % {"name": name}),
    )
    return JobOutcome(
        message=_("指标已更新：%(area)s，%(count)s 个数值，用时 %(seconds)s 秒。")
        % {"area": result["area"], "count": result["values"], "seconds": result["seconds"]},
        result=result,
    )
