"""全年缺水天数 (供水保证率) in the register: import column, entry form, service rule, API, pages, export."""

import io

import openpyxl
import pytest

from jingzhun.register.exporting import HOUSEHOLD_HEADERS, export_households
from jingzhun.register.importing_template import template_bytes
from jingzhun.register.models import Household, HouseholdVersion
from jingzhun.register.services import RegisterValidationError, household_update

from .test_import_common import HEADERS, household_rows, messages, person, run, table_counts, write_csv
from .test_pages_common import code_lists, unregistered  # noqa: F401

pytestmark = pytest.mark.django_db
COLUMNS = [*HEADERS, "全年缺水天数"]


def _import(personas, tmp_path, *values):
    a1 = personas.tree.village_a1.code
    rows = []
    for i, value in enumerate(values, start=1):
        rows += household_rows(f"{a1}{i:04d}", a1, [person(f"户主{i}", "户主", 40 + i)], 全年缺水天数=value)
    return run(personas.village_a1, write_csv(tmp_path / "w.csv", rows, COLUMNS))


def test_import_stores_the_days_and_blank_stays_not_measured(personas, tmp_path):
    result = _import(personas, tmp_path, "36", "", "0")
    assert not result.errors, result.errors.rows
    got = dict(Household.objects.values_list("head_name", "water_short_days"))
    assert got == {"户主1": 36, "户主2": None, "户主3": 0}
    version = HouseholdVersion.objects.get(household__head_name="户主1")
    assert version.data["water_short_days"] == 36


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("367", "“全年缺水天数”列：应在 0–366 之间，当前为 367。"),
        ("-1", "“全年缺水天数”列：应在 0–366 之间，当前为 -1。"),
        ("十天", "“全年缺水天数”列：“十天”不是整数。"),
    ],
)
def test_import_bad_days_gives_a_chinese_row_error_and_writes_nothing(personas, tmp_path, value, message):
    before = table_counts()
    result = _import(personas, tmp_path, "5", value)
    assert messages(result) == {3: message}
    assert table_counts() == before


def test_template_explains_the_column(code_lists):  # noqa: F811
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    assert "全年缺水天数" in [c.value for c in wb["农户成员"][1]]
    row = next(r for r in wb["填写说明"].iter_rows(values_only=True) if r[0] == "全年缺水天数")
    assert "供水保证率" in row[3] and "整数，0–366" in row[4]


def test_edit_form_saves_the_days_and_the_pages_show_them(client_for, personas):
    h = unregistered(personas)
    client = client_for(personas.village_a1)
    form = client.get(f"/register/{h.pk}/edit/").content.decode()
    assert 'name="water_short_days"' in form and 'max="366"' in form
    response = client.post(f"/register/{h.pk}/edit/", {"address": "一组 12 号", "water_short_days": "40"})
    assert response.status_code == 302
    h.refresh_from_db()
    assert h.water_short_days == 40
    assert "全年缺水 40 天" in client.get(f"/register/{h.pk}/").content.decode()
    handbook = client.get(f"/register/{h.pk}/handbook/").content.decode()
    cell = handbook[handbook.index('data-testid="handbook-water"') :]
    assert "全年缺水 40 天" in cell[: cell.index("</td>")]


def test_edit_form_refuses_more_days_than_a_year_and_keeps_the_old_value(client_for, personas):
    h = unregistered(personas, water_short_days=10)
    client = client_for(personas.village_a1)
    html = client.post(
        f"/register/{h.pk}/edit/", {"address": "x", "water_short_days": "400"}
    ).content.decode()
    assert 'data-field="water_short_days"><li>“全年缺水天数”应在 0 至 366 天之间。' in html
    negative = client.post(f"/register/{h.pk}/edit/", {"address": "x", "water_short_days": "-3"})
    assert negative.status_code == 200 and 'data-field="water_short_days"' in negative.content.decode()
    h.refresh_from_db()
    assert h.water_short_days == 10 and h.address == "一组 12 号"


def test_service_rule_names_the_field(personas):
    h = unregistered(personas)
    with pytest.raises(RegisterValidationError) as exc:
        household_update(actor=personas.village_a1, household=h, changes={"water_short_days": 367})
    assert exc.value.as_field_map() == {"water_short_days": ["“全年缺水天数”应在 0 至 366 天之间。"]}


def test_api_reads_and_validates_the_days(client_for, personas):
    h = unregistered(personas, water_short_days=12)
    client = client_for(personas.village_a1)
    url = f"/api/v1/register/households/{h.pk}/"
    assert client.get(url).json()["water_short_days"] == 12
    bad = client.patch(url, {"water_short_days": 400}, content_type="application/json")
    assert bad.status_code == 400 and "water_short_days" in bad.json()
    ok = client.patch(url, {"water_short_days": 0}, content_type="application/json")
    assert ok.status_code == 200, ok.json()
    h.refresh_from_db()
    assert h.water_short_days == 0


def test_export_has_the_water_columns(personas):
    unregistered(personas, water="2", water_lpd=40, water_minutes=15, water_short_days=20)
    data, households, _members = export_households(actor=personas.county_admin, params={})
    rows = list(openpyxl.load_workbook(io.BytesIO(data))["农户名单"].values)
    header_row = next(r for r in rows if r and r[0] == "户编号")
    assert list(header_row) == HOUSEHOLD_HEADERS
    row = dict(zip(HOUSEHOLD_HEADERS, rows[rows.index(header_row) + 1], strict=True))
    assert row["饮水状况"] == "基本安全" and row["人均日供水量(升)"] == 40
    assert row["取水往返时间(分钟)"] == 15 and row["全年缺水天数"] == 20
