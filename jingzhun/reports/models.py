"""Work reports (汇报材料): Word templates per county, editable text blocks, generated reports with the
figures they quote; and task lists (工作任务清单) with targets, deadlines and dated progress."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingzhun.core.models import TimeStampedModel
from jingzhun.core.scoping import ScopedManager

from .choices import MANAGE, TASKS, VIEW, BlockKey, PeriodKind

USER = settings.AUTH_USER_MODEL
AMOUNT = {"max_digits": 14, "decimal_places": 2}


class ReportTemplate(TimeStampedModel):
    """A Word template (docxtpl) uploaded for a county; versions are kept, the newest active one is used."""

    area = models.ForeignKey("areas.Area", verbose_name=_("县"), on_delete=models.CASCADE, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    version = models.PositiveSmallIntegerField(_("版本"))
    file = models.FileField(_("模板文件"), upload_to="reports/templates/%Y/")
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    uploaded_by = models.ForeignKey(
        USER, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = {"view": VIEW, "manage": MANAGE}

    class Meta:
        verbose_name = _("汇报材料模板")
        verbose_name_plural = _("汇报材料模板")
        ordering = ["area_path", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["area", "version"], name="reporttemplate_unique_area_version")
        ]

    def __str__(self):
        return f"{self.area} v{self.version}"


class TextBlock(TimeStampedModel):
    """A paragraph set of the work report written by users (做法, 下一步打算); a township without its own
    text uses its county's, and a county without one the built-in wording."""

    area = models.ForeignKey("areas.Area", verbose_name=_("区域"), on_delete=models.CASCADE, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    key = models.CharField(_("段落"), max_length=16, choices=BlockKey.choices)
    body = models.TextField(_("内容"))
    updated_by = models.ForeignKey(USER, verbose_name=_("修改人"), on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = {"view": VIEW, "manage": MANAGE}

    class Meta:
        verbose_name = _("汇报文字段落")
        verbose_name_plural = _("汇报文字段落")
        ordering = ["area_path", "key"]
        constraints = [models.UniqueConstraint(fields=["area", "key"], name="textblock_unique_area_key")]

    def __str__(self):
        return f"{self.area} {self.get_key_display()}"


class WorkReport(models.Model):
    """A generated work report: its area and period, the file, and the figures it quotes (appendix)."""

    area = models.ForeignKey("areas.Area", verbose_name=_("区域"), on_delete=models.CASCADE, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    period = models.CharField(_("时段"), max_length=8, choices=PeriodKind.choices)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    year = models.PositiveSmallIntegerField(_("统计年度"))
    template = models.ForeignKey(
        ReportTemplate,
        verbose_name=_("模板"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(_("文件"), upload_to="reports/generated/%Y/%m/")
    content = models.JSONField(_("内容数据"), default=dict)
    seconds = models.DecimalField(_("生成用时(秒)"), max_digits=8, decimal_places=2, default=0)
    created_by = models.ForeignKey(USER, verbose_name=_("生成人"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = {"view": VIEW}

    class Meta:
        verbose_name = _("汇报材料")
        verbose_name_plural = _("汇报材料")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="workreport_period_ordered")
        ]

    def __str__(self):
        return self.title


class TaskList(TimeStampedModel):
    """工作任务清单: tasks with numeric targets issued for an area and year (e.g. a county's annual list)."""

    area = models.ForeignKey("areas.Area", verbose_name=_("区域"), on_delete=models.CASCADE, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("清单名称"), max_length=120)
    issuer = models.CharField(_("下达单位"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(USER, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = {"view": VIEW, "manage": TASKS}

    class Meta:
        verbose_name = _("工作任务清单")
        verbose_name_plural = _("工作任务清单")
        ordering = ["-year", "area_path", "title"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year", "title"], name="tasklist_unique_area_year_title")
        ]

    def __str__(self):
        return self.title


class TaskItem(TimeStampedModel):
    """One task: what, how much (target and unit), by when, and who answers for it."""

    task_list = models.ForeignKey(
        TaskList, verbose_name=_("任务清单"), on_delete=models.CASCADE, related_name="items"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    seq = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("任务内容"), max_length=200)
    target = models.DecimalField(_("目标数量"), **AMOUNT)
    unit = models.CharField(_("计量单位"), max_length=10)
    deadline = models.DateField(_("完成时限"))
    responsible_unit = models.CharField(_("责任单位"), max_length=100)
    department = models.CharField(_("责任股室/部门"), max_length=100, blank=True)
    completed = models.DecimalField(_("累计完成"), default=0, **AMOUNT)
    completed_on = models.DateField(_("进度日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = {"view": VIEW, "manage": TASKS}

    class Meta:
        verbose_name = _("工作任务")
        verbose_name_plural = _("工作任务")
        ordering = ["task_list_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["task_list", "seq"], name="taskitem_unique_list_seq"),
            models.CheckConstraint(condition=Q(target__gt=0), name="taskitem_target_positive"),
            models.CheckConstraint(condition=Q(completed__gte=0), name="taskitem_completed_non_negative"),
        ]

    def __str__(self):
        return self.name

    @property
    def percent(self) -> Decimal:
        if not self.target:
            return Decimal(0)
        return min(Decimal(100), (self.completed * 100 / self.target).quantize(Decimal("0.1")))

    @property
    def is_done(self) -> bool:
        return self.completed >= self.target

    @property
    def is_late(self) -> bool:
        return not self.is_done and self.deadline < timezone.localdate()


class TaskProgress(models.Model):
    """A dated progress entry: the cumulative amount done by that date (累计完成), with a note."""

    item = models.ForeignKey(
        TaskItem, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="progress"
    )
    reported_on = models.DateField(_("填报日期"))
    completed = models.DecimalField(_("截至该日累计完成"), **AMOUNT)
    note = models.CharField(_("进展说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ScopedManager()
    scope_area_path = "item__area_path"
    scope_capabilities = {"view": VIEW, "manage": TASKS}

    class Meta:
        verbose_name = _("任务进度")
        verbose_name_plural = _("任务进度")
        ordering = ["item_id", "reported_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(completed__gte=0), name="taskprogress_completed_non_negative")
        ]

    def __str__(self):
        return f"{self.item} {self.reported_on} {self.completed}"
