"""Scoped reads of the indicators app: figures are lookups of IndicatorValue rows, drill-downs are the
subject's rows through its own ``for_user`` — both limited to the user's area."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Max
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.areas.models import Area
from jingzhun.core.scoping import paths_q, user_can, user_paths

from . import engine, registry
from .choices import VIEW
from .models import IndicatorValue
from .registry import Indicator


@dataclass
class Figure:
    """One traceable figure: which indicator, where, when, which breakdown, its value and drill-down."""

    indicator: Indicator
    area: Area
    year: int
    value: Decimal | None
    numerator: int = 0
    denominator: int | None = None
    dim: str = ""
    member: str = ""
    member_label: str = ""

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def name(self) -> str:
        return str(self.indicator.name)

    @property
    def unit(self) -> str:
        return str(self.indicator.unit)

    @property
    def display(self) -> str:
        if self.value is None:
            return "—"
        if self.indicator.is_ratio:
            return f"{self.value:.2f}"
        return str(int(self.value))

    @property
    def number(self) -> float:
        return float(self.value or 0)

    @property
    def drill_url(self) -> str:
        params = {"area": self.area.code, "year": self.year}
        if self.dim:
            params.update(dim=self.dim, member=self.member)
        return reverse("indicators:drill", args=[self.code]) + "?" + urlencode(params)

    @property
    def filters_text(self) -> str:
        parts = [str(self.indicator.description)]
        if self.dim:
            d = registry.dim(self.dim)
            parts.append(f"{d.label}={self.member_label or self.member or _('未填写')}")
        return "；".join(p for p in parts if p)


def effective_year(ind: Indicator, year: int) -> int:
    return timezone.localdate().year if ind.snapshot else year


def default_area(user) -> Area | None:
    """The widest area where the user may read indicators (the dashboard's starting point)."""
    paths = user_paths(user, VIEW)
    if paths is None:
        area = getattr(user, "area", None)
        return area or Area.objects.filter(level="county").order_by("code").first()
    if not paths:
        return None
    return Area.objects.filter(path=sorted(paths, key=len)[0]).first()


def area_or_404(user, code: str | None) -> Area:
    area = Area.objects.filter(code=code).first() if code else default_area(user)
    if area is None or not user_can(user, VIEW, area):
        raise Http404(_("区域不存在或不在您的范围内。"))
    return area


def indicator_or_404(code: str) -> Indicator:
    ind = registry.get(code)
    if ind is None:
        raise Http404(_("指标不存在。"))
    return ind


def figures(area: Area, year: int, codes: list[str]) -> dict[str, Figure]:
    """Totals of several indicators for one area and year: one query."""
    inds = {c: registry.get(c) for c in codes if registry.get(c)}
    years = {effective_year(i, year) for i in inds.values()}
    rows = IndicatorValue.objects.filter(
        area_path=area.path, year__in=years, dim="", indicator__in=list(inds)
    )
    found = {(r.indicator, r.year): r for r in rows}
    out = {}
    for code, ind in inds.items():
        y = effective_year(ind, year)
        r = found.get((code, y))
        out[code] = _figure(ind, area, y, r)
    return out


def _figure(ind, area, year, row, dim="", member="", label="") -> Figure:
    if row is None:
        value = None if ind.is_ratio else Decimal(0)
        return Figure(ind, area, year, value, dim=dim, member=member, member_label=label)
    return Figure(
        ind, area, year, row.value, row.numerator, row.denominator, dim=dim, member=member, member_label=label
    )


def breakdown(area: Area, year: int, code: str, dim_key: str) -> list[Figure]:
    """Every member of one breakdown (members with no rows are left out), largest first."""
    ind = registry.get(code)
    d = registry.dim(dim_key)
    y = effective_year(ind, year)
    labels = d.labels()
    rows = IndicatorValue.objects.filter(indicator=code, area_path=area.path, year=y, dim=dim_key)
    out = [
        _figure(ind, area, y, r, dim_key, r.member, labels.get(r.member, r.member or _("未填写")))
        for r in rows
    ]
    out.sort(key=lambda f: (-(f.value or 0), f.member))
    return out


def children(area: Area) -> list[Area]:
    return list(Area.objects.filter(parent=area).exclude(level__in=["group", "hamlet"]).order_by("code"))


def by_child(area: Area, year: int, codes: list[str]) -> list[tuple[Area, dict[str, Figure]]]:
    """Totals per child area (townships of a county, villages of a township): one query."""
    kids = children(area)
    inds = {c: registry.get(c) for c in codes}
    years = {effective_year(i, year) for i in inds.values()}
    rows = IndicatorValue.objects.filter(
        area_path__in=[k.path for k in kids], year__in=years, dim="", indicator__in=codes
    )
    found = {(r.indicator, r.area_path, r.year): r for r in rows}
    out = []
    for kid in kids:
        figs = {}
        for code, ind in inds.items():
            y = effective_year(ind, year)
            figs[code] = _figure(ind, kid, y, found.get((code, kid.path, y)))
        out.append((kid, figs))
    return out


def series(area: Area, code: str, years: list[int]) -> list[Figure]:
    ind = registry.get(code)
    rows = {
        r.year: r
        for r in IndicatorValue.objects.filter(indicator=code, area_path=area.path, dim="", year__in=years)
    }
    return [_figure(ind, area, y, rows.get(y)) for y in years]


def computed_at(area: Area):
    return IndicatorValue.objects.filter(area_path=area.path).aggregate(m=Max("computed_at"))["m"]


def drill_queryset(user, ind: Indicator, area: Area, year: int, dim: str = "", member: str = ""):
    """The rows behind a figure, as this user may see them."""
    y = effective_year(ind, year)
    model = ind.subject.model
    qs = model.objects.for_user(user, "view").filter(paths_q(ind.subject.path, [area.path]))
    qs = qs.filter(ind.where(y))
    if dim:
        if dim not in ind.breakdowns:
            raise Http404(_("指标没有该分组。"))
        qs = qs.filter(engine.dim_q(ind, dim, member, y))
    return qs


def visible_values(user):
    return IndicatorValue.objects.for_user(user, "view")
