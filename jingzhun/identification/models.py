"""Identification data: exclusion rules (不予识别规则) and the county's yearly quota (规模控制).

The procedure itself (steps, records, notices) lives in the workflows engine; this app keeps only what is
specific to identification. Both models are keyed by a county: a county's rows are visible to every user
of that county (a village officer sees the rules that will judge its candidates) and to the levels above.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingzhun.core.models import TimeStampedModel
from jingzhun.core.scoping import ScopedManager, paths_q

VIEW = {"view": "identification.view", "rules": "identification.rules", "quota": "identification.quota"}


def county_scope_q(paths, lookup: str = "area_path", *, national: bool = False) -> Q:
    """Rows of a county whose path lies under a user's path, or above it (the user's own county)."""
    q = paths_q(lookup, paths)
    above = {p[:n] for p in paths for n in (6,) if len(p) >= n}
    if above:
        q |= Q(**{f"{lookup}__in": sorted(above)})
    if national:
        q |= Q(**{lookup: ""})
    return q


class ExclusionRule(TimeStampedModel):
    """A named predicate that refuses identification (§7), with its parameters and exemption option.

    ``area_key`` "" is the national default shipped with the system; a county adjusting a rule gets its own
    row with the same code (copy on write), which then replaces the national one for that county.
    """

    code = models.SlugField(_("规则代码"), max_length=32)
    name = models.CharField(_("规则名称"), max_length=60)
    description = models.TextField(_("说明"), blank=True)
    predicate = models.CharField(_("判定方法"), max_length=32)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("适用县"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    area_key = models.CharField(_("区域键"), max_length=15, blank=True, default="", db_index=True)
    applies_to = models.JSONField(_("适用程序"), default=list, blank=True)
    exempt_causes = models.JSONField(
        _("豁免的主要致贫原因"),
        default=list,
        blank=True,
        help_text=_("主要致贫原因为其中之一时不适用本规则（如因病、因残）"),
    )
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()
    scope_capabilities = VIEW

    class Meta:
        verbose_name = _("不予识别规则")
        verbose_name_plural = _("不予识别规则")
        ordering = ["sort", "code", "area_key"]
        constraints = [
            models.UniqueConstraint(fields=["code", "area_key"], name="exclusion_rule_unique_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @classmethod
    def scope_q(cls, paths):
        return county_scope_q(paths, "area_key", national=True)

    @property
    def is_national(self) -> bool:
        return self.area_key == ""


class Quota(TimeStampedModel):
    """The county's identification quota of a year (规模控制)."""

    area = models.ForeignKey("areas.Area", verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    quota = models.PositiveIntegerField(_("识别规模(户)"), validators=[MinValueValidator(0)])
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()
    scope_capabilities = VIEW

    class Meta:
        verbose_name = _("识别规模")
        verbose_name_plural = _("识别规模")
        ordering = ["-year", "area_path"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="quota_unique_county_year"),
        ]

    def __str__(self):
        return f"{self.area}{self.year}年识别规模 {self.quota} 户"

    @classmethod
    def scope_q(cls, paths):
        return county_scope_q(paths)


class QuotaOverride(models.Model):
    """A county's approved exception to its quota: extra households, or the limit lifted, with a reason."""

    area = models.ForeignKey("areas.Area", verbose_name=_("县"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    extra = models.PositiveIntegerField(_("增加规模(户)"), default=0)
    allow_exceed = models.BooleanField(_("不受规模限制"), default=False)
    reason = models.TextField(_("理由"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("批准人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("批准时间"), auto_now_add=True)

    objects = ScopedManager()
    scope_capabilities = VIEW

    class Meta:
        verbose_name = _("识别规模例外")
        verbose_name_plural = _("识别规模例外")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(extra__gt=0) | Q(allow_exceed=True), name="quota_override_not_empty"
            ),
        ]

    def __str__(self):
        return f"{self.area}{self.year}年规模例外"

    @classmethod
    def scope_q(cls, paths):
        return county_scope_q(paths)
