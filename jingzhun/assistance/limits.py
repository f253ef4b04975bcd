"""The two policy values assistance rules read: households per cadre and visits per month.

Stored per county in AssistanceSetting (defaults in models.py when a county has no row). A later policy
app may take these over; everything reads them through ``limits_for`` so that only this module changes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .models import DEFAULT_MAX_HOUSEHOLDS, DEFAULT_MIN_VISITS, AssistanceSetting

COUNTY_PATH = 6  # digits of a county's path


@dataclass(frozen=True)
class Limits:
    max_households: int = DEFAULT_MAX_HOUSEHOLDS
    min_visits: int = DEFAULT_MIN_VISITS

    @property
    def interval_days(self) -> int:
        """A household is overdue when its last visit is older than this (30 days ÷ visits a month)."""
        return max(1, math.ceil(30 / max(1, self.min_visits)))


def limits_for(area_path: str) -> Limits:
    row = AssistanceSetting.objects.filter(area_path=area_path[:COUNTY_PATH]).first()
    if row is None:
        return Limits()
    return Limits(row.max_households_per_cadre, row.min_visits_per_month)


def limits_by_county() -> dict[str, Limits]:
    """County path → limits, for every county that has a row (others use ``Limits()``)."""
    return {
        r.area_path: Limits(r.max_households_per_cadre, r.min_visits_per_month)
        for r in AssistanceSetting.objects.all()
    }


def cadre_max(cadre, table: dict[str, Limits] | None = None) -> int:
    if cadre.max_households:
        return cadre.max_households
    if table is not None:
        return table.get(cadre.area_path[:COUNTY_PATH], Limits()).max_households
    return limits_for(cadre.area_path).max_households
