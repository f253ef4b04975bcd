"""Background jobs of the assistance app: the department import of deliveries (dry run, then commit)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django_tasks import task

from jingzhun.core.jobs import JobOutcome, run_job

from .importing import delivery_import, error_bytes

IMPORT_KIND = "assistance.import"


@task()
def delivery_import_task(job_id: str) -> None:
    run_job(job_id, run_import)


def run_import(job, progress) -> JobOutcome:
    """The job body (also called directly by the benchmark): check or write, then report."""
    params = job.params
    result = delivery_import(
        actor=job.owner,
        path=params["path"],
        dry_run=params.get("dry_run", True),
        progress=progress,
        job_id=job.pk,
        file_name=params.get("file_name", ""),
    )
    summary = result.summary()
    if result.errors:
        progress.update(98, _("正在生成错误清单…"), force=True)
        return JobOutcome(
            ok=False,
            message=_(
                "校验未通过：%(rows)s 行共 %(count)s 处错误，未写入任何数据。请下载错误清单，修改后重新上传。"
            )
            % {"rows": summary["error_rows"], "count": summary["errors"]},
            result=summary,
            errors=[{"row": n, "message": m} for n, _v, m in sorted(result.errors, key=lambda e: e[0])[:200]],
            result_file=("措施落实导入错误清单.xlsx", ContentFile(error_bytes(result))),
        )
    if result.dry_run:
        return JobOutcome(
            message=_("校验通过：共 %(rows)s 条，涉及 %(households)s 户，可以正式导入。")
            % {"rows": result.rows, "households": result.households},
            result=summary,
        )
    return JobOutcome(
        message=_(
            "导入完成：写入 %(rows)s 条措施落实，其中 %(lines)s 条计入转移性收入，涉及 %(households)s 户。"
        )
        % {"rows": result.written, "lines": result.income_lines, "households": result.households},
        result=summary,
    )
