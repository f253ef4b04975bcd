"""Cross-department data comparison (数据比对): data sets, batches, relatives, runs and suspects.

Department rows are confidential: a batch is visible to the user who uploaded it and to holders of
``comparison.run`` at the batch's area (county); village and township officers see only the suspects
concerning their area, whose evidence carries masked ID numbers.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingzhun.core.models import TimeStampedModel
from jingzhun.core.scoping import ScopedManager, ScopedQuerySet, paths_q, user_can

from .choices import (
    AlertStatus,
    BatchStatus,
    Decision,
    Fact,
    RelativeKind,
    RunStatus,
    Strength,
    SuspectStatus,
)


class DatasetType(TimeStampedModel):
    """A kind of department data set (机动车登记, 财政供养人员 …). Reference data an admin can extend.

    ``fields`` lists the type's columns beyond ID number, name and birth date: [{"code", "label",
    "kind", "aliases"}]; ``aliases`` are the usual header spellings used for the default mapping.
    """

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    department = models.CharField(_("提供部门"), max_length=50, blank=True)
    fact = models.CharField(_("比对事实"), max_length=32, choices=Fact.choices)
    fields = models.JSONField(_("数据字段"), default=list, blank=True)
    cover_relatives = models.BooleanField(
        _("比对关联人员"), default=False, help_text=_("同时比对分户子女、子女配偶和法定赡养人")
    )
    raises_suspect = models.BooleanField(_("产生疑点户"), default=True)
    alert_risk = models.CharField(
        _("推送监测的风险类型"), max_length=24, blank=True, help_text=_("留空则不推送防返贫监测")
    )
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    builtin = models.BooleanField(_("系统内置"), default=False)

    class Meta:
        verbose_name = _("比对数据集类型")
        verbose_name_plural = _("比对数据集类型")
        ordering = ["sort", "code"]

    def __str__(self):
        return self.name


class ColumnMapping(TimeStampedModel):
    """The last confirmed header → field mapping of a data set type, offered again on the next upload."""

    dataset_type = models.OneToOneField(
        DatasetType, verbose_name=_("数据集类型"), on_delete=models.CASCADE, related_name="mapping"
    )
    mapping = models.JSONField(_("字段对应"), default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("字段对应关系")
        verbose_name_plural = _("字段对应关系")

    def __str__(self):
        return str(self.dataset_type)


class BatchQuerySet(ScopedQuerySet):
    def for_user(self, user, action: str = "view"):
        """Batches in the user's ``comparison.run`` area, plus its own uploads (department users)."""
        scoped = super().for_user(user, action)
        if action == "view" and user_can(user, "comparison.upload"):
            return (scoped | self.filter(uploaded_by=user)).distinct()
        return scoped


