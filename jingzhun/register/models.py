"""The household register (建档立卡): households, members, yearly income, history, change requests."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingzhun.core.models import TimeStampedModel
from jingzhun.core.scoping import ScopedManager

from .choices import (
    HEAD_RELATION,
    ChangeKind,
    ChangeStatus,
    HouseGrade,
    MemberStatus,
    PovertyStatus,
    Relocation,
    Sex,
)

MONEY = {"max_digits": 12, "decimal_places": 2}
AREA_MU = {"max_digits": 9, "decimal_places": 2}


class CodeItem(models.Model):
    """One entry of a code list (致贫原因, 与户主关系, 民族 …). National rows are built in; admins add more."""

    kind = models.CharField(_("代码表"), max_length=32, db_index=True)
    code = models.CharField(_("代码"), max_length=16)
    name = models.CharField(_("名称"), max_length=50)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    builtin = models.BooleanField(_("国家标准"), default=False)

    class Meta:
        verbose_name = _("代码表条目")
        verbose_name_plural = _("代码表条目")
        ordering = ["kind", "sort", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="codeitem_unique_kind_code")]

    def __str__(self):
        return self.name


class Household(TimeStampedModel):
    """A rural household (农户): the unit of identification, assistance and exit.

    ``poverty_status``, ``year_identified`` and ``year_exited`` are set by procedures, never typed in.
    ``area_path`` copies the area's path so that scoping and counts need no join.
    """

    household_no = models.CharField(_("户编号"), max_length=20, unique=True)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("所在村/组"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    standard = models.CharField(_("识别标准"), max_length=16, blank=True)
    attribute = models.CharField(_("贫困户属性"), max_length=16, blank=True)
    main_cause = models.CharField(_("主要致贫原因"), max_length=16, blank=True, db_index=True)
    other_causes = models.JSONField(_("其他致贫原因"), default=list, blank=True)
    poverty_status = models.CharField(
        _("贫困状态"),
        max_length=16,
        choices=PovertyStatus.choices,
        default=PovertyStatus.NOT_POOR,
        db_index=True,
    )
    year_identified = models.PositiveSmallIntegerField(_("识别年度"), null=True, blank=True)
    year_exited = models.PositiveSmallIntegerField(_("脱贫年度"), null=True, blank=True)
    is_monitored = models.BooleanField(_("监测对象"), default=False, db_index=True)
    size = models.PositiveSmallIntegerField(_("在册人数"), default=0)
    head_name = models.CharField(_("户主姓名"), max_length=50, blank=True)
    # Housing (A21–A23), relocation (A24)
    house_area = models.DecimalField(_("住房面积(㎡)"), max_digits=7, decimal_places=1, null=True, blank=True)
    house_structure = models.CharField(_("住房结构"), max_length=16, blank=True)
    house_year = models.PositiveSmallIntegerField(_("建房年份"), null=True, blank=True)
    house_grade = models.CharField(_("住房安全等级"), max_length=1, choices=HouseGrade.choices, blank=True)
    house_renovated = models.BooleanField(_("已完成危房改造"), default=False)
    house_renovated_year = models.PositiveSmallIntegerField(_("危房改造年度"), null=True, blank=True)
    relocation = models.CharField(_("易地扶贫搬迁"), max_length=16, choices=Relocation.choices, blank=True)
    relocation_year = models.PositiveSmallIntegerField(_("搬迁年度"), null=True, blank=True)
    # Land (mu)
    farmland_mu = models.DecimalField(_("耕地(亩)"), default=0, **AREA_MU)
    forest_mu = models.DecimalField(_("林地(亩)"), default=0, **AREA_MU)
    returned_farmland_mu = models.DecimalField(_("退耕还林(亩)"), default=0, **AREA_MU)
    grassland_mu = models.DecimalField(_("牧草地(亩)"), default=0, **AREA_MU)
    # Living conditions
    has_power = models.BooleanField(_("通生活用电"), default=True)
    has_broadcast_tv = models.BooleanField(_("通广播电视"), default=True)
    water = models.CharField(_("饮水状况"), max_length=16, blank=True)
    water_lpd = models.PositiveSmallIntegerField(_("人均日供水量(升)"), null=True, blank=True)
    water_minutes = models.PositiveSmallIntegerField(_("取水往返时间(分钟)"), null=True, blank=True)
    # 供水保证率 as the village records it: days without enough water in the past year (blank: not measured).
    water_short_days = models.PositiveSmallIntegerField(
        _("全年缺水天数"), null=True, blank=True, validators=[MaxValueValidator(366)]
    )
    fuel = models.CharField(_("主要燃料"), max_length=16, blank=True)
    has_sanitary_toilet = models.BooleanField(_("卫生厕所"), default=False)
    road_distance_km = models.DecimalField(
        _("距村主干路(公里)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    # Bank account for transfers: stored, shown masked.
    bank_name = models.CharField(_("开户银行"), max_length=50, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=32, blank=True)
    # Soft-warning overrides: {"codes": [...], "reason": "..."}
    warning_override = models.JSONField(_("预警说明"), default=dict, blank=True)

    objects = ScopedManager()
    scope_area_path = "area_path"

    class Meta:
        verbose_name = _("农户")
        verbose_name_plural = _("农户")
        ordering = ["household_no"]
        indexes = [
            models.Index(fields=["area_path", "poverty_status"], name="household_path_status_idx"),
            models.Index(fields=["head_name"], name="household_head_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_exited__isnull=True)
                | Q(year_identified__isnull=True)
                | Q(year_exited__gte=models.F("year_identified")),
                name="household_exit_after_identification",
            ),
        ]

    def __str__(self):
        return f"{self.head_name or self.household_no}户"

    @property
    def is_registered(self) -> bool:
        return self.poverty_status != PovertyStatus.NOT_POOR


class Member(TimeStampedModel):
    """A person in a household. Never hard-deleted: leaving sets ``status`` and ``left_on``.

    A person (ID number) is an active member of at most one household in the whole database (enforced
    by a partial unique constraint), and each household has at most one active head.
    """

    member_no = models.CharField(_("人编号"), max_length=24, unique=True)
    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="members"
    )
    name = models.CharField(_("姓名"), max_length=50)
    name_initials = models.CharField(_("姓名拼音首字母"), max_length=50, blank=True, db_index=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, db_index=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    relation = models.CharField(_("与户主关系"), max_length=16)
    ethnicity = models.CharField(_("民族"), max_length=16, blank=True)
    education = models.CharField(_("文化程度"), max_length=16, blank=True)
    in_school = models.CharField(_("在校生状况"), max_length=16, blank=True)
    school_exempt = models.BooleanField(_("因身体原因免于入学（送教上门）"), default=False)
    health = models.CharField(_("健康状况"), max_length=16, blank=True)
    disability_type = models.CharField(_("残疾类别"), max_length=16, blank=True)
    disability_grade = models.PositiveSmallIntegerField(_("残疾等级"), null=True, blank=True)
    disability_cert_no = models.CharField(_("残疾证号"), max_length=30, blank=True)
    labour = models.CharField(_("劳动技能"), max_length=16, blank=True)
    migrant_months = models.PositiveSmallIntegerField(_("务工时间(月)"), default=0)
    migrant_place = models.CharField(_("务工地点"), max_length=16, blank=True)
    insured_medical = models.BooleanField(_("参加城乡居民基本医疗保险"), default=False)
    insured_serious_illness = models.BooleanField(_("参加大病保险"), default=False)
    insured_supplementary = models.BooleanField(_("参加补充医疗保险"), default=False)
    insured_pension = models.BooleanField(_("参加城乡居民养老保险"), default=False)
    dibao = models.BooleanField(_("享受低保"), default=False)
    dibao_since = models.DateField(_("低保起始日期"), null=True, blank=True)
    tekun = models.BooleanField(_("特困供养"), default=False)
    tekun_since = models.DateField(_("特困供养起始日期"), null=True, blank=True)
    status = models.CharField(
        _("人员状态"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    status_date = models.DateField(_("状态变更日期"), null=True, blank=True)
    joined_on = models.DateField(_("入户日期"), null=True, blank=True)
    left_on = models.DateField(_("离户日期"), null=True, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    objects = ScopedManager()
    scope_area_path = "household__area_path"
    scope_capabilities = {"view": "register.view", "change": "register.change"}

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["household_id", "relation", "birth_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=Q(status="active") & ~Q(id_number=""),
                name="member_unique_active_id",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status="active", relation=HEAD_RELATION),
                name="member_one_active_head",
            ),
            models.CheckConstraint(
                condition=Q(disability_grade__isnull=True)
                | Q(disability_grade__gte=1, disability_grade__lte=4),
                name="member_disability_grade_1_4",
            ),
            models.CheckConstraint(condition=Q(migrant_months__lte=12), name="member_migrant_months_le_12"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == MemberStatus.ACTIVE


class HouseholdIncome(TimeStampedModel):
    """A household's income for one year. Per-capita is computed by the service, never typed."""

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.CASCADE, related_name="incomes"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    wages = models.DecimalField(_("工资性收入"), default=0, **MONEY)
    business = models.DecimalField(_("生产经营性收入"), default=0, **MONEY)
    property_income = models.DecimalField(_("财产性收入"), default=0, **MONEY)
    transfers = models.DecimalField(_("转移性收入"), default=0, **MONEY)
    business_costs = models.DecimalField(_("生产经营性支出"), default=0, **MONEY)
    net_income = models.DecimalField(_("家庭纯收入"), default=0, **MONEY)
    size = models.PositiveSmallIntegerField(_("计算人口"), default=1)
    per_capita = models.DecimalField(_("年人均纯收入"), default=0, **MONEY)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_area_path = "household__area_path"
    scope_capabilities = {"view": "register.view", "change": "register.change"}

    class Meta:
        verbose_name = _("家庭年收入")
        verbose_name_plural = _("家庭年收入")
        ordering = ["household_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="income_unique_household_year"),
            models.CheckConstraint(
                condition=Q(
                    wages__gte=0,
                    business__gte=0,
                    property_income__gte=0,
                    transfers__gte=0,
                    business_costs__gte=0,
                ),
                name="income_components_non_negative",
            ),
            models.CheckConstraint(condition=Q(size__gte=1), name="income_size_positive"),
        ]

    def __str__(self):
        return f"{self.household} {self.year}"


