"""The demo county's households at a small scale: valid people, seed proportions, consistent incomes.

The demo is generated once for the module (``--scale 0.05``: ~1,250 households, 88 registered) inside
a transaction that is rolled back at the end; each test runs in a savepoint within it.
"""

import collections
import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Sum

from jingzhun.areas.models import Area, AreaYearStat
from jingzhun.core.models import AuditEvent
from jingzhun.demo.areas import COUNTY_CODE
from jingzhun.demo.incomes import POVERTY_LINE
from jingzhun.demo.people import HAN_PLACES, YI_PLACES
from jingzhun.register.choices import REGISTERED, MemberStatus, PovertyStatus
from jingzhun.register.models import (
    ChangeRequest,
    Household,
    HouseholdIncome,
    HouseholdVersion,
    IncomeTransfer,
    Member,
)
from jingzhun.register.pinyin import initials
from jingzhun.register.services import MEMBER_FIELDS, household_data
from jingzhun.register.validation import (
    check_household,
    check_member,
    id_place_known,
    income_figures,
    parse_id,
)

SCALE = "0.05"
SEED = "7"
REGISTERED_HOUSEHOLDS = round(1755 * 0.05)  # 88
REGISTERED_PERSONS = round(6424 * 0.05)  # 321


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", "--scale", SCALE, *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        output = load("--seed", SEED)
        yield output
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_db, db):
    return demo_db


def registered():
    return Household.objects.filter(poverty_status__in=REGISTERED)


def active_members():
    return Member.objects.filter(status=MemberStatus.ACTIVE)


def member_dict(m: Member) -> dict:
    return {**{f: getattr(m, f) for f in MEMBER_FIELDS}, "status": m.status}


def test_registered_households_and_persons_match_the_seed_scaled(demo):
    assert registered().count() == REGISTERED_HOUSEHOLDS
    assert active_members().filter(household__poverty_status__in=REGISTERED).count() == REGISTERED_PERSONS
    total = Household.objects.count()
    persons = active_members().count()
    assert 1150 <= total <= 1350  # ~25,000 × 0.05
    assert 3900 <= persons <= 4300  # ~82,000 × 0.05
    assert f"建档立卡户 {REGISTERED_HOUSEHOLDS} 户 {REGISTERED_PERSONS} 人" in demo


def test_most_registered_households_have_exited_and_a_few_returned_or_never_exited(demo):
    by_status = dict(registered().values_list("poverty_status").annotate(n=Count("id")))
    assert by_status[PovertyStatus.RETURNED] >= 1
    assert by_status[PovertyStatus.POOR] >= 1
    assert by_status[PovertyStatus.EXITED] >= REGISTERED_HOUSEHOLDS - 4
    exited = registered().exclude(poverty_status=PovertyStatus.POOR)
    assert not exited.filter(year_exited__isnull=True).exists()
    assert set(exited.values_list("year_exited", flat=True)) <= set(range(2015, 2021))
    assert set(registered().values_list("year_identified", flat=True)) <= {2014, 2015, 2016}
    assert registered().filter(year_identified=2014).count() > REGISTERED_HOUSEHOLDS * 0.8
    assert not registered().filter(year_exited__lte=F("year_identified")).exists()
    assert registered().filter(poverty_status=PovertyStatus.RETURNED, is_monitored=False).count() == 0


def test_registered_households_concentrate_in_poor_villages(demo):
    in_poor = registered().filter(
        area_path__in=Area.objects.filter(parent__is_poor_village=True).values("path")
    )
    share = in_poor.count() / REGISTERED_HOUSEHOLDS
    assert 0.6 <= share <= 0.8
    assert registered().count() > in_poor.count()  # present elsewhere too


def test_main_causes_follow_seed_002_county_1(demo):
    counts = collections.Counter(registered().values_list("main_cause", flat=True))
    n = REGISTERED_HOUSEHOLDS
    expected = {"1": 56.7, "2": 16.53, "3": 2.97, "7": 7.92, "8": 10.02}
    for cause, percent in expected.items():
        assert abs(counts[cause] / n * 100 - percent) <= 100 / n + 0.01, cause
    assert sum(counts[c] for c in expected) / n == pytest.approx(0.9414, abs=0.02)
    for h in registered():
        assert len(h.other_causes) <= 2 and h.main_cause not in h.other_causes
        assert len(set(h.other_causes)) == len(h.other_causes)


def test_every_id_number_is_valid_and_agrees_with_birth_date_and_sex(demo):
    places = set(YI_PLACES + HAN_PLACES)
    for m in Member.objects.all():
        info = parse_id(m.id_number)
        assert info.number == m.id_number
        assert info.birth_date == m.birth_date, m.member_no
        assert info.sex == m.sex, m.member_no
        assert m.id_number[:6] in places
        assert id_place_known(m.id_number[:6], m.birth_date.year)
    ids = list(active_members().values_list("id_number", flat=True))
    assert len(ids) == len(set(ids))


