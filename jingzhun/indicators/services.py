"""Services of the indicators app: refreshing the pre-aggregated values of a county."""

from __future__ import annotations

import time

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.areas.models import Area, AreaYearStat
from jingzhun.core.errors import DomainError
from jingzhun.core.scoping import paths_q
from jingzhun.core.services import audit_record
from jingzhun.register.models import Household

from . import engine, registry
from .choices import COUNTY_DIGITS

FIRST_YEAR = 2014  # 建档立卡 started in 2014; earlier years have no register


def county_of(area: Area) -> Area:
    """Values are refreshed per county: the county containing ``area`` (or ``area`` above county level)."""
    if len(area.path) <= COUNTY_DIGITS:
        return area
    return Area.objects.get(path=area.path[:COUNTY_DIGITS])


def default_years(root: Area) -> list[int]:
    this_year = timezone.localdate().year
    first = Household.objects.filter(paths_q("area_path", [root.path])).aggregate(m=Min("year_identified"))[
        "m"
    ]
    stat = AreaYearStat.objects.filter(paths_q("area__path", [root.path])).aggregate(m=Min("year"))["m"]
    start = max(FIRST_YEAR, min(y for y in (first, stat, this_year) if y))
    return list(range(start, this_year + 1))


def indicators_refresh(
    *, actor, area: Area, years: list[int] | None = None, codes=None, progress=None
) -> dict:
    """Recompute the indicator values of ``area``'s county for ``years`` (default: 2014 … this year).

    Reads run outside any transaction; the swap of old for new values is one transaction."""
    root = county_of(area)
    years = sorted(set(years or default_years(root)))
    if any(y < 2000 or y > timezone.localdate().year + 1 for y in years):
        raise DomainError(_("年度超出范围。"), field="years")
    codes = list(codes or [i.code for i in registry.all_indicators()])
    started = time.monotonic()
    values = engine.compute(root, years, codes=codes, progress=progress)
    written = engine.replace_values(root, years, values, codes)
    seconds = round(time.monotonic() - started, 2)
    audit_record(
        actor=actor,
        action="indicators.refresh",
        target=root,
        after={"years": years, "indicators": len(codes), "values": written, "seconds": seconds},
    )
    return {"area": root.name, "years": years, "values": written, "seconds": seconds}
