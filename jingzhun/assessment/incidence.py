"""Poverty incidence (贫困发生率) of areas for a year, set-based.

    incidence = persons not yet out of poverty at the end of the year ÷ rural registered population × 100%

Numerator: active members of households that are POOR or RETURNED — or EXITED after that year — and
were identified in or before it (so past years are counted as they stood, from the exit years the
register keeps). Denominator: the area's ``AreaYearStat.rural_population`` for the year, never the
register's head count. One grouped query per path length (areas of one level share it).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.db.models.functions import Substr

from jingzhun.areas.models import AreaYearStat
from jingzhun.core.scoping import paths_q
from jingzhun.register.choices import MemberStatus, PovertyStatus
from jingzhun.register.models import Member


def rate(numerator: int, denominator: int | None) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def poor_in_year_q(year: int, prefix: str = "household__") -> Q:
    remaining = Q(**{f"{prefix}poverty_status__in": [PovertyStatus.POOR, PovertyStatus.RETURNED]}) | Q(
        **{f"{prefix}poverty_status": PovertyStatus.EXITED, f"{prefix}year_exited__gt": year}
    )
    identified = Q(**{f"{prefix}year_identified__isnull": True}) | Q(
        **{f"{prefix}year_identified__lte": year}
    )
    return remaining & identified


def numerators(areas, year: int) -> dict[int, int]:
    """area id → persons not yet out of poverty at the end of ``year`` (one grouped query per level)."""
    by_length: dict[int, list] = defaultdict(list)
    for a in areas:
        by_length[len(a.path)].append(a)
    out: dict[int, int] = {}
    for length, group in by_length.items():
        paths = {a.path: a.pk for a in group}
        rows = (
            Member.objects.filter(paths_q("household__area_path", paths), status=MemberStatus.ACTIVE)
            .filter(poor_in_year_q(year))
            .annotate(prefix=Substr("household__area_path", 1, length))
            .values("prefix")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            if row["prefix"] in paths:
                out[paths[row["prefix"]]] = row["n"]
    return out


def denominators(areas, year: int) -> dict[int, int | None]:
    return dict(
        AreaYearStat.objects.filter(area__in=[a.pk for a in areas], year=year).values_list(
            "area_id", "rural_population"
        )
    )


def incidence(areas, year: int) -> dict[int, dict]:
    """area id → {"numerator", "denominator", "rate"} (rate in %, None without a rural population)."""
    areas = list(areas)
    nums, dens = numerators(areas, year), denominators(areas, year)
    return {
        a.pk: {
            "numerator": nums.get(a.pk, 0),
            "denominator": dens.get(a.pk),
            "rate": rate(nums.get(a.pk, 0), dens.get(a.pk)),
        }
        for a in areas
    }
