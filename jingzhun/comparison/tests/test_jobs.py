"""The whole flow through pages and background jobs: upload → mapping → dry run → load → run."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jingzhun.comparison.choices import BatchStatus
from jingzhun.comparison.models import ComparisonRun, DatasetBatch, DatasetType, Suspect
from jingzhun.core.models import Job
from jingzhun.core.testing import run_worker
from jingzhun.register.models import Member

from .builders import registered


@pytest.mark.django_db(transaction=True)
def test_upload_map_check_load_and_run_as_jobs(personas, client_for):
    h = registered(personas)
    head = Member.objects.get(household=h, relation="01")
    content = f"证件号码,车主姓名,号牌号码\n{head.id_number.lower()},{head.name},川W1\n123,,川W2\n".encode(
        "gb18030"
    )
    c = client_for(personas.department)
    r = c.post(
        reverse("comparison:batch-upload"),
        {
            "dataset_type": DatasetType.objects.get(code="vehicle").pk,
            "as_of": datetime.date.today().isoformat(),
            "file": SimpleUploadedFile("车辆.csv", content, content_type="text/csv"),
        },
    )
    batch = DatasetBatch.objects.get()
    assert r["Location"].endswith(reverse("comparison:batch-detail", args=[batch.pk]))
    assert batch.status == BatchStatus.MAPPING and batch.headers == ["证件号码", "车主姓名", "号牌号码"]
    c.post(
        reverse("comparison:batch-detail", args=[batch.pk]),
        {"id_number": "证件号码", "name": "车主姓名", "plate": "号牌号码"},
    )
    run_worker()
    batch.refresh_from_db()
    assert (batch.status, batch.rows, batch.bad_rows) == (BatchStatus.CHECKED, 1, 1)
    check = Job.objects.get(kind="comparison.check")
    assert check.result["bad"] == 1 and check.result_file  # the bad rows workbook
    assert not batch.loaded_at
    c.post(reverse("comparison:batch-load", args=[batch.pk]))
    run_worker()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.LOADED
    admin = client_for(personas.county_admin)
    r = admin.post(reverse("comparison:run-list"), {})
    assert r.status_code == 302, [
        line for line in r.content.decode().splitlines() if "errorlist" in line or "alert-danger" in line
    ]
    run = ComparisonRun.objects.get()
    assert r["Location"].endswith(reverse("comparison:run-detail", args=[run.pk]))
    run_worker()
    run.refresh_from_db()
    assert run.status == "done" and run.suspects_new == 1 and run.job.state == "succeeded"
    assert Suspect.objects.get().household == h
