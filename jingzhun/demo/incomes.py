"""Yearly household income for the demo register, around each year's poverty line.

Registered households stay below the line until the year they exit, then above it (a few fall back:
返贫); transfers are broken down by policy (低保金, 养老金, 生态补偿金 …) with the member who received
them where that applies. Net income and per capita always come from ``validation.income_figures`` over
the members 在册 during the year, as the register's own income service computes them.
"""

from __future__ import annotations

import datetime
import math
import random
from decimal import Decimal

from jingzhun.register.models import HouseholdIncome, IncomeTransfer
from jingzhun.register.validation import income_figures

from .bulk import row_class

IncomeRow = row_class(HouseholdIncome)
TransferRow = row_class(IncomeTransfer)

# Yuan per person per year. 2014–2020: the national line at current prices as used in the annual
# identification; 2021 on: the monitoring line the provinces raised by about 5–8 % a year.
POVERTY_LINE = {
    2014: 2800,
    2015: 2855,
    2016: 2952,
    2017: 2952,
    2018: 2995,
    2019: 3218,
    2020: 4000,
    2021: 4300,
    2022: 4600,
    2023: 4900,
    2024: 5250,
    2025: 5600,
}
INCOME_YEARS = range(2014, 2026)

# Yuan per person per year (rural, Liangshan-like levels; demo figures).
PENSION = dict(
    zip(INCOME_YEARS, (840, 900, 900, 960, 1056, 1200, 1260, 1320, 1380, 1452, 1560, 1680), strict=True)
)
DIBAO = dict(
    zip(INCOME_YEARS, (1320, 1440, 1560, 1740, 1920, 2160, 2400, 2580, 2760, 2940, 3120, 3300), strict=True)
)
TEKUN = dict(
    zip(INCOME_YEARS, (1800, 2000, 2200, 3000, 3600, 4200, 4800, 5160, 5520, 5880, 6240, 6600), strict=True)
)
SOURCES = {
    "dibao": "县民政局",
    "tekun": "县民政局",
    "pension": "县人力资源和社会保障局",
    "eco": "县林业和草原局",
    "farm": "县农业农村局",
    "disability": "县残疾人联合会",
    "edu": "县教育局",
    "medical": "县医疗保障局",
    "industry": "县乡村振兴局",
}


def present(members: list, year: int) -> list:
    """Members 在册 at some time during ``year`` (the register's rule for the income divisor)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return [
        m
        for m in members
        if not (m.joined_on and m.joined_on > end) and not (m.left_on and m.left_on < start)
    ]


def per_capita_path(rng: random.Random, plan, years) -> dict[int, float]:
    """Target per-capita net income per year, relative to the line according to the household's story."""
    out: dict[int, float] = {}
    if not plan.registered:
        base = POVERTY_LINE[2014] * max(1.25, math.exp(rng.gauss(math.log(2.6), 0.35)))
        growth = rng.uniform(1.05, 1.11)
        for y in years:
            line = POVERTY_LINE[y]
            if plan.edge:
                out[y] = line * rng.uniform(1.05, 1.45)
            else:
                out[y] = max(base * growth ** (y - 2014), line * rng.uniform(1.2, 1.4))
        return out
    pc = 0.0
    for y in years:
        line = POVERTY_LINE[y]
        if plan.exited is None or y < plan.exited or (plan.returned and y >= plan.returned):
            out[y] = line * rng.uniform(0.55, 0.93)
            continue
        pc = line * rng.uniform(1.12, 1.45) if y == plan.exited else pc * rng.uniform(1.06, 1.18)
        pc = max(pc, line * rng.uniform(1.1, 1.25))
        if plan.monitored and y >= 2020:
            pc = min(pc, line * rng.uniform(1.05, 1.3))
        out[y] = pc
    return out


def _age_in(m, year: int) -> int:
    return year - m.birth_date.year


