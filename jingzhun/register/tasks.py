"""Background jobs of the register: import (dry run, then commit) and export of the household list.

Job messages are translated when written (in the worker's language); column headers, sheet and file
names of the xlsx files are the file format and stay Chinese.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django_tasks import task

from jingzhun.core.jobs import JobOutcome, run_job

from .exporting import export_households
from .importing import error_workbook_bytes, register_import

IMPORT_KIND = "register.import"
EXPORT_KIND = "register.export"


@task()
def register_import_task(job_id: str) -> None:
    run_job(job_id, run_import)


def run_import(job, progress) -> JobOutcome:
    """The job body (also called directly by the benchmark): check or write, then report."""
    params = job.params
    dry_run = params.get("dry_run", True)
    result = register_import(
        actor=job.owner,
        path=params["path"],
        income_path=params.get("income_path") or None,
        dry_run=dry_run,
        progress=progress,
        file_name=params.get("file_name", ""),
    )
    summary = result.summary()
    if result.errors:
        progress.update(98, _("正在生成错误清单…"), force=True)
        data = error_workbook_bytes(result)
        return JobOutcome(
            ok=False,
            message=_(
                "校验未通过：%(rows)s 行共 %(count)s 处错误，未写入任何数据。请下载错误清单，修改后重新上传。"
            )
            % {"rows": summary["error_rows"], "count": summary["errors"]},
            result=summary,
            errors=result.errors.first(200),
            result_file=("农户导入错误清单.xlsx", ContentFile(data)),
        )
    if dry_run:
        return JobOutcome(
            message=_("校验通过：共 %(households)s 户 %(persons)s 人，可以正式导入。")
            % {"households": result.households, "persons": result.rows},
            result=summary,
        )
    c = result.counts
    return JobOutcome(
        message=_(
            "导入完成：新增 %(created)s 户、更新 %(updated)s 户、未变化 %(unchanged)s 户；"
            "新增成员 %(members_created)s 人、更新 %(members_updated)s 人；收入 %(incomes)s 条。"
        )
        % {
            "created": c.created,
            "updated": c.updated,
            "unchanged": c.unchanged,
            "members_created": c.members_created,
            "members_updated": c.members_updated,
            "incomes": c.incomes_created + c.incomes_updated,
        },
        result=summary,
    )


@task()
def register_export_task(job_id: str) -> None:
    run_job(job_id, run_export)


def run_export(job, progress) -> JobOutcome:
    data, households, members = export_households(
        actor=job.owner,
        params=job.params.get("filter", {}),
        progress=lambda percent, message: progress.update(percent, message),
    )
    return JobOutcome(
        message=_("已导出 %(households)s 户、%(members)s 名成员")
        % {"households": households, "members": members},
        result={"households": households, "members": members},
        result_file=("农户名单.xlsx", ContentFile(data)),
    )
