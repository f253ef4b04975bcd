"""Builders for the change-request tests: registered households in the persona tree."""

from __future__ import annotations

import datetime

from jingzhun.register.choices import PovertyStatus
from jingzhun.register.services import household_create

from .factories import family, household, id_number


def today() -> datetime.date:
    return datetime.date.today()


def registered(personas, area=None, members=None, **extra):
    """A 未脱贫 household (因病, the head chronically ill) of four, registered in 2014."""
    members = members or family()
    members[0]["health"] = "2"
    return household_create(
        actor=personas.county_admin,
        area=area or personas.tree.village_a1,
        household=household(**extra),
        members=members,
        poverty_status=PovertyStatus.POOR,
        year_identified=2014,
    )


def single(personas, name: str, area=None, age: int = 60, male: bool = True):
    """A one-person registered household."""
    y = today().year
    person = {
        "name": name,
        "relation": "01",
        "id_number": id_number(datetime.date(y - age, 5, 5), male),
        "ethnicity": "01",
        "education": "2",
        "in_school": "0",
        "health": "2",
        "labour": "3",
    }
    return registered(personas, area=area, members=[person])


def newborn(name: str = "张小宝", days: int = 30, male: bool = True) -> dict:
    birth = today() - datetime.timedelta(days=days)
    return {
        "name": name,
        "relation": "03",
        "id_number": id_number(birth, male),
        "ethnicity": "01",
        "education": "7",
        "in_school": "0",
        "health": "1",
        "labour": "5",
    }


def member_by_name(h, name):
    return h.members.get(name=name)
