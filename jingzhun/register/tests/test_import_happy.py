"""The happy path of the bulk import: households, members, incomes, versions, one audit event;
re-import updates instead of duplicating; scope and status permissions."""

import datetime
from decimal import Decimal

import pytest

from jingzhun.core.models import AuditEvent
from jingzhun.register.choices import PovertyStatus
from jingzhun.register.models import Household, HouseholdIncome, HouseholdVersion, Member
from jingzhun.register.services import household_create
from jingzhun.register.validation import check_char

from .factories import family, household, id_number
from .test_import_common import (
    HEADERS,
    INCOME_HEADERS,
    household_rows,
    messages,
    person,
    run,
    table_counts,
    write_book,
    write_csv,
)

pytestmark = pytest.mark.django_db
YEAR = datetime.date.today().year


def test_csv_import_creates_households_members_versions_and_one_audit_event(personas, tmp_path):
    a1 = personas.tree.village_a1.code
    rows = household_rows(a1 + "0001", a1) + household_rows(
        a1 + "0002", a1, [person("王五", "户主", 60), person("王小五", "之子", 30)], repeat=True
    )
    path = write_csv(tmp_path / "members.csv", rows)

    result = run(personas.village_a1, path)

    assert not result.errors, messages(result)
    assert (result.counts.created, result.counts.members_created) == (2, 5)
    h = Household.objects.get(household_no=a1 + "0001")
    assert (h.size, h.head_name, h.main_cause, h.address) == (3, "张三丰", "7", "一组 12 号")
    assert h.area == personas.tree.village_a1 and h.area_path == personas.tree.village_a1.path
    assert h.poverty_status == PovertyStatus.NOT_POOR
    head = h.members.get(relation="01")
    assert head.member_no == a1 + "000101" and head.name_initials == "zsf"
    assert head.sex == "1" and head.birth_date == datetime.date(YEAR - 45, 3, 1)
    daughter = h.members.get(name="张小丽")
    assert (daughter.relation, daughter.in_school, daughter.sex) == ("04", "3", "2")
    version = HouseholdVersion.objects.get(household=h)
    assert version.valid_to is None and version.action == "household.import"
    assert [m["name"] for m in version.data["members"]][0] == "张三丰"
    assert version.data["household_no"] == h.household_no and version.data["size"] == 3
    event = AuditEvent.objects.get(action="household.import")
    assert event.actor == personas.village_a1
    assert event.after["created"] == 2 and event.after["members_created"] == 5
    assert AuditEvent.objects.filter(action="household.create").count() == 0  # one summary, not one per row


def test_dry_run_checks_everything_and_writes_nothing(personas, tmp_path):
    a1 = personas.tree.village_a1.code
    path = write_csv(tmp_path / "m.csv", household_rows(a1 + "0001", a1))
    before = table_counts()
    result = run(personas.village_a1, path, dry_run=True)
    assert not result.errors and result.households == 1 and result.rows == 3
    assert table_counts() == before


def test_xlsx_with_income_sheet_and_transfer_breakdown(personas, tmp_path):
    a1 = personas.tree.village_a1.code
    no = a1 + "0001"
    income_headers = [*INCOME_HEADERS, "转移性收入-低保金", "转移性收入-养老金"]
    path = write_book(
        tmp_path / "book.xlsx",
        {
            "农户成员": (HEADERS, household_rows(no, a1)),
            "收入": (
                income_headers,
                [
                    {
                        "户编号": no,
                        "年度": YEAR - 1,
                        "工资性收入": 12000,
                        "生产经营性收入": 3000,
                        "财产性收入": 0,
                        "生产经营性支出": 1500,
                        "转移性收入-低保金": 2400,
                        "转移性收入-养老金": 1200,
                    },
                    {"户编号": no, "年度": YEAR, "工资性收入": "15000.50", "转移性收入": 0},
                ],
            ),
        },
    )
    result = run(personas.village_a1, path)
    assert not result.errors, messages(result) | messages(result, "income")
    incomes = {i.year: i for i in HouseholdIncome.objects.filter(household__household_no=no)}
    last = incomes[YEAR - 1]
    assert last.transfers == Decimal("3600.00")
    assert last.net_income == Decimal("17100.00")  # 12000 + 3000 + 0 + 3600 − 1500
    assert last.size == 3 and last.per_capita == Decimal("5700.00")
    assert {(t.program, t.amount) for t in last.transfer_lines.all()} == {
        ("dibao", Decimal("2400.00")),
        ("pension", Decimal("1200.00")),
    }
    assert incomes[YEAR].wages == Decimal("15000.50")
    assert result.income_rows == 2 and result.counts.incomes_created == 2


