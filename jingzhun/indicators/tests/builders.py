"""A small hand-countable county for indicator tests (numbers worked out in the test docstrings).

village A1 (poor village 2014–2018): h1 未脱贫 2014 因病 一般 4 persons; h2 已脱贫 2014→2016 因残 低保
    3 persons of whom 1 deceased; h3 (in group A1-1) 返贫 2015 因病 一般 2 persons
village A2: h4 已脱贫 2015→2018 缺技术 一般 1 person; h5 非贫困户 1 person
village B1: h6 未脱贫 2016 因病 特困 3 persons
rural population 2016: A1 100, A2 50, B1 200, township A 150 (its own row), county none (sum = 350)
"""

from __future__ import annotations

import datetime

from jingzhun.areas.models import AreaYearStat
from jingzhun.register.choices import PovertyStatus
from jingzhun.register.models import Member
from jingzhun.register.services import household_create
from jingzhun.register.tests.factories import household, member


def _members(n: int, prefix: str) -> list[dict]:
    y = datetime.date.today().year
    out = [member(f"{prefix}户主", "01", datetime.date(y - 50, 1, 1))]
    for i in range(1, n):
        out.append(member(f"{prefix}成员{i}", "03", datetime.date(y - 20 - i, 2, 2), male=bool(i % 2)))
    return out


def make(personas, area, prefix, *, status, size, cause="", attribute="", identified=None, exited=None):
    return household_create(
        actor=personas.county_admin,
        area=area,
        household=household(main_cause=cause, attribute=attribute, other_causes=[]),
        members=_members(size, prefix),
        poverty_status=status,
        year_identified=identified,
        year_exited=exited,
        override_reason="测试数据",
    )


def small_county(personas) -> dict:
    t = personas.tree
    P = PovertyStatus
    hh = {
        "h1": make(personas, t.village_a1, "甲", status=P.POOR, size=4, cause="1", attribute="1", identified=2014),
        "h2": make(personas, t.village_a1, "乙", status=P.EXITED, size=3, cause="2", attribute="2",
                   identified=2014, exited=2016),
        "h3": make(personas, t.group_a1_1, "丙", status=P.RETURNED, size=2, cause="1", attribute="1", identified=2015),
        "h4": make(personas, t.village_a2, "丁", status=P.EXITED, size=1, cause="7", attribute="1",
                   identified=2015, exited=2018),
        "h5": make(personas, t.village_a2, "戊", status=P.NOT_POOR, size=1),
        "h6": make(personas, t.village_b1, "己", status=P.POOR, size=3, cause="1", attribute="3", identified=2016),
    }  # fmt: skip
    # one of h2's members died: persons count members on the register only
    dead = Member.objects.filter(household=hh["h2"]).exclude(relation="01").order_by("pk").first()
    Member.objects.filter(pk=dead.pk).update(status="deceased")
    for area, pop in ((t.village_a1, 100), (t.village_a2, 50), (t.village_b1, 200), (t.township_a, 150)):
        AreaYearStat.objects.create(area=area, year=2016, rural_population=pop)
    return hh
