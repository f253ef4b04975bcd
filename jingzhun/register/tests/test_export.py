"""Export of the filtered household list: scoped like the list, masked unless the user may reveal,
audited with the filter and the counts; through the page and the worker."""

import io
import re

import openpyxl
import pytest

from jingzhun.core.choices import JobState
from jingzhun.core.models import AuditEvent, Job
from jingzhun.core.testing import make_user, run_worker
from jingzhun.register.exporting import export_households
from jingzhun.register.models import Member

from .test_import_common import HEADERS, household_rows, person, run, write_csv


@pytest.fixture
def register(personas, tmp_path):
    """Two households in 甲一村 (one exited), one in 甲二村, one in 乙一村 (other township)."""
    t = personas.tree
    a1, a2, b1 = t.village_a1.code, t.village_a2.code, t.village_b1.code
    rows = (
        household_rows(
            a1 + "0001", a1, [person("张三丰", "户主", 45, 健康状况="长期慢性病")], 主要致贫原因="因病"
        )
        + household_rows(
            a1 + "0002",
            a1,
            [person("李四", "户主", 50)],
            贫困状态="已脱贫",
            识别年度="2014",
            脱贫年度="2018",
        )
        + household_rows(a2 + "0001", a2, [person("王五", "户主", 60)])
        + household_rows(b1 + "0001", b1, [person("赵六", "户主", 30)])
    )
    headers = [*HEADERS, "贫困状态", "识别年度", "脱贫年度"]
    result = run(personas.county_admin, write_csv(tmp_path / "r.csv", rows, headers))
    assert not result.errors, result.errors.rows
    return {m.name: m.id_number for m in Member.objects.all()}


def read(data: bytes) -> tuple[list[tuple], list[tuple], str]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    households = list(wb["农户名单"].values)
    members = list(wb["家庭成员"].values)
    return households[2:], members[2:], households[0][0]


@pytest.mark.django_db
def test_county_admin_exports_everything_in_the_county_with_full_ids(personas, register):
    data, households, members = export_households(actor=personas.county_admin, params={})
    h_rows, m_rows, title = read(data)
    assert households == members == 4
    assert [r[0] for r in h_rows] == sorted(r[0] for r in h_rows)
    assert {r[3] for r in h_rows} == {"张三丰", "李四", "王五", "赵六"}
    assert {r[4] for r in m_rows} == set(register.values())  # full ID numbers
    zhang = next(r for r in m_rows if r[2] == "张三丰")
    assert zhang[10] == "长期慢性病"
    assert "已打码" not in title
    event = AuditEvent.objects.get(action="household.export")
    assert event.actor == personas.county_admin
    assert event.after == {"filter": {}, "households": 4, "members": 4, "revealed": True}


@pytest.mark.django_db
def test_export_without_reveal_permission_masks_ids_phones_and_health(personas, register):
    inspector = make_user("inspector", "inspector", personas.tree.county)
    data, households, _members = export_households(actor=inspector, params={})
    h_rows, m_rows, title = read(data)
    assert households == 4 and "身份证号等敏感信息已打码" in title
    for name, number in register.items():
        row = next(r for r in m_rows if r[2] == name)
        assert row[4] == number[:3] + "*" * 11 + number[-4:]
        assert row[10] == "***"  # health
        assert row[5] == f"{number[6:10]}年"  # only the birth year
    assert all(number not in repr(h_rows + m_rows) for number in register.values())
    assert AuditEvent.objects.get(action="household.export").after["revealed"] is False


@pytest.mark.django_db
def test_export_is_scoped_to_the_users_township(personas, register):
    data, households, _m = export_households(actor=personas.township_a, params={})
    h_rows, m_rows, _t = read(data)
    assert households == 3
    assert {r[3] for r in h_rows} == {"张三丰", "李四", "王五"}
    assert "赵六" not in {r[2] for r in m_rows}


@pytest.mark.django_db
def test_export_applies_the_list_filters_and_records_them(personas, register):
    a1 = personas.tree.village_a1.code
    data, households, _m = export_households(
        actor=personas.county_admin, params={"poverty_status": "exited", "area": a1, "ignored": "x"}
    )
    h_rows, _m_rows, title = read(data)
    assert households == 1 and h_rows[0][3] == "李四" and h_rows[0][6] == "已脱贫"
    assert "贫困状态=exited" in title and f"区划代码={a1}" in title
    event = AuditEvent.objects.get(action="household.export")
    assert event.after["filter"] == {"area": a1, "poverty_status": "exited"}
    assert event.after["households"] == 1


@pytest.mark.django_db
def test_filter_on_an_area_outside_the_scope_exports_nothing(personas, register):
    b1 = personas.tree.village_b1.code
    _data, households, members = export_households(actor=personas.township_a, params={"area": b1})
    assert households == members == 0


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["village_a1", "cadre", "no_role"])
def test_users_without_the_export_capability_are_refused(client_for, personas, persona):
    client = client_for(getattr(personas, persona))
    assert client.get("/register/io/export/").status_code == 403
    assert client.post("/register/io/export/").status_code == 403
    assert Job.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_export_through_the_page_and_the_worker(client_for, personas, register):
    client = client_for(personas.township_a)
    page = client.get("/register/io/export/?poverty_status=exited&page=2").content.decode()
    assert 'data-testid="export-count">1<' in page and "贫困状态=exited" in page
    response = client.post("/register/io/export/?poverty_status=exited")
    job = Job.objects.get(pk=re.search(r"/jobs/([0-9a-f-]{36})/", response["Location"]).group(1))
    assert job.params == {"filter": {"poverty_status": "exited"}} and job.kind == "register.export"

    run_worker()

    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.message
    assert job.message == "已导出 1 户、1 名成员"
    download = client.get(f"/jobs/{job.pk}/download/")
    h_rows, m_rows, _t = read(b"".join(download.streaming_content))
    assert [r[3] for r in h_rows] == ["李四"] and m_rows[0][4] == register["李四"]
    event = AuditEvent.objects.get(action="household.export")
    assert event.actor == personas.township_a and event.after["households"] == 1
    assert client_for(personas.village_b1).get(f"/jobs/{job.pk}/download/").status_code == 404


@pytest.mark.django_db
def test_an_invalid_filter_is_refused_instead_of_exporting_everything(client_for, personas, register):
    client = client_for(personas.county_admin)
    response = client.get("/register/io/export/?year_exited_from=abc")
    assert response.status_code == 400
    assert "脱贫年度从" in response.content.decode()
    assert client.post("/register/io/export/?year_exited_from=abc").status_code == 400
    assert Job.objects.count() == 0
