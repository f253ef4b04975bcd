"""The demo county's households: ~25,000 rural households / ~82,000 persons, 1,755 / 6,424 registered.

Built in memory village by village and written with ``bulk_create`` in batches (households, members,
yearly incomes with their transfer lines, and the 档案版本 history), the bulk path the importer uses,
so the default demo loads in well under a minute and ``--scale 9`` (≈ 222,000 households) stays
feasible. Numbers follow register/numbering.py (户编号 = village code + 4 digits, 人编号 = 户编号 +
2 digits); pinyin initials come from register/pinyin.py.

Incomes: every registered household gets 2014–2025; of the others, a 10 % sample (and the few
monitored 边缘户) get them too — the rest of the rural population has no income record, as in the
national system before the 2019 full survey.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DateField
from django.utils import timezone

from jingzhun.areas.choices import AreaLevel
from jingzhun.areas.models import Area
from jingzhun.core.services import _jsonable
from jingzhun.register.choices import MemberStatus, PovertyStatus, Relocation
from jingzhun.register.models import Household, HouseholdIncome, HouseholdVersion, IncomeTransfer, Member
from jingzhun.register.services import HOUSEHOLD_FIELDS, MEMBER_FIELDS, STATUS_FIELDS

from . import families
from .bulk import Inserter, row_class
from .families import HAN, HUI, TIBETAN, YI
from .incomes import INCOME_YEARS, build_incomes
from .people import IdMaker, NameMaker, village_places
from .plan import Plan, make_plans

BANKS = ("凉山州农村信用合作联社", "中国邮政储蓄银行", "中国农业银行")
H_FIELDS = ["household_no", "area", *HOUSEHOLD_FIELDS, *STATUS_FIELDS, "size", "head_name"]
H_ATTRS = [Household._meta.get_field(f).attname for f in H_FIELDS]
M_DATES = [f for f in MEMBER_FIELDS if isinstance(Member._meta.get_field(f), DateField)]
M_OTHER = [f for f in MEMBER_FIELDS if f not in M_DATES and not Member._meta.get_field(f).is_relation]
PLAIN = (str, int, bool, float, type(None))
HouseholdRow = row_class(Household)
VersionRow = row_class(HouseholdVersion)


@dataclass
class Result:
    households: int = 0
    persons: int = 0
    inactive_members: int = 0
    registered_households: int = 0
    registered_persons: int = 0
    by_status: Counter = field(default_factory=Counter)
    incomes: int = 0
    transfers: int = 0
    versions: int = 0
    persons_by_village: dict[int, int] = field(default_factory=dict)
    households_by_village: dict[int, int] = field(default_factory=dict)

    def summary(self) -> dict:
        return {
            "households": self.households,
            "persons": self.persons,
            "registered_households": self.registered_households,
            "registered_persons": self.registered_persons,
            "by_status": dict(self.by_status),
            "incomes": self.incomes,
            "transfers": self.transfers,
            "versions": self.versions,
        }


def generate(*, seed: int, county: Area, targets: dict[int, int], scale: float, batch: int = 4000) -> Result:
    """Create the households of the (freshly built) demo county. Call inside a transaction."""
    return _Builder(seed, county, scale, batch).run(targets)


class _Builder:
    def __init__(self, seed, county, scale, batch):
        self.rng = random.Random(f"jingzhun-demo-households-{seed}")
        self.county = county
        self.scale = scale
        self.batch = batch
        self.ref = datetime.date(timezone.localdate().year, 1, 1)
        self.years = [y for y in INCOME_YEARS if y < self.ref.year]
        self.names = NameMaker(self.rng)
        used = {
            i[:17]
            for i in Member.objects.filter(status=MemberStatus.ACTIVE)
            .exclude(id_number="")
            .values_list("id_number", flat=True)
            .iterator(chunk_size=20_000)
        }
        self.ids = IdMaker(self.rng, used)
        self.result = Result()
        self.inserter = Inserter()
        self.buffer: list[tuple] = []  # (household, members, [(income, transfers)], versions) rows

    def run(self, targets: dict[int, int]) -> Result:
        villages = list(
            Area.objects.filter(level=AreaLevel.VILLAGE, path__startswith=self.county.path).order_by("code")
        )
        groups: dict[int, list[Area]] = {}
        for g in Area.objects.filter(level=AreaLevel.GROUP, path__startswith=self.county.path).order_by(
            "code"
        ):
            groups.setdefault(g.parent_id, []).append(g)
        plans = make_plans(self.rng, villages, targets, self.scale, self.ref.year)
        for village in villages:
            self._village(village, groups.get(village.id) or [village], plans[village.id])
            if sum(len(b[1]) for b in self.buffer) >= self.batch * 3:
                self._flush()
        self._flush()
        self.inserter.finish()
        return self.result

    # --- building ---------------------------------------------------------------------------------

    def _village(self, village: Area, groups: list[Area], plans: list[Plan]) -> None:
        rng = self.rng
        if village.urban_rural_class == "121":
            yi_share = rng.uniform(0.15, 0.4)
        elif village.is_poor_village:
            yi_share = rng.uniform(0.6, 0.98)
        else:
            yi_share = rng.uniform(0.1, 0.7)
        places = village_places(rng, yi_share)
        numbers: Counter = Counter()
        persons = 0
        for seq, plan in enumerate(plans, start=1):
            group = rng.choice(groups)
            numbers[group.id] += 1
            ethnicity = _ethnicity(rng.random(), yi_share)
            h = self._household(plan, village, group, f"{village.code[:12]}{seq:04d}", numbers[group.id])
            hh = families.Household(ethnicity, places, plan.registered, student="3" in plan.causes)
            members = self._members(plan, hh)
            for k, m in enumerate(members, start=1):
                m.id = self.inserter.new_id(Member)
                m.household_id = h.id
                m.member_no = f"{h.household_no}{k:02d}"
            active = [m for m in members if m.status == MemberStatus.ACTIVE]
            h.size = len(active)
            h.head_name, h.phone = members[0].name, members[0].phone
            persons += h.size
            incomes = []
            if plan.with_income:
                incomes = build_incomes(rng, h, plan, members, self.years, self.inserter.new_id)
            self.buffer.append((h, members, incomes, self._versions(h, plan, members)))
            self._count(plan, h, members, incomes)
        self.result.persons_by_village[village.id] = persons
        self.result.households_by_village[village.id] = len(plans)

    def _members(self, plan: Plan, hh: families.Household) -> list[Member]:
        rng = self.rng
        slots = families.compose(rng, plan.size, plan.head_age, plan.head_male, student=hh.student)
        members = families.make_members(rng, self.names, self.ids, slots, hh, self.ref)
        if plan.registered:
            for cause in [plan.main_cause, *plan.other_causes]:
                families.apply_cause(rng, members, cause, self.ref)
            since = plan.identified_on - datetime.timedelta(days=rng.randint(0, 400))
            families.apply_attribute(rng, members, plan.attribute, since)
        elif rng.random() < 0.005:
            since = datetime.date(rng.randint(2012, self.ref.year - 1), rng.randint(1, 12), 1)
            families.apply_attribute(rng, members[:1], "2", since)  # 低保 without being registered
        if rng.random() < (0.05 if plan.registered else 0.02):
            families.add_history(rng, members, self.names, self.ids, hh, self.ref)
        return members

    def _household(self, plan: Plan, village: Area, group: Area, number: str, door: int):
        rng = self.rng
        community = village.urban_rural_class == "121"
        h = HouseholdRow(
            id=self.inserter.new_id(Household),
            household_no=number,
            area_id=group.id,
            area_path=group.path,
            address=f"{village.name}{group.name if group is not village else ''}{door}号",
            poverty_status=plan.status,
            year_identified=plan.identified,
            year_exited=plan.exited,
            is_monitored=plan.monitored,
            standard="" if not plan.registered else ("1" if rng.random() < 0.95 else "2"),
            attribute=plan.attribute,
            main_cause=plan.main_cause,
            other_causes=list(plan.other_causes),
        )
        if plan.registered:
            plan.identified_on = datetime.date(plan.identified, rng.randint(4, 10), rng.randint(1, 28))
        _housing(rng, h, plan, self.ref)
        h.farmland_mu = _mu(rng.uniform(0, 2) if community else rng.uniform(1.5, 9))
        h.forest_mu = _mu(0 if rng.random() < 0.3 else rng.uniform(2, 40))
        h.returned_farmland_mu = _mu(rng.uniform(0.5, 6) if rng.random() < 0.35 else 0)
        h.grassland_mu = _mu(rng.uniform(1, 20) if rng.random() < 0.2 and not community else 0)
        h.has_power = rng.random() < 0.998
        h.has_broadcast_tv = rng.random() < 0.97
        water = rng.choices(("1", "2", "3"), weights=(75, 25, 0) if plan.registered else (78, 20, 2))[0]
        h.water = water
        h.water_lpd = {"1": rng.randint(60, 120), "2": rng.randint(40, 59), "3": rng.randint(20, 39)}[water]
        h.water_minutes = {"1": rng.randint(0, 10), "2": rng.randint(10, 20), "3": rng.randint(20, 40)}[water]
        # Days without water in a year, derived (not drawn) so the rest of the generated county stays the same.
        h.water_short_days = {
            "1": h.water_minutes % 6,
            "2": 12 + h.water_lpd % 20,
            "3": 40 + h.water_lpd % 30,
        }[water]
        h.fuel = rng.choices(("1", "4", "3", "5", "2"), weights=(55, 25, 10, 5, 5))[0]
        h.has_sanitary_toilet = rng.random() < (0.78 if plan.registered else 0.6)
        span = (0.3, 8.0) if village.is_poor_village else (0.1, 4.0)
        h.road_distance_km = Decimal(f"{rng.uniform(*span):.1f}")
        if plan.registered or rng.random() < 0.4:
            h.bank_name = rng.choice(BANKS)
            h.bank_account = "62" + "".join(str(rng.randrange(10)) for _ in range(17))
        return h

    # --- history ----------------------------------------------------------------------------------

    def _versions(self, h, plan: Plan, members: list) -> list:
        """The 档案版本 a household would have: identified → exited (→ returned); one for the others."""
        stages: list[tuple[datetime.date, str, dict]] = []
        if plan.registered:
            original = {
                "poverty_status": PovertyStatus.POOR,
                "year_exited": None,
                "house_grade": plan.original_grade or h.house_grade,
                "house_renovated": h.house_renovated and plan.original_grade is None,
                "house_renovated_year": h.house_renovated_year if plan.original_grade is None else None,
                "relocation": "" if plan.original_grade else h.relocation,
                "relocation_year": None if plan.original_grade else h.relocation_year,
            }
            stages.append((plan.identified_on, "demo.identify", original))
            if plan.exited:
                exit_on = datetime.date(plan.exited, self.rng.randint(10, 12), self.rng.randint(1, 28))
                stages.append((exit_on, "demo.exit", {"poverty_status": PovertyStatus.EXITED}))
            if plan.returned:
                back_on = datetime.date(plan.returned, self.rng.randint(3, 11), self.rng.randint(1, 28))
                stages.append((back_on, "demo.return", {"poverty_status": PovertyStatus.RETURNED}))
        else:
            stages.append((datetime.date(2014, 1, 1), "demo.load", {}))
        versions = []
        base = {n: _plain(getattr(h, a)) for n, a in zip(H_FIELDS, H_ATTRS, strict=True)}
        base["household_no"] = h.household_no
        for i, (day, action, overrides) in enumerate(stages):
            last = i == len(stages) - 1
            valid_from = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 9))
            valid_to = None
            if not last:
                nxt = stages[i + 1][0]
                valid_to = timezone.make_aware(datetime.datetime(nxt.year, nxt.month, nxt.day, 9))
            data = {**base, **_jsonable(overrides if not last else {})}
            data["members"] = _member_rows(members, None if last else day)
            if not last:
                data["size"] = sum(1 for m in data["members"] if m["status"] == MemberStatus.ACTIVE)
            versions.append(
                VersionRow(
                    id=self.inserter.new_id(HouseholdVersion),
                    household_id=h.id,
                    valid_from=valid_from,
                    valid_to=valid_to,
                    data=data,
                    action=action,
                )
            )
        return versions

    def _count(self, plan, h, members, incomes) -> None:
        r = self.result
        r.households += 1
        r.persons += h.size
        r.inactive_members += len(members) - h.size
        r.by_status[plan.status] += 1
        if plan.registered:
            r.registered_households += 1
            r.registered_persons += h.size

    # --- writing ----------------------------------------------------------------------------------

    def _flush(self) -> None:
        if not self.buffer:
            return
        put = self.inserter.insert
        put(Household, [b[0] for b in self.buffer])
        put(Member, [m for b in self.buffer for m in b[1]])
        incomes = [inc for b in self.buffer for inc, _lines in b[2]]
        put(HouseholdIncome, incomes)
        lines = [line for b in self.buffer for _inc, ls in b[2] for line in ls]
        put(IncomeTransfer, lines)
        versions = [v for b in self.buffer for v in b[3]]
        put(HouseholdVersion, versions)
        self.result.incomes += len(incomes)
        self.result.transfers += len(lines)
        self.result.versions += len(versions)
        self.buffer = []


def _ethnicity(r: float, yi_share: float) -> str:
    """彝族 by the village's share; of the rest a few 藏族 and 回族, the others 汉族."""
    if r < yi_share:
        return YI
    if r < yi_share + 0.02:
        return TIBETAN
    return HUI if r < yi_share + 0.03 else HAN


