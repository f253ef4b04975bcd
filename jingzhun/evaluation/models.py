"""Sample evaluations of a county (自评 / 预评估 of 三率一度): the design with its seed, the drawn villages
and households (replacements keep the original row), and one survey per sampled household.

Scoping: an evaluation is at county level but township users work on their part of its sample, so an
evaluation is visible to a user whose area lies inside the county or contains it (``scope_q``); the
sampled villages, households and surveys are scoped by their own area path, so a township officer sees
only its township's sample.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingzhun.core.models import TimeStampedModel
from jingzhun.core.scoping import ScopedManager, paths_q

from .choices import MANAGE, SURVEY, VIEW, EvaluationKind, EvaluationStatus, HouseholdGroup, Stratum

USER = settings.AUTH_USER_MODEL
CAPS = {"view": VIEW, "manage": MANAGE, "survey": SURVEY}


def _ancestor_paths(paths) -> set[str]:
    """Every prefix of the paths at the lengths area paths take (province 2 … village 12)."""
    return {p[:n] for p in paths for n in (2, 4, 6, 9, 12) if n <= len(p)}


class Evaluation(TimeStampedModel):
    """A county's sample evaluation for a year: design, seed, status and (when closed) frozen results."""

    area = models.ForeignKey("areas.Area", verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    year = models.PositiveSmallIntegerField(_("评估年度"))
    kind = models.CharField(_("评估类型"), max_length=8, choices=EvaluationKind.choices)
    title = models.CharField(_("名称"), max_length=100)
    status = models.CharField(
        _("状态"), max_length=12, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    # design (defaults from policy values when created)
    village_share = models.DecimalField(_("每个乡镇抽取村的比例(%)"), max_digits=5, decimal_places=2)
    poor_villages_min = models.PositiveSmallIntegerField(_("每个乡镇最少抽取贫困村"))
    nonpoor_villages_min = models.PositiveSmallIntegerField(_("每个乡镇最少抽取非贫困村"))
    households_per_village = models.PositiveSmallIntegerField(_("每村抽取农户数"))
    registered_share = models.DecimalField(_("建档立卡户占比(%)"), max_digits=5, decimal_places=2)
    seed = models.BigIntegerField(_("随机数种子"), null=True, blank=True)
    drawn_at = models.DateTimeField(_("抽样时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    results = models.JSONField(_("评估结果"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    created_by = models.ForeignKey(USER, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager()
    scope_capabilities = CAPS

    class Meta:
        verbose_name = _("抽样评估")
        verbose_name_plural = _("抽样评估")
        ordering = ["-year", "-id"]

    def __str__(self):
        return self.title

    @classmethod
    def scope_q(cls, paths):
        # inside the user's areas, or a county containing one of them (township users see their part)
        return paths_q("area_path", paths) | Q(area_path__in=sorted(_ancestor_paths(paths)))

    @property
    def is_closed(self) -> bool:
        return self.status == EvaluationStatus.CLOSED


class SampledVillage(models.Model):
    """A village drawn in a stratum (township × poor/non-poor). ``stratum_size`` is the number of villages
    of the stratum when drawn; the village weight is stratum_size ÷ active villages drawn in the stratum."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("抽样评估"), on_delete=models.CASCADE, related_name="villages"
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+"
    )
    township = models.ForeignKey(
        "areas.Area", verbose_name=_("乡镇"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    stratum = models.CharField(_("分层"), max_length=10, choices=Stratum.choices)
    stratum_size = models.PositiveIntegerField(_("该层村数"))
    seq = models.PositiveIntegerField(_("抽取顺序"))
    is_active = models.BooleanField(_("有效样本"), default=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("替换的村"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacement",
    )
    replace_reason = models.CharField(_("更换原因"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = CAPS

    class Meta:
        verbose_name = _("抽样村")
        verbose_name_plural = _("抽样村")
        ordering = ["evaluation", "area_path", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "village"], name="sampledvillage_unique_village")
        ]

    def __str__(self):
        return str(self.village)


class SampledHousehold(models.Model):
    """A household drawn in a sampled village, with what the register said when it was drawn."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("抽样评估"), on_delete=models.CASCADE, related_name="households"
    )
    sampled_village = models.ForeignKey(
        SampledVillage, verbose_name=_("抽样村"), on_delete=models.CASCADE, related_name="households"
    )
    household = models.ForeignKey(
        "register.Household", verbose_name=_("农户"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    group = models.CharField(_("抽样类别"), max_length=12, choices=HouseholdGroup.choices)
    poverty_status = models.CharField(_("抽样时贫困状态"), max_length=16)
    year_exited = models.PositiveSmallIntegerField(_("脱贫年度"), null=True, blank=True)
    size = models.PositiveSmallIntegerField(_("抽样时在册人数"))
    seq = models.PositiveIntegerField(_("抽取顺序"))
    is_active = models.BooleanField(_("有效样本"), default=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("替换的农户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacement",
    )
    replace_reason = models.CharField(_("更换原因"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = CAPS

    class Meta:
        verbose_name = _("抽样农户")
        verbose_name_plural = _("抽样农户")
        ordering = ["evaluation", "area_path", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "household"], name="sampledhh_unique_household")
        ]

    def __str__(self):
        return str(self.household)

    @property
    def is_exited(self) -> bool:
        return self.poverty_status == "exited"


class Survey(TimeStampedModel):
    """The evaluator's answers for one sampled household after the visit."""

    sample = models.OneToOneField(
        SampledHousehold, verbose_name=_("抽样农户"), on_delete=models.CASCADE, related_name="survey"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    surveyed_on = models.DateField(_("调查日期"))
    surveyor = models.CharField(_("调查员"), max_length=50)
    persons = models.PositiveSmallIntegerField(_("家庭人口"))
    # exited households
    income_stable = models.BooleanField(_("收入稳定超过扶贫标准"), null=True, blank=True)
    needs_met = models.BooleanField(_("两不愁三保障达标"), null=True, blank=True)
    wrongly_exited = models.BooleanField(_("错退"), default=False)
    # households outside the register
    meets_criteria = models.BooleanField(_("符合贫困户识别标准"), null=True, blank=True)
    missed = models.BooleanField(_("漏评"), default=False)
    finding_reason = models.CharField(_("错退/漏评原因"), max_length=300, blank=True)
    # approval (every household)
    fair_identification = models.BooleanField(_("对贫困户识别满意"))
    measures = models.BooleanField(_("对帮扶措施和成效满意"))
    exit_recognised = models.BooleanField(_("认可退出结果"), null=True, blank=True)
    cadres = models.BooleanField(_("对干部帮扶工作满意"))
    approves = models.BooleanField(_("总体认可"))
    note = models.CharField(_("备注"), max_length=300, blank=True)
    entered_by = models.ForeignKey(USER, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = CAPS

    class Meta:
        verbose_name = _("入户调查")
        verbose_name_plural = _("入户调查")
        ordering = ["area_path", "id"]

    def __str__(self):
        return str(self.sample)