class DatasetBatch(TimeStampedModel):
    """One uploaded department file: type, department, as-of date, rows; loaded all-or-nothing."""

    dataset_type = models.ForeignKey(
        DatasetType, verbose_name=_("数据集类型"), on_delete=models.PROTECT, related_name="batches"
    )
    department = models.CharField(_("提供部门"), max_length=50)
    as_of = models.DateField(_("数据截止日期"))
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("数据范围"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    file_name = models.CharField(_("文件名"), max_length=200)
    file_path = models.CharField(_("存储路径"), max_length=500, blank=True)
    headers = models.JSONField(_("表头"), default=list, blank=True)
    mapping = models.JSONField(_("字段对应"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.MAPPING, db_index=True
    )
    rows = models.PositiveIntegerField(_("有效行数"), default=0)
    bad_rows = models.PositiveIntegerField(_("问题行数"), default=0)
    weak_rows = models.PositiveIntegerField(_("身份证号无效、按姓名+出生日期比对的行数"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    loaded_at = models.DateTimeField(_("入库时间"), null=True, blank=True)
    matched_run = models.ForeignKey(
        "ComparisonRun",
        verbose_name=_("最近比对"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    matched_at = models.DateTimeField(_("最近比对时间"), null=True, blank=True)

    objects = models.Manager.from_queryset(BatchQuerySet)()
    scope_area_path = "area_path"
    scope_capabilities = {"view": "comparison.run", "run": "comparison.run"}

    class Meta:
        verbose_name = _("比对数据批次")
        verbose_name_plural = _("比对数据批次")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(rows__gte=0), name="batch_rows_non_negative"),
        ]

    def __str__(self):
        return f"{self.dataset_type}·{self.department}·{self.as_of:%Y-%m-%d}"


class DatasetRow(models.Model):
    """One usable department row: normalised ID (blank when unusable), name, birth date, other columns."""

    batch = models.ForeignKey(
        DatasetBatch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="+"
    )
    row_no = models.PositiveIntegerField(_("行号"))
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    data = models.JSONField(_("其他字段"), default=dict, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("比对数据行")
        verbose_name_plural = _("比对数据行")
        ordering = ["batch_id", "row_no"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_no"], name="datasetrow_unique_batch_row")
        ]

    def __str__(self):
        return f"{self.batch_id}:{self.row_no}"


class DatasetBadRow(models.Model):
    """A row that could not be used, kept aside with its original values and the reasons."""

    batch = models.ForeignKey(
        DatasetBatch, verbose_name=_("批次"), on_delete=models.CASCADE, related_name="+"
    )
    row_no = models.PositiveIntegerField(_("行号"))
    values = models.JSONField(_("原始内容"), default=dict)
    reasons = models.TextField(_("问题说明"))

    class Meta:
        verbose_name = _("比对问题行")
        verbose_name_plural = _("比对问题行")
        ordering = ["batch_id", "row_no"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_no"], name="datasetbadrow_unique_batch_row")
        ]

    def __str__(self):
        return f"{self.batch_id}:{self.row_no}"


class Relative(TimeStampedModel):
    """A person outside the household whose data counts in comparison: a child living apart, that
    child's spouse, or a legal supporter (赡养人). The register has no table for them."""

    household = models.ForeignKey(
        "register.Household", verbose_name=_("农户"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    kind = models.CharField(_("关系类别"), max_length=16, choices=RelativeKind.choices)
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, db_index=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    active = models.BooleanField(_("有效"), default=True)

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = {"view": "comparison.view", "change": "comparison.relatives"}

    class Meta:
        verbose_name = _("关联人员")
        verbose_name_plural = _("关联人员")
        ordering = ["household_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "id_number"],
                condition=Q(active=True) & ~Q(id_number=""),
                name="relative_unique_active_id",
            ),
            models.CheckConstraint(
                condition=~Q(id_number="") | Q(birth_date__isnull=False), name="relative_id_or_birth"
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"


class RunQuerySet(ScopedQuerySet):
    def for_user(self, user, action: str = "view"):
        """A run over a county is visible to officers inside it (they see their own area's figures)."""
        from jingzhun.core.scoping import capability_for, user_paths

        paths = user_paths(user, capability_for(self.model, action))
        if paths is None:
            return self
        if not paths:
            return self.none()
        ancestors = {p[:n] for p in paths for n in range(1, len(p) + 1)}
        return self.filter(Q(area_path__in=ancestors) | paths_q("area_path", paths))


class ComparisonRun(TimeStampedModel):
    """One matching run over the loaded batches of an area (incremental: only batches not yet matched)."""

    area = models.ForeignKey(
        "areas.Area", verbose_name=_("比对范围"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+"
    )
    full = models.BooleanField(_("全量重新比对"), default=False)
    batches = models.ManyToManyField(
        DatasetBatch, verbose_name=_("比对批次"), blank=True, related_name="runs"
    )
    status = models.CharField(_("状态"), max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED)
    job = models.ForeignKey(
        "core.Job",
        verbose_name=_("后台任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    persons = models.PositiveIntegerField(_("比对人数"), default=0)
    rows = models.PositiveIntegerField(_("比对数据行数"), default=0)
    hits = models.PositiveIntegerField(_("命中行数"), default=0)
    suspects_new = models.PositiveIntegerField(_("新增疑点户"), default=0)
    suspects_withdrawn = models.PositiveIntegerField(_("撤销疑点户"), default=0)
    alerts = models.PositiveIntegerField(_("监测预警"), default=0)
    seconds = models.FloatField(_("耗时(秒)"), default=0)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = models.Manager.from_queryset(RunQuerySet)()
    scope_area_path = "area_path"
    scope_capabilities = {"view": "comparison.view", "run": "comparison.run"}

    class Meta:
        verbose_name = _("比对批次运行")
        verbose_name_plural = _("比对批次运行")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M}"


class Suspect(TimeStampedModel):
    """疑点户: a household that one department batch flags, with the matched rows as evidence.

    ``evidence`` is a list of {"row_no", "person_kind", "member_id", "relative_id", "person_name",
    "relation", "strength", "columns"}; ``columns`` hold the department values with the ID masked.
    """

    household = models.ForeignKey(
        "register.Household", verbose_name=_("农户"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    batch = models.ForeignKey(
        DatasetBatch, verbose_name=_("数据批次"), on_delete=models.PROTECT, related_name="+"
    )
    dataset_type = models.ForeignKey(
        DatasetType, verbose_name=_("数据集类型"), on_delete=models.PROTECT, related_name="+"
    )
    fact = models.CharField(_("比对事实"), max_length=32, choices=Fact.choices, db_index=True)
    run = models.ForeignKey(
        ComparisonRun, verbose_name=_("发现于"), on_delete=models.PROTECT, related_name="suspects"
    )
    strength = models.CharField(_("匹配强度"), max_length=12, choices=Strength.choices)
    evidence = models.JSONField(_("比对证据"), default=list)
    persons = models.CharField(_("命中人员"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=SuspectStatus.choices, default=SuspectStatus.PENDING, db_index=True
    )
    due_date = models.DateField(_("核实期限"))
    decision = models.CharField(_("处理决定"), max_length=12, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("处理理由"), blank=True)
    decision_file = models.FileField(_("佐证材料"), upload_to="comparison/decisions/%Y/%m/", blank=True)
    fact_disproved = models.BooleanField(_("比对信息不实"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    procedure_id = models.PositiveBigIntegerField(_("启动的程序"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    signoff_comment = models.TextField(_("县级意见"), blank=True)

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = {
        "view": "comparison.view",
        "decide": "comparison.decide",
        "signoff": "comparison.signoff",
    }

    class Meta:
        verbose_name = _("疑点户")
        verbose_name_plural = _("疑点户")
        ordering = ["status", "due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["household", "batch"], name="suspect_unique_household_batch"),
            models.CheckConstraint(
                condition=Q(decision="") | Q(status__in=["decided", "signed_off"]),
                name="suspect_decision_only_when_decided",
            ),
        ]
        indexes = [models.Index(fields=["area_path", "status"], name="suspect_path_status_idx")]

    def __str__(self):
        return f"{self.household}·{self.get_fact_display()}"


class SuspectVisit(TimeStampedModel):
    """A verification visit (入户核实) to a suspect household."""

    suspect = models.ForeignKey(
        Suspect, verbose_name=_("疑点户"), on_delete=models.CASCADE, related_name="visits"
    )
    visited_on = models.DateField(_("核实日期"))
    visitors = models.CharField(_("核实人员"), max_length=200)
    findings = models.TextField(_("核实情况"))
    confirmed = models.BooleanField(_("比对信息属实"), default=True)
    file = models.FileField(_("现场材料"), upload_to="comparison/visits/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("核实记录")
        verbose_name_plural = _("核实记录")
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.suspect_id} {self.visited_on}"


class AlertProposal(TimeStampedModel):
    """A department alert (大额医疗、受灾、失业、死亡) proposed to monitoring: a proposal, not an entry."""

    household = models.ForeignKey(
        "register.Household", verbose_name=_("农户"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    batch = models.ForeignKey(
        DatasetBatch, verbose_name=_("数据批次"), on_delete=models.PROTECT, related_name="+"
    )
    run = models.ForeignKey(
        ComparisonRun, verbose_name=_("比对运行"), on_delete=models.PROTECT, related_name="+"
    )
    risk_types = models.JSONField(_("风险类型"), default=list)
    detail = models.TextField(_("预警说明"))
    status = models.CharField(
        _("状态"), max_length=12, choices=AlertStatus.choices, default=AlertStatus.PROPOSED
    )
    case_id = models.PositiveBigIntegerField(_("监测案件"), null=True, blank=True)
    message = models.CharField(_("推送结果"), max_length=300, blank=True)

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = {"view": "comparison.view"}

    class Meta:
        verbose_name = _("部门预警")
        verbose_name_plural = _("部门预警")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["household", "batch"], name="alert_unique_household_batch"),
        ]

    def __str__(self):
        return f"{self.household}·{self.detail[:20]}"
