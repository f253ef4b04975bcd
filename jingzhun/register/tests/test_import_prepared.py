"""The fast paths of the import write exactly what the plain ones would: rows prepared by the dry run
and inserted by the commit equal those of a commit without a dry run, every value of every table, and
each household's version equals ``services.household_data`` (the shape the forms write)."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection

from jingzhun.register.importing_cache import cache_path
from jingzhun.register.importing_rows import MemberSheetReader
from jingzhun.register.models import Household, HouseholdIncome, HouseholdVersion, IncomeTransfer, Member
from jingzhun.register.services import household_data
from jingzhun.register.validation import parse_id

from .test_import_common import (
    HEADERS,
    codes,  # noqa: F401 - fixture
    household_rows,
    messages,
    person,
    run,
    write_csv,
)

pytestmark = pytest.mark.django_db
YEAR = datetime.date.today().year
EXTRA = [
    "识别标准", "贫困户属性", "其他致贫原因", "贫困状态", "识别年度", "脱贫年度", "残疾类别", "残疾等级", "送教上门",
    "参加城乡居民基本医疗保险", "享受低保", "低保起始日期", "入户日期", "住房面积(㎡)", "住房结构", "住房安全等级",
    "易地扶贫搬迁", "耕地(亩)", "距村主干路(公里)", "通生活用电", "全年缺水天数", "预警说明", "收入年度", "工资性收入",
    "转移性收入-低保金", "转移性收入-养老金",
]  # fmt: skip


def rich_file(tmp_path, a1: str) -> str:
    """Households using most kinds of cells: codes, lists, choices, decimals, dates, booleans, years,
    income with a transfer breakdown, and a warning confirmed by a reason."""
    first = household_rows(
        a1 + "0001",
        a1,
        [
            person(
                "张三丰",
                "户主",
                45,
                残疾类别="肢体",
                残疾等级="2",
                健康状况="残疾",
                享受低保="是",
                低保起始日期=f"{YEAR - 3}-05-01",
                入户日期=f"{YEAR - 10}-01-15",
            ),  # fmt: skip
            person("李梅", "配偶", 43, male=False, 参加城乡居民基本医疗保险="否"),
            person("张小丽", "之女", 9, male=False, 在校生状况="非在校生", 送教上门="是"),
        ],
        识别标准="国家标准",
        贫困户属性="低保贫困户",
        主要致贫原因="因残",
        其他致贫原因="缺技术、缺资金",
        贫困状态="已脱贫",
        识别年度="2014",
        脱贫年度="2018",
        **{"住房面积(㎡)": "96.5", "耕地(亩)": "3.25", "距村主干路(公里)": "0.5"},
        住房结构="砖混",
        住房安全等级="B级",
        易地扶贫搬迁="集中安置",
        通生活用电="否",
        全年缺水天数="12",
        收入年度=str(YEAR - 1),
        工资性收入="18000",
        **{"转移性收入-低保金": "2400", "转移性收入-养老金": "1200"},
    )
    second = household_rows(
        a1 + "0002",
        a1,
        [person("王小五", "之子", 30), person("王五", "户主", 70)],  # the version lists the head first
        repeat=True,
        预警说明="父子年龄差已核实",
    )
    return write_csv(tmp_path / "rich.csv", first + second, [*HEADERS, *EXTRA])


def everything() -> dict:
    """Every stored value (primary keys replaced by household numbers, time stamps left out)."""

    def values(obj) -> tuple:
        skip = ("id", "created_at", "updated_at", "household_id", "income_id")
        return tuple(getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname not in skip)

    return {
        "households": [values(h) for h in Household.objects.order_by("household_no")],
        "members": [(m.household.household_no, *values(m)) for m in Member.objects.order_by("member_no")],
        "incomes": [
            (i.household.household_no, *values(i))
            for i in HouseholdIncome.objects.order_by("household__household_no", "year")
        ],
        "transfers": sorted(
            (t.income.household.household_no, *values(t)) for t in IncomeTransfer.objects.all()
        ),
        "versions": [
            (v.household.household_no, v.action, v.data)
            for v in HouseholdVersion.objects.order_by("household__household_no")
        ],
    }


def wipe():
    for model in (IncomeTransfer, HouseholdIncome, HouseholdVersion, Member, Household):
        model.objects.all().delete()


@pytest.mark.usefixtures("codes")
def test_commit_of_prepared_rows_equals_the_full_pass_value_for_value(personas, tmp_path):
    a1 = personas.tree.village_a1.code
    path = rich_file(tmp_path, a1)
    dry = run(personas.county_admin, path, dry_run=True)
    assert not dry.errors, messages(dry)
    assert cache_path(path).exists()
    stored = run(personas.county_admin, path)
    assert not stored.errors, messages(stored)
    from_cache = everything()
    wipe()
    direct = run(personas.county_admin, path)  # no dry run before it: parse, check and write
    assert not direct.errors, messages(direct)
    assert everything() == from_cache
    assert stored.summary() | {"dry_run": None} == direct.summary() | {"dry_run": None}

    h = Household.objects.get(household_no=a1 + "0001")
    assert (h.house_area, h.farmland_mu, h.road_distance_km) == (
        Decimal("96.5"),
        Decimal("3.25"),
        Decimal("0.5"),
    )
    assert (h.other_causes, h.relocation, h.has_power, h.water_short_days) == (
        ["7", "9"],
        "centralised",
        False,
        12,
    )
    assert (h.poverty_status, h.year_identified, h.year_exited) == ("exited", 2014, 2018)
    head = h.members.get(relation="01")
    assert head.dibao_since == datetime.date(YEAR - 3, 5, 1) and head.disability_grade == 2
    assert head.birth_date == parse_id(head.id_number).birth_date
    income = HouseholdIncome.objects.get(household=h)
    assert (income.transfers, income.net_income) == (3600, 21600)
    assert IncomeTransfer.objects.filter(income=income).count() == 2
    for household in Household.objects.all():
        assert HouseholdVersion.objects.get(household=household).data == household_data(household)


@pytest.mark.usefixtures("codes")
def test_versions_are_stored_as_django_would_encode_them(personas, tmp_path):
    """The version's JSON is encoded once, in the dry run; the stored text must be what Django's
    JSONField writes for the same value (SQLite keeps the text as it is)."""
    a1 = personas.tree.village_a1.code
    path = rich_file(tmp_path, a1)
    run(personas.county_admin, path, dry_run=True)
    run(personas.county_admin, path)
    field = HouseholdVersion._meta.get_field("data")
    for version in HouseholdVersion.objects.all():
        with connection.cursor() as cursor:
            cursor.execute("SELECT data FROM register_householdversion WHERE id = %s", [version.pk])
            (raw,) = cursor.fetchone()
        value = json.loads(raw) if isinstance(raw, str) else raw
        assert value == version.data == household_data(version.household)
        if connection.vendor == "sqlite":
            assert raw == field.get_db_prep_save(version.data, connection)


@pytest.mark.usefixtures("codes")
def test_reimport_tells_unchanged_households_from_ones_with_only_a_household_field_changed(
    personas, tmp_path
):
    a1 = personas.tree.village_a1.code
    rows = household_rows(a1 + "0001", a1) + household_rows(a1 + "0002", a1, [person("王五", "户主", 60)])
    run(personas.village_a1, write_csv(tmp_path / "m.csv", rows))
    rows[0]["住址"] = "二组 3 号"  # the first household's address only
    again = run(personas.village_a1, write_csv(tmp_path / "m2.csv", rows))
    assert not again.errors, messages(again)
    c = again.counts
    assert (c.created, c.updated, c.unchanged, c.members_updated, c.members_created) == (0, 1, 1, 0, 0)
    h = Household.objects.get(household_no=a1 + "0001")
    latest = HouseholdVersion.objects.get(household=h, valid_to__isnull=True)
    assert latest.data == household_data(h) and latest.data["address"] == "二组 3 号"
    assert HouseholdVersion.objects.filter(household__household_no=a1 + "0002").count() == 1


@pytest.mark.usefixtures("codes")
def test_a_damaged_stored_dry_run_makes_the_commit_do_the_full_pass(personas, tmp_path, monkeypatch):
    a1 = personas.tree.village_a1.code
    path = rich_file(tmp_path, a1)
    assert not run(personas.county_admin, path, dry_run=True).errors
    stored = cache_path(path)
    stored.write_bytes(stored.read_bytes()[:-100])  # cut short, e.g. by a full disk
    read = []

    def reader(*args, **kwargs):
        read.append(True)
        return MemberSheetReader(*args, **kwargs)

    monkeypatch.setattr("jingzhun.register.importing.MemberSheetReader", reader)
    result = run(personas.county_admin, path)
    assert not result.errors, messages(result)
    assert read and result.counts.created == 2 and result.counts.members_created == 5
    assert not stored.exists()
