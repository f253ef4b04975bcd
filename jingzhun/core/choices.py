from django.db import models
from django.utils.translation import gettext_lazy as _

CAPABILITIES = [
    ("core.audit_view", _("查看审计日志")),
    ("core.reveal_sensitive", _("查看完整身份证号等敏感信息")),
    ("core.jobs_view", _("查看本区域的后台任务")),
]


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")
