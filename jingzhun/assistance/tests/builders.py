"""Small builders for assistance tests: registered households, cadres, pairings, deliveries."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from jingzhun.assistance import services
from jingzhun.assistance.models import MeasureType
from jingzhun.register.choices import PovertyStatus
from jingzhun.register.services import household_create, income_save
from jingzhun.register.tests.factories import family, household, id_number, member

_phone = itertools.count(13800000000)


def today() -> datetime.date:
    return timezone.localdate()


def registered(
    personas, area=None, *, main_cause="1", other_causes=(), members=None, status=PovertyStatus.POOR
):
    """A registered household of four (head chronically ill) in ``area`` (village A1 by default)."""
    members = members or family()
    members[0]["health"] = "2"
    return household_create(
        actor=personas.county_admin,
        area=area or personas.tree.village_a1,
        household=household(main_cause=main_cause, other_causes=list(other_causes)),
        members=members,
        poverty_status=status,
        year_identified=2014,
        override_reason="测试数据",
    )


def not_registered(personas, area=None):
    y = today().year
    return household_create(
        actor=personas.county_admin,
        area=area or personas.tree.village_a1,
        household=household(main_cause="", attribute="", standard=""),
        members=[member("王五", "01", datetime.date(y - 50, 2, 2))],
    )


def cadre(personas, name="李帮扶", area=None, **extra):
    data = {
        "name": name,
        "unit": extra.pop("unit", "县农业农村局"),
        "unit_level": extra.pop("unit_level", "county"),
        "position": "科员",
        "phone": str(next(_phone)),
        **extra,
    }
    user = data.pop("user", None)
    return services.cadre_save(
        actor=personas.county_admin, area=area or personas.tree.county, data=data, user=user
    )


def pair(personas, c, h, started_on=None):
    return services.pairing_create(
        actor=personas.county_admin,
        cadre=c,
        household=h,
        started_on=started_on or today() - datetime.timedelta(days=90),
    )


def measure(code: str) -> MeasureType:
    return MeasureType.objects.get(code=code)


def head(h):
    return h.members.get(relation="01")


def with_income(personas, h, year, wages=6000, transfers=0):
    return income_save(actor=personas.county_admin, household=h, year=year, wages=wages, transfers=transfers)


__all__ = ["cadre", "family", "head", "id_number", "measure", "not_registered", "pair", "registered", "today"]