class IncomeTransfer(models.Model):
    """One line of the transfer-income breakdown: which policy paid what (feeds the benefits ledger)."""

    income = models.ForeignKey(
        HouseholdIncome, verbose_name=_("年收入"), on_delete=models.CASCADE, related_name="transfer_lines"
    )
    program = models.CharField(_("项目"), max_length=16)
    amount = models.DecimalField(_("金额"), **MONEY)
    member = models.ForeignKey(
        Member, verbose_name=_("领取人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("来源"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("转移性收入明细")
        verbose_name_plural = _("转移性收入明细")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="transfer_amount_non_negative")
        ]

    def __str__(self):
        return f"{self.program} {self.amount}"


class HouseholdVersion(models.Model):
    """A snapshot of a household and its members, valid from one change to the next.

    Written by every service that changes a household, so the page can show the household "as of" a
    past date and last year's figures never move when this year's data changes.
    """

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.CASCADE, related_name="versions"
    )
    valid_from = models.DateTimeField(_("生效时间"), db_index=True)
    valid_to = models.DateTimeField(_("失效时间"), null=True, blank=True)
    data = models.JSONField(_("档案内容"))
    action = models.CharField(_("变更操作"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("农户档案版本")
        verbose_name_plural = _("农户档案版本")
        ordering = ["household_id", "-valid_from"]

    def __str__(self):
        return f"{self.household_id} @ {self.valid_from:%Y-%m-%d}"


class ChangeRequest(TimeStampedModel):
    """A typed change to a registered household, submitted by the village, applied once approved."""

    kind = models.CharField(_("变更类型"), max_length=20, choices=ChangeKind.choices)
    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="change_requests"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    payload = models.JSONField(_("变更内容"), default=dict)
    reason = models.TextField(_("申请理由"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ChangeStatus.choices, default=ChangeStatus.PENDING, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    result = models.JSONField(_("处理结果"), null=True, blank=True)
    # The engine's record of the request: its steps (村级提交 → 乡镇审核), who acted, the to-do queue.
    procedure = models.OneToOneField(
        "workflows.Procedure",
        verbose_name=_("办理程序"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="change_request",
    )

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = {"view": "register.view", "change": "register.change", "review": "register.review"}

    class Meta:
        verbose_name = _("变更申请")
        verbose_name_plural = _("变更申请")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()}·{self.household}"
