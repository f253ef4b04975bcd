"""The import as users run it: upload page → dry-run job in the real db_worker → error workbook or a
commit button → commit job; template download; who may see and commit what."""

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jingzhun.core.choices import JobState
from jingzhun.core.models import AuditEvent, Job
from jingzhun.core.testing import run_worker
from jingzhun.register.models import Household, Member

from .test_import_common import HEADERS, household_rows, person, table_counts, write_csv


def upload(client, path, name="农户.csv", **extra):
    with open(path, "rb") as fh:
        data = {"file": SimpleUploadedFile(name, fh.read()), **extra}
    response = client.post("/register/io/import/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    job_id = re.search(r"/register/io/import/([0-9a-f-]{36})/", response["Location"]).group(1)
    return Job.objects.get(pk=job_id)


def bad_file(tmp_path, a1):
    bad = person("吴用", "户主", 35)
    bad["身份证号"] = bad["身份证号"][:17] + ("0" if bad["身份证号"][17] != "0" else "1")
    rows = household_rows(a1 + "0001", a1, [person("周正", "户主", 40)]) + household_rows(
        a1 + "0002", a1, [bad]
    )
    return write_csv(tmp_path / "bad.csv", rows, encoding="gb18030")


# --- pages ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_page_and_template_for_a_village_officer(client_for, personas):
    client = client_for(personas.village_a1)
    html = client.get("/register/io/import/").content.decode()
    assert "批量导入农户档案" in html and 'name="file"' in html and 'name="income_file"' in html
    response = client.get("/register/io/template/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[:3] == ["农户成员", "收入", "填写说明"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["cadre", "department", "no_role"])
def test_users_who_cannot_change_the_register_cannot_import(client_for, personas, persona):
    client = client_for(getattr(personas, persona))
    assert client.get("/register/io/import/").status_code == 403
    assert client.get("/register/io/template/").status_code == 403


@pytest.mark.django_db
def test_upload_form_refuses_other_file_types(client_for, personas):
    response = client_for(personas.village_a1).post(
        "/register/io/import/", {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")}
    )
    assert response.status_code == 200
    assert "只支持 xlsx 或 csv 文件" in response.content.decode()
    assert Job.objects.count() == 0


# --- end to end through the worker ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_bad_file_gives_a_failed_dry_run_with_an_error_workbook_and_writes_nothing(
    client_for, personas, tmp_path
):
    a1 = personas.tree.village_a1.code
    client = client_for(personas.village_a1)
    before = table_counts()
    job = upload(client, bad_file(tmp_path, a1))
    assert job.params["dry_run"] is True and job.kind == "register.import" and job.state == JobState.QUEUED

    run_worker()

    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.message.startswith("校验未通过：1 行共 1 处错误，未写入任何数据。")
    assert job.errors == [
        {"sheet": "members", "row": 3, "message": "“身份证号”列：身份证号校验位错误，请核对是否录错。"}
    ]
    html = client.get(f"/register/io/import/{job.pk}/").content.decode()
    assert "第3行" in html and "身份证号校验位错误" in html
    assert 'data-testid="commit-button"' not in html
    response = client.get(f"/jobs/{job.pk}/download/")
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[0] == ("行号", *HEADERS, "错误说明")
    assert rows[1][0] == 3 and rows[1][5] == "吴用"  # the original row, read back from the GBK file
    assert rows[1][-1] == "第3行：“身份证号”列：身份证号校验位错误，请核对是否录错。"
    assert client.post(f"/register/io/import/{job.pk}/commit/").status_code == 403
    assert table_counts() == before


@pytest.mark.django_db(transaction=True)
def test_clean_file_dry_run_then_commit(client_for, personas, tmp_path):
    a1 = personas.tree.village_a1.code
    rows = household_rows(a1 + "0001", a1) + household_rows(a1 + "0002", a1, [person("王五", "户主", 60)])
    client = client_for(personas.village_a1)
    dry = upload(client, write_csv(tmp_path / "ok.csv", rows))
    run_worker()
    dry.refresh_from_db()
    assert dry.state == JobState.SUCCEEDED, dry.message
    assert dry.message == "校验通过：共 2 户 4 人，可以正式导入。"
    assert Household.objects.count() == 0
    html = client.get(f"/register/io/import/{dry.pk}/").content.decode()
    assert 'data-testid="commit-button"' in html and 'data-testid="summary-households">2<' in html

    # Someone else may not commit this user's file, nor see it.
    other = client_for(personas.village_b1)
    assert other.get(f"/register/io/import/{dry.pk}/").status_code == 404
    assert other.post(f"/register/io/import/{dry.pk}/commit/").status_code == 404

    client = client_for(personas.village_a1)
    response = client.post(f"/register/io/import/{dry.pk}/commit/")
    commit = Job.objects.get(pk=re.search(r"([0-9a-f-]{36})/$", response["Location"]).group(1))
    assert commit.params["dry_run"] is False and commit.params["dry_run_of"] == str(dry.pk)
    run_worker()
    commit.refresh_from_db()
    assert commit.state == JobState.SUCCEEDED, commit.message
    assert commit.message.startswith("导入完成：新增 2 户、更新 0 户、未变化 0 户；新增成员 4 人")
    assert Household.objects.count() == 2 and Member.objects.count() == 4
    event = AuditEvent.objects.get(action="household.import")
    assert event.actor == personas.village_a1 and event.after["members_created"] == 4

    # The dry run's page now links the commit job; committing twice does nothing more.
    html = client.get(f"/register/io/import/{dry.pk}/").content.decode()
    assert 'data-testid="commit-button"' not in html and str(commit.pk) in html
    again = client.post(f"/register/io/import/{dry.pk}/commit/")
    assert again.status_code == 302 and str(commit.pk) in again["Location"]
    assert Job.objects.filter(kind="register.import").count() == 2


@pytest.mark.django_db(transaction=True)
def test_xlsx_with_a_formula_fails_with_the_cell_named(client_for, personas, tmp_path):
    a1 = personas.tree.village_a1.code
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "农户成员"
    ws.append(HEADERS)
    row = household_rows(a1 + "0001", a1)[0]
    ws.append([row.get(h, "") for h in HEADERS])
    ws["E2"] = "=1+1"
    path = tmp_path / "f.xlsx"
    wb.save(path)
    client = client_for(personas.village_a1)
    job = upload(client, path, name="公式.xlsx")
    run_worker()
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.message == "第2行：单元格 E2 含有公式。请把公式“粘贴为数值”后再导入。"
    assert Household.objects.count() == 0


@pytest.mark.django_db
def test_import_status_partial_polls_until_the_job_ends(client_for, personas):
    job = Job.objects.create(
        kind="register.import",
        title="校验农户档案",
        owner=personas.village_a1,
        params={"dry_run": True, "path": "/nonexistent.csv"},
    )
    client = client_for(personas.village_a1)
    html = client.get(f"/register/io/import/{job.pk}/status/").content.decode()
    assert 'hx-trigger="every 2s"' in html and f"/register/io/import/{job.pk}/status/" in html
    assert client.post(f"/register/io/import/{job.pk}/commit/").status_code == 403  # not finished yet
