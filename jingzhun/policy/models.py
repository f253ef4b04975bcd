"""Policy parameters as data: one row per (key, national or province, valid-from year) and version."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingzhun.core.scoping import ScopedManager


class PolicyValue(models.Model):
    """A policy parameter's value from ``year`` on, nationally (``province`` empty) or for one province.

    Rows are never edited: a change writes a new row and marks the old one superseded, so the rows of a
    key are its history (who, when, why). The value in force for a year is the current row of the
    latest ``year`` not after it, the province's own row before the national one.
    """

    key = models.CharField(_("参数"), max_length=40, db_index=True)
    province = models.ForeignKey(
        "areas.Area",
        verbose_name=_("省份"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("为空表示全国标准"),
    )
    area_path = models.CharField(_("区域路径"), max_length=15, blank=True, db_index=True)
    year = models.PositiveSmallIntegerField(_("起始年度"))
    value = models.JSONField(_("取值"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    reason = models.TextField(_("修改理由"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("修改时间"), auto_now_add=True)
    superseded_at = models.DateTimeField(_("被替代时间"), null=True, blank=True)
    retired = models.BooleanField(_("已撤销"), default=False)

    objects = ScopedManager()
    scope_capabilities = {"view": "policy.view", "manage": "policy.manage"}

    class Meta:
        verbose_name = _("政策参数")
        verbose_name_plural = _("政策参数")
        ordering = ["key", "area_path", "-year", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "area_path", "year"],
                condition=Q(superseded_at__isnull=True),
                name="policyvalue_one_current_per_scope_year",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="policyvalue_year_range"
            ),
        ]
        indexes = [models.Index(fields=["key", "area_path", "year"], name="policyvalue_lookup_idx")]

    def __str__(self):
        return f"{self.key} {self.area_path or '全国'} {self.year}"

    @classmethod
    def scope_q(cls, paths):
        """National rows for anyone holding the capability; a province's rows within that province."""
        provinces = sorted({p[:2] for p in paths})
        return Q(area_path="") | Q(area_path__in=provinces)

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None
