"""The demo county's administrative tree and yearly statistics, shaped like seed 000.

Seed 000: 2 towns + 15 townships, 120 administrative villages + 10 communities, 48 poor villages
listed in 2014 (the last 5 exit in 2018), population 81,900. The county is fictional: code 513498
is unused in the NBS list, and its note says it is demo data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from jingzhun.areas.choices import AreaLevel
from jingzhun.areas.models import Area, AreaYearStat
from jingzhun.areas.services import load_national_divisions

COUNTY_CODE = "513498000000"
COUNTY_NAME = "云岭县"
CITY_CODE = "513400000000"
YEARS = range(2014, 2026)


@dataclass
class DemoShape:
    towns: int = 2
    townships: int = 15
    villages: int = 120
    communities: int = 10
    poor_villages: int = 48
    population: int = 81_900  # persons in the register's rural households

    @classmethod
    def scaled(cls, scale: float) -> DemoShape:
        base = cls()
        if scale == 1:
            return base
        return cls(
            towns=max(1, round(base.towns * scale)),
            townships=max(1, round(base.townships * scale)),
            villages=max(1, round(base.villages * scale)),
            communities=max(0, round(base.communities * scale)),
            poor_villages=max(1, round(base.poor_villages * scale)),
            population=round(base.population * scale),
        )


def build_county(rng: random.Random, shape: DemoShape) -> Area:
    """Create the county, its townships, villages and groups (statistics: ``write_statistics``)."""
    from .names import place_names

    load_national_divisions()
    city = Area.objects.get(code=CITY_CODE)
    county = Area.objects.create(
        code=COUNTY_CODE,
        path=COUNTY_CODE[:6],
        name=COUNTY_NAME,
        level=AreaLevel.COUNTY,
        parent=city,
        is_poor_county=True,
        note="演示数据（虚构县，代码不对应真实区划）",
    )
    taken: set[str] = set()
    township_names = place_names(rng, shape.towns, "镇", taken) + place_names(
        rng, shape.townships, "乡", taken
    )
    townships = []
    for i, name in enumerate(township_names):
        number = 100 + i if i < shape.towns else 200 + (i - shape.towns)
        code = COUNTY_CODE[:6] + f"{number:03d}" + "000"
        townships.append(Area(code=code, path=code[:9], name=name, level=AreaLevel.TOWNSHIP, parent=county))
    Area.objects.bulk_create(townships)
    townships = list(
        Area.objects.filter(level=AreaLevel.TOWNSHIP, path__startswith=county.path).order_by("code")
    )

    villages = _villages(rng, shape, townships)
    Area.objects.bulk_create(villages, batch_size=1000)
    villages = list(
        Area.objects.filter(level=AreaLevel.VILLAGE, path__startswith=county.path).order_by("code")
    )
    groups = []
    for v in villages:
        for g in range(1, rng.randint(4, 9)):
            code = v.code + f"{g:03d}"
            groups.append(
                Area(code=code, path=code, name=f"{_cn_number(g)}组", level=AreaLevel.GROUP, parent=v)
            )
    Area.objects.bulk_create(groups, batch_size=2000)
    return county


def _villages(rng, shape, townships) -> list[Area]:
    from .names import place_names

    per = [0] * len(townships)
    for i in range(shape.villages):
        per[i % len(townships)] += 1
    rural_villages: list[Area] = []
    out = []
    taken: set[str] = set()
    for t_index, township in enumerate(townships):
        if t_index < shape.towns or t_index < shape.communities:
            # Towns hold most communities; spread the rest over the first townships.
            n_comm = shape.communities // max(1, shape.towns) if t_index < shape.towns else 0
            for c, name in enumerate(place_names(rng, n_comm, "社区", taken), start=1):
                code = township.code[:9] + f"{c:03d}"
                out.append(
                    Area(
                        code=code,
                        path=code,
                        name=name,
                        level=AreaLevel.VILLAGE,
                        parent=township,
                        urban_rural_class="121",
                    )
                )
        for v, name in enumerate(place_names(rng, per[t_index], "村", taken), start=1):
            code = township.code[:9] + f"{200 + v:03d}"
            area = Area(
                code=code,
                path=code,
                name=name,
                level=AreaLevel.VILLAGE,
                parent=township,
                urban_rural_class="220",
            )
            out.append(area)
            rural_villages.append(area)
    # Poor villages: listed in 2014; exits spread over 2016–2018 with the last 5 in 2018 (seed 000).
    poor = rng.sample(rural_villages, min(shape.poor_villages, len(rural_villages)))
    last = min(5, len(poor))
    for i, area in enumerate(poor):
        area.is_poor_village = True
        area.poor_listed_year = 2014
        area.poor_exited_year = 2018 if i < last else rng.choice([2016, 2016, 2017, 2017, 2017])
    return out


def village_population(rng: random.Random, shape: DemoShape, villages: list[Area]) -> dict[int, int]:
    """Persons per village summing to the shape's population. Poor villages are smaller mountain
    villages; communities hold few rural households."""
    weights = []
    for v in villages:
        if v.urban_rural_class != "220":
            weights.append(rng.uniform(0.2, 0.5))
        elif v.is_poor_village:
            weights.append(rng.uniform(0.4, 0.85))
        else:
            weights.append(rng.uniform(0.6, 1.4))
    scale = shape.population / sum(weights)
    return {v.id: max(80, round(w * scale)) for v, w in zip(villages, weights, strict=True)}


def write_statistics(county: Area, persons: dict[int, int], households: dict[int, int] | None = None) -> None:
    """Yearly statistics 2014–2025 of every village from its persons and households in the register;
    townships and the county are the sums (so they agree).

    The rural registered population drifts down by 0.4 % a year towards the present (people move to
    towns), so 2014's is about 4 % above the register's current head count: the denominator of the
    2014 incidence (≈ 7.5 % for the county, 12–30 % in the poor villages).
    """
    villages = list(Area.objects.filter(level=AreaLevel.VILLAGE, path__startswith=county.path))
    AreaYearStat.objects.filter(area__path__startswith=county.path).delete()
    last = YEARS.stop - 1
    stats = []
    totals: dict[tuple[int, int], list[int]] = {}
    for year in YEARS:
        factor = 1 + 0.004 * (last - year)
        for v in villages:
            base = persons.get(v.id, 0)
            rural = round(base * factor)
            n_households = households.get(v.id) if households else None
            if n_households is None:
                n_households = base / 3.3
            rural_households = round(n_households * (1 + 0.003 * (last - year)))
            total = rural + (round(rural * 0.03) if v.urban_rural_class == "220" else round(rural * 1.5))
            stats.append(
                AreaYearStat(
                    area=v,
                    year=year,
                    rural_population=rural,
                    rural_households=rural_households,
                    total_population=total,
                    source="演示数据",
                )
            )
            for parent_id in (v.parent_id, county.id):
                acc = totals.setdefault((parent_id, year), [0, 0, 0])
                acc[0] += rural
                acc[1] += rural_households
                acc[2] += total
    for (area_id, year), (rural, rural_households, total) in totals.items():
        stats.append(
            AreaYearStat(
                area_id=area_id,
                year=year,
                rural_population=rural,
                rural_households=rural_households,
                total_population=total,
                source="演示数据（由村级汇总）",
                area_km2=5290 if area_id == county.id else None,
            )
        )
    AreaYearStat.objects.bulk_create(stats, batch_size=2000)


def _cn_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