def test_every_household_has_exactly_one_active_head_and_its_size(demo):
    heads = collections.defaultdict(list)
    sizes = collections.Counter()
    for household_id, relation, name in active_members().values_list("household_id", "relation", "name"):
        sizes[household_id] += 1
        if relation == "01":
            heads[household_id].append(name)
    for h in Household.objects.all():
        assert len(heads[h.id]) == 1, h.household_no
        assert h.head_name == heads[h.id][0]
        assert h.size == sizes[h.id]


def test_numbers_initials_and_areas_follow_the_register_rules(demo):
    for h in Household.objects.select_related("area", "area__parent"):
        assert h.area.level == "group" and h.area_path == h.area.path
        assert len(h.household_no) == 16 and h.household_no[:12] == h.area.parent.code[:12]
        assert h.household_no[12:].isdigit()
    for m in Member.objects.select_related("household")[:1500]:
        assert m.member_no[:16] == m.household.household_no and m.member_no[16:].isdigit()
        assert len(m.member_no) == 18
        assert m.name_initials == initials(m.name)


def test_family_members_share_the_male_heads_surname_except_those_married_in(demo):
    checked = 0
    for h in Household.objects.filter(members__relation="01", members__sex="1").prefetch_related("members"):
        members = list(h.members.all())
        head = next(m for m in members if m.relation == "01")
        if head.ethnicity != "01":
            continue  # Yi clan names have two characters, Tibetan names none
        for m in members:
            if m.relation in ("03", "04", "07", "08") or (m.relation == "10" and m.sex == "1"):
                assert m.name[0] == head.name[0], (head.name, m.name)
                checked += 1
    assert checked > 100


