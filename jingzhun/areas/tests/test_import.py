"""Importing township / village / group lists: valid files, re-import, dry run, every kind of bad input
(all-or-nothing), and the page → background job → error workbook path."""

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jingzhun.areas.models import Area
from jingzhun.areas.services import IMPORT_ALIASES, area_import
from jingzhun.core.choices import JobState
from jingzhun.core.errors import DomainError
from jingzhun.core.models import AuditEvent, Job
from jingzhun.core.tabular import read_table
from jingzhun.core.testing import make_user, run_worker

HEADER = ["统计用区划代码", "名称", "城乡分类代码"]
VALID = [
    ["513498300000", "丙乡", ""],
    ["513498300201", "丙一村", "220"],
    ["513498300202", "丙二村", "220"],
    ["513498300201001", "一组", ""],
    ["513498300201002", "二组", ""],
    ["513498100203", "甲三村", "220"],  # under the existing 甲镇
]


def csv_file(tmp_path, rows, header=HEADER, encoding="utf-8", name="list.csv"):
    path = tmp_path / name
    lines = [",".join(header), *(",".join(r) for r in rows)]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def xlsx_file(tmp_path, rows, header=HEADER, name="list.xlsx"):
    wb = openpyxl.Workbook()
    wb.active.append(header)
    for r in rows:
        wb.active.append(r)
    path = tmp_path / name
    wb.save(path)
    return path


def run_import(actor, path, dry_run=False):
    """As the import job does: read the table, then import. Returns (result, [(row, message)])."""
    try:
        table = read_table(path, required=["统计用区划代码", "名称"], aliases=IMPORT_ALIASES)
        result = area_import(actor=actor, table=table, dry_run=dry_run)
    except DomainError as exc:
        return None, [(exc.row, str(exc))]
    return result, [(n, m) for n, _values, m in result.errors]


def codes_under(area):
    return set(Area.objects.filter(path__startswith=area.path).values_list("code", flat=True))


# --- valid files ---------------------------------------------------------------------------------------


def test_valid_csv_creates_townships_villages_and_groups(tmp_path, personas):
    t = personas.tree
    result, errors = run_import(personas.county_admin, csv_file(tmp_path, VALID))
    assert errors == []
    assert (result.rows, result.created, result.updated) == (6, 6, 0)
    bing = Area.objects.get(code="513498300000")
    assert (bing.level, bing.path, bing.parent) == ("township", "513498300", t.county)
    village = Area.objects.get(code="513498300201")
    assert (village.level, village.parent, village.urban_rural_class) == ("village", bing, "220")
    group = Area.objects.get(code="513498300201002")
    assert (group.level, group.path, group.parent, group.name) == (
        "group",
        "513498300201002",
        village,
        "二组",
    )
    assert Area.objects.get(code="513498100203").parent == t.township_a
    event = AuditEvent.objects.get(action="area.import")
    assert event.actor == personas.county_admin
    assert event.after == {"rows": 6, "created": 6, "updated": 0}


def test_nine_digit_township_code_is_completed_to_twelve(tmp_path, personas):
    _result, errors = run_import(personas.county_admin, csv_file(tmp_path, [["513498300", "丙乡", ""]]))
    assert errors == []
    assert Area.objects.get(code="513498300000").level == "township"


def test_reimport_updates_names_instead_of_duplicating(tmp_path, personas):
    run_import(personas.county_admin, csv_file(tmp_path, VALID))
    count = Area.objects.count()
    renamed = [list(r) for r in VALID]
    renamed[1][1] = "丙一新村"
    renamed[3][1] = "第一组"
    result, errors = run_import(personas.county_admin, csv_file(tmp_path, renamed, name="again.csv"))
    assert errors == []
    assert (result.created, result.updated) == (0, 2)
    assert Area.objects.count() == count
    assert Area.objects.get(code="513498300201").name == "丙一新村"
    assert Area.objects.get(code="513498300201001").name == "第一组"
    update = AuditEvent.objects.filter(action="area.import_update").get(
        target_id=str(Area.objects.get(code="513498300201").pk)
    )
    assert update.before == {"name": "丙一村", "urban_rural_class": "220"}
    assert update.after == {"name": "丙一新村", "urban_rural_class": "220"}


def test_xlsx_with_numeric_codes_imports(tmp_path, personas):
    path = xlsx_file(tmp_path, [[513498300000, "丙乡", None], [513498300201, "丙一村", 220]])
    result, errors = run_import(personas.county_admin, path)
    assert errors == [] and result.created == 2
    assert Area.objects.get(code="513498300201").urban_rural_class == "220"


def test_aliased_headers_are_accepted(tmp_path, personas):
    path = csv_file(tmp_path, [["513498300000", "丙乡"]], header=["区划代码", "单位名称"])
    result, errors = run_import(personas.county_admin, path)
    assert errors == [] and result.created == 1


