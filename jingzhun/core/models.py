"""Base models, the audit trail and background job records."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import JobState
from .scoping import ScopedManager, paths_q


class TimeStampedModel(models.Model):
    """Abstract base: creation and modification times."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One business action or sensitive view, written by the service in the same transaction."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    target_label = models.CharField(_("对象名称"), max_length=200, blank=True)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("区域"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    area_path = models.CharField(_("区域路径"), max_length=15, blank=True, db_index=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    objects = ScopedManager()
    scope_capabilities = {"view": "core.audit_view"}

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    @classmethod
    def scope_q(cls, paths):
        # Events without an area (system-wide settings) are for unrestricted users only.
        return paths_q("area_path", paths) & ~Q(area_path="")


class Job(models.Model):
    """A background job's record: who started it, its state, progress and result file."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("任务类型"), max_length=64)
    title = models.CharField(_("任务名称"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("区域"), null=True, blank=True, on_delete=models.SET_NULL
    )
    area_path = models.CharField(_("区域路径"), max_length=15, blank=True, db_index=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    percent = models.PositiveSmallIntegerField(_("进度"), default=0)
    message = models.CharField(_("进度说明"), max_length=300, blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    result_file = models.FileField(_("结果文件"), upload_to="jobs/%Y/%m/", blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    task_result_id = models.CharField(_("任务队列编号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = ScopedManager()
    scope_capabilities = {"view": "core.jobs_view"}

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    @classmethod
    def scope_q(cls, paths):
        return paths_q("area_path", paths) & ~Q(area_path="")

    @property
    def is_finished(self) -> bool:
        return self.state in (JobState.SUCCEEDED, JobState.FAILED)
