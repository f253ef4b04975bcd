"""Dashboard, drill-down, statistical tables and API: what each persona may see."""

import io

import pytest
from openpyxl import load_workbook

from jingzhun.indicators.services import indicators_refresh

from .builders import small_county

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(personas):
    small_county(personas)
    indicators_refresh(actor=personas.county_admin, area=personas.tree.county, years=[2016])


def test_county_dashboard_shows_figures_linking_to_their_lists(personas, county, client_for):
    r = client_for(personas.county_admin).get("/indicators/?year=2016")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="figure-reg_hh"' in html
    assert "/indicators/reg_hh/rows/?area=513498000000&amp;year=2016" in html
    assert "甲镇" in html and "乙乡" in html  # the township chart


def test_township_officer_dashboard_defaults_to_its_township_and_cannot_open_the_county(
    personas, county, client_for
):
    c = client_for(personas.township_a)
    r = c.get("/indicators/?year=2016")
    assert r.status_code == 200 and "甲镇" in r.context["area"].name
    assert r.context["groups"][0][1][0][0].value == 4
    assert c.get("/indicators/?area=513498000000&year=2016").status_code == 404
    assert c.get("/indicators/?area=513498200201&year=2016").status_code == 404


def test_users_without_the_capability_are_refused(personas, county, client_for):
    assert client_for(personas.no_role).get("/indicators/").status_code == 403
    assert client_for(personas.department).get("/indicators/tables/").status_code == 403


def test_drill_down_lists_the_households_behind_a_breakdown(personas, county, client_for):
    r = client_for(personas.county_admin).get(
        "/indicators/reg_hh/rows/?area=513498000000&year=2016&dim=cause&member=1"
    )
    assert r.status_code == 200
    assert r.context["count"] == 3 and r.context["figure"].value == 3


def test_drill_down_stays_inside_the_users_scope(personas, county, client_for):
    c = client_for(personas.village_a1)
    r = c.get("/indicators/remaining_p/rows/?area=513498100201&year=2016")
    assert r.status_code == 200 and r.context["count"] == 6
    assert c.get("/indicators/remaining_p/rows/?area=513498100000&year=2016").status_code == 404
    assert c.get("/indicators/nope/rows/?area=513498100201").status_code == 404


def test_api_values_are_limited_to_the_users_areas(personas, county, client_for):
    r = client_for(personas.township_a).get("/api/v1/indicator-values/?indicator=reg_hh&year=2016&dim=")
    paths = {row["area_path"] for row in r.json()["results"]}
    assert paths and all(p.startswith("513498100") for p in paths)
    r = client_for(personas.township_a).get(
        "/api/v1/indicator-values/drill/?indicator=reg_hh&area=513498100000&year=2016"
    )
    assert r.json()["count"] == 4 and r.json()["figure"].startswith("4")
    r = client_for(personas.township_a).get(
        "/api/v1/indicator-values/drill/?indicator=reg_hh&area=513498200000&year=2016"
    )
    assert r.status_code == 404


def _sheet(response):
    return load_workbook(io.BytesIO(response.content)).active


def test_poverty_table_is_a_real_workbook_with_merged_headers_and_totals(personas, county, client_for):
    r = client_for(personas.county_admin).get("/indicators/tables/poverty.xlsx?area=513498000000&year=2016")
    ws = _sheet(r)
    assert "贫困人口基本情况表" in ws["A1"].value and "单位" in ws["A2"].value
    assert "B3:C3" in {str(m) for m in ws.merged_cells.ranges}  # 建档立卡贫困人口 over 户数/人数
    rows = {ws.cell(i, 1).value: [ws.cell(i, c).value for c in range(2, 8)] for i in range(5, ws.max_row + 1)}
    assert rows["甲镇"][:2] == [4, 9] and rows["乙乡"][:2] == [1, 3]
    assert rows["合计"] == [5, 12, 1, 2, 4, 10]


def test_township_officer_tables_cover_only_its_township(personas, county, client_for):
    c = client_for(personas.township_a)
    ws = _sheet(c.get("/indicators/tables/villages.xlsx?year=2016"))
    names = [ws.cell(i, 2).value for i in range(5, ws.max_row + 1)]
    assert "甲一村" in names
    ws = _sheet(c.get("/indicators/tables/poverty.xlsx?year=2016"))
    first_col = [ws.cell(i, 1).value for i in range(5, ws.max_row + 1)]
    assert "乙一村" not in first_col and "甲一村" in first_col
    assert c.get("/indicators/tables/poverty.xlsx?area=513498000000&year=2016").status_code == 404
    for kind in ("monitoring", "measures"):
        assert c.get(f"/indicators/tables/{kind}.xlsx?year=2016").status_code == 200
