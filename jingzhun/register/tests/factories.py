"""Small builders for register tests: valid ID numbers, member and household dicts."""

from __future__ import annotations

import datetime
import itertools

from jingzhun.register.validation import check_char

_seq = itertools.count(1)
PLACE = "513401"  # 西昌市: a real code, so the birth-place check passes


def id_number(birth: datetime.date, male: bool = True, place: str = PLACE) -> str:
    n = next(_seq) % 500
    serial = f"{n * 2 + (1 if male else 0):03d}"[-3:]
    if (int(serial[-1]) % 2 == 1) != male:
        serial = serial[:2] + str((int(serial[-1]) + 1) % 10)
    first = f"{place}{birth:%Y%m%d}{serial}"
    return first + check_char(first)


def member(name: str, relation: str, birth: datetime.date, male: bool = True, **extra) -> dict:
    return {
        "name": name,
        "relation": relation,
        "id_number": id_number(birth, male),
        "ethnicity": "01",
        "education": "3",
        "in_school": "0",
        "health": "1",
        "labour": "1",
        **extra,
    }


def family() -> list[dict]:
    """A head (45), spouse (43), son (16, in high school), daughter (12, grade 7)."""
    today = datetime.date.today()
    y = today.year
    return [
        member("张三丰", "01", datetime.date(y - 45, 3, 1)),
        member("李梅", "02", datetime.date(y - 43, 6, 2), male=False),
        member("张小军", "03", datetime.date(y - 16, 1, 9), in_school="6", education="3"),
        member("张小丽", "04", datetime.date(y - 12, 1, 9), male=False, in_school="3", education="2"),
    ]


def household(**extra) -> dict:
    return {
        "address": "一组 12 号",
        "main_cause": "1",
        "other_causes": [],
        "attribute": "1",
        "standard": "1",
        "house_grade": "B",
        "water": "1",
        **extra,
    }


_names = itertools.count(1)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def make_household(*, area, actor, status: str = "not_poor", year_identified=None, year_exited=None, **extra):
    """A saved household of four (head, spouse, two children) through the register service."""
    from jingzhun.register.services import household_create

    n = next(_names)
    members = family()
    surname = SURNAMES[n % len(SURNAMES)]
    for i, m in enumerate(members):
        m["name"] = surname + "一二三四"[i] + str(n)
    return household_create(
        actor=actor,
        area=area,
        household=household(main_cause="9", **extra),
        members=members,
        override_reason="测试数据",
        poverty_status=status,
        year_identified=year_identified,
        year_exited=year_exited,
    )