def test_people_look_like_a_liangshan_county(demo):
    ethnicity = collections.Counter(active_members().values_list("ethnicity", flat=True))
    total = sum(ethnicity.values())
    assert 0.3 <= ethnicity["07"] / total <= 0.75  # 彝族
    assert 0.2 <= ethnicity["01"] / total <= 0.65  # 汉族
    ref = datetime.date(datetime.date.today().year, 1, 1)
    heads = active_members().filter(relation="01")
    ages = [(ref - m.birth_date).days // 365 for m in heads]
    assert min(ages) >= 24 and max(ages) <= 86
    children = active_members().filter(birth_date__gt=ref.replace(year=ref.year - 15))
    in_school = children.filter(birth_date__lte=ref.replace(year=ref.year - 7)).exclude(in_school="0")
    assert in_school.count() >= 0.95 * children.filter(birth_date__lte=ref.replace(year=ref.year - 7)).count()
    reg_members = active_members().filter(household__poverty_status__in=REGISTERED)
    assert reg_members.filter(insured_medical=True).count() == reg_members.count()


def test_registered_members_support_their_causes_and_attribute(demo):
    for h in registered().prefetch_related("members"):
        active = [m for m in h.members.all() if m.status == "active"]
        causes = {h.main_cause, *h.other_causes}
        if "1" in causes:
            assert any(m.health in ("2", "3") for m in active), h.household_no
        if "2" in causes:
            assert any(m.health == "4" or m.disability_type for m in active), h.household_no
        if "3" in causes:
            assert any(m.in_school != "0" for m in active), h.household_no
        if h.attribute == "2":
            assert all(m.dibao and m.dibao_since for m in active)
        if h.attribute == "3":
            assert all(m.tekun and m.tekun_since for m in active)
        for m in active:
            if m.health == "4":
                assert m.disability_type and 1 <= m.disability_grade <= 4
                assert m.disability_cert_no.startswith(m.id_number)


def test_register_validation_finds_no_errors_or_warnings(demo):
    members = collections.defaultdict(list)
    for m in Member.objects.all():
        members[m.household_id].append(member_dict(m))
    problems = []
    for h in Household.objects.all():
        active = [d for d in members[h.id] if d["status"] == "active"]
        for d in active:
            problems += [(h.household_no, x.code) for x in check_member(d)[0]]
        house = {"main_cause": h.main_cause, "other_causes": h.other_causes, "house_area": h.house_area}
        problems += [
            (h.household_no, x.code) for x in check_household(house, active, registered=h.is_registered)
        ]
    assert problems == []


def test_incomes_are_computed_and_sit_below_the_line_until_exit(demo):
    incomes = HouseholdIncome.objects.select_related("household")
    reg_years = incomes.filter(household__poverty_status__in=REGISTERED)
    assert reg_years.values("household").distinct().count() == REGISTERED_HOUSEHOLDS
    assert set(reg_years.values_list("year", flat=True)) == set(range(2014, 2026))
    assert incomes.exclude(household__poverty_status__in=REGISTERED).exists()  # the 10 % sample
    lines = dict(IncomeTransfer.objects.values_list("income_id").annotate(s=Sum("amount")))
    for inc in incomes:
        net, per_capita = income_figures(
            wages=inc.wages,
            business=inc.business,
            property_income=inc.property_income,
            transfers=inc.transfers,
            business_costs=inc.business_costs,
            size=inc.size,
        )
        assert (inc.net_income, inc.per_capita) == (net, per_capita)
        assert lines.get(inc.id, 0) == inc.transfers
        h = inc.household
        if not h.is_registered:
            assert inc.per_capita > POVERTY_LINE[inc.year]
            continue
        poor = h.year_exited is None or inc.year < h.year_exited
        if h.poverty_status == PovertyStatus.RETURNED and inc.year >= 2021:
            continue  # fell back below the line in its return year
        assert (inc.per_capita < POVERTY_LINE[inc.year]) == poor, (h.household_no, inc.year)


def test_income_size_counts_the_members_present_that_year(demo):
    spans = collections.defaultdict(list)
    for household_id, joined, left in Member.objects.values_list("household_id", "joined_on", "left_on"):
        spans[household_id].append((joined, left))
    incomes = HouseholdIncome.objects.all()
    assert incomes.exists()
    for inc in incomes:
        start, end = datetime.date(inc.year, 1, 1), datetime.date(inc.year, 12, 31)
        present = [
            1 for joined, left in spans[inc.household_id] if joined <= end and (left is None or left >= start)
        ]
        assert inc.size == len(present), (inc.household_id, inc.year)


def test_transfer_lines_name_programs_and_recipients(demo):
    programs = set(IncomeTransfer.objects.values_list("program", flat=True))
    assert {"dibao", "pension", "farm"} <= programs
    pension = IncomeTransfer.objects.filter(program="pension").select_related("member", "income")
    assert pension.exists()
    for line in pension[:200]:
        assert line.income.year - line.member.birth_date.year >= 60


def test_latest_version_is_the_household_as_stored_and_history_starts_poor(demo):
    open_versions = HouseholdVersion.objects.filter(valid_to__isnull=True)
    assert open_versions.count() == Household.objects.count()
    for v in open_versions.select_related("household")[:300]:
        assert v.data == household_data(v.household)
    for h in registered()[:40]:
        first = h.versions.order_by("valid_from").first()
        assert first.data["poverty_status"] == "poor" and first.valid_from.year == h.year_identified
        assert h.versions.count() == 1 + (h.year_exited is not None) + (h.poverty_status == "returned")


def test_village_statistics_cover_the_registered_persons(demo):
    registered_persons = dict(
        active_members()
        .filter(household__poverty_status__in=REGISTERED)
        .values_list("household__area__parent_id")
        .annotate(n=Count("id"))
    )
    for stat in AreaYearStat.objects.filter(area__level="village"):
        assert stat.rural_population >= registered_persons.get(stat.area_id, 0)
    county = AreaYearStat.objects.get(area__code=COUNTY_CODE, year=2014)
    assert 0.05 <= REGISTERED_PERSONS / county.rural_population <= 0.11
    assert county.rural_households >= Household.objects.count()


def test_one_summary_audit_event_for_the_households(demo):
    events = AuditEvent.objects.filter(action="demo.households")
    assert events.count() == 1
    assert events.get().after["registered_households"] == REGISTERED_HOUSEHOLDS


def test_same_seed_same_households_and_reset_removes_protected_rows(demo):
    def fingerprint():
        return list(
            Member.objects.order_by("member_no").values_list("member_no", "name", "id_number", "status")
        ) + list(
            HouseholdIncome.objects.order_by("household__household_no", "year").values_list("per_capita")
        )

    before = fingerprint()
    h = registered().first()
    ChangeRequest.objects.create(
        kind="correct_info",
        household=h,
        area_path=h.area_path,
        reason="测试",
        submitted_by=_user(),
    )
    counts = (Household.objects.count(), Member.objects.count(), HouseholdVersion.objects.count())
    load("--reset", "--seed", SEED)
    assert fingerprint() == before
    assert (Household.objects.count(), Member.objects.count(), HouseholdVersion.objects.count()) == counts
    assert not ChangeRequest.objects.exists()
    load("--reset", "--seed", "8")
    assert fingerprint() != before


def _user():
    from jingzhun.accounts.models import User

    return User.objects.get(username="cun_a1")
