"""read_table on real files: encodings, empty and malformed files, formulas, over-long cells; the
error workbook and formula neutralisation on export."""

import io
import zipfile

import openpyxl
import pytest

from jingzhun.core.errors import DomainError
from jingzhun.core.tabular import MAX_CELL, error_workbook, read_table, row_dicts, safe_cell, write_xlsx

HEADERS = ["统计用区划代码", "名称", "城乡分类代码"]
ROWS = [["513498100201", "青石村", "220"], ["513498100202", "龙溪村", "220"]]


def write_csv(tmp_path, encoding, rows=ROWS, headers=HEADERS, name="t.csv"):
    text = "\r\n".join(",".join(r) for r in [headers, *rows]) + "\r\n"
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def write_book(tmp_path, rows, name="t.xlsx"):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


def read_all(path, **kwargs):
    table = read_table(path, **kwargs)
    return table.headers, list(table.rows)


def refused(path, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as info:
        read_all(path, **kwargs)
    return info.value


# --- encodings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_common_chinese_encoding_reads_the_same_headers_and_rows(tmp_path, encoding):
    headers, rows = read_all(write_csv(tmp_path, encoding), required=["统计用区划代码", "名称"])
    assert headers == HEADERS
    assert rows == [(2, ROWS[0]), (3, ROWS[1])]


def test_utf8_bom_does_not_stick_to_the_first_header(tmp_path):
    path = write_csv(tmp_path, "utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    headers, _rows = read_all(path)
    assert headers[0] == "统计用区划代码"


def test_gb18030_only_characters_survive(tmp_path):
    # 𠀀 (U+20000) is outside GBK; GB18030 encodes it in four bytes.
    path = write_csv(tmp_path, "gb18030", rows=[["513498100201", "𠀀村", "220"]])
    _headers, rows = read_all(path)
    assert rows[0][1][1] == "𠀀村"


def test_csv_larger_than_the_detection_sample_is_read_completely(tmp_path):
    rows = [[f"513498100{i:03d}", "名" * 20, "220"] for i in range(1, 1000)] * 30
    path = write_csv(tmp_path, "gbk", rows=rows)
    assert path.stat().st_size > 1 << 20
    _headers, read = read_all(path)
    assert len(read) == len(rows)
    assert read[-1][1] == rows[-1]


def test_garbage_bytes_are_refused_as_unknown_encoding(tmp_path):
    path = tmp_path / "garbage.csv"
    path.write_bytes(bytes(range(128, 256)) * 20)
    error = refused(path)
    assert "无法识别文件编码" in error.message
    assert error.field == "file"


# --- empty, header-only, headers ---------------------------------------------------------------------


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert refused(path).message == "文件为空。"


def test_empty_xlsx_sheet_is_refused(tmp_path):
    error = refused(write_book(tmp_path, []))
    assert "是空的" in error.message


def test_header_only_file_has_no_rows(tmp_path):
    headers, rows = read_all(write_csv(tmp_path, "utf-8", rows=[]))
    assert headers == HEADERS
    assert rows == []


def test_blank_first_line_is_refused_as_missing_header(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("\n513498100201,青石村\n", encoding="utf-8")
    error = refused(path)
    assert error.row == 1
    assert "表头" in error.message


def test_missing_required_column_is_named_in_chinese(tmp_path):
    path = write_csv(
        tmp_path, "utf-8", headers=["统计用区划代码", "城乡分类代码"], rows=[["513498100201", "220"]]
    )
    error = refused(path, required=["统计用区划代码", "名称"])
    assert error.row == 1
    assert "缺少必需的列：名称" in error.message


def test_aliases_map_other_spellings_to_the_canonical_header(tmp_path):
    path = write_csv(tmp_path, "utf-8", headers=["区划代码", "单位名称", "城乡分类代码"])
    headers, _rows = read_all(
        path, required=["统计用区划代码", "名称"], aliases={"区划代码": "统计用区划代码", "单位名称": "名称"}
    )
    assert headers == HEADERS


def test_duplicate_header_is_refused(tmp_path):
    path = write_csv(tmp_path, "utf-8", headers=["统计用区划代码", "名称", "名称"])
    error = refused(path)
    assert error.row == 1
    assert "表头“名称”重复出现" in error.message


def test_blank_rows_are_skipped_and_row_numbers_kept(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("统计用区划代码,名称\n513498100201,青石村\n,\n513498100202,龙溪村\n", encoding="utf-8")
    table = read_table(path)
    assert list(row_dicts(table)) == [
        (2, {"统计用区划代码": "513498100201", "名称": "青石村"}),
        (4, {"统计用区划代码": "513498100202", "名称": "龙溪村"}),
    ]


# --- xlsx ---------------------------------------------------------------------------------------------


def test_xlsx_numbers_come_back_as_plain_digit_strings(tmp_path):
    path = write_book(tmp_path, [HEADERS, [513498100201, "青石村", 220], [513498100201001, "一组", None]])
    _headers, rows = read_all(path)
    assert rows == [(2, ["513498100201", "青石村", "220"]), (3, ["513498100201001", "一组", ""])]


def test_xlsx_with_a_formula_cell_is_refused_naming_the_cell(tmp_path):
    path = write_book(
        tmp_path, [HEADERS, ["513498100201", "青石村", "220"], ["513498100202", '=A2&"x"', "220"]]
    )
    error = refused(path)
    assert "公式" in error.message
    assert "B3" in error.message
    assert error.row == 3


def test_not_a_zip_xlsx_is_refused(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes("统计用区划代码,名称\n".encode())
    error = refused(path)
    assert "无法读取 Excel 文件" in error.message


def test_unknown_extension_is_refused(tmp_path):
    path = tmp_path / "list.docx"
    path.write_bytes(b"PK\x03\x04 not really")
    assert refused(path).message == "只支持 xlsx 或 csv 文件。"


# --- over-long cells ----------------------------------------------------------------------------------


def test_csv_cell_of_100000_characters_is_refused_with_its_row(tmp_path):
    rows = [ROWS[0], ["513498100202", "长" * 100_000, "220"]]
    error = refused(write_csv(tmp_path, "utf-8", rows=rows))
    assert error.row == 3
    assert "第2列内容过长" in error.message
    assert str(error).startswith("第3行：")


def test_xlsx_cell_longer_than_the_limit_is_refused_with_its_row(tmp_path):
    path = write_book(tmp_path, [HEADERS, ["513498100201", "长" * (MAX_CELL + 1), "220"]])
    error = refused(path)
    assert error.row == 2
    assert f"最多 {MAX_CELL}" in error.message


def test_cell_at_the_limit_is_accepted(tmp_path):
    _headers, rows = read_all(write_csv(tmp_path, "utf-8", rows=[["513498100201", "名" * MAX_CELL, "220"]]))
    assert len(rows[0][1][1]) == MAX_CELL


# --- writing ------------------------------------------------------------------------------------------


def test_error_workbook_has_row_number_original_columns_and_error_column():
    data = error_workbook(HEADERS, [(3, ["51349810020", "青石村", "220"], "代码应为 12 位数字")])
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert ws.title == "错误清单"
    assert rows[0] == ["行号", *HEADERS, "错误说明"]
    assert rows[1] == [3, "51349810020", "青石村", "220", "代码应为 12 位数字"]


@pytest.mark.parametrize("payload", ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3", "@SUM(A1)"])
def test_safe_cell_neutralises_formula_payloads(payload):
    assert safe_cell(payload) == "'" + payload


@pytest.mark.parametrize("value", ["-5", "+3.5", "青石村", 42, None])
def test_safe_cell_leaves_numbers_and_text_alone(value):
    assert safe_cell(value) == value


def test_exported_workbook_contains_no_formula(tmp_path):
    data = write_xlsx([("清单", ["名称"], [["=cmd|' /C calc'!A0"], ["正常"]])])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws["A2"].value == "'=cmd|' /C calc'!A0"
    assert ws["A2"].data_type == "s"