def test_csv_with_separate_income_file_and_income_columns_on_member_sheet(personas, tmp_path):
    a1 = personas.tree.village_a1.code
    rows = household_rows(a1 + "0001", a1, 收入年度=YEAR - 2, 工资性收入="9000", 生产经营性支出="900")
    headers = [*HEADERS, "收入年度", "工资性收入", "生产经营性支出"]
    members = write_csv(tmp_path / "m.csv", rows, headers)
    income = write_csv(
        tmp_path / "income.csv",
        [{"户编号": a1 + "0001", "年度": YEAR - 1, "工资性收入": "6000"}],
        INCOME_HEADERS,
        encoding="gb18030",
    )
    result = run(personas.village_a1, members, income=income)
    assert not result.errors, messages(result) | messages(result, "income")
    years = dict(HouseholdIncome.objects.values_list("year", "net_income"))
    assert years == {YEAR - 2: Decimal("8100.00"), YEAR - 1: Decimal("6000.00")}


def test_reimporting_the_same_file_updates_and_never_duplicates(personas, tmp_path):
    a1 = personas.tree.village_a1.code
    rows = household_rows(a1 + "0001", a1)
    path = write_csv(tmp_path / "m.csv", rows)
    run(personas.village_a1, path)
    after_first = table_counts()

    again = run(personas.village_a1, path)
    assert not again.errors, messages(again)
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 1)
    counts = table_counts()
    assert counts["households"] == after_first["households"] and counts["members"] == after_first["members"]
    assert counts["versions"] == after_first["versions"]  # nothing changed, no new version

    rows[0]["住址"] = "二组 3 号"
    rows[2]["在校生状况"] = "八年级"
    rows.append(person("张小宝", "之子", 1, 在校生状况="", 文化程度="学龄前儿童") | {"户编号": a1 + "0001"})
    changed = run(personas.village_a1, write_csv(tmp_path / "m2.csv", rows))
    assert not changed.errors, messages(changed)
    assert (changed.counts.updated, changed.counts.members_updated, changed.counts.members_created) == (
        1,
        1,
        1,
    )
    h = Household.objects.get()
    assert h.address == "二组 3 号" and h.size == 4
    assert h.members.get(name="张小丽").in_school == "4"
    assert h.members.get(name="张小宝").member_no == a1 + "000104"
    assert Member.objects.count() == 4
    versions = HouseholdVersion.objects.filter(household=h).order_by("valid_from")
    assert versions.count() == 2 and versions[0].valid_to is not None and versions[1].valid_to is None
    assert versions[0].data["address"] == "一组 12 号" and versions[1].data["address"] == "二组 3 号"


def test_reimport_keeps_members_not_listed_and_blank_cells_keep_values(personas, tmp_path):
    a1 = personas.tree.village_a1.code
    rows = household_rows(a1 + "0001", a1)
    run(personas.village_a1, write_csv(tmp_path / "m.csv", rows))
    only_head = [dict(rows[0], 住址="", 民族="")]
    result = run(personas.village_a1, write_csv(tmp_path / "m2.csv", only_head))
    assert not result.errors, messages(result)
    h = Household.objects.get()
    assert h.size == 3 and h.address == "一组 12 号"
    assert h.members.get(relation="01").ethnicity == "01"


def test_household_created_through_the_form_is_updated_by_import(personas, tmp_path):
    h = household_create(
        actor=personas.village_a1,
        area=personas.tree.village_a1,
        household=household(main_cause=""),
        members=family(),
    )
    head = h.members.get(relation="01")
    rows = [
        {
            "户编号": h.household_no,
            "姓名": head.name,
            "身份证号": head.id_number,
            "与户主关系": "户主",
            "住址": "新地址",
        }
    ]
    result = run(personas.village_a1, write_csv(tmp_path / "m.csv", rows))
    assert not result.errors, messages(result)
    h.refresh_from_db()
    assert h.address == "新地址" and h.size == 4 and Member.objects.count() == 4


def test_codes_may_be_given_as_code_or_name_and_legacy_attribute_names(personas, tmp_path):
    a1 = personas.tree.village_a1.code
    rows = household_rows(
        a1 + "0001",
        a1,
        [person("赵一", "01", 50, 民族="1", 文化程度="3", 健康状况="2", 劳动技能="1")],
        主要致贫原因="1",
        其他致贫原因="缺资金、7",
    )
    headers = [*HEADERS, "其他致贫原因"]
    result = run(personas.county_admin, write_csv(tmp_path / "m.csv", rows, headers))
    assert not result.errors, messages(result)
    h = Household.objects.get()
    assert (h.main_cause, h.other_causes) == ("1", ["9", "7"])
    m = h.members.get()
    assert (m.relation, m.ethnicity, m.health) == ("01", "01", "2")