def _plain(value):
    return value if type(value) in PLAIN else _jsonable(value)


def _member_rows(members: list, on: datetime.date | None) -> list[dict]:
    """Members as household_data() lists them; ``on`` = as they stood that day (None = now)."""
    rows = []
    order = sorted(range(len(members)), key=lambda i: (members[i].relation, members[i].birth_date, i))
    for i in order:
        m = members[i]
        status = m.status
        if on is not None:
            if m.joined_on and m.joined_on > on:
                continue
            if m.left_on is None or m.left_on > on:
                status = MemberStatus.ACTIVE
        d = m.__dict__
        row = {"member_no": m.member_no, "status": str(status)}
        for name in MEMBER_FIELDS:  # household_data's key order
            row[name] = None
        row.update({name: d[name] for name in M_OTHER})
        for name in M_DATES:
            value = d[name]
            row[name] = value.isoformat() if value is not None else None
        rows.append(row)
    return rows


def _housing(rng: random.Random, h, plan: Plan, ref: datetime.date) -> None:
    """Housing (A21–A23) and relocation (A24). Registered households were often rebuilt or moved."""
    plan.original_grade = None
    end = min(plan.exited or 2020, ref.year - 1)
    start = plan.identified or 2014
    h.house_area = Decimal(f"{40 + plan.size * rng.uniform(15, 32):.1f}")
    low, high = max(start, 2016), min(end, 2019)
    if plan.registered and low <= high and rng.random() < 0.06:
        year = rng.randint(low, high)
        h.relocation = Relocation.CENTRALISED if rng.random() < 0.8 else Relocation.SCATTERED
        h.relocation_year = year
        h.house_structure, h.house_year, h.house_grade = rng.choice(("2", "1")), year, "A"
        h.house_area = Decimal(f"{min(125, 25 * plan.size) + rng.uniform(-2, 2):.1f}")
        plan.original_grade = rng.choice(("C", "D"))
        return
    if plan.registered and start <= end and rng.random() < 0.36:
        year = rng.randint(start, end)
        h.house_renovated, h.house_renovated_year, h.house_year = True, year, year
        h.house_structure = rng.choices(("2", "3", "1"), weights=(60, 30, 10))[0]
        h.house_grade = "A" if rng.random() < 0.7 else "B"
        plan.original_grade = "C" if rng.random() < 0.6 else "D"
        return
    if plan.registered:
        h.house_structure = rng.choices(("4", "3", "2"), weights=(40, 35, 25))[0]
        h.house_year = rng.randint(1975, 2012)
        still_poor = plan.status in (PovertyStatus.POOR, PovertyStatus.RETURNED)
        h.house_grade = rng.choices(("A", "B", "C"), weights=(0, 60, 40) if still_poor else (25, 75, 0))[0]
    else:
        h.house_structure = rng.choices(("2", "3", "4", "1"), weights=(40, 30, 25, 5))[0]
        h.house_year = rng.randint(1970, ref.year - 1)
        h.house_grade = rng.choices(("A", "B", "C", "D"), weights=(50, 45, 4, 1))[0]


