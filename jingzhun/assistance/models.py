"""Assistance (帮扶): cadres and their households, the 五包 responsibility chain, work teams, visits,
yearly plans, the measure catalogue and the deliveries that make up each household's 明白账.

Every area-bound model keeps ``area_path`` (a copy of the household's or area's path) so that scoping
and counts need no join. Reads go through ``objects.for_user(user, action)``; writes through services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from jingzhun.core.models import TimeStampedModel
from jingzhun.core.scoping import ScopedManager, paths_q

from .choices import (
    ChainKind,
    DeliverySource,
    DeliveryStatus,
    MeasureCategory,
    TeamRole,
    UnitLevel,
)

MONEY = {"max_digits": 12, "decimal_places": 2}
SCOPE = {"view": "assistance.view", "manage": "assistance.manage", "visit": "assistance.visit"}

# Policy defaults used when a county has no AssistanceSetting row (see AssistanceSetting).
DEFAULT_MAX_HOUSEHOLDS = 5
DEFAULT_MIN_VISITS = 1


class AssistanceSetting(TimeStampedModel):
    """Policy values of assistance work for one county (帮扶工作参数).

    Deliberately minimal: a policy app keyed by (province, year) will own policy parameters later; until
    then these rows are the single place the two assistance rules read their limits from, with the
    defaults above when a county has none.
    """

    area = models.OneToOneField(
        "areas.Area", verbose_name=_("县（区）"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    max_households_per_cadre = models.PositiveSmallIntegerField(
        _("每名帮扶责任人最多联系户数"), default=DEFAULT_MAX_HOUSEHOLDS
    )
    min_visits_per_month = models.PositiveSmallIntegerField(
        _("每户每月至少走访次数"), default=DEFAULT_MIN_VISITS
    )

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = {"view": "assistance.view", "settings": "assistance.settings"}

    class Meta:
        verbose_name = _("帮扶工作参数")
        verbose_name_plural = _("帮扶工作参数")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_households_per_cadre__gte=1), name="assistsetting_max_ge_1"
            ),
            models.CheckConstraint(
                condition=Q(min_visits_per_month__gte=1, min_visits_per_month__lte=31),
                name="assistsetting_visits_1_31",
            ),
        ]

    def __str__(self):
        return f"{self.area}"


class Cadre(TimeStampedModel):
    """A 帮扶责任人: an official (often from a county department) assigned to help households.

    ``area`` is the area that manages the cadre record (the county for county departments, a township
    for its own staff). Users see a cadre when it is managed in their area or helps a household there.
    """

    name = models.CharField(_("姓名"), max_length=50)
    unit = models.CharField(_("工作单位"), max_length=100)
    unit_level = models.CharField(_("单位层级"), max_length=16, choices=UnitLevel.choices)
    position = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("管理区域"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre",
    )
    max_households = models.PositiveSmallIntegerField(
        _("本人联系户数上限"), null=True, blank=True, help_text=_("留空则使用本县统一上限。")
    )
    active = models.BooleanField(_("在岗"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_capabilities = SCOPE

    class Meta:
        verbose_name = _("帮扶责任人")
        verbose_name_plural = _("帮扶责任人")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"], condition=~Q(id_number=""), name="cadre_unique_id_number"
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def scope_q(cls, paths):
        helps = Pairing.objects.filter(paths_q("area_path", paths), cadre=OuterRef("pk"))
        serves = WorkTeamMember.objects.filter(paths_q("team__area_path", paths), cadre=OuterRef("pk"))
        return paths_q("area_path", paths) | Q(Exists(helps)) | Q(Exists(serves))


class Pairing(TimeStampedModel):
    """Cadre ↔ household (结对帮扶) from ``started_on`` to ``ended_on``; at most one open per household."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("帮扶责任人"), on_delete=models.PROTECT, related_name="pairings"
    )
    household = models.ForeignKey(
        "register.Household", verbose_name=_("帮扶对象"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    started_on = models.DateField(_("结对日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = SCOPE

    class Meta:
        verbose_name = _("结对帮扶")
        verbose_name_plural = _("结对帮扶")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(ended_on__isnull=True),
                name="pairing_one_open_per_household",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="pairing_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["cadre", "ended_on"], name="pairing_cadre_open_idx")]

    def __str__(self):
        return f"{self.cadre} → {self.household}"


class ResponsibilityLink(TimeStampedModel):
    """One link of the 五包 chain: a leader, team member, department or cadre answering for an area."""

    kind = models.CharField(_("责任类型"), max_length=24, choices=ChainKind.choices)
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("负责区域"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("责任人"), null=True, blank=True, on_delete=models.PROTECT, related_name="links"
    )
    person_name = models.CharField(_("责任人姓名"), max_length=50, blank=True)
    unit = models.CharField(_("责任单位"), max_length=100, blank=True)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = SCOPE

    class Meta:
        verbose_name = _("帮扶责任链")
        verbose_name_plural = _("帮扶责任链")
        ordering = ["area_path", "kind", "-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="resplink_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(cadre__isnull=False) | ~Q(person_name="") | ~Q(unit=""),
                name="resplink_has_someone",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}·{self.area}"

    @property
    def who(self) -> str:
        return self.cadre.name if self.cadre_id else self.person_name


class WorkTeam(TimeStampedModel):
    """A 驻村工作队 stationed in a village, with its members and first secretary (WorkTeamMember)."""

    area = models.ForeignKey("areas.Area", verbose_name=_("驻村"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    name = models.CharField(_("工作队名称"), max_length=100)
    sending_unit = models.CharField(_("派出单位"), max_length=100)
    started_on = models.DateField(_("进驻日期"))
    ended_on = models.DateField(_("撤离日期"), null=True, blank=True)

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = SCOPE

    class Meta:
        verbose_name = _("驻村工作队")
        verbose_name_plural = _("驻村工作队")
        ordering = ["area_path", "-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="workteam_end_after_start",
            ),
        ]

    def __str__(self):
        return self.name


class WorkTeamMember(TimeStampedModel):
    """A cadre serving in a work team (as first secretary, leader or member) between two dates."""

    team = models.ForeignKey(
        WorkTeam, verbose_name=_("工作队"), on_delete=models.CASCADE, related_name="members"
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("队员"), on_delete=models.PROTECT, related_name="team_roles"
    )
    role = models.CharField(_("职责"), max_length=16, choices=TeamRole.choices, default=TeamRole.MEMBER)
    started_on = models.DateField(_("进驻日期"))
    ended_on = models.DateField(_("离队日期"), null=True, blank=True)

    objects = ScopedManager()
    scope_area_path = "team__area_path"
    scope_capabilities = SCOPE

    class Meta:
        verbose_name = _("工作队队员")
        verbose_name_plural = _("工作队队员")
        ordering = ["team", "role", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(role="first_secretary", ended_on__isnull=True),
                name="workteam_one_first_secretary",
            ),
            models.UniqueConstraint(
                fields=["team", "cadre"], condition=Q(ended_on__isnull=True), name="workteam_member_once"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="workteammember_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.team} · {self.cadre} · {self.get_role_display()}"


class Visit(TimeStampedModel):
    """A 走访: a cadre's visit to a household — what was done, problems found, photos (VisitPhoto)."""

    household = models.ForeignKey(
        "register.Household", verbose_name=_("农户"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("走访人"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("走访日期"))
    content = models.TextField(_("走访内容"), max_length=2000)
    problems = models.TextField(_("发现的问题"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = SCOPE

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["household", "visited_on"], name="visit_household_date_idx"),
            models.Index(fields=["cadre", "visited_on"], name="visit_cadre_date_idx"),
        ]

    def __str__(self):
        return f"{self.visited_on} {self.cadre} → {self.household}"


def visit_photo_path(instance, filename: str) -> str:
    # The stored name never reuses the uploaded one (it may carry a path or a personal name).
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"assistance/visits/{uuid.uuid4().hex}.{ext}"


class VisitPhoto(models.Model):
    """A photo (or PDF scan) taken at a visit. Stored under MEDIA_ROOT, served only by a scoped view."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("走访记录"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("文件"), upload_to=visit_photo_path, max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=50)
    size = models.PositiveIntegerField(_("大小(字节)"))
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedManager()
    scope_area_path = "visit__area_path"
    scope_capabilities = SCOPE

    class Meta:
        verbose_name = _("走访照片")
        verbose_name_plural = _("走访照片")
        ordering = ["visit", "id"]
        constraints = [models.CheckConstraint(condition=Q(size__gt=0), name="visitphoto_size_positive")]

    def __str__(self):
        return self.original_name or self.file.name


class MeasureType(models.Model):
    """An entry of the measure catalogue (帮扶措施目录): reference data an administrator extends.

    ``income_program`` is the transfer-income program (register code list ``transfer_program``) a cash
    delivery of this measure adds to the household's income; blank for measures that are not transfer
    income (loans, wages of public-welfare jobs, housing grants, in-kind help, dividends, which are
    property income recorded with the household's income).
    """

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    category = models.CharField(_("类别"), max_length=16, choices=MeasureCategory.choices)
    unit = models.CharField(_("计量单位"), max_length=10, default="元")
    is_cash = models.BooleanField(_("资金类（金额为元）"), default=True)
    income_program = models.CharField(_("计入转移性收入项目"), max_length=16, blank=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)
    builtin = models.BooleanField(_("系统内置"), default=False)

    class Meta:
        verbose_name = _("帮扶措施类型")
        verbose_name_plural = _("帮扶措施类型")
        ordering = ["sort", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(income_program="") | Q(is_cash=True), name="measuretype_income_needs_cash"
            ),
        ]

    def __str__(self):
        return self.name


class CauseMeasure(models.Model):
    """Which measures answer a cause of poverty (“缺什么补什么”); drives the gaps list. Data, editable."""

    cause = models.CharField(_("致贫原因"), max_length=16, db_index=True)
    measure = models.ForeignKey(
        MeasureType, verbose_name=_("对应措施"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("致贫原因对应措施")
        verbose_name_plural = _("致贫原因对应措施")
        ordering = ["cause", "measure__sort"]
        constraints = [models.UniqueConstraint(fields=["cause", "measure"], name="causemeasure_unique")]

    def __str__(self):
        return f"{self.cause} → {self.measure}"


class AssistancePlan(TimeStampedModel):
    """A household's assistance plan for one year (一户一策): goal and planned measures."""

    household = models.ForeignKey(
        "register.Household", verbose_name=_("农户"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    goal = models.CharField(_("帮扶目标"), max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("制定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = SCOPE

    class Meta:
        verbose_name = _("帮扶计划")
        verbose_name_plural = _("帮扶计划")
        ordering = ["-year", "household_id"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="plan_unique_household_year")
        ]

    def __str__(self):
        return f"{self.household} {self.year}"


class PlannedMeasure(models.Model):
    """One measure in a plan, usually against one of the household's causes."""

    plan = models.ForeignKey(
        AssistancePlan, verbose_name=_("帮扶计划"), on_delete=models.CASCADE, related_name="items"
    )
    measure = models.ForeignKey(
        MeasureType, verbose_name=_("措施"), on_delete=models.PROTECT, related_name="+"
    )
    cause = models.CharField(_("针对致贫原因"), max_length=16, blank=True)
    content = models.CharField(_("具体内容"), max_length=200, blank=True)
    planned_amount = models.DecimalField(_("计划金额/数量"), null=True, blank=True, **MONEY)
    responsible_unit = models.CharField(_("责任单位"), max_length=100, blank=True)

    objects = ScopedManager()
    scope_area_path = "plan__area_path"
    scope_capabilities = SCOPE

    class Meta:
        verbose_name = _("计划措施")
        verbose_name_plural = _("计划措施")
        ordering = ["plan", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_amount__isnull=True) | Q(planned_amount__gte=0),
                name="plannedmeasure_amount_non_negative",
            ),
        ]

    def __str__(self):
        return f"{self.measure}"


class Delivery(TimeStampedModel):
    """A measure delivered to a household (落实): the line of its 明白账.

    A cash delivery of a measure with an ``income_program`` adds an IncomeTransfer line to the
    household's income of that year (``transfer_line``); cancelling the delivery removes it again.
    """

    household = models.ForeignKey(
        "register.Household", verbose_name=_("农户"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        "register.Member",
        verbose_name=_("享受人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    measure = models.ForeignKey(
        MeasureType, verbose_name=_("措施"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    delivered_on = models.DateField(_("落实日期"))
    amount = models.DecimalField(_("金额/数量"), **MONEY)
    department = models.CharField(_("发放部门"), max_length=100, blank=True)
    program = models.CharField(_("资金/项目名称"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    source = models.CharField(
        _("来源"), max_length=8, choices=DeliverySource.choices, default=DeliverySource.MANUAL
    )
    job_id = models.UUIDField(_("导入任务"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.ACTIVE
    )
    cancel_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    transfer_line = models.ForeignKey(
        "register.IncomeTransfer",
        verbose_name=_("转移性收入明细"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = {**SCOPE, "deliver": "assistance.deliver"}

    class Meta:
        verbose_name = _("措施落实")
        verbose_name_plural = _("措施落实")
        ordering = ["-delivered_on", "-id"]
        indexes = [
            models.Index(fields=["household", "year"], name="delivery_household_year_idx"),
            models.Index(fields=["area_path", "year"], name="delivery_path_year_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="delivery_amount_positive"),
        ]

    def __str__(self):
        return f"{self.measure} {self.amount}"
