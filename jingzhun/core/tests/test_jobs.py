"""Background jobs end to end: enqueue from a page, run the real django-tasks-db worker in-process, read
the result file; progress partial; job visibility; failures."""

import io
import re

import openpyxl
import pytest
from django.core.cache import caches
from django_tasks_db.models import DBTaskResult

from jingzhun.core.choices import JobState
from jingzhun.core.errors import DomainError
from jingzhun.core.jobs import JobOutcome, Progress, live_progress, run_job
from jingzhun.core.models import AuditEvent, Job
from jingzhun.core.services import job_mark_finished
from jingzhun.core.testing import make_user, run_worker


def export_codes(response) -> list[str]:
    data = b"".join(response.streaming_content)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][:3] == ("统计用区划代码", "名称", "级别")
    return [r[0] for r in rows[2:]]


def start_export(client, area) -> Job:
    response = client.post(f"/areas/{area.code}/export/")
    assert response.status_code == 302
    job_id = re.search(r"/jobs/([0-9a-f-]{36})/", response["Location"]).group(1)
    return Job.objects.get(pk=job_id)


# --- end to end through the worker ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_export_job_runs_in_the_worker_and_contains_exactly_the_visible_areas(client_for, personas):
    t = personas.tree
    client = client_for(personas.township_a)
    job = start_export(client, t.township_a)
    assert job.state == JobState.QUEUED
    assert job.owner == personas.township_a and job.area == t.township_a
    assert job.task_result_id  # queued after commit
    assert AuditEvent.objects.filter(action="job.enqueue", target_id=str(job.pk)).exists()

    run_worker()

    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.errors
    assert job.percent == 100
    assert job.message == "已导出 4 个区划"
    assert job.result == {"rows": 4}
    assert job.started_at and job.finished_at and job.started_at <= job.finished_at
    assert DBTaskResult.objects.get(pk=job.task_result_id).status == "SUCCESSFUL"

    response = client.get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    codes = export_codes(response)
    assert codes == [t.township_a.code, t.village_a1.code, t.group_a1_1.code, t.village_a2.code]  # by path
    assert t.village_b1.code not in codes and t.township_b.code not in codes


@pytest.mark.django_db(transaction=True)
def test_worker_runs_every_queued_export_each_with_its_owners_scope(client_for, personas):
    t = personas.tree
    job_b = start_export(client_for(personas.village_b1), t.village_b1)
    client_a = client_for(personas.county_admin)
    job_county = start_export(client_a, t.county)

    run_worker()

    job_b.refresh_from_db()
    job_county.refresh_from_db()
    assert job_b.state == job_county.state == JobState.SUCCEEDED
    assert job_b.result == {"rows": 1}
    county_codes = export_codes(client_a.get(f"/jobs/{job_county.pk}/download/"))
    assert t.village_b1.code in county_codes and t.village_a1.code in county_codes
    assert t.other_county.code not in county_codes
    assert len(county_codes) == 7  # county, 2 townships, 3 villages, 1 group


@pytest.mark.django_db(transaction=True)
def test_export_of_an_area_out_of_scope_is_404_and_queues_nothing(client_for, personas):
    response = client_for(personas.township_a).post(f"/areas/{personas.tree.township_b.code}/export/")
    assert response.status_code == 404
    assert Job.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db
def test_export_must_be_posted(client_for, personas):
    assert (
        client_for(personas.township_a).get(f"/areas/{personas.tree.township_a.code}/export/").status_code
        == 405
    )


# --- progress partial -----------------------------------------------------------------------------------


@pytest.fixture
def job(personas):
    return Job.objects.create(
        kind="areas.export",
        title="导出区划清单：甲镇",
        owner=personas.township_a,
        area=personas.tree.township_a,
        area_path=personas.tree.township_a.path,
        state=JobState.RUNNING,
    )


@pytest.mark.django_db
def test_progress_partial_shows_the_live_percent_and_keeps_polling(client_for, personas, job):
    Progress(job).update(42.7, "已导出 2 / 4", force=True)
    html = client_for(personas.township_a).get(f"/jobs/{job.pk}/progress/").content.decode()
    assert 'data-testid="job-percent">42%<' in html
    assert "已导出 2 / 4" in html
    assert 'hx-trigger="every 1s"' in html and f"/jobs/{job.pk}/progress/" in html
    assert 'data-state="running"' in html


@pytest.mark.django_db
def test_progress_partial_stops_polling_once_finished(client_for, personas, job):
    Progress(job).update(60, "正在导出…", force=True)
    job_mark_finished(job, ok=True, message="已导出 4 个区划")
    html = client_for(personas.township_a).get(f"/jobs/{job.pk}/progress/").content.decode()
    assert 'data-testid="job-percent">100%<' in html
    assert "已导出 4 个区划" in html
    assert "hx-get" not in html and "hx-trigger" not in html
    assert 'data-state="succeeded"' in html


