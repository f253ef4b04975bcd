"""The demo county's assistance work: cadres and pairings, work teams with first secretaries, the 五包
chain, a half year of visits, plans and deliveries for this year and the three before.

Shaped so that every gaps list has something realistic in it: about 5 % of the 帮扶对象 have no cadre,
a few cadres help more households than the limit (5), some cadres fall behind on visits, and roughly
one plan in twelve leaves a cause without a measure. Deliveries of past years that are transfer income
are the register's own IncomeTransfer lines (linked, so the 明白账 and the income agree); the current
year gets in-kind and non-income measures only, since its income is not recorded yet.

Rows go in with the bulk Inserter (a few seconds for the default county). The demo personas ganbu_a1
(cadre) and shuji_a1 (first secretary) are linked to cadre records in village A1.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from jingzhun.accounts.models import User
from jingzhun.areas.models import Area
from jingzhun.assistance.catalog import CAUSE_MEASURES
from jingzhun.assistance.models import (
    AssistancePlan,
    AssistanceSetting,
    Cadre,
    Delivery,
    MeasureType,
    Pairing,
    PlannedMeasure,
    ResponsibilityLink,
    Visit,
    VisitPhoto,
    WorkTeam,
    WorkTeamMember,
)
from jingzhun.register.choices import REGISTERED
from jingzhun.register.models import Household, IncomeTransfer
from jingzhun.register.validation import check_char

from .bulk import Inserter, row_class
from .people import NameMaker
from .users import persona_areas

DEPARTMENTS = [
    "县教育局",
    "县卫生健康局",
    "县住房和城乡建设局",
    "县人力资源和社会保障局",
    "县民政局",
    "县医疗保障局",
    "县农业农村局",
    "县残疾人联合会",
    "县公安局",
    "县市场监督管理局",
    "县财政局",
    "县乡村振兴局",
    "县林业和草原局",
    "县水利局",
    "县交通运输局",
    "县自然资源局",
    "县发展和改革局",
    "县商务局",
    "县文化广播电视和旅游局",
    "县审计局",
    "县税务局",
    "县供销合作社",
]
UPPER = [
    ("省农业农村厅", "province"),
    ("省乡村振兴局", "province"),
    ("州乡村振兴局", "city"),
    ("州教育局", "city"),
]
POSITIONS = ["科员", "副科长", "科长", "副局长", "股长", "干部", "四级主任科员"]
PROGRAM_MEASURE = {
    "dibao": "dibao",
    "tekun": "tekun",
    "edu": "yulu",
    "medical": "medical_aid",
    "industry": "industry_subsidy",
    "disability": "disability_subsidy",
    "eco": "eco_compensation",
}
# Typical amount (min, max) of a delivery that is not transfer income, by measure code.
AMOUNTS = {
    "industry_inkind": (1, 20),
    "training": (1, 2),
    "workshop_job": (1, 1),
    "public_job": (4800, 9600),
    "microloan": (20000, 50000),
    "nutrition": (1, 1),
    "insurance_paid": (280, 380),
    "treat_first": (1, 3),
    "family_doctor": (1, 1),
    "house_renovation": (20000, 40000),
    "relocation": (1, 1),
    "water": (1, 1),
    "pv_dividend": (300, 1000),
    "equity_dividend": (200, 800),
    "loan_interest": (500, 2000),
    "transport_subsidy": (300, 800),
}
VISIT_TEXTS = [
    "了解家庭收入和务工情况，宣讲惠民政策",
    "查看产业发展情况，指导养殖防疫",
    "核实“两不愁三保障”情况，帮助联系就医",
    "宣传雨露计划和教育资助政策",
    "协助办理医保参保和慢病卡",
    "了解住房安全情况，检查饮水设施",
    "帮助对接扶贫车间就业岗位",
    "核对明白账，讲解各项补贴",
]
PROBLEMS = ["屋顶漏雨需维修", "家中老人慢性病用药负担重", "子女上学路途远", "缺少养殖资金", "饮水管道老化"]
GOALS = ["稳定增收，巩固脱贫成果", "发展特色种养，增加经营性收入", "稳定务工就业", "落实兜底保障，防止返贫"]


def generate_assistance(*, seed: int, county: Area) -> dict:
    """Create the county's assistance data. Call inside the demo's transaction, after the users."""
    return _Builder(seed, county).run()


class _Builder:
    def __init__(self, seed: int, county: Area):
        self.rng = random.Random(f"jingzhun-demo-assistance-{seed}")
        self.county = county
        self.today = timezone.localdate()
        self.year = self.today.year
        self.ins = Inserter()
        self.names = NameMaker(self.rng)
        self.rows: dict[type, list] = defaultdict(list)
        self.Row = {
            m: row_class(m)
            for m in (
                Cadre,
                Pairing,
                WorkTeam,
                WorkTeamMember,
                ResponsibilityLink,
                Visit,
                AssistancePlan,
                PlannedMeasure,
                Delivery,
                AssistanceSetting,
            )
        }
        self.measures = {m.code: m for m in MeasureType.objects.all()}
        self.id_seq = 0

    def add(self, model, **values):
        row = self.Row[model](id=self.ins.new_id(model), **values)
        self.rows[model].append(row)
        return row

    # --- people ---------------------------------------------------------------------------------

    def person(self) -> tuple[str, str, str]:
        rng = self.rng
        male = rng.random() < 0.7
        birth = datetime.date(rng.randint(1965, 1995), rng.randint(1, 12), rng.randint(1, 28))
        self.id_seq += 1
        # place code × serial never repeats: 500 serials per place code (odd = male, as GB 11643 says)
        serial = (self.id_seq % 500) * 2 + (1 if male else 0)
        first = f"5134{31 + self.id_seq // 500:02d}{birth:%Y%m%d}{serial:03d}"
        name = self.names.surname("01") + self.names.given(male, birth.year, "01")
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        return name, first + check_char(first), phone

    def cadre(self, unit: str, level: str, area: Area, position: str = "", user=None):
        name, number, phone = self.person()
        return self.add(
            Cadre,
            name=name,
            unit=unit,
            unit_level=level,
            position=position or self.rng.choice(POSITIONS),
            phone=phone,
            id_number=number,
            area_id=area.id,
            area_path=area.path,
            user_id=getattr(user, "pk", None),
        )

    def unit_for(self, township: Area) -> tuple[str, str, Area]:
        r = self.rng.random()
        if r < 0.6:
            return self.rng.choice(DEPARTMENTS), "county", self.county
        if r < 0.9:
            return f"{township.name}人民政府", "township", township
        if r < 0.95:
            unit, level = self.rng.choice(UPPER)
            return unit, level, self.county
        return f"{township.name}村（社区）两委", "village", township

    # --- the build --------------------------------------------------------------------------------

    def run(self) -> dict:
        path = self.county.path
        targets = list(
            Household.objects.filter(area_path__startswith=path)
            .filter(Q(poverty_status__in=REGISTERED) | Q(is_monitored=True))
            .order_by("area_path", "household_no")
            .values_list("id", "area_path", "main_cause", "other_causes", "year_identified")
        )
        areas = {
            a.path: a for a in Area.objects.filter(path__startswith=path, level__in=("township", "village"))
        }
        self.add(
            AssistanceSetting,
            area_id=self.county.id,
            area_path=path,
            max_households_per_cadre=5,
            min_visits_per_month=1,
        )
        personas = persona_areas(self.county)
        cadres_by_household = self.pairings(targets, areas, personas)
        self.teams(areas, personas)
        self.chain(areas)
        self.visits(cadres_by_household)
        plans = self.plans(targets)
        self.deliveries(targets, plans)
        for model in (
            Cadre,
            AssistanceSetting,
            Pairing,
            WorkTeam,
            WorkTeamMember,
            ResponsibilityLink,
            Visit,
            AssistancePlan,
            PlannedMeasure,
            Delivery,
        ):
            self.ins.insert(model, self.rows[model])
        self.ins.finish()
        return {model._meta.model_name: len(rows) for model, rows in self.rows.items()}

    def pairings(self, targets, areas, personas) -> dict[int, tuple]:
        """~95 % of the targets get a cadre (4–5 households each, a few over the limit)."""
        rng = self.rng
        by_township: dict[str, list] = defaultdict(list)
        for t in targets:
            by_township[t[1][:9]].append(t)
        ganbu = User.objects.filter(username="ganbu_a1").first()  # the demo cadre login, linked once
        a1 = personas["village_a1"].path
        out: dict[int, tuple] = {}
        for tpath, households in sorted(by_township.items()):
            township = areas[tpath]
            queue = [h for h in households if rng.random() > 0.05]
            while queue:
                if ganbu is not None and queue[0][1].startswith(a1):
                    c = self.cadre("县农业农村局", "county", self.county, "科员", user=ganbu)
                    ganbu = None
                else:
                    c = self.cadre(*self.unit_for(township))
                size = rng.choices((3, 4, 5, 6, 7), weights=(15, 35, 44, 4, 2))[0]
                take, queue = queue[:size], queue[size:]
                for hid, hpath, _m, _o, identified in take:
                    start_year = (
                        max(2015, identified or 2015) if identified else rng.randint(2021, self.year - 1)
                    )
                    start = datetime.date(
                        min(start_year, self.year - 1), rng.randint(3, 11), rng.randint(1, 28)
                    )
                    if rng.random() < 0.12:  # an earlier cadre, transferred away
                        old = self.cadre(*self.unit_for(township))
                        handover = start + datetime.timedelta(days=rng.randint(400, 1500))
                        if handover < self.today - datetime.timedelta(days=200):
                            self.add(
                                Pairing,
                                cadre_id=old.id,
                                household_id=hid,
                                area_path=hpath,
                                started_on=start,
                                ended_on=handover,
                                end_reason="帮扶干部工作调动",
                            )
                            start = handover + datetime.timedelta(days=1)
                    self.add(Pairing, cadre_id=c.id, household_id=hid, area_path=hpath, started_on=start)
                    out[hid] = (c, hpath, start)
        return out

    def teams(self, areas, personas):
        """A team in every poor village (and in village A1): 2015–2021, then the current one."""
        rng = self.rng
        villages = [a for a in areas.values() if a.level == "village" and a.is_poor_village]
        a1 = personas["village_a1"]
        if a1 not in villages:
            villages.append(a1)
        shuji = User.objects.filter(username="shuji_a1").first()
        for v in sorted(villages, key=lambda a: a.path):
            rounds = [
                (datetime.date(2015, 9, 1), datetime.date(2021, 5, 31)),
                (datetime.date(2021, 6, 1), None),
            ]
            for start, end in rounds:
                unit = rng.choice(DEPARTMENTS + [u for u, _l in UPPER])
                team = self.add(
                    WorkTeam,
                    area_id=v.id,
                    area_path=v.path,
                    name=f"{v.name}驻村工作队",
                    sending_unit=unit,
                    started_on=start,
                    ended_on=end,
                )
                for k, role in enumerate(("first_secretary", "member", "member")):
                    user = shuji if (v == a1 and end is None and k == 0) else None
                    c = self.cadre(
                        unit,
                        "province" if unit.startswith("省") else "county",
                        self.county,
                        "第一书记" if k == 0 else "驻村队员",
                        user=user,
                    )
                    self.add(
                        WorkTeamMember,
                        team_id=team.id,
                        cadre_id=c.id,
                        role=role,
                        started_on=start,
                        ended_on=end,
                    )

    def chain(self, areas):
        rng = self.rng
        start = datetime.date(2021, 6, 1)
        for a in sorted(areas.values(), key=lambda x: x.path):
            if a.level == "township":
                name, _n, _p = self.person()
                self.add(
                    ResponsibilityLink,
                    kind="leader_township",
                    area_id=a.id,
                    area_path=a.path,
                    person_name=name,
                    unit="县人民政府",
                    title=rng.choice(["副县长", "县委常委", "县人大副主任"]),
                    started_on=start,
                )
            elif a.level == "village":
                township = areas[a.path[:9]]
                c = self.cadre(
                    f"{township.name}人民政府", "township", township, rng.choice(["副镇长", "党委委员"])
                )
                self.add(
                    ResponsibilityLink,
                    kind="township_sector",
                    area_id=a.id,
                    area_path=a.path,
                    cadre_id=c.id,
                    title=c.position,
                    started_on=start,
                )
                if a.is_poor_village:
                    name, _n, _p = self.person()
                    self.add(
                        ResponsibilityLink,
                        kind="department_village",
                        area_id=a.id,
                        area_path=a.path,
                        person_name=name,
                        unit=rng.choice(DEPARTMENTS),
                        title="局长",
                        started_on=start,
                    )

    def visits(self, cadres_by_household):
        """About monthly visits over the last half year; one cadre in ten falls behind."""
        rng = self.rng
        lazy = {}
        for hid, (c, hpath, start) in cadres_by_household.items():
            slack = lazy.setdefault(c.id, rng.random() < 0.1)
            for month in range(6):
                if rng.random() > (0.35 if slack else 0.98 if month == 0 else 0.93):
                    continue
                day = self.today - datetime.timedelta(days=month * 30 + rng.randint(0, 22))
                if day < start:
                    break
                problems = rng.choice(PROBLEMS) if rng.random() < 0.15 else ""
                self.add(
                    Visit,
                    household_id=hid,
                    area_path=hpath,
                    cadre_id=c.id,
                    visited_on=day,
                    content=rng.choice(VISIT_TEXTS),
                    problems=problems,
                )

    def plans(self, targets) -> dict[tuple[int, int], list[str]]:
        """Plans for this year and the last three; one cause in twelve is left without a measure."""
        rng = self.rng
        out = {}
        for hid, hpath, main, others, _identified in targets:
            for year in range(self.year - 3, self.year + 1):
                plan = self.add(
                    AssistancePlan, household_id=hid, area_path=hpath, year=year, goal=rng.choice(GOALS)
                )
                codes = []
                for cause in [main, *(others or [])]:
                    options = CAUSE_MEASURES.get(cause or "")
                    if not options or rng.random() < 0.08:
                        continue
                    for code in rng.sample(options, k=min(len(options), rng.choice((1, 1, 2)))):
                        if code not in codes:
                            codes.append(code)
                            self.add(
                                PlannedMeasure,
                                plan_id=plan.id,
                                measure_id=self.measures[code].id,
                                cause=cause,
                                content="",
                                responsible_unit="",
                            )
                out[(hid, year)] = codes
        return out

    def deliveries(self, targets, plans):
        rng = self.rng
        target_ids = {t[0] for t in targets}
        paths = {t[0]: t[1] for t in targets}
        lines = IncomeTransfer.objects.filter(
            income__household_id__in=target_ids,
            income__year__gte=self.year - 3,
            income__year__lt=self.year,
            program__in=PROGRAM_MEASURE,
        ).values_list(
            "id", "income__household_id", "income__year", "program", "amount", "member_id", "source"
        )
        for lid, hid, year, program, amount, member_id, source in lines.iterator(chunk_size=5000):
            code = PROGRAM_MEASURE[program]
            self.add(
                Delivery,
                household_id=hid,
                member_id=member_id,
                area_path=paths[hid],
                measure_id=self.measures[code].id,
                year=year,
                delivered_on=self._day(year),
                amount=amount,
                department=source,
                program=f"{year}年{self.measures[code].name}",
                source="import",
                transfer_line_id=lid,
            )
        for (hid, year), codes in plans.items():
            for code in codes:
                m = self.measures[code]
                if m.income_program or year < self.year - 3 or rng.random() > 0.85:
                    continue
                low, high = AMOUNTS.get(code, (1, 1))
                amount = (
                    Decimal(rng.randint(low, high))
                    if high < 100
                    else Decimal(rng.randint(low // 10, high // 10) * 10)
                )
                day = self._day(year)
                self.add(
                    Delivery,
                    household_id=hid,
                    area_path=paths[hid],
                    measure_id=m.id,
                    year=year,
                    delivered_on=day,
                    amount=amount,
                    department=rng.choice(DEPARTMENTS),
                    program=f"{year}年{m.name}",
                    source="manual",
                )

    def _day(self, year: int) -> datetime.date:
        last = min(datetime.date(year, 12, 28), self.today)
        first = datetime.date(year, 1, 5)
        return first + datetime.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))


def delete_assistance(county: Area) -> None:
    """Remove the county's assistance rows before its households go (plain DELETEs, dependency order)."""
    path = county.path
    steps = [
        VisitPhoto.objects.filter(visit__area_path__startswith=path),
        Visit.objects.filter(area_path__startswith=path),
        PlannedMeasure.objects.filter(plan__area_path__startswith=path),
        AssistancePlan.objects.filter(area_path__startswith=path),
        Delivery.objects.filter(area_path__startswith=path),
        Pairing.objects.filter(area_path__startswith=path),
        WorkTeamMember.objects.filter(team__area_path__startswith=path),
        WorkTeam.objects.filter(area_path__startswith=path),
        ResponsibilityLink.objects.filter(area_path__startswith=path),
    ]
    for qs in steps:
        qs._raw_delete(qs.db)
    # Cadres managed in the county, unless they still help or serve elsewhere.
    Cadre.objects.filter(area_path__startswith=path).exclude(pairings__isnull=False).exclude(
        team_roles__isnull=False
    ).exclude(visits__isnull=False).exclude(links__isnull=False).delete()
    AssistanceSetting.objects.filter(area_path__startswith=path).delete()
