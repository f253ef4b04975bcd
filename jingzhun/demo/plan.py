"""The plan of the demo register before any object is built: how many households in which village,
which of them are registered (建档立卡), their size, attribute, causes and exit story.

Counts that the seed reports fix (1,755 households / 6,424 persons registered, the cause mix of seed
002 county 1) are met exactly by quota (largest remainder), not by chance, so a small ``--scale`` still
shows the right proportions. Everything else is drawn from the generator's ``random.Random``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from jingzhun.register.choices import PovertyStatus

REGISTERED_HOUSEHOLDS = 1_755  # seed 000, 2014 identification
REGISTERED_PERSONS = 6_424
PERSONS_PER_HOUSEHOLD = 3.28  # ~25,000 rural households for ~82,000 persons
POOR_VILLAGE_SHARE = 0.70  # registered households living in the 48 poor villages

# Main causes: seed 002 county 1 for the five it names, the remaining 5.86 % spread over the others.
MAIN_CAUSES = {
    "1": 56.70,
    "2": 16.53,
    "3": 2.97,
    "7": 7.92,
    "8": 10.02,
    "9": 2.50,
    "4": 1.00,
    "11": 1.00,
    "10": 0.50,
    "5": 0.40,
    "6": 0.26,
    "99": 0.20,
}
OTHER_CAUSES = {"9": 30, "7": 20, "8": 10, "1": 10, "10": 8, "11": 6, "4": 5, "5": 4, "2": 4, "6": 3, "3": 4}
ATTRIBUTES = {"3": 0.04, "2": 0.30}  # 特困供养 and 低保; the rest 一般贫困户
IDENTIFIED = {2014: 0.88, 2015: 0.07, 2016: 0.05}
EXIT_WEIGHTS = {2015: 12, 2016: 26, 2017: 32, 2018: 22, 2019: 9, 2020: 7}
SIZES_REGISTERED = {1: 7, 2: 14, 3: 20, 4: 25, 5: 19, 6: 10, 7: 4, 8: 1}
SIZES_OTHER = {1: 9, 2: 21, 3: 25, 4: 24, 5: 13, 6: 6, 7: 2}


@dataclass(slots=True)
class Plan:
    village: object
    size: int
    registered: bool = False
    status: str = PovertyStatus.NOT_POOR
    identified: int | None = None
    exited: int | None = None
    returned: int | None = None
    attribute: str = ""
    main_cause: str = ""
    other_causes: list[str] = field(default_factory=list)
    head_age: int = 45
    head_male: bool = True
    monitored: bool = False
    edge: bool = False
    with_income: bool = False
    ref_year: int = 2026
    identified_on: object = None  # datetime.date, set when the household is built
    original_grade: str | None = None  # house grade before renovation / relocation

    @property
    def causes(self) -> set[str]:
        return {self.main_cause, *self.other_causes} - {""}


def quota(n: int, shares: dict) -> dict:
    """Split ``n`` by ``shares`` with the largest-remainder method (exact total, deterministic)."""
    total = sum(shares.values())
    raw = {k: n * v / total for k, v in shares.items()}
    counts = {k: int(r) for k, r in raw.items()}
    for k in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True)[: n - sum(counts.values())]:
        counts[k] += 1
    return counts


def allocate(n: int, weights: list[float], caps: list[int] | None = None) -> list[int]:
    """Integers proportional to ``weights`` summing to ``n`` (each at most its cap when given)."""
    counts = list(quota(n, dict(enumerate(weights))).values())
    if caps:
        spill = 0
        for i, cap in enumerate(caps):
            if counts[i] > cap:
                spill += counts[i] - cap
                counts[i] = cap
        order = sorted(range(len(counts)), key=lambda i: weights[i], reverse=True)
        while spill:
            moved = False
            for i in order:
                if spill and counts[i] < caps[i]:
                    counts[i] += 1
                    spill -= 1
                    moved = True
            if not moved:
                break
    return counts


def sizes(rng: random.Random, n: int, total: int, weights: dict[int, float]) -> list[int]:
    """``n`` household sizes drawn from ``weights`` and nudged to sum exactly to ``total``."""
    if n == 0:
        return []
    total = max(n, min(total, 9 * n))
    out = rng.choices(list(weights), weights=list(weights.values()), k=n)
    diff = total - sum(out)
    while diff:
        i = rng.randrange(n)
        if diff > 0 and out[i] < 9:
            out[i] += 1
            diff -= 1
        elif diff < 0 and out[i] > 1:
            out[i] -= 1
            diff += 1
    return out


def make_plans(rng: random.Random, villages: list, targets: dict[int, int], scale: float, ref_year: int):
    """All household plans, grouped by village id."""
    persons = sum(targets[v.id] for v in villages)
    n_households = max(len(villages), round(persons / PERSONS_PER_HOUSEHOLD))
    per_village = allocate(n_households, [max(1, targets[v.id]) for v in villages])
    per_village = [max(1, n) for n in per_village]
    n_households = sum(per_village)
    n_reg = max(1, min(round(REGISTERED_HOUSEHOLDS * scale), n_households // 3))
    reg_persons = max(n_reg, round(REGISTERED_PERSONS * scale))
    reg_by_village = _registered_per_village(rng, villages, per_village, n_reg)

    reg_sizes = sizes(rng, n_reg, reg_persons, SIZES_REGISTERED)
    other_sizes = sizes(
        rng, n_households - n_reg, max(n_households - n_reg, persons - reg_persons), SIZES_OTHER
    )
    registered: list[Plan] = []
    others: list[Plan] = []
    for v, n, r in zip(villages, per_village, reg_by_village, strict=True):
        registered += [
            Plan(village=v, size=reg_sizes.pop(), registered=True, ref_year=ref_year) for _ in range(r)
        ]
        others += [Plan(village=v, size=other_sizes.pop(), ref_year=ref_year) for _ in range(n - r)]
    _registered_story(rng, registered)
    for p in others:
        _other_story(rng, p)
    by_village: dict[int, list[Plan]] = {v.id: [] for v in villages}
    for p in registered + others:
        by_village[p.village.id].append(p)
    for plans in by_village.values():
        rng.shuffle(plans)
    return by_village


def _registered_per_village(rng, villages, per_village, n_reg) -> list[int]:
    poor = [i for i, v in enumerate(villages) if v.is_poor_village]
    rural = [i for i, v in enumerate(villages) if not v.is_poor_village and v.urban_rural_class != "121"]
    urban = [i for i, v in enumerate(villages) if v.urban_rural_class == "121"]
    n_poor = round(n_reg * POOR_VILLAGE_SHARE) if (rural or urban) else n_reg
    counts = [0] * len(villages)
    caps = [max(1, int(n * 0.6)) for n in per_village]
    for idx, n, spread in ((poor, n_poor, (0.6, 1.4)), (rural + urban, n_reg - n_poor, (0.5, 1.5))):
        if not idx:
            continue
        weights = [
            per_village[i] * rng.uniform(*spread) * (0.3 if villages[i].urban_rural_class == "121" else 1)
            for i in idx
        ]
        for i, c in zip(idx, allocate(n, weights, [caps[i] for i in idx]), strict=True):
            counts[i] = c
    return counts


def _registered_story(rng: random.Random, plans: list[Plan]) -> None:
    """Attribute, causes, head, identification and exit years of the registered households."""
    n = len(plans)
    order = plans[:]
    rng.shuffle(order)
    # 特困供养: people living alone (or an old couple) without support.
    attrs = quota(n, {**ATTRIBUTES, "1": 1 - sum(ATTRIBUTES.values())})
    small = sorted(order, key=lambda p: p.size)
    for p in small[: attrs["3"]]:
        p.attribute = "3"
    rest = [p for p in order if not p.attribute]
    for p in rest[: attrs["2"]]:
        p.attribute = "2"
    for p in rest[attrs["2"] :]:
        p.attribute = "1"
    # Main causes by quota: 因学 needs a child in school (3+ persons), 缺劳力 goes to the old and alone.
    causes = quota(n, MAIN_CAUSES)
    school = [p for p in order if p.size >= 3 and p.attribute != "3"]
    for p in school[: causes.pop("3")]:
        p.main_cause = "3"
    lonely = sorted((p for p in order if not p.main_cause), key=lambda p: (p.attribute != "3", p.size))
    n8 = causes.pop("8")
    for p in lonely[: n8 * 2 // 3]:
        p.main_cause = "8"
    labels = [c for c, k in causes.items() for _ in range(k)] + ["8"] * (n8 - n8 * 2 // 3)
    rng.shuffle(labels)
    for p, c in zip((p for p in order if not p.main_cause), labels, strict=True):
        p.main_cause = c
    for p in order:
        _other_causes(rng, p)
        _head(rng, p)
    # Identification and exit.
    years = quota(n, IDENTIFIED)
    labels = [y for y, k in years.items() for _ in range(k)]
    rng.shuffle(labels)
    n_poor = max(1, round(n * 0.004)) if n >= 3 else 0
    n_returned = max(1, round(n * 0.007)) if n >= 3 else 0
    for i, (p, year) in enumerate(zip(order, labels, strict=True)):
        p.identified = year
        if i < n_poor:
            p.status = PovertyStatus.POOR
            continue
        p.exited = _exit_year(rng, p, returning=i < n_poor + n_returned)
        p.status = PovertyStatus.EXITED
        if i < n_poor + n_returned:
            p.status = PovertyStatus.RETURNED
            p.returned = rng.randint(max(2021, p.exited + 1), min(2024, p.ref_year - 1))
            p.monitored = True
        elif rng.random() < 0.02:
            p.monitored = True  # 脱贫不稳定户
    for p in plans:
        p.with_income = True


def _exit_year(rng, p: Plan, returning: bool) -> int:
    last = 2019 if returning else 2020
    years = [y for y in EXIT_WEIGHTS if p.identified < y <= last]
    village_exit = getattr(p.village, "poor_exited_year", None)
    if village_exit and rng.random() < 0.9:
        years = [y for y in years if y <= village_exit] or years
    return rng.choices(years, weights=[EXIT_WEIGHTS[y] for y in years])[0]


def _other_causes(rng, p: Plan) -> None:
    k = rng.choices((0, 1, 2), weights=(35, 40, 25))[0]
    pool = {c: w for c, w in OTHER_CAUSES.items() if c != p.main_cause and (c != "3" or p.main_cause != "8")}
    if p.size < 3 or p.attribute == "3":
        pool.pop("3", None)
    chosen: list[str] = []
    while len(chosen) < k and pool:
        c = rng.choices(list(pool), weights=list(pool.values()))[0]
        chosen.append(c)
        pool.pop(c)
    p.other_causes = chosen


def _head(rng, p: Plan) -> None:
    if p.main_cause == "8" or p.attribute == "3":
        p.head_age = rng.randint(60, 85)
    elif p.main_cause == "3" or "3" in p.other_causes:
        p.head_age = rng.randint(38, 52)
    elif p.size == 1:
        p.head_age = rng.randint(60, 85) if rng.random() < 0.6 else rng.randint(30, 59)
    else:
        p.head_age = int(rng.triangular(27, 82, 52))
    p.head_male = rng.random() < (0.55 if p.size == 1 and p.head_age >= 60 else 0.87)


def _other_story(rng: random.Random, p: Plan) -> None:
    if p.size == 1:
        p.head_age = rng.randint(60, 85) if rng.random() < 0.5 else rng.randint(28, 59)
    else:
        p.head_age = int(rng.triangular(25, 85, 48))
    p.head_male = rng.random() < (0.6 if p.size == 1 and p.head_age >= 60 else 0.9)
    if rng.random() < 0.004:
        p.edge = p.monitored = True  # 边缘易致贫户, monitored since 2020
    p.with_income = p.edge or rng.random() < 0.10
