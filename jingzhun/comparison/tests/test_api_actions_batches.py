"""Comparison API on department batches: upload (multipart), column mapping, dry run and load as the
pages' background jobs, bad rows; refused to other departments and officers; Chinese field maps."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jingzhun.comparison.choices import BatchStatus
from jingzhun.comparison.models import ComparisonRun, DatasetBatch, DatasetRow, Suspect
from jingzhun.core.models import AuditEvent, Job
from jingzhun.core.testing import make_user, run_worker
from jingzhun.register.models import Member

from .builders import registered

API = "/api/v1/comparison/batches/"
TODAY = datetime.date.today()
UPLOADS = Path(settings.MEDIA_ROOT) / "uploads" / "comparison"


def login(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def vehicle_csv(head=None, name="车辆.csv") -> SimpleUploadedFile:
    lines = ["证件号码,车主姓名,号牌号码"]
    if head is not None:
        lines.append(f"{head.id_number},{head.name},川W1")
    lines.append("123,,川W2")
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode("gb18030"), content_type="text/csv")


def upload(client, **extra):
    data = {"dataset_type": "vehicle", "as_of": TODAY.isoformat(), "file": vehicle_csv()} | extra
    return client.post(API, data)


def stored_uploads() -> set[str]:
    return {p.name for p in UPLOADS.glob("*")} if UPLOADS.exists() else set()


MAPPING = {"id_number": "证件号码", "name": "车主姓名", "plate": "号牌号码"}


@pytest.mark.django_db
def test_upload_map_and_queue_the_dry_run(personas):
    dept = login(personas.department)
    r = upload(dept, department="县公安局交警大队")
    assert r.status_code == 201, r.json()
    body = r.json()
    batch = DatasetBatch.objects.get(pk=body["id"])
    assert body["status"] == BatchStatus.MAPPING and body["department"] == "县公安局交警大队"
    assert body["headers"] == ["证件号码", "车主姓名", "号牌号码"] and body["uploaded_by"] == "department"
    assert {"id_number", "name", "plate"} <= {f["code"] for f in body["fields_to_map"]}
    assert Path(batch.file_path).exists() and Path(batch.file_path).parent == UPLOADS
    assert AuditEvent.objects.filter(action="comparison.batch_upload", target_id=str(batch.pk)).exists()
    url = f"{API}{batch.pk}/"
    # the dry run needs a confirmed mapping; load needs a passed dry run
    r = post(dept, f"{url}check/")
    assert r.status_code == 400 and r.json() == {"mapping": ["请先确认字段对应。"]}
    r = post(dept, f"{url}load/")
    assert r.status_code == 400 and r.json() == {"status": ["只能入库校验通过的批次。"]}
    r = post(dept, f"{url}map/", {"mapping": MAPPING})
    assert (
        r.status_code == 200 and r.json()["status"] == BatchStatus.MAPPED and r.json()["mapping"] == MAPPING
    )
    assert (
        AuditEvent.objects.get(action="comparison.batch_map", target_id=str(batch.pk)).after["mapping"]
        == MAPPING
    )
    r = post(dept, f"{url}check/")
    assert r.status_code == 202, r.json()
    job = Job.objects.get(pk=r.json()["job"])
    assert (
        job.kind == "comparison.check"
        and job.params == {"batch_id": batch.pk}
        and job.owner == personas.department
    )
    assert r.json()["status_url"] == f"/api/v1/jobs/{job.pk}/" and r.json()["state"] == "queued"
    assert dept.get(r.json()["status_url"]).json()["kind"] == "comparison.check"
    # while that job is queued, no second one
    r = post(dept, f"{url}check/")
    assert r.status_code == 400 and "正在进行" in r.json()["status"][0]
    assert Job.objects.filter(kind="comparison.check").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"dataset_type": "spaceship"}, "dataset_type", "数据集类型不存在或已停用。"),
        ({"as_of": ""}, "as_of", "数据截止日期格式应如 2024-01-31。"),
        ({"file": SimpleUploadedFile("车辆.txt", b"a,b\n1,2\n")}, "file", "只支持 xlsx 或 csv 文件。"),
        ({"as_of": (TODAY + datetime.timedelta(days=3)).isoformat()}, "as_of", "数据截止日期不能晚于今天。"),
        ({"file": SimpleUploadedFile("车辆.csv", b",,\n1,2,3\n")}, "file", "第1行应为表头，但它是空的。"),
    ],
)
def test_bad_upload_is_a_400_naming_the_field_and_keeps_no_file(personas, extra, field, message):
    before = stored_uploads()
    r = upload(login(personas.department), **extra)
    assert r.status_code == 400 and r.json() == {field: [message]}
    assert not DatasetBatch.objects.exists() and stored_uploads() == before


@pytest.mark.django_db
def test_missing_upload_fields_are_named(personas):
    r = login(personas.department).post(API, {})
    assert r.status_code == 400
    assert r.json() == {
        "dataset_type": ["请选择数据集类型。"],
        "as_of": ["请填写数据截止日期。"],
        "file": ["请上传数据文件。"],
    }


@pytest.mark.django_db
def test_bad_mapping_names_the_field(personas):
    dept = login(personas.department)
    url = f"{API}{upload(dept).json()['id']}/map/"
    r = post(dept, url, {"mapping": {"name": "车主姓名", "plate": "号牌号码"}})
    assert r.status_code == 400 and "身份证号" in r.json()["id_number"][0]
    r = post(dept, url, {"mapping": {"id_number": "身份证"}})
    assert r.status_code == 400 and r.json() == {"mapping": ["文件中没有列“身份证”。"]}
    r = post(dept, url, {})
    assert r.status_code == 400 and r.json() == {"mapping": ["请填写字段对应。"]}
    assert DatasetBatch.objects.get().status == BatchStatus.MAPPING


@pytest.mark.django_db
def test_other_departments_and_officers_cannot_touch_a_batch(personas):
    batch_id = upload(login(personas.department)).json()["id"]
    other = make_user("other_dept", "department", personas.tree.county)
    for who in (other, personas.village_a1, personas.township_a, personas.no_role):
        c = login(who)
        url = f"{API}{batch_id}/"
        assert c.get(url).status_code == 404, who
        assert c.get(f"{url}bad-rows/").status_code == 404, who
        assert post(c, f"{url}map/", {"mapping": MAPPING}).status_code == 404, who
        assert post(c, f"{url}check/").status_code == 404, who
        assert post(c, f"{url}load/").status_code == 404, who
    # officers and users without a role may not upload at all (refused before the file is stored)
    before = stored_uploads()
    for who in (personas.village_a1, personas.cadre, personas.no_role):
        r = upload(login(who))
        assert r.status_code == 403 and r.json() == {"detail": ["您没有此操作的权限。"]}, who
    assert stored_uploads() == before and DatasetBatch.objects.count() == 1
    assert not Job.objects.exists()
    # the county manager may act on it
    r = post(login(personas.county_admin), f"{API}{batch_id}/map/", {"mapping": MAPPING})
    assert r.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_dry_run_load_and_run_through_the_api_as_the_pages_jobs(personas):
    h = registered(personas)
    head = Member.objects.get(household=h, relation="01")
    dept = login(personas.department)
    batch_id = dept.post(
        API, {"dataset_type": "vehicle", "as_of": TODAY.isoformat(), "file": vehicle_csv(head)}
    ).json()["id"]
    url = f"{API}{batch_id}/"
    assert post(dept, f"{url}map/", {"mapping": MAPPING}).status_code == 200
    check = post(dept, f"{url}check/").json()
    run_worker()
    job = dept.get(check["status_url"]).json()
    assert job["state"] == "succeeded" and job["result"]["rows"] == 1 and job["result"]["bad"] == 1
    assert job["result_file_url"]  # the workbook of bad rows
    batch = dept.get(url).json()
    assert (batch["status"], batch["rows"], batch["bad_rows"]) == (BatchStatus.CHECKED, 1, 1)
    assert DatasetRow.objects.filter(batch_id=batch_id).count() == 0  # the dry run writes no rows
    load = post(dept, f"{url}load/")
    assert load.status_code == 202 and load.json()["kind"] == "comparison.load"
    run_worker()
    assert dept.get(load.json()["status_url"]).json()["state"] == "succeeded"
    assert dept.get(url).json()["status"] == BatchStatus.LOADED
    assert AuditEvent.objects.filter(action="comparison.batch_load", target_id=str(batch_id)).exists()
    rows = dept.get(f"{url}bad-rows/").json()
    assert rows["count"] == 1 and rows["results"][0]["values"]["证件号码"] == "123"
    # a loaded batch is not checked or loaded again
    assert post(dept, f"{url}check/").status_code == 400
    assert post(dept, f"{url}load/").status_code == 400
    # the county matches it: the run is the page's job, and finds the household
    county = login(personas.county_admin)
    started = post(county, "/api/v1/comparison/runs/")
    assert started.status_code == 201, started.json()
    run_worker()
    assert county.get(started.json()["status_url"]).json()["state"] == "succeeded"
    run = ComparisonRun.objects.get(pk=started.json()["id"])
    assert run.status == "done" and run.suspects_new == 1
    assert Suspect.objects.get().household == h
    assert login(personas.village_a1).get("/api/v1/comparison/suspects/").json()["count"] == 1
