"""The procedures engine: templates as data, running procedures, step records, evidence, notices, objections.

A template is versioned: editing one (for a county) writes a new version; a running procedure keeps the
template version it started with, so a changed notice period never rewrites a procedure halfway through.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingzhun.core.models import TimeStampedModel
from jingzhun.core.scoping import ScopedManager

from .choices import (
    EvidenceKind,
    Level,
    NoticeKind,
    NoticeStatus,
    ObjectionChannel,
    ObjectionOutcome,
    ObjectionStatus,
    ProcedureKind,
    ProcedureStatus,
    StepAction,
    StepResult,
)

USER = settings.AUTH_USER_MODEL
VIEW = {"view": "workflows.view"}


class ProcedureTemplate(TimeStampedModel):
    """One version of a procedure's step list. ``area`` empty = the national default; else a county's own."""

    kind = models.CharField(_("程序类型"), max_length=24, choices=ProcedureKind.choices)
    name = models.CharField(_("名称"), max_length=60)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("适用区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # "" for the national default, the county's path otherwise: lets the unique constraints treat it as a value.
    area_key = models.CharField(_("区域键"), max_length=15, blank=True, default="")
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    is_current = models.BooleanField(_("当前版本"), default=True)
    description = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("修改人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("程序模板")
        verbose_name_plural = _("程序模板")
        ordering = ["kind", "area_key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "area_key", "version"], name="template_unique_version"),
            models.UniqueConstraint(
                fields=["kind", "area_key"], condition=Q(is_current=True), name="template_one_current"
            ),
        ]

    def __str__(self):
        return f"{self.name}（第{self.version}版）"


class StepTemplate(models.Model):
    """A step of a template: who acts (capability at a level), what the step asks for, its period."""

    template = models.ForeignKey(
        ProcedureTemplate, verbose_name=_("程序模板"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    code = models.SlugField(_("环节代码"), max_length=32)
    name = models.CharField(_("环节名称"), max_length=60)
    level = models.CharField(_("办理层级"), max_length=10, choices=Level.choices)
    capability = models.CharField(_("所需权限"), max_length=64)
    action = models.CharField(_("环节类型"), max_length=12, choices=StepAction.choices)
    notice_kind = models.CharField(_("公示类型"), max_length=16, choices=NoticeKind.choices, blank=True)
    period_days = models.PositiveSmallIntegerField(
        _("期限(天)"), default=0, help_text=_("公示期天数；其他环节为办理时限，0 表示不设时限")
    )
    is_batch = models.BooleanField(_("按名单批量办理"), default=False)
    send_back_to = models.SlugField(_("默认退回环节"), max_length=32, blank=True)
    config = models.JSONField(_("环节参数"), default=dict, blank=True)

    class Meta:
        verbose_name = _("程序环节")
        verbose_name_plural = _("程序环节")
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="step_unique_order"),
            models.UniqueConstraint(fields=["template", "code"], name="step_unique_code"),
            models.CheckConstraint(
                condition=~Q(action="notice") | ~Q(notice_kind=""), name="step_notice_has_kind"
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.name}"

    @property
    def is_notice(self) -> bool:
        return self.action == StepAction.NOTICE


class ProcedureBatch(TimeStampedModel):
    """A list of procedures handled together at batch steps (a village's candidates of a year)."""

    kind = models.CharField(_("程序类型"), max_length=24, choices=ProcedureKind.choices)
    area = models.ForeignKey("areas.Area", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名单名称"), max_length=100)
    created_by = models.ForeignKey(USER, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = VIEW

    class Meta:
        verbose_name = _("办理名单")
        verbose_name_plural = _("办理名单")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class Procedure(TimeStampedModel):
    """One household going through one procedure; the step it waits at is ``current_step``."""

    template = models.ForeignKey(
        ProcedureTemplate, verbose_name=_("程序模板"), on_delete=models.PROTECT, related_name="procedures"
    )
    kind = models.CharField(_("程序类型"), max_length=24, choices=ProcedureKind.choices, db_index=True)
    household = models.ForeignKey(
        "register.Household", verbose_name=_("农户"), on_delete=models.PROTECT, related_name="procedures"
    )
    area = models.ForeignKey("areas.Area", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ProcedureStatus.choices,
        default=ProcedureStatus.RUNNING,
        db_index=True,
    )
    current_step = models.ForeignKey(
        StepTemplate,
        verbose_name=_("当前环节"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    step_since = models.DateTimeField(_("进入当前环节时间"), null=True, blank=True)
    batch = models.ForeignKey(
        ProcedureBatch,
        verbose_name=_("办理名单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="procedures",
    )
    data = models.JSONField(_("办理数据"), default=dict, blank=True)
    outcome_reason = models.TextField(_("办结说明"), blank=True)
    started_by = models.ForeignKey(USER, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = VIEW

    class Meta:
        verbose_name = _("办理程序")
        verbose_name_plural = _("办理程序")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "current_step"], name="procedure_status_step_idx")]
        constraints = [
            # A household is in at most one open procedure of each kind (change requests: one per request).
            models.UniqueConstraint(
                fields=["household", "kind"],
                condition=Q(status="running") & ~Q(kind="change_request"),
                name="procedure_one_running_per_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}·{self.household}"

    @property
    def is_running(self) -> bool:
        return self.status == ProcedureStatus.RUNNING


class BatchAct(models.Model):
    """One sitting of a batch step (a village meeting, a review session) with its per-household results."""

    step = models.ForeignKey(StepTemplate, verbose_name=_("环节"), on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(
        ProcedureBatch,
        verbose_name=_("办理名单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="acts",
    )
    area = models.ForeignKey("areas.Area", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    actor = models.ForeignKey(USER, verbose_name=_("办理人"), on_delete=models.PROTECT, related_name="+")
    acted_on = models.DateField(_("办理日期"))
    data = models.JSONField(_("会议/审核信息"), default=dict, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = VIEW

    class Meta:
        verbose_name = _("批量办理记录")
        verbose_name_plural = _("批量办理记录")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.step.name} {self.acted_on}"


class StepRecord(models.Model):
    """What happened at a step for one procedure: who, when, result, comment, data, evidence."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("办理程序"), on_delete=models.CASCADE, related_name="records"
    )
    step = models.ForeignKey(StepTemplate, verbose_name=_("环节"), on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("结果"), max_length=12, choices=StepResult.choices)
    comment = models.TextField(_("意见"), blank=True)
    data = models.JSONField(_("环节数据"), default=dict, blank=True)
    actor = models.ForeignKey(USER, verbose_name=_("办理人"), on_delete=models.PROTECT, related_name="+")
    acted_on = models.DateField(_("办理日期"))
    batch_act = models.ForeignKey(
        BatchAct,
        verbose_name=_("批量办理"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("环节记录")
        verbose_name_plural = _("环节记录")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.step.name}：{self.get_result_display()}"


def evidence_path(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{instance.area_path[:6]}/{uuid.uuid4().hex}.{ext}"


class Notice(TimeStampedModel):
    """A 公示 or 公告 publishing a list of households; public at /gs/ with masked IDs only."""

    public_id = models.UUIDField(_("公开编号"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("类型"), max_length=16, choices=NoticeKind.choices)
    procedure_kind = models.CharField(_("程序类型"), max_length=24, choices=ProcedureKind.choices)
    step = models.ForeignKey(StepTemplate, verbose_name=_("环节"), on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("公示区域"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("正文"), blank=True)
    issuing_unit = models.CharField(_("发布单位"), max_length=100)
    place = models.CharField(_("张贴地点"), max_length=100)
    phones = models.CharField(_("监督电话"), max_length=100)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    status = models.CharField(
        _("状态"), max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.PUBLISHED, db_index=True
    )
    published_by = models.ForeignKey(
        USER, verbose_name=_("发布人"), on_delete=models.PROTECT, related_name="+"
    )
    closed_by = models.ForeignKey(
        USER, verbose_name=_("结束人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = VIEW

    class Meta:
        verbose_name = _("公示公告")
        verbose_name_plural = _("公示公告")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="notice_dates_ordered"
            )
        ]

    def __str__(self):
        return self.title


class NoticeEntry(models.Model):
    """One published line: only what may be public (name, village, masked ID, size, reason)."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("公示"), on_delete=models.CASCADE, related_name="entries"
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("办理程序"), on_delete=models.PROTECT, related_name="notice_entries"
    )
    seq = models.PositiveSmallIntegerField(_("序号"))
    head_name = models.CharField(_("户主姓名"), max_length=50)
    village_name = models.CharField(_("所在村组"), max_length=100)
    masked_id = models.CharField(_("身份证号（隐藏）"), max_length=18)
    size = models.PositiveSmallIntegerField(_("家庭人口"))
    reason = models.CharField(_("事由"), max_length=100)
    withdrawn = models.BooleanField(_("已撤出名单"), default=False)

    class Meta:
        verbose_name = _("公示名单")
        verbose_name_plural = _("公示名单")
        ordering = ["notice", "seq"]
        constraints = [models.UniqueConstraint(fields=["notice", "procedure"], name="notice_entry_unique")]

    def __str__(self):
        return f"{self.seq}. {self.head_name}"


class Objection(TimeStampedModel):
    """An objection to a notice (异议), recorded by an official or submitted on the public page."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="objections"
    )
    entry = models.ForeignKey(
        NoticeEntry,
        verbose_name=_("涉及农户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    channel = models.CharField(_("反映方式"), max_length=12, choices=ObjectionChannel.choices)
    submitter_name = models.CharField(_("反映人"), max_length=50, blank=True)
    submitter_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    content = models.TextField(_("异议内容"))
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN, db_index=True
    )
    outcome = models.CharField(_("核实结论"), max_length=10, choices=ObjectionOutcome.choices, blank=True)
    answer = models.TextField(_("答复内容"), blank=True)
    answered_by = models.ForeignKey(
        USER, verbose_name=_("答复人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    source_key = models.CharField(_("来源标识"), max_length=64, blank=True)

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = VIEW

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.notice}·{self.get_status_display()}"


class Evidence(models.Model):
    """A file kept as proof (影像留痕): attached to a step record, a batch sitting, a notice or an objection."""

    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    kind = models.CharField(_("材料类型"), max_length=12, choices=EvidenceKind.choices)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    record = models.ForeignKey(
        StepRecord,
        verbose_name=_("环节记录"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    batch_act = models.ForeignKey(
        BatchAct,
        verbose_name=_("批量办理"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    notice = models.ForeignKey(
        Notice,
        verbose_name=_("公示"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    objection = models.ForeignKey(
        Objection,
        verbose_name=_("异议"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    uploaded_by = models.ForeignKey(
        USER, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = VIEW

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.original_name
