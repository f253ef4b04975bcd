"""Background job: assess every household of an area (a county) for a year in one set-based pass."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tasks import task

from jingzhun.areas.models import Area
from jingzhun.core.jobs import JobOutcome, run_job

from .batch import assess


@task()
def assessment_run_task(job_id: str) -> None:
    run_job(job_id, run_assessment)


def run_assessment(job, progress) -> JobOutcome:
    params = job.params
    area = Area.objects.get(pk=params["area"])
    progress.update(2, _("正在读取政策参数…"), force=True)
    run = assess(
        area=area,
        year=int(params["year"]),
        period=params.get("period", "year"),
        actor=job.owner,
        job=job,
        progress=progress,
    )
    c = run.counts
    return JobOutcome(
        message=_("评估完成：共 %(n)s 户，达到退出标准 %(passed)s 户，监测预警 %(flags)s 户，用时 %(s)s 秒。")
        % {
            "n": c["households"],
            "passed": c["passed"],
            "flags": c["unstable"] + c["marginal"],
            "s": run.seconds,
        },
        result={"run": run.pk, **c},
    )
