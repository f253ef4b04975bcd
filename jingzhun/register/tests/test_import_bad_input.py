"""Bad input (issue 3's list): each case gets a Chinese error naming the row and the column, and the
database is left exactly as it was — also when earlier batches had already been written."""

import datetime
import io

import openpyxl
import pytest

from jingzhun.core.errors import DomainError
from jingzhun.register.importing import error_workbook_bytes, register_import
from jingzhun.register.models import Household, Member
from jingzhun.register.validation import check_char

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
TODAY = datetime.date.today()


@pytest.fixture
def a1(personas):
    return personas.tree.village_a1.code


@pytest.fixture
def good(a1):
    """A valid household that precedes the bad one in every file."""
    return household_rows(a1 + "0001", a1, [person("周正", "户主", 40)])


def check_nothing_written(actor, path, **kw):
    """Commit in batches of one household, so a valid first batch is written before the bad one."""
    before = table_counts()
    result = register_import(actor=actor, path=path, dry_run=False, batch_households=1, **kw)
    assert table_counts() == before
    return result


def fatal(actor, path, **kw) -> DomainError:
    before = table_counts()
    with pytest.raises(DomainError) as exc:
        register_import(actor=actor, path=path, dry_run=False, batch_households=1, **kw)
    assert table_counts() == before
    return exc.value


# --- file-level problems -------------------------------------------------------------------------------


