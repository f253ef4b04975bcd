"""Background jobs: data set dry run, all-or-nothing load, and the matching run."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django_tasks import task

from jingzhun.core.jobs import JobOutcome, run_job
from jingzhun.core.tabular import error_workbook

from .models import ComparisonRun, DatasetBatch
from .services import run_execute
from .services_batches import batch_check, batch_load

CHECK_KIND = "comparison.check"
LOAD_KIND = "comparison.load"
ROW_BYTES = 60  # rough bytes per department row, for the dry run's progress bar


@task()
def batch_check_task(job_id: str) -> None:
    run_job(job_id, run_check)


def run_check(job, progress) -> JobOutcome:
    batch = DatasetBatch.objects.select_related("dataset_type", "area").get(pk=job.params["batch_id"])
    estimate = max(1, _size(batch.file_path) // ROW_BYTES)

    def report(n):
        progress.update(90 * min(1, n / estimate), _("已读取 %(rows)s 行…") % {"rows": n})

    stats, bad = batch_check(actor=job.owner, batch=batch, progress=report)
    summary = {"rows": stats.rows, "bad": stats.bad, "weak": stats.weak, "reasons": stats.reasons}
    result_file = None
    if bad:
        headers = batch.headers
        data = error_workbook(
            headers, [(b.row_no, [b.values.get(h, "") for h in headers], b.reasons) for b in bad]
        )
        result_file = ("比对数据问题行.xlsx", ContentFile(data))
    if stats.rows == 0:
        return JobOutcome(
            ok=False,
            message=_("没有可用于比对的行，请检查字段对应和文件内容。"),
            result=summary,
            result_file=result_file,
        )
    return JobOutcome(
        message=_(
            "校验完成：可用 %(rows)s 行（其中 %(weak)s 行按姓名+出生日期比对），问题行 %(bad)s 行（入库时单独保存）。"
        )
        % {"rows": stats.rows, "weak": stats.weak, "bad": stats.bad},
        result=summary,
        result_file=result_file,
    )


@task()
def batch_load_task(job_id: str) -> None:
    run_job(job_id, run_load)


def run_load(job, progress) -> JobOutcome:
    batch = DatasetBatch.objects.select_related("dataset_type", "area").get(pk=job.params["batch_id"])
    total = max(1, batch.rows + batch.bad_rows)

    def report(n):
        progress.update(95 * min(1, n / total), _("已写入 %(rows)s 行…") % {"rows": n})

    stats = batch_load(actor=job.owner, batch=batch, progress=report)
    return JobOutcome(
        message=_("入库完成：%(rows)s 行可比对，%(bad)s 行问题行已单独保存。")
        % {"rows": stats.rows, "bad": stats.bad},
        result={"rows": stats.rows, "bad": stats.bad, "weak": stats.weak},
    )


@task()
def comparison_run_task(job_id: str) -> None:
    run_job(job_id, run_comparison)


def run_comparison(job, progress) -> JobOutcome:
    run = ComparisonRun.objects.select_related("area", "started_by").get(pk=job.params["run_id"])
    run = run_execute(run=run, progress=lambda pct, msg: progress.update(pct, msg))
    return JobOutcome(
        message=_(
            "比对完成：%(persons)s 人 × %(rows)s 行，命中 %(hits)s 行，新增疑点户 %(new)s 户，撤销 %(gone)s 户，监测预警 %(alerts)s 户。"
        )
        % {
            "persons": run.persons,
            "rows": run.rows,
            "hits": run.hits,
            "new": run.suspects_new,
            "gone": run.suspects_withdrawn,
            "alerts": run.alerts,
        },
        result={"run_id": run.pk, "hits": run.hits, "suspects_new": run.suspects_new, "seconds": run.seconds},
    )


def _size(path: str) -> int:
    import os

    try:
        return os.path.getsize(path)
    except OSError:
        return 0