def test_poverty_status_needs_the_import_capability(personas, tmp_path):
    a1 = personas.tree.village_a1.code
    rows = household_rows(
        a1 + "0001", a1, [person("钱二", "户主", 50)], 贫困状态="已脱贫", 识别年度="2014", 脱贫年度="2017"
    )
    headers = [*HEADERS, "贫困状态", "识别年度", "脱贫年度"]
    path = write_csv(tmp_path / "m.csv", rows, headers)

    refused = run(personas.village_a1, path)
    assert "批量导入农户档案" in messages(refused)[2]
    assert Household.objects.count() == 0

    result = run(personas.township_a, path)
    assert not result.errors, messages(result)
    h = Household.objects.get()
    assert (h.poverty_status, h.year_identified, h.year_exited) == ("exited", 2014, 2017)


def test_registered_household_cannot_be_bulk_updated_by_a_village_officer(personas, tmp_path):
    a1 = personas.tree.village_a1.code
    rows = household_rows(a1 + "0001", a1, [person("钱二", "户主", 50)], 贫困状态="未脱贫", 识别年度="2014")
    headers = [*HEADERS, "贫困状态", "识别年度"]
    assert not run(personas.township_a, write_csv(tmp_path / "a.csv", rows, headers)).errors
    plain = [{k: v for k, v in rows[0].items() if k not in ("贫困状态", "识别年度")} | {"住址": "改"}]
    result = run(personas.village_a1, write_csv(tmp_path / "b.csv", plain))
    assert "信息更正" in messages(result)[2]
    assert Household.objects.get().address == "一组 12 号"


def test_area_outside_the_users_scope_is_rejected_and_nothing_written(personas, tmp_path):
    a1, b1 = personas.tree.village_a1.code, personas.tree.village_b1.code
    rows = household_rows(a1 + "0001", a1) + household_rows(b1 + "0001", b1)
    before = table_counts()
    result = run(personas.village_a1, write_csv(tmp_path / "m.csv", rows))
    assert messages(result) == {5: "“区划代码”列：乙一村（513498200201）不在您的管辖范围内。"}
    assert table_counts() == before


def test_household_number_of_an_out_of_scope_household_is_refused(personas, tmp_path):
    b1 = personas.tree.village_b1.code
    run(personas.county_admin, write_csv(tmp_path / "b.csv", household_rows(b1 + "0001", b1)))
    result = run(personas.village_a1, write_csv(tmp_path / "a.csv", household_rows(b1 + "0001", "")))
    assert "不在您的管辖范围内" in messages(result)[2]


def test_household_number_must_start_with_the_village_code(personas, tmp_path):
    a1, a2 = personas.tree.village_a1.code, personas.tree.village_a2.code
    result = run(personas.township_a, write_csv(tmp_path / "m.csv", household_rows(a2 + "0001", a1)))
    assert "应以所在村的 12 位区划代码 513498100201 开头" in messages(result)[2]


def test_group_code_puts_the_household_in_the_group(personas, tmp_path):
    group = personas.tree.group_a1_1
    result = run(
        personas.village_a1,
        write_csv(tmp_path / "m.csv", household_rows(group.code[:12] + "0007", group.code)),
    )
    assert not result.errors, messages(result)
    assert Household.objects.get().area == group


def test_imported_version_has_the_shape_the_services_write(personas, tmp_path):
    """The page shows households "as of" a date from versions: an imported household's version must
    hold the same keys and values as one written by household_create for the same data."""
    from jingzhun.register.services import household_data

    a1 = personas.tree.village_a1.code
    run(personas.village_a1, write_csv(tmp_path / "m.csv", household_rows(a1 + "0001", a1)))
    h = Household.objects.get()
    imported = HouseholdVersion.objects.get(household=h).data
    assert imported == household_data(h)


def test_fast_pinyin_initials_equal_the_shared_function():
    from jingzhun.register.importing_write import fast_initials
    from jingzhun.register.pinyin import initials

    for name in [
        "张三丰",
        "长江",
        "重庆芳",
        "曾国藩",
        "单田芳",
        "买买提·艾力",
        "张A三",
        "欧阳娜娜",
        "",
        "Tom",
    ]:
        assert fast_initials(name) == initials(name), name


def test_legacy_attribute_names_old_15_digit_and_full_width_ids(personas, tmp_path):
    a1 = personas.tree.village_a1.code
    converted = "51340119800301001" + check_char("51340119800301001")  # 1980-03-01, male
    son = id_number(datetime.date(YEAR - 20, 5, 3), male=True)
    full_width = " " + son.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")) + " "
    rows = household_rows(
        a1 + "0001",
        a1,
        [
            person("孙大", "户主", 40) | {"身份证号": "513401800301001"},
            person("孙二", "之子", 20) | {"身份证号": full_width},
        ],
        贫困户属性="五保户",
    )
    result = run(personas.county_admin, write_csv(tmp_path / "m.csv", rows, [*HEADERS, "贫困户属性"]))
    assert not result.errors, messages(result)
    assert Household.objects.get().attribute == "3"  # 五保户 → 特困供养贫困户
    assert Member.objects.get(name="孙大").id_number == converted
    assert Member.objects.get(name="孙二").id_number == son
