"""Exit assessments of households, the village exit checklist and the village exit record."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingzhun.core.models import TimeStampedModel
from jingzhun.core.scoping import ScopedManager

from .choices import CRITERIA, EXIT_STEP_LABELS, OPEN_EXIT, ExitStatus, Period

MONEY = {"max_digits": 12, "decimal_places": 2}


class AssessmentRun(models.Model):
    """One assessment pass (a county or village batch, or one household on the fly).

    ``params`` is the snapshot of the policy values the pass used (line, threshold, water and school
    standards…), so a result can always be explained by the numbers of its own year.
    """

    area = models.ForeignKey("areas.Area", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    household = models.ForeignKey(
        "register.Household",
        verbose_name=_("农户"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("评估年度"))
    period = models.CharField(_("收入口径"), max_length=8, choices=Period.choices, default=Period.YEAR)
    params = models.JSONField(_("所用政策参数"), default=dict)
    job = models.ForeignKey(
        "core.Job",
        verbose_name=_("后台任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    counts = models.JSONField(_("结果统计"), default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("评估时间"), auto_now_add=True)
    seconds = models.FloatField(_("用时(秒)"), null=True, blank=True)

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = {"view": "assessment.view", "run": "assessment.run"}

    class Meta:
        verbose_name = _("评估批次")
        verbose_name_plural = _("评估批次")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.area} {self.year} {self.get_period_display()}"


class HouseholdAssessment(models.Model):
    """A household's exit/monitoring assessment for a year (or the last 12 months), one row per period.

    Written set-based by ``batch.assess`` (INSERT … SELECT over the register tables). The facts behind
    each criterion are stored (not sentences), and ``criteria()`` states the reasons in the reader's
    language.
    """

    # Few indexes on purpose: a county pass writes 10^5–10^6 rows. The unique constraint (household
    # first) serves per-household reads, the (year, period, area_path) index the lists.
    household = models.ForeignKey(
        "register.Household",
        verbose_name=_("农户"),
        on_delete=models.CASCADE,
        related_name="assessments",
        db_index=False,
    )
    area_path = models.CharField(_("区域路径"), max_length=15)
    year = models.PositiveSmallIntegerField(_("评估年度"))
    period = models.CharField(_("收入口径"), max_length=8, choices=Period.choices, default=Period.YEAR)
    # No index: a county pass writes every row of the run; its totals are read by (year, period, path).
    run = models.ForeignKey(
        AssessmentRun, verbose_name=_("评估批次"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    poverty_status = models.CharField(_("评估时贫困状态"), max_length=16)
    # income
    income_year = models.PositiveSmallIntegerField(_("收入年度"), null=True, blank=True)
    net_income = models.DecimalField(_("家庭纯收入"), null=True, blank=True, **MONEY)
    transfers = models.DecimalField(_("转移性收入"), null=True, blank=True, **MONEY)
    size = models.PositiveSmallIntegerField(_("计算人口"), null=True, blank=True)
    per_capita = models.DecimalField(_("年人均纯收入"), null=True, blank=True, **MONEY)
    line = models.DecimalField(_("贫困线"), **MONEY)
    threshold = models.DecimalField(_("监测范围"), null=True, blank=True, **MONEY)
    # facts behind the criteria
    members = models.PositiveSmallIntegerField(_("在册人数"), default=0)
    assured = models.PositiveSmallIntegerField(_("享受低保/特困人数"), default=0)
    labour = models.PositiveSmallIntegerField(_("有劳动能力人数"), default=0)
    dropouts = models.PositiveSmallIntegerField(_("义务教育阶段失学辍学人数"), default=0)
    uninsured = models.PositiveSmallIntegerField(_("未参加基本医疗保险人数"), default=0)
    house_grade = models.CharField(_("住房安全等级"), max_length=1, blank=True)
    house_safe_by = models.CharField(_("住房安全依据"), max_length=12, blank=True)
    water_status = models.CharField(_("饮水状况"), max_length=16, blank=True)
    water_lpd = models.PositiveSmallIntegerField(_("人均日供水量(升)"), null=True, blank=True)
    water_minutes = models.PositiveSmallIntegerField(_("取水往返时间(分钟)"), null=True, blank=True)
    water_required = models.PositiveSmallIntegerField(_("供水量标准(升)"), default=0)
    water_minutes_max = models.PositiveSmallIntegerField(_("取水时间标准(分钟)"), default=0)
    water_short_area = models.BooleanField(_("缺水地区"), default=False)
    water_short_days = models.PositiveSmallIntegerField(_("全年缺水天数"), null=True, blank=True)
    water_short_days_max = models.PositiveSmallIntegerField(_("缺水天数标准(天)"), default=0)
    # results
    income_ok = models.BooleanField(_("收入达标"), default=False)
    food_ok = models.BooleanField(_("不愁吃"), default=False)
    clothing_ok = models.BooleanField(_("不愁穿"), default=False)
    education_ok = models.BooleanField(_("义务教育有保障"), default=False)
    medical_ok = models.BooleanField(_("基本医疗有保障"), default=False)
    housing_ok = models.BooleanField(_("住房安全有保障"), default=False)
    water_ok = models.BooleanField(_("饮水安全有保障"), default=False)
    passed = models.BooleanField(_("达到退出标准"), default=False)
    flag_unstable = models.BooleanField(_("建议纳入脱贫不稳定户"), default=False)
    flag_marginal = models.BooleanField(_("边缘易致贫户候选"), default=False)
    flag_transfer = models.BooleanField(_("政策性收入占比偏高"), default=False)
    assessed_at = models.DateTimeField(_("评估时间"))

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = {"view": "assessment.view", "run": "assessment.run"}

    class Meta:
        verbose_name = _("农户退出评估")
        verbose_name_plural = _("农户退出评估")
        ordering = ["area_path", "household_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "year", "period"], name="assessment_one_per_household_period"
            ),
        ]
        indexes = [models.Index(fields=["year", "period", "area_path"], name="assessment_year_path_idx")]

    def __str__(self):
        return f"{self.household_id} {self.year}"

    @property
    def transfer_share(self):
        if not self.net_income or self.net_income <= 0 or self.transfers is None:
            return None
        return self.transfers * 100 / self.net_income

    def criteria(self) -> list[dict]:
        """[{"code", "label", "ok", "reason"}] for income and the six criteria (reasons read the facts)."""
        from .rules import reasons

        return reasons(self)

    @property
    def failing(self) -> list[str]:
        return [c["code"] for c in self.criteria() if not c["ok"]]

    @property
    def flags(self) -> list[str]:
        return [code for code in ("unstable", "marginal", "transfer") if getattr(self, f"flag_{code}")]


CRITERIA_CODES = ["income", *CRITERIA]


class ChecklistItem(TimeStampedModel):
    """One item of the village exit infrastructure checklist for a year, with its evidence.

    Items come from the policy list ``village_checklist`` (by code); a village's record says whether the
    item is met and on what evidence (a description and, optionally, a file).
    """

    area = models.ForeignKey(
        "areas.Area", verbose_name=_("行政村"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    code = models.CharField(_("清单项目代码"), max_length=20)
    name = models.CharField(_("清单项目"), max_length=200)
    met = models.BooleanField(_("已达标"), default=False)
    evidence = models.TextField(_("佐证说明"), blank=True)
    evidence_file = models.FileField(_("佐证材料"), upload_to="checklist/%Y/", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = {"view": "assessment.view", "run": "assessment.run"}

    class Meta:
        verbose_name = _("贫困村退出清单项")
        verbose_name_plural = _("贫困村退出清单项")
        ordering = ["area_path", "year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "year", "code"], name="checklist_one_per_village_year_item"
            ),
            models.CheckConstraint(condition=~Q(met=True, evidence=""), name="checklist_met_needs_evidence"),
        ]

    def __str__(self):
        return f"{self.area} {self.year} {self.name}"


class VillageExit(TimeStampedModel):
    """A poor village's exit (贫困村退出): village proposes → township verifies → township notice →
    county announces, which sets the village's exit year. ``steps`` logs who did what when."""

    area = models.ForeignKey(
        "areas.Area", verbose_name=_("行政村"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    year = models.PositiveSmallIntegerField(_("退出年度"))
    status = models.CharField(
        _("状态"), max_length=12, choices=ExitStatus.choices, default=ExitStatus.PROPOSED, db_index=True
    )
    indicators = models.JSONField(_("退出指标"), default=dict)
    notice_start = models.DateField(_("公示开始"), null=True, blank=True)
    notice_end = models.DateField(_("公示结束"), null=True, blank=True)
    notice_place = models.CharField(_("公示地点"), max_length=100, blank=True)
    steps = models.JSONField(_("办理记录"), default=list)
    outcome_reason = models.TextField(_("结论说明"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = {"view": "assessment.view"}

    class Meta:
        verbose_name = _("贫困村退出")
        verbose_name_plural = _("贫困村退出")
        ordering = ["-year", "area_path"]
        constraints = [
            models.UniqueConstraint(
                fields=["area"],
                condition=Q(status__in=["proposed", "verified", "noticed"]),
                name="village_exit_one_open",
            ),
        ]

    def __str__(self):
        return f"{self.area} {self.year}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_EXIT

    @property
    def step_log(self) -> list[dict]:
        """The logged steps with their display name (the log keeps the code)."""
        return [{**s, "label": EXIT_STEP_LABELS.get(s.get("step"), s.get("step"))} for s in self.steps]
