"""Builders for assessment tests: households with chosen members, housing, water and income."""

from __future__ import annotations

import datetime
import itertools

from jingzhun.register.services import household_create, income_save
from jingzhun.register.tests.factories import household as household_dict
from jingzhun.register.tests.factories import member

_n = itertools.count(1)


def adult(name: str, relation: str = "01", age: int = 40, **extra) -> dict:
    today = datetime.date.today()
    extra.setdefault("insured_medical", True)
    return member(name, relation, datetime.date(today.year - age, 3, 1), **extra)


def child(name: str, birth: datetime.date, **extra) -> dict:
    values = {"education": "2", "labour": "5", "insured_medical": True, **extra}
    return member(name, "03", birth, **values)


def build(
    *,
    area,
    actor,
    status="poor",
    members=None,
    income=None,
    year=2019,
    year_identified=2014,
    year_exited=None,
    **house,
):
    """A household (default: two insured adults, house grade B, safe water 60 L) with an income row.

    ``income``: dict of components for ``year`` (default: 20,000 yuan of wages → 10,000 per head).
    """
    n = next(_n)
    members = members or [adult(f"户主{n}"), adult(f"配偶{n}", "02", male=False)]
    values = {"house_grade": "B", "water": "1", "water_lpd": 60, "water_minutes": 5, **house}
    h = household_create(
        actor=actor,
        area=area,
        household=household_dict(**values),
        members=members,
        override_reason="测试数据",
        poverty_status=status,
        year_identified=year_identified if status != "not_poor" else None,
        year_exited=year_exited,
    )
    if income is not False:
        income_save(actor=actor, household=h, year=year, **(income or {"wages": 20000}))
    return h
