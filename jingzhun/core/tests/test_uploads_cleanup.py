"""Cleanup of MEDIA_ROOT/uploads/: old import files nothing refers to go; recent, referenced and
non-upload files (evidence, job results) stay. Real files in a temporary MEDIA_ROOT."""

import datetime
import os
import re
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from jingzhun.comparison.choices import BatchStatus
from jingzhun.comparison.models import DatasetType
from jingzhun.comparison.services_batches import batch_check, batch_load, batch_map, batch_upload
from jingzhun.core.choices import JobState
from jingzhun.core.models import AuditEvent, Job
from jingzhun.core.services import job_enqueue, job_mark_finished
from jingzhun.core.tasks import prune_finished_jobs
from jingzhun.core.uploads import uploads_cleanup

pytestmark = pytest.mark.django_db

DAY = 24 * 3600
# A vehicle list with one usable row (bad ID number, matched by name + birth date).
VEHICLE_CSV = "身份证号,姓名,出生日期,号牌号码,车辆价值\n123,李四,1975-03-04,川A2,2000\n".encode()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "uploads").mkdir(parents=True)
    return settings.MEDIA_ROOT


def put(media: Path, name: str, age_days: float = 0, data: bytes = b"a,b\n1,2\n") -> Path:
    path = media / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    age(path, age_days)
    return path


def age(path: Path, days: float) -> None:
    stamp = time.time() - days * DAY
    os.utime(path, (stamp, stamp))


def age_job(job: Job, days: float) -> None:
    Job.objects.filter(pk=job.pk).update(created_at=job.created_at - datetime.timedelta(days=days))


def enqueue(actor, path: Path) -> Job:
    """A dry-run job on ``path`` as the import pages create it (the task itself is not run here)."""
    return job_enqueue(
        actor=actor,
        kind="register.import",
        area=actor.area,
        task=prune_finished_jobs,
        title="校验农户档案：测试.csv",
        params={"path": str(path), "income_path": "", "dry_run": True, "file_name": "测试.csv"},
    )


def test_old_unreferenced_files_go_and_everything_else_stays(media, personas):
    t = personas.tree
    orphan = put(media, "uploads/areas/orphan.csv", age_days=10)
    recent = put(media, "uploads/register/recent.csv", age_days=1)
    # A dry run that was never committed: the file and its checked cache, both old, job finished long ago.
    abandoned = put(media, "uploads/register/abandoned.csv", age_days=10)
    abandoned_cache = put(media, "uploads/register/abandoned.csv.checked", age_days=10)
    done = enqueue(personas.county_admin, abandoned)
    job_mark_finished(done, ok=True, message="校验通过")
    age_job(done, 10)
    # An old file whose job is still waiting in the queue (the worker was down) stays, cache included.
    waiting = put(media, "uploads/assistance/waiting.csv", age_days=10)
    waiting_cache = put(media, "uploads/assistance/waiting.csv.checked", age_days=10)
    age_job(enqueue(personas.county_admin, waiting), 10)
    # A department file whose batch is not loaded yet is still needed for the load …
    pending_path = put(media, "uploads/comparison/pending.csv", data=VEHICLE_CSV)
    pending = batch_upload(
        actor=personas.department,
        dataset_type=DatasetType.objects.get(code="vehicle"),
        department="",
        as_of=datetime.date.today(),
        path=str(pending_path),
        file_name="车辆.csv",
        area=t.county,
    )
    age(pending_path, 30)
    # … a loaded batch's file is not (the load deletes it after commit; here it was left behind).
    loaded_path = put(media, "uploads/comparison/loaded.csv", data=VEHICLE_CSV)
    loaded = batch_upload(
        actor=personas.department,
        dataset_type=DatasetType.objects.get(code="vehicle"),
        department="",
        as_of=datetime.date.today(),
        path=str(loaded_path),
        file_name="车辆.csv",
        area=t.county,
    )
    batch_map(actor=personas.department, batch=loaded, mapping=loaded.mapping)
    batch_check(actor=personas.department, batch=loaded)
    batch_load(actor=personas.department, batch=loaded)
    loaded.refresh_from_db()
    assert loaded.status == BatchStatus.LOADED and loaded_path.exists()
    age(loaded_path, 30)
    # Any file field pointing into uploads/ keeps its file (safety net for rows not listed by hand).
    kept_by_field = put(media, "uploads/kept/result.xlsx", age_days=30)
    Job.objects.filter(pk=done.pk).update(result_file="uploads/kept/result.xlsx")
    # Evidence, photos and job results live outside uploads/ and are never touched.
    evidence = put(media, "evidence/513498/photo.jpg", age_days=400)
    job_result = put(media, "jobs/2020/01/清单.xlsx", age_days=400)

    result = uploads_cleanup(actor=personas.county_admin, days=7)

    removed = {f.name for f in result.removed}
    assert removed == {
        "areas/orphan.csv",
        "register/abandoned.csv",
        "register/abandoned.csv.checked",
        "comparison/loaded.csv",
    }
    for path in (orphan, abandoned, abandoned_cache, loaded_path):
        assert not path.exists(), path
    for path in (recent, waiting, waiting_cache, pending_path, kept_by_field, evidence, job_result):
        assert path.exists(), path
    assert set(result.kept) == {
        "assistance/waiting.csv",
        "assistance/waiting.csv.checked",
        "comparison/pending.csv",
        "kept/result.xlsx",
    }
    assert "比对数据批次" in result.kept["comparison/pending.csv"]
    assert result.size == 3 * len(b"a,b\n1,2\n") + len(VEHICLE_CSV)
    event = AuditEvent.objects.get(action="core.uploads_cleanup")
    assert event.actor == personas.county_admin
    assert event.after["removed"] == 4 and event.after["kept"] == 4 and event.after["days"] == 7
    assert "areas/orphan.csv" in event.after["files"]
    pending.refresh_from_db()
    assert pending.status == BatchStatus.MAPPING  # rows are not touched, only files


