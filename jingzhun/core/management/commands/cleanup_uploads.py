from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.core.services import jobs_prune
from jingzhun.core.uploads import retention_days, uploads_cleanup, uploads_root


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(n, 0) / 1024:.1f} KB"


class Command(BaseCommand):
    help = "删除上传目录中超过保留天数、且没有任务或记录引用的导入文件和试运行缓存（可由 cron 每天执行）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="保留天数（默认取 JINGZHUN_UPLOAD_RETENTION_DAYS，即 7 天）",
        )
        parser.add_argument("--dry-run", action="store_true", help="只列出将要删除的文件，不删除")
        parser.add_argument(
            "--jobs-days",
            type=int,
            default=None,
            help="同时删除结束超过该天数的后台任务记录及其结果文件（默认取 JINGZHUN_JOB_RETENTION_DAYS，即 90 天）",
        )

    def handle(self, *args, days=None, dry_run=False, jobs_days=None, **options):
        days = retention_days() if days is None else days
        jobs_days = settings.JINGZHUN_JOB_RETENTION_DAYS if jobs_days is None else jobs_days
        if days < 1 or jobs_days < 1:
            raise CommandError(_("保留天数至少为 1 天。"))
        # Old job rows first: the upload files only they referred to then go in the same run.
        pruned = jobs_prune(actor=None, days=jobs_days, dry_run=dry_run)
        self.stdout.write(
            (_("试运行：将删除 %(count)s 条结束超过 %(days)s 天的后台任务记录。") if dry_run
             else _("已删除 %(count)s 条结束超过 %(days)s 天的后台任务记录。"))
            % {"count": pruned, "days": jobs_days}
        )  # fmt: skip
        result = uploads_cleanup(actor=None, days=days, dry_run=dry_run)
        verb = _("将删除") if dry_run else _("已删除")
        for f in result.removed:
            modified = timezone.localtime(f.modified).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(
                _("%(verb)s %(name)s（%(size)s，保存于 %(modified)s）")
                % {"verb": verb, "name": f.name, "size": _size(f.size), "modified": modified}
            )
        for name, why in result.kept.items():
            self.stdout.write(_("保留 %(name)s：仍被%(why)s引用") % {"name": name, "why": why})
        summary = {
            "folder": uploads_root(),
            "days": days,
            "count": len(result.removed),
            "size": _size(result.size),
            "kept": len(result.kept),
        }
        if dry_run:
            self.stdout.write(
                _(
                    "试运行：%(folder)s 中超过 %(days)s 天的文件将删除 %(count)s 个（%(size)s），"
                    "保留 %(kept)s 个仍被引用的文件。未删除任何文件。"
                )
                % summary
            )
        else:
            self.stdout.write(
                _(
                    "清理完成：%(folder)s 中超过 %(days)s 天的文件已删除 %(count)s 个（%(size)s），"
                    "保留 %(kept)s 个仍被引用的文件。"
                )
                % summary
            )
