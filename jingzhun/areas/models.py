"""The administrative tree and its yearly statistics."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jingzhun.core.models import TimeStampedModel
from jingzhun.core.scoping import ScopedManager

from .choices import PATH_LENGTH, AreaLevel


class Area(TimeStampedModel):
    """A node of the tree province → city → county → township → village → group.

    ``code`` is the 12-digit statistical code (15 digits for hamlets/groups); ``path`` is its significant
    prefix (2/4/6/9/12/15 digits), so that a subtree is every area whose path starts with this path.
    """

    code = models.CharField(_("区划代码"), max_length=15, unique=True)
    path = models.CharField(_("路径"), max_length=15, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=16, choices=AreaLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    urban_rural_class = models.CharField(_("城乡分类代码"), max_length=3, blank=True)
    is_poor_village = models.BooleanField(_("贫困村"), default=False)
    poor_listed_year = models.PositiveSmallIntegerField(_("列为贫困村年度"), null=True, blank=True)
    poor_exited_year = models.PositiveSmallIntegerField(_("贫困村退出年度"), null=True, blank=True)
    is_poor_county = models.BooleanField(_("贫困县"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_area_path = "path"

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(poor_exited_year__isnull=True)
                | models.Q(poor_listed_year__isnull=True)
                | models.Q(poor_exited_year__gte=models.F("poor_listed_year")),
                name="area_poor_exit_after_listing",
            ),
        ]

    def __str__(self):
        return self.name

    @staticmethod
    def path_for(code: str, level: str) -> str:
        return code[: PATH_LENGTH[level]]

    @property
    def depth(self) -> int:
        return list(PATH_LENGTH).index(self.level)

    def ancestors(self) -> list["Area"]:
        """From the top down, excluding self. One query: ancestors' paths are prefixes of ours."""
        prefixes = {self.path[:n] for n in sorted(set(PATH_LENGTH.values())) if n < len(self.path)}
        return list(Area.objects.filter(path__in=prefixes).order_by("path"))

    def full_name(self) -> str:
        return "".join(a.name for a in [*self.ancestors(), self])

    def contains(self, other: "Area") -> bool:
        return other.path.startswith(self.path)


class AreaYearStat(TimeStampedModel):
    """Statistics of an area for one year; the rural registered population is the incidence denominator."""

    area = models.ForeignKey(
        Area, verbose_name=_("区划"), on_delete=models.CASCADE, related_name="year_stats"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000)])
    rural_population = models.PositiveIntegerField(_("户籍农业人口"), null=True, blank=True)
    rural_households = models.PositiveIntegerField(_("农业户数"), null=True, blank=True)
    total_population = models.PositiveIntegerField(_("户籍总人口"), null=True, blank=True)
    area_km2 = models.DecimalField(
        _("面积(平方公里)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(_("数据来源"), max_length=100, blank=True)

    objects = ScopedManager()
    scope_area_path = "area__path"
    scope_capabilities = {"view": "areas.view", "change": "areas.change"}

    class Meta:
        verbose_name = _("区划年度统计")
        verbose_name_plural = _("区划年度统计")
        ordering = ["area__code", "-year"]
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="areayearstat_unique_area_year")]

    def __str__(self):
        return f"{self.area} {self.year}"