def test_a_recent_job_keeps_an_old_file_until_the_period_has_passed_since_the_job(media, personas):
    """A commit started today on a file uploaded long ago keeps it; the retention counts from the job."""
    old = put(media, "uploads/register/old.csv", age_days=20)
    job = enqueue(personas.county_admin, old)
    job_mark_finished(job, ok=True, message="导入完成")
    uploads_cleanup(days=7)
    assert old.exists()
    age_job(job, 8)
    uploads_cleanup(days=7)
    assert not old.exists()


def test_upload_from_the_import_page_stays_while_queued_and_goes_when_old_and_finished(
    media, personas, client_for
):
    client = client_for(personas.village_a1)
    response = client.post(
        "/register/io/import/", {"file": SimpleUploadedFile("农户.csv", "户编号,姓名\n1,张三\n".encode())}
    )
    assert response.status_code == 302
    job = Job.objects.get(pk=re.search(r"([0-9a-f-]{36})", response["Location"]).group(1))
    stored = Path(job.params["path"])
    assert stored.parent == media / "uploads" / "register" and stored.exists()
    age(stored, 30)
    age_job(job, 30)
    assert job.state == JobState.QUEUED
    assert uploads_cleanup(days=7).removed == [] and stored.exists()
    job_mark_finished(job, ok=False, message="校验未通过")
    assert [f.name for f in uploads_cleanup(days=7).removed] == [f"register/{stored.name}"]
    assert not stored.exists()


def test_command_dry_run_lists_without_deleting_then_the_real_run_deletes(media):
    old = put(media, "uploads/areas/old.csv", age_days=10)
    young = put(media, "uploads/areas/young.csv", age_days=3)

    out = _command("--dry-run")
    assert "将删除 areas/old.csv" in out and "试运行" in out and "young" not in out
    assert old.exists() and not AuditEvent.objects.filter(action="core.uploads_cleanup").exists()

    out = _command("--days", "2")
    assert "已删除 areas/old.csv" in out and "已删除 areas/young.csv" in out
    assert "清理完成" in out and "删除 2 个" in out
    assert not old.exists() and not young.exists()
    event = AuditEvent.objects.get(action="core.uploads_cleanup")
    assert event.actor is None and event.actor_name == "系统" and event.after["removed"] == 2


def test_command_uses_the_retention_setting_and_survives_a_missing_folder(media, settings):
    settings.JINGZHUN_UPLOAD_RETENTION_DAYS = 30
    old = put(media, "uploads/areas/old.csv", age_days=10)
    assert "删除 0 个" in _command()
    assert old.exists()
    settings.MEDIA_ROOT = media / "nowhere"
    assert "删除 0 个" in _command()


def test_command_prunes_old_finished_jobs_first_and_then_the_files_only_they_kept(media, personas, settings):
    settings.JINGZHUN_JOB_RETENTION_DAYS = 60
    kept_file = put(media, "uploads/register/kept.csv", age_days=100)
    gone_file = put(media, "uploads/register/gone.csv", age_days=100)
    recent = enqueue(personas.county_admin, kept_file)
    job_mark_finished(recent, ok=True, message="校验通过")
    old = enqueue(personas.county_admin, gone_file)
    job_mark_finished(old, ok=True, message="校验通过")
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - datetime.timedelta(days=61))
    age_job(old, 61)

    out = _command("--dry-run")
    assert "将删除 1 条结束超过 60 天的后台任务记录" in out
    assert Job.objects.filter(pk=old.pk).exists() and gone_file.exists()

    out = _command()
    assert "已删除 1 条结束超过 60 天的后台任务记录" in out
    assert not Job.objects.filter(pk=old.pk).exists() and Job.objects.filter(pk=recent.pk).exists()
    assert not gone_file.exists() and kept_file.exists()  # the recent job still refers to its file
    assert AuditEvent.objects.get(action="core.jobs_prune").after == {"days": 60, "count": 1}


def _command(*args) -> str:
    import io

    out = io.StringIO()
    call_command("cleanup_uploads", *args, stdout=out)
    return out.getvalue()
