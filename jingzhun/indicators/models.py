"""Pre-aggregated indicator values (DHIS2-style analytics table): one row per indicator, area, year and
breakdown member, written by the refresh job; reading a figure is a lookup of one row."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jingzhun.core.scoping import ScopedManager


class IndicatorValue(models.Model):
    """The value of one indicator for one area (any level of the tree) and year.

    ``dim``/``member`` name the breakdown ("cause"/"1" = 因病); both empty for the total. Ratios keep
    their numerator and denominator so that a parent's ratio is recomputed from sums, never averaged.
    """

    indicator = models.CharField(_("指标"), max_length=40)
    area_path = models.CharField(_("区域路径"), max_length=15)
    year = models.PositiveSmallIntegerField(_("年度"))
    dim = models.CharField(_("分组维度"), max_length=24, blank=True, default="")
    member = models.CharField(_("分组取值"), max_length=32, blank=True, default="")
    numerator = models.BigIntegerField(_("分子"), default=0)
    denominator = models.BigIntegerField(_("分母"), null=True, blank=True)
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=4, null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = {"view": "indicators.view"}

    class Meta:
        verbose_name = _("指标值")
        verbose_name_plural = _("指标值")
        ordering = ["indicator", "area_path", "year", "dim", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area_path", "year", "dim", "member"], name="indicatorvalue_unique_cell"
            ),
        ]
        indexes = [models.Index(fields=["area_path", "year"], name="indicatorvalue_area_year_idx")]

    def __str__(self):
        return f"{self.indicator} {self.area_path} {self.year} {self.dim}:{self.member} = {self.value}"