@pytest.mark.django_db
def test_progress_is_clamped_below_100_until_the_job_finishes(job):
    Progress(job).update(250, "", force=True)
    assert live_progress(job)[0] == 99
    Progress(job).update(-5, "", force=True)
    assert live_progress(job)[0] == 0


@pytest.mark.django_db
def test_progress_updates_are_throttled_unless_forced(job):
    progress = Progress(job, min_interval=3600)
    progress.update(10, "第一次", force=True)
    progress.update(20, "被节流")
    assert live_progress(job) == (10, "第一次")
    progress.update(30, "强制", force=True)
    assert live_progress(job) == (30, "强制")


# --- visibility -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_jobs_of_another_township_are_404_for_page_progress_and_download(client_for, personas, job):
    job_mark_finished(job, ok=True, message="完成", result_file=("a.xlsx", io.BytesIO(b"x")))
    other = make_user("township_b", "township_admin", personas.tree.township_b)
    client = client_for(other)
    for suffix in ("", "progress/", "download/"):
        assert client.get(f"/jobs/{job.pk}/{suffix}").status_code == 404, suffix
    assert str(job.pk) not in client.get("/jobs/").content.decode()
    assert client.get("/api/v1/jobs/").json()["count"] == 0
    assert client.get(f"/api/v1/jobs/{job.pk}/").status_code == 404


@pytest.mark.django_db
def test_user_without_jobs_capability_sees_only_its_own_jobs(client_for, personas, job):
    client = client_for(personas.village_a1)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    own = Job.objects.create(kind="areas.export", title="自己的", owner=personas.village_a1)
    assert client.get(f"/jobs/{own.pk}/").status_code == 200
    assert [j["id"] for j in client.get("/api/v1/jobs/").json()["results"]] == [str(own.pk)]


@pytest.mark.django_db
def test_same_township_admin_sees_a_colleagues_job_in_its_area(client_for, personas, job):
    colleague = make_user("township_a2", "township_admin", personas.tree.township_a)
    assert client_for(colleague).get(f"/jobs/{job.pk}/").status_code == 200


@pytest.mark.django_db
def test_colleague_sees_the_job_but_cannot_download_its_file(client_for, personas, job):
    job_mark_finished(job, ok=True, message="完成", result_file=("a.xlsx", io.BytesIO(b"x")))
    colleague = client_for(make_user("township_a2", "township_admin", personas.tree.township_a))
    page = colleague.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200 and 'data-testid="job-download"' not in page.content.decode()
    assert colleague.get(f"/jobs/{job.pk}/download/").status_code == 403
    owner = client_for(job.owner)
    assert owner.get(f"/jobs/{job.pk}/download/").status_code == 200


@pytest.mark.django_db
def test_download_of_a_job_without_result_file_is_404(client_for, personas, job):
    job_mark_finished(job, ok=True, message="完成")
    assert client_for(personas.township_a).get(f"/jobs/{job.pk}/download/").status_code == 404


# --- run_job outcomes -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_job_whose_body_raises_ends_failed_with_a_message(job):
    def body(job, progress):
        progress.update(30, "正在处理…", force=True)
        raise ValueError("boom")

    run_job(str(job.pk), body)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.message == "任务出错：ValueError: boom"
    assert "Traceback" in job.errors[0]["message"]
    assert job.finished_at is not None
    assert caches["progress"].get(f"job-progress:{job.pk}") is None


@pytest.mark.django_db
def test_job_whose_body_raises_a_domain_error_reports_row_and_message(job):
    def body(job, progress):
        raise DomainError("代码应为 12 位数字。", field="file", row=3)

    run_job(str(job.pk), body)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.message == "第3行：代码应为 12 位数字。"
    assert job.errors == [{"row": 3, "field": "file", "message": "代码应为 12 位数字。"}]


@pytest.mark.django_db
def test_job_outcome_not_ok_is_failed_and_keeps_its_result(job):
    run_job(
        str(job.pk), lambda job, progress: JobOutcome(ok=False, message="校验未通过", result={"errors": 2})
    )
    job.refresh_from_db()
    assert (job.state, job.message, job.result) == (JobState.FAILED, "校验未通过", {"errors": 2})


@pytest.mark.django_db
def test_failed_job_page_shows_the_error_in_chinese(client_for, personas, job):
    def body(job, progress):
        raise DomainError("缺少必需的列：名称。", row=1)

    run_job(str(job.pk), body)
    html = client_for(personas.township_a).get(f"/jobs/{job.pk}/").content.decode()
    assert "失败" in html
    assert "第1行：缺少必需的列：名称。" in html
    assert "bg-danger" in html