def test_empty_file(personas, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert fatal(personas.village_a1, str(path)).message == "文件为空。"


def test_header_only_file_has_no_data_rows(personas, tmp_path):
    error = fatal(personas.village_a1, write_csv(tmp_path / "h.csv", []))
    assert "没有数据行" in error.message and error.row == 2


def test_wrong_sheet_is_named(personas, tmp_path, good):
    path = write_book(tmp_path / "w.xlsx", {"收入": (INCOME_HEADERS, [])})
    error = fatal(personas.village_a1, path)
    assert "找不到“农户成员”工作表" in error.message and "收入" in error.message


def test_first_sheet_with_other_content_reports_missing_columns(personas, tmp_path):
    path = write_book(tmp_path / "o.xlsx", {"Sheet1": (["序号", "名称"], [{"序号": 1, "名称": "x"}])})
    error = fatal(personas.village_a1, path)
    assert error.message.startswith("缺少必需的列：户编号、区划代码、姓名、身份证号、与户主关系。")
    assert error.row == 1


def test_missing_column(personas, tmp_path, good):
    headers = [h for h in HEADERS if h != "身份证号"]
    error = fatal(personas.village_a1, write_csv(tmp_path / "m.csv", good, headers))
    assert error.message.startswith("缺少必需的列：身份证号。")


def test_renamed_required_column(personas, tmp_path, good):
    rows = [{("名字" if k == "姓名" else k): v for k, v in r.items()} for r in good]
    headers = ["名字" if h == "姓名" else h for h in HEADERS]
    error = fatal(personas.village_a1, write_csv(tmp_path / "m.csv", rows, headers))
    assert error.message.startswith("缺少必需的列：姓名。")


def test_renamed_optional_column_is_not_silently_dropped(personas, tmp_path, good):
    rows = [{("地址" if k == "住址" else k): v for k, v in r.items()} for r in good]
    headers = ["地址" if h == "住址" else h for h in HEADERS]
    error = fatal(personas.village_a1, write_csv(tmp_path / "m.csv", rows, headers))
    assert error.message.startswith("无法识别的列：地址。")


def test_known_aliases_of_headers_are_accepted(personas, tmp_path, good):
    headers = ["身份证号码" if h == "身份证号" else h for h in HEADERS]
    rows = [{("身份证号码" if k == "身份证号" else k): v for k, v in r.items()} for r in good]
    result = run(personas.village_a1, write_csv(tmp_path / "m.csv", rows, headers))
    assert not result.errors and Member.objects.count() == 1


def test_over_long_cell_names_row_and_column(personas, tmp_path, good, a1):
    rows = good + household_rows(a1 + "0002", a1, [person("x" * 100_000, "户主", 30)])
    error = fatal(personas.village_a1, write_csv(tmp_path / "long.csv", rows))
    assert error.row == 3
    assert "第5列（姓名）内容过长（100000 个字符" in error.message


def test_over_long_cell_in_xlsx(personas, tmp_path, good, a1):
    rows = good + household_rows(a1 + "0002", a1, [person("张三", "户主", 30, 住址="路" * 100_000)])
    rows[1]["住址"] = "路" * 100_000
    path = write_book(tmp_path / "long.xlsx", {"农户成员": (HEADERS, rows)})
    error = fatal(personas.village_a1, path)
    assert error.row == 3 and "第3列（住址）内容过长" in error.message


def test_formula_cell_is_refused_with_its_cell_reference(personas, tmp_path, good, a1):
    rows = good + household_rows(a1 + "0002", a1, [person('=HYPERLINK("http://x")', "户主", 30)])
    path = tmp_path / "f.xlsx"
    write_book(path, {"农户成员": (HEADERS, rows)})
    error = fatal(personas.village_a1, str(path))
    assert "单元格 E3 含有公式" in error.message and error.row == 3


# --- encodings (these must import) ----------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig", "utf-8"])
def test_csv_encodings_are_detected(personas, tmp_path, a1, encoding):
    rows = household_rows(a1 + "0001", a1, [person("欧阳锋", "户主", 40, 民族="彝族")])
    result = run(personas.village_a1, write_csv(tmp_path / "e.csv", rows, encoding=encoding))
    assert not result.errors, messages(result)
    m = Member.objects.get()
    assert (m.name, m.ethnicity, m.household.household_no) == ("欧阳锋", "07", a1 + "0001")


# --- row errors -----------------------------------------------------------------------------------------


def row_error(personas, tmp_path, rows, headers=None, **kw) -> dict[int, str]:
    result = check_nothing_written(personas.village_a1, write_csv(tmp_path / "m.csv", rows, headers), **kw)
    assert result.errors
    return messages(result)


def test_bad_id_checksum(personas, tmp_path, good, a1):
    bad = person("吴用", "户主", 35)
    bad["身份证号"] = bad["身份证号"][:17] + ("0" if bad["身份证号"][17] != "0" else "1")
    errors = row_error(personas, tmp_path, good + household_rows(a1 + "0002", a1, [bad]))
    assert errors == {3: "“身份证号”列：身份证号校验位错误，请核对是否录错。"}


def test_id_and_birth_date_disagree(personas, tmp_path, good, a1):
    bad = person("吴用", "户主", 35, 出生日期="1990-01-01")
    headers = [*HEADERS, "出生日期"]
    errors = row_error(personas, tmp_path, good + household_rows(a1 + "0002", a1, [bad]), headers)
    assert errors[3].startswith("“出生日期”列：出生日期与身份证号不一致（身份证号为")


def test_id_and_sex_disagree(personas, tmp_path, good, a1):
    bad = person("吴用", "户主", 35, 性别="女")
    errors = row_error(personas, tmp_path, good + household_rows(a1 + "0002", a1, [bad]), [*HEADERS, "性别"])
    assert errors[3].startswith("“性别”列：性别与身份证号不一致")


def test_same_person_in_two_households_in_the_file(personas, tmp_path, good, a1):
    twin = dict(good[0], 与户主关系="之子", 户编号=a1 + "0002")
    rows = good + household_rows(a1 + "0002", a1, [person("孙二", "户主", 70), twin])
    errors = row_error(personas, tmp_path, rows)
    assert errors == {4: "“身份证号”列：与第2行是同一人（身份证号重复）：同一人只能属于一户、只能出现一次。"}


def test_same_person_twice_in_one_household(personas, tmp_path, a1):
    head = person("孙二", "户主", 70)
    rows = household_rows(a1 + "0001", a1, [head, dict(head, 与户主关系="之子")])
    errors = row_error(personas, tmp_path, rows)
    assert "与第2行是同一人" in errors[3] and "同一人" not in errors.get(2, "")


def test_same_person_already_registered_in_another_household(personas, tmp_path, good, a1):
    assert not run(personas.village_a1, write_csv(tmp_path / "first.csv", good)).errors
    moved = dict(good[0], 与户主关系="之子", 户编号=a1 + "0002")
    rows = household_rows(a1 + "0002", a1, [person("孙二", "户主", 70), moved])
    errors = row_error(personas, tmp_path, rows)
    assert errors == {
        3: f"“身份证号”列：该身份证号已在农户 {a1}0001 中登记，同一人只能属于一户；如需迁入请提交“成员转移”变更申请。"
    }


def test_registered_elsewhere_out_of_scope_does_not_reveal_the_household(personas, tmp_path, a1):
    b1 = personas.tree.village_b1.code
    other = household_rows(b1 + "0001", b1, [person("钱多", "户主", 44)])
    assert not run(personas.county_admin, write_csv(tmp_path / "b.csv", other)).errors
    rows = household_rows(a1 + "0001", a1, [dict(other[0], 户编号=a1 + "0001", 区划代码=a1)])
    errors = row_error(personas, tmp_path, rows)
    assert "其他农户（不在您的管辖范围内）" in errors[2] and b1 not in errors[2]


def test_two_heads_flags_both_rows(personas, tmp_path, good, a1):
    rows = good + household_rows(
        a1 + "0002", a1, [person("甲", "户主", 50), person("乙", "户主", 48, male=False)]
    )
    errors = row_error(personas, tmp_path, rows)
    expected = "“与户主关系”列：每户应有且只有 1 名户主，当前有 2 名。"
    assert errors == {3: expected, 4: expected}


def test_no_head(personas, tmp_path, good, a1):
    rows = good + household_rows(a1 + "0002", a1, [person("甲", "配偶", 50), person("乙", "之子", 20)])
    assert row_error(personas, tmp_path, rows) == {
        3: "“与户主关系”列：每户应有且只有 1 名户主，当前有 0 名。"
    }


def test_negative_income_on_the_member_sheet(personas, tmp_path, good, a1):
    rows = good + household_rows(
        a1 + "0002", a1, [person("甲", "户主", 50)], 收入年度="2020", 工资性收入="-100"
    )
    errors = row_error(personas, tmp_path, rows, [*HEADERS, "收入年度", "工资性收入"])
    assert errors == {3: "“工资性收入”列：不能为负数。"}


def test_negative_income_on_the_income_sheet(personas, tmp_path, good, a1):
    income = [{"户编号": a1 + "0001", "年度": 2020, "工资性收入": 100, "生产经营性支出": -5}]
    path = write_book(tmp_path / "b.xlsx", {"农户成员": (HEADERS, good), "收入": (INCOME_HEADERS, income)})
    result = check_nothing_written(personas.village_a1, path)
    assert messages(result, "income") == {2: "“生产经营性支出”列：不能为负数。"}


def test_future_dates(personas, tmp_path, good, a1):
    later = TODAY + datetime.timedelta(days=30)
    rows = good + household_rows(a1 + "0002", a1, [person("甲", "户主", 50, 入户日期=later.isoformat())])
    errors = row_error(personas, tmp_path, rows, [*HEADERS, "入户日期"])
    assert errors == {3: f"“入户日期”列：日期 {later:%Y-%m-%d} 晚于今天。"}


def test_birth_date_in_the_future_inside_the_id(personas, tmp_path, good, a1):
    first = f"513401{TODAY.year + 1}0101001"
    bad = person("甲", "户主", 50)
    bad["身份证号"] = first + check_char(first)
    errors = row_error(personas, tmp_path, good + household_rows(a1 + "0002", a1, [bad]))
    assert errors == {3: "“身份证号”列：身份证号中的出生日期不合理。"}


def test_income_year_in_the_future(personas, tmp_path, good, a1):
    income = [{"户编号": a1 + "0001", "年度": TODAY.year + 1, "工资性收入": 100}]
    path = write_book(tmp_path / "b.xlsx", {"农户成员": (HEADERS, good), "收入": (INCOME_HEADERS, income)})
    result = check_nothing_written(personas.village_a1, path)
    assert messages(result, "income") == {
        2: f"“年度”列：应在 2010–{TODAY.year} 之间，当前为 {TODAY.year + 1}。"
    }


def test_script_tag_in_a_name(personas, tmp_path, good, a1):
    rows = good + household_rows(a1 + "0002", a1, [person("<script>alert(1)</script>", "户主", 50)])
    errors = row_error(personas, tmp_path, rows)
    assert errors[3].startswith("“姓名”列：“姓名”含有不允许的字符")


def test_unknown_code_names_the_allowed_values(personas, tmp_path, good, a1):
    rows = good + household_rows(a1 + "0002", a1, [person("甲", "户主", 50)], 主要致贫原因="因穷")
    errors = row_error(personas, tmp_path, rows)
    assert errors[3].startswith("“主要致贫原因”列：“因穷”不在代码表中（可填代码或名称，如：因病、因残")


def test_rows_of_a_household_must_be_contiguous(personas, tmp_path, good, a1):
    rows = (
        good
        + household_rows(a1 + "0002", a1, [person("甲", "户主", 50)])
        + [dict(person("乙", "之子", 20), 户编号=a1 + "0001")]
    )
    errors = row_error(personas, tmp_path, rows)
    assert errors == {
        4: f"“户编号”列：户编号 {a1}0001 已在第2行出现：同一户的各行应连续排列，不同的户不能使用相同户编号。"
    }


def test_household_values_that_disagree_between_rows(personas, tmp_path, a1):
    rows = household_rows(a1 + "0001", a1, repeat=True)
    rows[1]["住址"] = "别处"
    errors = row_error(personas, tmp_path, rows)
    assert errors == {3: "“住址”列：与本户第2行填写的不一致（户级信息每户只能有一个值，可只在户主行填写）。"}


def test_warning_without_override_reason_blocks_and_with_reason_passes(personas, tmp_path, a1):
    rows = household_rows(a1 + "0001", a1, [person("甲", "户主", 50)], 主要致贫原因="因病")
    errors = row_error(personas, tmp_path, rows)
    assert "没有长期慢性病或患大病的成员" in errors[2] and "预警说明" in errors[2]
    rows[0]["预警说明"] = "户主长期腰伤，未办理慢病卡"
    result = run(personas.village_a1, write_csv(tmp_path / "ok.csv", rows, [*HEADERS, "预警说明"]))
    assert not result.errors, messages(result)
    h = Household.objects.get()
    assert h.warning_override["codes"] == ["cause_illness"] and h.warning_override["reason"].startswith(
        "户主"
    )


def test_income_for_an_unknown_household_and_a_repeated_year(personas, tmp_path, good, a1):
    income = [
        {"户编号": a1 + "0001", "年度": 2020, "工资性收入": 100},
        {"户编号": a1 + "0001", "年度": 2020, "工资性收入": 200},
        {"户编号": a1 + "0099", "年度": 2020, "工资性收入": 100},
    ]
    path = write_book(tmp_path / "b.xlsx", {"农户成员": (HEADERS, good), "收入": (INCOME_HEADERS, income)})
    result = check_nothing_written(personas.village_a1, path)
    errors = messages(result, "income")
    assert errors[3] == f"“年度”列：户编号 {a1}0001 的 2020 年收入已在收入表第2行填写。"
    assert errors[4] == f"“户编号”列：找不到户编号 {a1}0099：它既不在成员表中，也未在系统中登记。"


def test_error_workbook_has_the_original_rows_and_an_explanation(personas, tmp_path, good, a1):
    bad = person("吴用", "户主", 35)
    bad["身份证号"] = bad["身份证号"][:17] + ("0" if bad["身份证号"][17] != "0" else "1")
    rows = good + household_rows(a1 + "0002", a1, [bad])
    result = run(personas.village_a1, write_csv(tmp_path / "m.csv", rows), dry_run=True)
    wb = openpyxl.load_workbook(io.BytesIO(error_workbook_bytes(result)))
    ws = wb["农户成员错误"]
    table = list(ws.iter_rows(values_only=True))
    assert table[0] == ("行号", *HEADERS, "错误说明")
    assert len(table) == 2  # only the row with the error
    assert table[1][0] == 3 and table[1][5] == "吴用" and table[1][6] == bad["身份证号"]
    assert table[1][-1] == "第3行：“身份证号”列：身份证号校验位错误，请核对是否录错。"
    assert Household.objects.count() == 0


def test_over_long_cell_in_the_income_sheet_names_the_sheet(personas, tmp_path, good, a1):
    income = [{"户编号": a1 + "0001", "年度": 2020, "工资性收入": "9" * 100_000}]
    path = write_book(tmp_path / "b.xlsx", {"农户成员": (HEADERS, good), "收入": (INCOME_HEADERS, income)})
    error = fatal(personas.village_a1, path)
    assert error.row == 2 and error.message.startswith("收入表：第3列（工资性收入）内容过长")
