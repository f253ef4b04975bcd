"""Helpers shared by the import tests (real files written to tmp_path), and the template's own tests."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest

from jingzhun.core.models import AuditEvent
from jingzhun.register.codes import sync_code_lists
from jingzhun.register.importing import register_import
from jingzhun.register.importing_columns import HELP_SHEET, INCOME_SHEET, MEMBER_COLUMNS, MEMBER_SHEET
from jingzhun.register.importing_template import template_bytes
from jingzhun.register.models import (
    Household,
    HouseholdIncome,
    HouseholdVersion,
    IncomeTransfer,
    Member,
)

from .factories import id_number

HEADERS = [
    "户编号",
    "区划代码",
    "住址",
    "主要致贫原因",
    "姓名",
    "身份证号",
    "与户主关系",
    "民族",
    "文化程度",
    "在校生状况",
    "健康状况",
    "劳动技能",
]
INCOME_HEADERS = [
    "户编号",
    "年度",
    "工资性收入",
    "生产经营性收入",
    "财产性收入",
    "转移性收入",
    "生产经营性支出",
]


def ages():
    return datetime.date.today().year


def person(name, relation, age, male=True, **extra) -> dict:
    y = ages()
    return {
        "姓名": name,
        "身份证号": id_number(datetime.date(y - age, 3, 1), male),
        "与户主关系": relation,
        "民族": "汉族",
        "文化程度": "初中" if age >= 16 else "小学",
        "在校生状况": "非在校生" if age >= 16 else "七年级",
        "健康状况": "健康",
        "劳动技能": "普通劳动力" if age >= 16 else "无劳动力",
        **extra,
    }


def household_rows(no: str, area_code: str, people=None, *, repeat: bool = False, **household) -> list[dict]:
    """Rows of one household; household columns on the head's row only unless ``repeat``."""
    people = people or [
        person("张三丰", "户主", 45),
        person("李梅", "配偶", 43, male=False),
        person("张小丽", "之女", 13, male=False),
    ]
    values = {
        "户编号": no,
        "区划代码": area_code,
        "住址": "一组 12 号",
        "主要致贫原因": "缺技术",
        **household,
    }
    rows = []
    for i, p in enumerate(people):
        row = {"户编号": no, **p}
        if i == 0 or repeat:
            row.update(values)
        rows.append(row)
    return rows


def write_csv(path, rows: list[dict], headers=None, encoding="utf-8") -> str:
    headers = headers or HEADERS
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    path.write_bytes(buf.getvalue().encode(encoding))
    return str(path)


def write_book(path, sheets: dict[str, tuple[list[str], list[dict]]]) -> str:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, (headers, rows) in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(headers)
        for row in rows:
            ws.append([row.get(h, "") for h in headers])
    wb.save(path)
    return str(path)


def table_counts() -> dict[str, int]:
    return {
        "households": Household.objects.count(),
        "members": Member.objects.count(),
        "incomes": HouseholdIncome.objects.count(),
        "transfers": IncomeTransfer.objects.count(),
        "versions": HouseholdVersion.objects.count(),
        "imports": AuditEvent.objects.filter(action="household.import").count(),
    }


def run(actor, path, *, dry_run=False, income=None):
    return register_import(actor=actor, path=path, income_path=income, dry_run=dry_run, file_name="test")


def messages(result, sheet="members") -> dict[int, str]:
    return {row: "；".join(m) for row, m in result.errors.rows.get(sheet, {}).items()}


@pytest.fixture
def codes(db):
    sync_code_lists()


# --- the template --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_template_has_chinese_headers_an_explanation_and_every_code_list(codes, tmp_path):
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    assert wb.sheetnames[:3] == [MEMBER_SHEET, INCOME_SHEET, HELP_SHEET]
    headers = [c.value for c in wb[MEMBER_SHEET][1]]
    assert headers[:2] == ["户编号*", "区划代码*"]
    assert "身份证号*" in headers and "与户主关系*" in headers and "收入年度" in headers
    assert wb[MEMBER_SHEET].max_row == 1  # no example rows that would be imported by mistake
    help_rows = [[c.value for c in row] for row in wb[HELP_SHEET].iter_rows()]
    cause = next(r for r in help_rows if r[0] == "主要致贫原因")
    assert "1 因病" in cause[4] and cause[5] == "因病"
    relation = next(r for r in help_rows if r[0] == "与户主关系")
    assert relation[1] == "必填" and "01 户主" in relation[4]
    assert any("连续排列" in (r[0] or "") for r in help_rows)
    codes_rows = {(r[0], r[1], r[2]) for r in wb["代码表"].iter_rows(min_row=2, values_only=True)}
    assert ("致贫原因", "11", "自身发展动力不足") in codes_rows
    assert len({c.header for c in MEMBER_COLUMNS}) == len(MEMBER_COLUMNS)


@pytest.mark.django_db
def test_template_lists_a_code_an_admin_added(codes):
    from jingzhun.register.models import CodeItem

    CodeItem.objects.create(kind="cause", code="12", name="因婚", sort=20)
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    codes_rows = {(r[1], r[2]) for r in wb["代码表"].iter_rows(min_row=2, values_only=True)}
    assert ("12", "因婚") in codes_rows


@pytest.mark.django_db
def test_blank_template_uploaded_as_is_reports_no_data_rows(codes, personas, tmp_path):
    path = tmp_path / "模板.xlsx"
    path.write_bytes(template_bytes())
    from jingzhun.core.errors import DomainError

    with pytest.raises(DomainError) as exc:
        run(personas.county_admin, str(path), dry_run=True)
    assert "没有数据行" in exc.value.message
