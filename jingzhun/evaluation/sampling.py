"""The reproducible draw: villages stratified by township × poor/non-poor, then households per village.

Every draw is ``random.Random(f"{seed}:{key}").sample(sorted(ids), n)``: a string seed is hashed
(SHA-512) by ``random.seed``, so the same seed and the same candidate ids give the same sample on every
machine and Python version, and each stratum (key) has its own stream — adding a township or replacing a
village does not change what the other strata drew. Replacements use the key of their stratum plus the
number of the replacement (``…:r1``, ``…:r2``), so they are reproducible too. Keys name townships and
villages by their area codes, not database ids, so a register rebuilt with the same codes (and the same
order of households) draws the same sample.
"""

from __future__ import annotations

import math
import random
from decimal import ROUND_HALF_UP, Decimal

from jingzhun.areas.choices import AreaLevel
from jingzhun.areas.models import Area
from jingzhun.register.choices import REGISTERED, PovertyStatus
from jingzhun.register.models import Household

from .choices import HouseholdGroup, Stratum


def draw(ids, n: int, seed: int, key: str) -> list[int]:
    """``n`` ids (all when fewer) drawn without replacement, in draw order."""
    ordered = sorted(set(ids))
    return random.Random(f"{seed}:{key}").sample(ordered, min(max(n, 0), len(ordered)))


def villages_to_draw(size: int, share: Decimal, minimum: int) -> int:
    """n_h = min(N_h, max(minimum, ⌈N_h × share %⌉))."""
    if size <= 0:
        return 0
    by_share = math.ceil(Decimal(size) * Decimal(share) / 100)
    return min(size, max(int(minimum), by_share))


def registered_quota(per_village: int, share: Decimal) -> int:
    return int((Decimal(per_village) * Decimal(share) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def strata(county: Area) -> dict[tuple[int, str], list[int]]:
    """(township id, stratum) → village ids. Rural villages only (urban communities, class 1xx, are out)."""
    out: dict[tuple[int, str], list[int]] = {}
    villages = (
        Area.objects.filter(level=AreaLevel.VILLAGE, path__startswith=county.path)
        .exclude(urban_rural_class__startswith="1")
        .values_list("pk", "parent_id", "is_poor_village")
        .order_by("pk")
    )
    for pk, township_id, poor in villages:
        out.setdefault((township_id, Stratum.POOR if poor else Stratum.NON_POOR), []).append(pk)
    return out


def stratum_key(township_code: str, stratum: str) -> str:
    return f"v:{township_code}:{stratum}"


def household_candidates(village: Area) -> dict[str, list[int]]:
    """group → household ids of the village with at least one person in the register."""
    rows = (
        Household.objects.filter(area_path__startswith=village.path, size__gt=0)
        .values_list("pk", "poverty_status")
        .order_by("pk")
    )
    out: dict[str, list[int]] = {HouseholdGroup.REGISTERED: [], HouseholdGroup.OUTSIDE: []}
    for pk, status in rows:
        if status in REGISTERED:
            out[HouseholdGroup.REGISTERED].append(pk)
        elif status == PovertyStatus.NOT_POOR:
            out[HouseholdGroup.OUTSIDE].append(pk)
    return out


def household_key(village_code: str, group: str) -> str:
    return f"h:{village_code}:{group}"


def draw_households(village: Area, seed: int, per_village: int, share: Decimal) -> list[tuple[int, str]]:
    """(household id, group) for one village: the registered quota from the register (poor and exited),
    the rest from outside it; a group with too few households is made up from the other one."""
    candidates = household_candidates(village)
    want_reg = registered_quota(per_village, share)
    want_out = per_village - want_reg
    have_reg = len(candidates[HouseholdGroup.REGISTERED])
    have_out = len(candidates[HouseholdGroup.OUTSIDE])
    n_reg = min(have_reg, want_reg + max(0, want_out - have_out))
    n_out = min(have_out, per_village - n_reg)
    picked = [
        (pk, HouseholdGroup.REGISTERED)
        for pk in draw(
            candidates[HouseholdGroup.REGISTERED],
            n_reg,
            seed,
            household_key(village.code, HouseholdGroup.REGISTERED),
        )
    ]
    picked += [
        (pk, HouseholdGroup.OUTSIDE)
        for pk in draw(
            candidates[HouseholdGroup.OUTSIDE],
            n_out,
            seed,
            household_key(village.code, HouseholdGroup.OUTSIDE),
        )
    ]
    return picked
