"""Household and member numbers: stable, unique, assigned on registration.

户编号 = the village's 12-digit code + a 4-digit sequence within the village (16 characters);
人编号 = 户编号 + a 2-digit sequence within the household (18 characters). A member keeps its number
when it moves to another household; numbers are never reused.
"""

from __future__ import annotations

from django.db.models import Max
from django.db.models.functions import Substr

from .models import Household, Member


def village_code_of(area) -> str:
    return area.code[:12]


def next_household_numbers(village_code: str, count: int) -> list[str]:
    """The next ``count`` free numbers in a village. Call inside the writing transaction."""
    top = (
        Household.objects.select_for_update()
        .filter(household_no__startswith=village_code)
        .aggregate(m=Max(Substr("household_no", 13, 4)))["m"]
    )
    start = int(top) + 1 if top and top.isdigit() else 1
    if start + count - 1 > 9999:
        raise ValueError("该村户编号已用尽。")
    return [f"{village_code}{n:04d}" for n in range(start, start + count)]


def next_member_numbers(household_no: str, count: int) -> list[str]:
    top = Member.objects.filter(member_no__startswith=household_no).aggregate(
        m=Max(Substr("member_no", 17, 2))
    )["m"]
    start = int(top) + 1 if top and top.isdigit() else 1
    numbers = []
    n = start
    while len(numbers) < count:
        # Beyond 99 members ever recorded in one household, fall back to 3 digits.
        numbers.append(f"{household_no}{n:02d}")
        n += 1
    return numbers
