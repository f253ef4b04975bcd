"""Background jobs of the areas app: export the visible tree, import township/village/group lists.

Progress and result messages are translated when written (in the worker's language); the column
headers, sheet and file names of the xlsx files are the file format and stay Chinese.
"""

from __future__ import annotations

from pathlib import Path

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from jingzhun.core.jobs import JobOutcome, run_job
from jingzhun.core.tabular import error_workbook, read_table, write_xlsx

from .choices import AreaLevel
from .models import Area
from .services import IMPORT_ALIASES, IMPORT_HEADERS, area_import

LEVEL_LABELS = dict(AreaLevel.choices)


@task()
def area_export_task(job_id: str) -> None:
    run_job(job_id, _export)


def _export(job, progress):
    user = job.owner
    root = job.area
    qs = Area.objects.for_user(user)
    if root is not None:
        qs = qs.filter(path__startswith=root.path)
    total = qs.count()
    progress.update(
        1,
        ngettext("共 %(count)s 个区划，正在导出…", "共 %(count)s 个区划，正在导出…", total)
        % {"count": total},
        force=True,
    )
    names = dict(qs.values_list("id", "name"))

    def rows():
        for i, a in enumerate(qs.order_by("path").iterator(chunk_size=2000), start=1):
            if i % 500 == 0:
                progress.update(
                    i * 100 / max(total, 1), _("已导出 %(done)s / %(total)s") % {"done": i, "total": total}
                )
            yield [
                a.code,
                a.name,
                str(LEVEL_LABELS.get(a.level, a.level)),
                names.get(a.parent_id, ""),
                a.urban_rural_class,
                "是" if a.is_poor_village else "",
                a.poor_listed_year or "",
                a.poor_exited_year or "",
            ]

    data = write_xlsx(
        [
            (
                "区划清单",
                [
                    "统计用区划代码",
                    "名称",
                    "级别",
                    "上级区划",
                    "城乡分类代码",
                    "贫困村",
                    "列为贫困村年度",
                    "贫困村退出年度",
                ],
                rows(),
            )
        ],
        title_line=f"{root.full_name() if root else '全部区划'} 区划清单",
    )
    return JobOutcome(
        message=ngettext("已导出 %(count)s 个区划", "已导出 %(count)s 个区划", total) % {"count": total},
        result={"rows": total},
        result_file=("区划清单.xlsx", ContentFile(data)),
    )


@task()
def area_import_task(job_id: str) -> None:
    run_job(job_id, _import)


def _import(job, progress):
    path = Path(job.params["path"])
    try:
        return _import_file(job, progress, path)
    finally:
        # The upload is only needed for this run; a later try uploads the file again.
        path.unlink(missing_ok=True)


def _import_file(job, progress, path):
    dry_run = job.params.get("dry_run", True)
    progress.update(1, _("正在读取文件…"), force=True)
    table = read_table(path, required=["统计用区划代码", "名称"], aliases=IMPORT_ALIASES)
    result = area_import(
        actor=job.owner,
        table=table,
        dry_run=dry_run,
        progress=lambda n: progress.update(
            min(90, 5 + n / 50), ngettext("已校验 %(count)s 行", "已校验 %(count)s 行", n) % {"count": n}
        ),
    )
    summary = {
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "errors": len(result.errors),
        "dry_run": dry_run,
    }
    if result.errors:
        data = error_workbook(table.headers or IMPORT_HEADERS, result.errors)
        return JobOutcome(
            ok=False,
            message=ngettext(
                "校验未通过：%(count)s 行有错误，未写入任何数据。请下载错误清单修改后重新导入。",
                "校验未通过：%(count)s 行有错误，未写入任何数据。请下载错误清单修改后重新导入。",
                len(result.errors),
            )
            % {"count": len(result.errors)},
            result=summary,
            errors=[{"row": n, "message": m} for n, _v, m in result.errors[:200]],
            result_file=("区划导入错误清单.xlsx", ContentFile(data)),
        )
    if dry_run:
        return JobOutcome(
            message=ngettext(
                "校验通过：共 %(count)s 行，可以正式导入。",
                "校验通过：共 %(count)s 行，可以正式导入。",
                result.rows,
            )
            % {"count": result.rows},
            result=summary,
        )
    return JobOutcome(
        message=_("导入完成：新增 %(created)s 个，更新 %(updated)s 个。")
        % {"created": result.created, "updated": result.updated},
        result=summary,
    )