def test_township_admin_imports_villages_and_groups_under_its_township(tmp_path, personas):
    rows = [["513498100203", "甲三村", "220"], ["513498100203001", "一组", ""]]
    result, errors = run_import(personas.township_a, csv_file(tmp_path, rows))
    assert errors == [] and result.created == 2
    assert Area.objects.for_user(personas.township_a).filter(code="513498100203001").exists()


def test_dry_run_validates_everything_and_writes_nothing(tmp_path, personas):
    areas, events = Area.objects.count(), AuditEvent.objects.count()
    result, errors = run_import(personas.county_admin, csv_file(tmp_path, VALID), dry_run=True)
    assert errors == []
    assert result.rows == 6 and result.created == 0
    assert Area.objects.count() == areas
    assert AuditEvent.objects.count() == events


# --- bad input: a clear Chinese error naming the row, and nothing written ---------------------------------

GOOD_ROW = ["513498300000", "丙乡", ""]


def _csv(rows, **kw):
    return lambda tmp_path: csv_file(tmp_path, rows, **kw)


def _raw(data: bytes, name="bad.csv"):
    def make(tmp_path):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return make


BAD_FILES = {
    "empty file": (_raw(b""), None, "文件为空"),
    "garbage bytes": (_raw(bytes(range(128, 256)) * 10), None, "无法识别文件编码"),
    "missing 名称 column": (_csv([["513498300000"]], header=["统计用区划代码"]), 1, "缺少必需的列：名称"),
    "ten-digit code": (_csv([GOOD_ROW, ["5134983002", "丙一村", "220"]]), 3, "应为 12 位数字"),
    "letters in code": (_csv([GOOD_ROW, ["51349830020A", "丙一村", "220"]]), 3, "应为 12 位数字"),
    "no such parent": (_csv([GOOD_ROW, ["513498400201", "丁一村", "220"]]), 3, "找不到上级区划"),
    "group without village": (_csv([GOOD_ROW, ["513498300299001", "一组", ""]]), 3, "找不到上级区划"),
    "duplicate code": (
        _csv([GOOD_ROW, ["513498300201", "丙一村", ""], ["513498300201", "丙二村", ""]]),
        4,
        "与第3行重复",
    ),
    "duplicate 9/12-digit": (_csv([GOOD_ROW, ["513498300", "丙乡", ""]]), 3, "与第2行重复"),
    "empty name": (_csv([GOOD_ROW, ["513498300201", "", "220"]]), 3, "“名称”不能为空"),
    "script in name": (
        _csv([GOOD_ROW, ["513498300201", "<script>alert(1)</script>", ""]]),
        3,
        "不允许的字符",
    ),
    "name too long": (_csv([GOOD_ROW, ["513498300201", "长" * 101, ""]]), 3, "“名称”过长"),
    "bad urban-rural class": (_csv([GOOD_ROW, ["513498300201", "丙一村", "999"]]), 3, "城乡分类代码"),
    "100K-char cell": (_csv([GOOD_ROW, ["513498300201", "丙一村", "x" * 100_000]]), 3, "内容过长"),
    "under another county": (_csv([GOOD_ROW, ["513497100000", "邻县某镇", ""]]), 3, "不在您的管理范围内"),
    "county digits fall back to city": (_csv([GOOD_ROW, ["513496100000", "某镇", ""]]), 3, "找不到上级区划"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_gives_a_row_error_and_writes_nothing(tmp_path, personas, case):
    make, row, message = BAD_FILES[case]
    areas, events = Area.objects.count(), AuditEvent.objects.count()
    _result, errors = run_import(personas.county_admin, make(tmp_path))
    assert len(errors) == 1, errors
    assert errors[0][0] == row
    assert message in errors[0][1]
    assert Area.objects.count() == areas
    assert AuditEvent.objects.count() == events
    assert not Area.objects.filter(code="513498300000").exists()  # the good row was not written either


def test_xlsx_formula_cell_is_refused_naming_the_row(tmp_path, personas):
    path = xlsx_file(tmp_path, [GOOD_ROW, ["513498300201", '=CONCAT("丙","一村")', "220"]])
    areas = Area.objects.count()
    _result, errors = run_import(personas.county_admin, path)
    assert errors[0][0] == 3 and "公式" in errors[0][1]
    assert Area.objects.count() == areas


def test_township_admin_cannot_import_under_another_township(tmp_path, personas):
    rows = [["513498100203", "甲三村", "220"], ["513498200205", "乙五村", "220"]]
    areas = Area.objects.count()
    _result, errors = run_import(personas.township_a, csv_file(tmp_path, rows))
    assert errors == [(3, "上级区划不在您的管理范围内。")]
    assert Area.objects.count() == areas


def test_township_admin_cannot_rename_another_townships_village(tmp_path, personas):
    _result, errors = run_import(personas.township_a, csv_file(tmp_path, [["513498200201", "改名村", "220"]]))
    assert errors == [(2, "该区划不在您的管理范围内。")]
    assert Area.objects.get(code="513498200201").name == "乙一村"


def test_township_admin_can_rename_its_own_township_and_empty_class_keeps_the_old_one(tmp_path, personas):
    result, errors = run_import(
        personas.township_a, csv_file(tmp_path, [["513498100000", "甲镇（新）", ""]]), dry_run=False
    )
    assert errors == [] and result.updated == 1
    township = Area.objects.get(code="513498100000")
    assert township.name == "甲镇（新）"
    village = Area.objects.get(code="513498100201")
    run_import(personas.township_a, csv_file(tmp_path, [["513498100201", "甲一村", ""]]), dry_run=False)
    village.refresh_from_db()
    assert village.urban_rural_class == "220"


def test_township_admin_cannot_create_a_township(tmp_path, personas):
    _result, errors = run_import(personas.township_a, csv_file(tmp_path, [GOOD_ROW]))
    assert errors == [(2, "上级区划不在您的管理范围内。")]


def test_every_bad_row_is_reported_not_just_the_first(tmp_path, personas):
    rows = [["5134983002", "a", ""], GOOD_ROW, ["513498300201", "", ""], ["513498300202", "<b>", ""]]
    _result, errors = run_import(personas.county_admin, csv_file(tmp_path, rows))
    assert [row for row, _m in errors] == [2, 4, 5]


# --- through the page and the worker ----------------------------------------------------------------------


def upload(client, area, path, dry_run=False):
    with open(path, "rb") as fh:
        data = {"file": fh, **({"dry_run": "on"} if dry_run else {})}
        response = client.post(f"/areas/{area.code}/import/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    job_id = re.search(r"/jobs/([0-9a-f-]{36})/", response["Location"]).group(1)
    return Job.objects.get(pk=job_id)


@pytest.mark.django_db(transaction=True)
def test_bad_upload_fails_the_job_and_offers_the_error_workbook(tmp_path, client_for, personas):
    client = client_for(personas.county_admin)
    rows = [GOOD_ROW, ["5134983002", "丙一村", "220"], ["513498300202", "<script>", ""]]
    areas = Area.objects.count()
    job = upload(client, personas.tree.county, csv_file(tmp_path, rows, encoding="gbk"))

    run_worker()

    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "2 行有错误，未写入任何数据" in job.message
    assert [e["row"] for e in job.errors] == [3, 4]
    assert Area.objects.count() == areas
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "第3行" in page and 'data-testid="job-download"' in page
    response = client.get(f"/jobs/{job.pk}/download/")
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    table = [list(r) for r in ws.iter_rows(values_only=True)]
    assert table[0] == ["行号", *HEADER, "错误说明"]
    assert table[1][:4] == [3, "5134983002", "丙一村", "220"]
    assert "应为 12 位数字" in table[1][4]
    assert table[2][:3] == [4, "513498300202", "<script>"]
    assert "不允许的字符" in table[2][4]


@pytest.mark.django_db(transaction=True)
def test_upload_missing_a_column_fails_the_job_with_the_reason(tmp_path, client_for, personas):
    client = client_for(personas.county_admin)
    job = upload(
        client, personas.tree.county, csv_file(tmp_path, [["513498300000"]], header=["统计用区划代码"])
    )
    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "缺少必需的列：名称" in job.message


@pytest.mark.django_db(transaction=True)
def test_dry_run_upload_succeeds_without_writing_then_real_upload_writes(tmp_path, client_for, personas):
    client = client_for(personas.county_admin)
    path = xlsx_file(tmp_path, VALID)
    dry = upload(client, personas.tree.county, path, dry_run=True)
    run_worker()
    dry.refresh_from_db()
    assert dry.state == JobState.SUCCEEDED and "校验通过" in dry.message
    assert not Area.objects.filter(code="513498300000").exists()

    real = upload(client, personas.tree.county, path)
    run_worker()
    real.refresh_from_db()
    assert real.state == JobState.SUCCEEDED, real.message
    assert real.result["created"] == 6
    assert "513498300201002" in codes_under(personas.tree.county)


@pytest.mark.django_db
def test_import_page_refuses_other_file_types_in_chinese(client_for, personas):
    client = client_for(personas.county_admin)
    upload = SimpleUploadedFile("名单.docx", b"PK\x03\x04")
    response = client.post(f"/areas/{personas.tree.county.code}/import/", {"file": upload, "dry_run": "on"})
    assert response.status_code == 200
    assert "只支持 xlsx 或 csv 文件。" in response.content.decode()
    assert Job.objects.count() == 0


@pytest.mark.django_db
def test_import_page_is_refused_without_the_import_capability(client_for, personas):
    assert (
        client_for(personas.village_a1).get(f"/areas/{personas.tree.village_a1.code}/import/").status_code
        == 403
    )
    other = make_user("department2", "department", personas.tree.county)
    assert client_for(other).get(f"/areas/{personas.tree.county.code}/import/").status_code == 403