def _transfer_lines(rng, household, plan, members: list, year: int) -> list[tuple[str, int, object]]:
    lines: list[tuple[str, int, object]] = []
    for m in members:
        if m.tekun and m.tekun_since and m.tekun_since.year <= year:
            lines.append(("tekun", TEKUN[year], m))
        elif m.dibao and m.dibao_since and m.dibao_since.year <= year:
            lines.append(("dibao", DIBAO[year], m))
        if _age_in(m, year) >= 60:
            lines.append(("pension", PENSION[year], m))
        if year >= 2016 and m.health == "4" and ((m.disability_grade or 4) <= 2 or m.dibao):
            lines.append(("disability", 600 + 60 * (year - 2016), m))
        if plan.registered and m.in_school in ("6", "7", "8", "9", "10") and year >= plan.ref_year - 3:
            lines.append(("edu", 2000 if m.in_school in ("6", "7") else 3000, m))
    eco = float(household.returned_farmland_mu) * 125 + float(household.forest_mu) * 12
    if eco >= 1:
        lines.append(("eco", round(eco), None))
    farm = float(household.farmland_mu) * (85 if year < 2016 else 95)
    if farm >= 1:
        lines.append(("farm", round(farm), None))
    if plan.registered:
        poor_years = plan.exited is None or year <= plan.exited
        if "1" in plan.causes and poor_years and rng.random() < 0.35:
            lines.append(("medical", rng.randrange(500, 3000, 50), None))
        if plan.exited and year in (plan.exited - 1, plan.exited) and rng.random() < 0.5:
            lines.append(("industry", rng.randrange(1000, 3000, 100), None))
    return lines


def _stay_below(rng, target: int, lines: list, cap: int, size: int) -> tuple[int, list]:
    """A poor year's net income must stay under the line even when transfers are large (低保 + 养老金
    of an old couple): the household earns less itself, one-off aid is left out, and only if policy
    payments alone reach the line are they cut (partial-year payments)."""
    total = sum(a for _p, a, _m in lines)
    if total > cap * 0.85:
        lines = [x for x in lines if x[0] not in ("medical", "industry")]
        total = sum(a for _p, a, _m in lines)
    if total > cap * 0.85:
        factor = cap * rng.uniform(0.6, 0.8) / total
        lines = [(p, max(1, int(a * factor)), m) for p, a, m in lines]
        total = sum(a for _p, a, _m in lines)
    return min(cap, max(target, total + rng.randint(50, 300) * size)), lines


def build_incomes(rng: random.Random, household, plan, members: list, years, new_id) -> list[tuple]:
    """(income row, [transfer rows]) per year in which the household had members.

    ``new_id(model)`` hands out primary keys (bulk.Inserter.new_id)."""
    out = []
    targets = per_capita_path(rng, plan, years)
    migrants = any(m.migrant_months for m in members)
    for year in years:
        in_year = present(members, year)
        if not in_year:
            continue
        size = len(in_year)
        line = POVERTY_LINE[year]
        target = round(targets[year] * size)
        lines = _transfer_lines(rng, household, plan, in_year, year)
        total = sum(amount for _p, amount, _m in lines)
        below = targets[year] < line
        if below:
            target, lines = _stay_below(rng, target, lines, int(line * size * 0.95), size)
            total = sum(a for _p, a, _m in lines)
        net = max(target, total + (rng.randint(100, 400) * size if not below else 0))
        other = net - total
        prop = 0
        if plan.registered and year >= 2017 and other > 0:
            prop = min(int(other * 0.15), rng.randrange(150, 600, 10))
        elif not plan.registered and other > 0 and rng.random() < 0.04:
            prop = min(int(other * 0.3), rng.randrange(200, 2000, 50))
        share = rng.uniform(0.45, 0.75) if migrants else rng.uniform(0.05, 0.3)
        wages = int((other - prop) * share)
        farm_net = other - prop - wages
        costs = int(farm_net * rng.uniform(0.2, 0.45))
        business = farm_net + costs
        net_income, per_capita = income_figures(
            wages=wages,
            business=business,
            property_income=prop,
            transfers=total,
            business_costs=costs,
            size=size,
        )
        income = IncomeRow(
            id=new_id(HouseholdIncome),
            household_id=household.id,
            year=year,
            wages=Decimal(wages),
            business=Decimal(business),
            property_income=Decimal(prop),
            transfers=Decimal(total),
            business_costs=Decimal(costs),
            net_income=net_income,
            size=size,
            per_capita=per_capita,
            note="演示数据",
        )
        transfers = [
            TransferRow(
                id=new_id(IncomeTransfer),
                income_id=income.id,
                program=p,
                amount=Decimal(a),
                member_id=m.id if m is not None else None,
                source=SOURCES.get(p, ""),
            )
            for p, a, m in lines
        ]
        out.append((income, transfers))
    return out