def _mu(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def delete_households(county: Area) -> int:
    """Remove every household of the demo county with its members, incomes, history and requests.

    The register's foreign keys PROTECT households and members, so the rows go in dependency order,
    as plain DELETEs (the collector would load hundreds of thousands of objects first).
    """
    from jingzhun.monitoring.models import MonitoringCase
    from jingzhun.register.models import ChangeRequest
    from jingzhun.workflows import models as wf

    path = county.path
    steps = [
        IncomeTransfer.objects.filter(income__household__area_path__startswith=path),
        HouseholdIncome.objects.filter(household__area_path__startswith=path),
        HouseholdVersion.objects.filter(household__area_path__startswith=path),
        ChangeRequest.objects.filter(household__area_path__startswith=path),
        MonitoringCase.objects.filter(household__area_path__startswith=path),
        wf.Evidence.objects.filter(area_path__startswith=path),
        wf.Objection.objects.filter(area_path__startswith=path),
        wf.NoticeEntry.objects.filter(notice__area_path__startswith=path),
        wf.Notice.objects.filter(area_path__startswith=path),
        wf.StepRecord.objects.filter(procedure__area_path__startswith=path),
        wf.BatchAct.objects.filter(area_path__startswith=path),
        wf.Procedure.objects.filter(area_path__startswith=path),
        wf.ProcedureBatch.objects.filter(area_path__startswith=path),
        Member.objects.filter(household__area_path__startswith=path),
    ]
    for qs in steps:
        qs._raw_delete(qs.db)
    households = Household.objects.filter(area_path__startswith=path)
    return households._raw_delete(households.db)
