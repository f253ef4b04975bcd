"""Builders shared by the page, API and selector tests (no tests here)."""

from __future__ import annotations

import datetime

import pytest

from jingzhun.register.choices import PovertyStatus
from jingzhun.register.codes import sync_code_lists
from jingzhun.register.services import household_create
from jingzhun.register.validation import check_char

from .factories import family, household, member


@pytest.fixture(autouse=True)
def code_lists(db):
    sync_code_lists()


def id_ending_in_x(birth: datetime.date, place: str = "513401") -> str:
    """A valid ID number whose check character is X (to test the lower-case x search)."""
    for serial in range(1, 999, 2):
        first = f"{place}{birth:%Y%m%d}{serial:03d}"
        if check_char(first) == "X":
            return first + "X"
    raise AssertionError("no serial gives X")


def unregistered(personas, area=None, members=None, actor=None, **extra):
    """A 非贫困户 household of four (head 张三丰) created by the village A1 officer."""
    return household_create(
        actor=actor or personas.village_a1,
        area=area or personas.tree.village_a1,
        household=household(main_cause="", **extra),
        members=members or family(),
    )


def registered(personas, area=None, members=None, year=2014, status=PovertyStatus.POOR, **extra):
    """A 建档立卡 household (因病, the head chronically ill), as legacy data loaded by the county."""
    members = members or family()
    members[0]["health"] = "2"
    return household_create(
        actor=personas.county_admin,
        area=area or personas.tree.village_a1,
        household=household(**extra),
        members=members,
        poverty_status=status,
        year_identified=year,
        year_exited=2019 if status == PovertyStatus.EXITED else None,
    )


def person(name: str, age: int = 40, male: bool = True, relation: str = "01", **extra) -> dict:
    today = datetime.date.today()
    return member(name, relation, datetime.date(today.year - age, 4, 4), male=male, **extra)
