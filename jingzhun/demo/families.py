"""Families for the demo register: who lives in a household, and their member attributes.

``compose`` decides the relations and ages (head 25–85, spouse within a few years, children 20–30 years
younger, a married son with his wife and children in older households, elderly parents in younger ones),
inside the age gaps that the register's relation checks accept. ``make_members`` turns that into
``Member`` objects with names, valid ID numbers and school / health / labour / insurance values that
agree with each age, so that ``validation.check_household`` raises no warning on a demo household.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from jingzhun.register.choices import HEAD_RELATION, MemberStatus
from jingzhun.register.models import Member as MemberModel
from jingzhun.register.pinyin import initials

from .bulk import row_class
from .people import IdMaker, NameMaker, mobile, pick_place

Member = row_class(MemberModel)  # light stand-in with Member's columns; written by bulk.Inserter

HAN, HUI, TIBETAN, YI = "01", "03", "04", "07"


@dataclass(slots=True)
class Slot:
    relation: str
    age: int
    male: bool
    line: str  # whose surname: "head", "child" (the children's father), "own" (married in)


def compose(rng: random.Random, size: int, head_age: int, head_male: bool, *, student=False) -> list[Slot]:
    """Relations and ages (at the reference date) of a household of ``size`` persons."""
    slots = [Slot(HEAD_RELATION, head_age, head_male, "head")]
    rem = size - 1
    if rem == 0:
        return slots
    if rng.random() < (0.93 if head_male else 0.12):
        gap = rng.randint(-2, 5)
        age = head_age - gap if head_male else head_age + gap
        slots.append(Slot("02", max(20, min(age, 92)), not head_male, "own"))
        rem -= 1
    parents = 0
    if rem >= 2 and head_age <= 52 and not student and rng.random() < 0.3:
        parents = 1 if rem == 2 or rng.random() < 0.6 else 2
    kids = rem - parents
    line = "head" if head_male or len(slots) == 1 and rng.random() < 0.2 else "child"
    if kids:
        kids = _children(rng, slots, kids, head_age, line, student)
    rest = kids + parents
    if parents and head_age + 22 <= 88:
        father_age = head_age + rng.randint(24, 32)
        mother_age = min(father_age - rng.randint(0, 5), 92)
        if parents == 2 and father_age <= 92:
            slots.append(Slot("10", father_age, True, "head"))
            slots.append(Slot("10", mother_age, False, "own"))
            rest -= 2
        elif rng.random() < 0.6 or father_age > 92:
            slots.append(Slot("10", mother_age, False, "own"))
            rest -= 1
        else:
            slots.append(Slot("10", father_age, True, "head"))
            rest -= 1
    for _ in range(rest):  # whatever did not fit: unmarried brothers and sisters of the head
        age = max(18, min(head_age + rng.randint(-8, 8), 90))
        slots.append(Slot("13", age, rng.random() < 0.7, "head"))
    return slots


def _children(rng, slots, kids, head_age, line, student) -> int:
    """Add children (and a married son's family); return how many places are still to fill."""
    first = head_age - rng.randint(20, 30)
    if student:
        first = min(rng.randint(15, 20), head_age - 20)
    if first >= 24 and kids >= 3 and not student and (head_age >= 55 or rng.random() < 0.5):
        son, wife = first, max(20, first - rng.randint(0, 4))
        slots.append(Slot("03", son, True, line))
        slots.append(Slot("05", wife, False, "own"))
        kids -= 2
        age = wife - rng.randint(20, 27)
        while kids and age >= 0:
            male = rng.random() < 0.52
            slots.append(Slot("07" if male else "08", age, male, line))
            kids -= 1
            age -= rng.randint(1, 4)
        first = son - rng.randint(2, 5)
    age = first
    while kids and age >= 0 and head_age - age <= 50:
        male = rng.random() < 0.52
        slots.append(Slot("03" if male else "04", age, male, line))
        kids -= 1
        age -= rng.randint(1, 4)
    return kids


def birth_for(rng: random.Random, age: int, ref: datetime.date) -> datetime.date:
    """A birth date giving exactly ``age`` on ``ref`` (1 January of the reference year)."""
    return datetime.date(ref.year - age - 1, 1, 1) + datetime.timedelta(days=rng.randrange(1, 365))


def _add_years(d: datetime.date, years: int) -> datetime.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


@dataclass
class Household:
    """What make_members needs to know about the household being filled."""

    ethnicity: str
    places: list[str]
    registered: bool
    student: bool = False
    surname: str = ""
    child_surname: str = ""


def make_members(
    rng: random.Random,
    names: NameMaker,
    ids: IdMaker,
    slots: list[Slot],
    hh: Household,
    ref: datetime.date,
) -> list[Member]:
    taken: set[str] = set()
    head_surname = hh.surname = names.surname(hh.ethnicity)
    child_surname = hh.child_surname = names.surname(hh.ethnicity)  # a female head's husband
    members = []
    births = [birth_for(rng, s.age, ref) for s in slots]
    for i, (s, birth) in enumerate(zip(slots, births, strict=True)):
        married_in = s.line == "own"
        ethnicity = hh.ethnicity
        if married_in and rng.random() < 0.07:
            ethnicity = HAN if hh.ethnicity == YI else YI
        if s.line == "head":
            surname = head_surname
        elif s.line == "child" or (s.relation == "02" and s.male):
            surname = child_surname
        else:
            surname = names.surname(ethnicity)
            if surname == head_surname and hh.ethnicity != TIBETAN:
                surname = names.surname(ethnicity)
        m = Member(
            relation=s.relation,
            sex="1" if s.male else "2",
            birth_date=birth,
            ethnicity=ethnicity,
            name=names.full(surname, s.male, birth.year, ethnicity, taken),
            id_number=ids.make(pick_place(rng, hh.places, ethnicity, married_in), birth, s.male),
        )
        m.name_initials = initials(m.name)
        m.joined_on = _marriage(rng, birth, births, slots, i, ref) if married_in else birth
        _schooling(rng, m, s.age, hh, forced=hh.student and i == _eldest_child(slots))
        _health(rng, m, s.age, hh.registered)
        _labour(rng, m, s.age, hh.registered)
        _insurance(rng, m, s.age, hh.registered)
        if s.relation == HEAD_RELATION and rng.random() < 0.85:
            m.phone = mobile(rng)
        members.append(m)
    return members


def _eldest_child(slots: list[Slot]) -> int:
    return next((i for i, s in enumerate(slots) if s.relation in ("03", "04")), -1)


def _marriage(rng, birth, births, slots, i, ref) -> datetime.date:
    """Married-in members joined when they married: before their eldest child, at 19–25."""
    joined = _add_years(birth, rng.randint(19, 25))
    children = {"02": ("03", "04"), "05": ("07", "08")}.get(slots[i].relation, ())
    first_child = min((b for b, s in zip(births, slots, strict=True) if s.relation in children), default=None)
    if first_child and first_child < joined:
        joined = max(_add_years(birth, 17), first_child - datetime.timedelta(days=rng.randint(200, 700)))
    return min(joined, ref - datetime.timedelta(days=rng.randint(30, 330)))


# --- attributes by age -----------------------------------------------------------------------------

# (文盲, 小学, 初中, 高中, 中专, 大专及以上) by birth-cohort bracket
EDUCATION_MIX = [
    (0.55, 0.38, 0.06, 0.01, 0.0, 0.0),
    (0.30, 0.45, 0.20, 0.04, 0.01, 0.0),
    (0.12, 0.38, 0.40, 0.06, 0.02, 0.02),
    (0.04, 0.20, 0.50, 0.12, 0.07, 0.07),
]
EDUCATION_CODES = ["1", "2", "3", "4", "5", "6"]


def _schooling(rng, m: Member, age: int, hh: Household, forced: bool) -> None:
    """Education and in-school status agreeing with the age (and with the age a year later)."""
    edu, school = "3", "0"
    if age <= 5:
        edu, school = "7", ("1" if age >= 3 and rng.random() < 0.75 else "0")
        if age == 5:
            school = "1"  # turns 6 this year: must count as in school or pre-school
    elif age <= 15:
        edu, school = ("2", "2") if age <= 11 else ("3", {12: "3", 13: "4"}.get(age, "5"))
        if rng.random() < 0.003:
            m.school_exempt, school, edu = True, "0", "1"
            m.health, m.disability_type, m.disability_grade = "4", "5", 2
            m.disability_cert_no = f"{m.id_number}52"
    elif age <= 18 and (forced or rng.random() < 0.6):
        school = "6" if rng.random() < 0.7 else "7"
        edu = "4" if school == "6" else "5"
    elif age <= 22 and (forced or rng.random() < 0.22):
        school = rng.choice(("8", "9", "10", "10"))
        edu = "6"
    else:
        bracket = 0 if m.birth_date.year < 1960 else 1 if m.birth_date.year < 1975 else 2
        bracket += 1 if m.birth_date.year >= 1990 else 0
        bracket -= (m.ethnicity == YI) + (hh.registered and rng.random() < 0.5)
        weights = EDUCATION_MIX[max(0, bracket)]
        edu = rng.choices(EDUCATION_CODES, weights=weights)[0]
        if age <= 18 and edu in ("5", "6"):
            edu = "4"
    m.education, m.in_school = edu, school


def _health(rng, m: Member, age: int, registered: bool) -> None:
    if m.health:
        return
    boost = 1.5 if registered else 1.0
    chronic, serious, disabled = (
        (0.02, 0.003, 0.01) if age < 40 else (0.07, 0.01, 0.025) if age < 60 else (0.18, 0.02, 0.05)
    )
    r = rng.random() / boost
    if r < disabled:
        make_disabled(rng, m)
    elif r < disabled + serious:
        m.health = "3"
    elif r < disabled + serious + chronic:
        m.health = "2"
    else:
        m.health = "1"


DISABILITY_TYPES = (
    (["4"] * 45) + (["1"] * 12) + (["2"] * 12) + (["3"] * 4) + (["5"] * 10) + (["6"] * 9) + (["7"] * 8)
)


def make_disabled(rng, m: Member, keep_health: bool = False) -> None:
    if not keep_health:
        m.health = "4"
    m.disability_type = rng.choice(DISABILITY_TYPES)
    m.disability_grade = rng.choices((1, 2, 3, 4), weights=(15, 20, 30, 35))[0]
    m.disability_cert_no = f"{m.id_number}{m.disability_type}{m.disability_grade}"


def _labour(rng, m: Member, age: int, registered: bool) -> None:
    m.migrant_months, m.migrant_place = 0, ""
    if age < 16 or m.in_school != "0":
        m.labour = "5"
    elif m.health == "4":
        m.labour = "4" if (m.disability_grade or 4) <= 2 else rng.choice(("3", "3", "1"))
    elif m.health == "3":
        m.labour = rng.choice(("3", "4"))
    elif m.health == "2":
        m.labour = "3" if rng.random() < 0.7 else "1"
    elif age >= 70:
        m.labour = "5" if rng.random() < 0.7 else "3"
    elif age >= 60:
        m.labour = rng.choices(("1", "3", "5"), weights=(40, 50, 10))[0]
    else:
        m.labour = rng.choices(("1", "2", "3"), weights=(85, 12 if age < 45 else 5, 3))[0]
    if m.labour in ("1", "2") and 18 <= age <= 50 and rng.random() < (0.35 if registered else 0.42):
        m.migrant_months = rng.randint(3, 12)
        m.migrant_place = rng.choices(("1", "2", "3"), weights=(30, 30, 40))[0]


def _insurance(rng, m: Member, age: int, registered: bool) -> None:
    m.insured_medical = registered or rng.random() < 0.96
    m.insured_serious_illness = m.insured_medical
    m.insured_supplementary = registered and rng.random() < 0.95
    if age >= 60:
        m.insured_pension = True
    elif age >= 16 and m.in_school == "0":
        m.insured_pension = rng.random() < (0.92 if registered else 0.75)


# --- poverty causes, assistance, history -------------------------------------------------------------


def apply_cause(rng, members: list[Member], cause: str, ref: datetime.date) -> None:
    """Make the member data support a cause (因病 → an ill member, 因残 → a disabled one …)."""
    adults = [m for m in members if _age(m, ref) >= 30] or members
    # One member may carry both: an ill person keeps a disability's type and grade (因残 is satisfied
    # by the type), so a one-person household can be 因病 and 因残 at once.
    if cause == "1" and not any(m.health in ("2", "3") for m in members):
        pool = [x for x in adults if x.health != "4"] or [x for x in members if x.health != "4"] or adults
        m = rng.choice(pool)
        m.health = "3" if rng.random() < 0.35 else "2"
        _labour(rng, m, _age(m, ref), True)
    elif cause == "2" and not any(m.health == "4" or m.disability_type for m in members):
        pool = [x for x in members if x.health not in ("2", "3")] or members
        grown = [x for x in pool if x in adults]
        m = rng.choice(grown if grown and rng.random() < 0.85 else pool)
        make_disabled(rng, m, keep_health=m.health in ("2", "3"))
        _labour(rng, m, _age(m, ref), True)
    elif cause == "8":
        for m in members:
            if m.labour in ("1", "2"):
                m.labour = rng.choice(("3", "3", "4"))
                m.migrant_months, m.migrant_place = 0, ""
    elif cause == "7":
        for m in members:
            if m.labour == "2":
                m.labour = "1"


def apply_attribute(rng, members: list[Member], attribute: str, since: datetime.date) -> None:
    """低保 and 特困供养 flags for the household's attribute (一般 = neither)."""
    for m in members:
        start = max(since, m.joined_on or since)
        if attribute == "2":
            m.dibao, m.dibao_since = True, start
        elif attribute == "3":
            m.tekun, m.tekun_since = True, start


def add_history(rng, members: list[Member], names: NameMaker, ids: IdMaker, hh: Household, ref) -> None:
    """Sometimes a member who left: a parent who died, or a daughter who married out (inactive)."""
    head_age = _age(members[0], ref)
    if head_age <= 62 and rng.random() < 0.6:
        age = head_age + rng.randint(24, 32)
        birth = birth_for(rng, age, ref)
        first = max(2015, birth.year + 65)
        if first > ref.year - 1:
            return
        died = datetime.date(rng.randint(first, ref.year - 1), rng.randint(1, 12), rng.randint(1, 28))
        if died.year - birth.year > 98:
            return
        male = rng.random() < 0.5
        m = _inactive(rng, names, ids, hh, "10", birth, male, hh.surname if male else "", members)
        m.status, m.status_date, m.left_on = MemberStatus.DECEASED, died, died
        m.labour, m.education = "5", "1"
    elif head_age >= 45:
        age = min(head_age - 20, rng.randint(22, 32))
        birth = birth_for(rng, age, ref)
        left = _add_years(birth, rng.randint(19, age))
        if left.year < 2015 or left >= ref:
            return
        surname = hh.surname if members[0].sex == "1" else hh.child_surname
        m = _inactive(rng, names, ids, hh, "04", birth, False, surname, members)
        m.status, m.status_date, m.left_on = MemberStatus.MARRIED_OUT, left, left
        m.labour, m.education = "1", "3"
    else:
        return
    members.append(m)


def _inactive(rng, names, ids, hh, relation, birth, male, surname, members) -> Member:
    taken = {x.name for x in members}
    m = Member(relation=relation, sex="1" if male else "2", birth_date=birth, ethnicity=hh.ethnicity)
    m.name = names.full(surname or names.surname(hh.ethnicity), male, birth.year, hh.ethnicity, taken)
    m.name_initials = initials(m.name)
    m.id_number = ids.make(pick_place(rng, hh.places, hh.ethnicity), birth, male)
    m.joined_on, m.health, m.in_school = birth, "1", "0"
    m.insured_medical = m.insured_serious_illness = True
    return m


def _age(m: Member, ref: datetime.date) -> int:
    b = m.birth_date
    return ref.year - b.year - ((ref.month, ref.day) < (b.month, b.day))
