"""Department data upload: mapping (remembered per type), dry run, all-or-nothing load, bad rows kept."""

import datetime

import pytest

from jingzhun.comparison.choices import BatchStatus
from jingzhun.comparison.models import ColumnMapping, DatasetBadRow, DatasetBatch, DatasetRow, DatasetType
from jingzhun.comparison.services_batches import (
    batch_check,
    batch_load,
    batch_map,
    batch_upload,
    dataset_type_save,
)
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.models import AuditEvent
from jingzhun.register.tests.factories import id_number

from .builders import load_batch, write_csv

pytestmark = pytest.mark.django_db


def _upload(personas, tmp_path, headers, rows, code="vehicle", actor=None, **kw):
    path = write_csv(tmp_path, headers, rows, **kw)
    return batch_upload(
        actor=actor or personas.department,
        dataset_type=DatasetType.objects.get(code=code),
        department="",
        as_of=datetime.date.today(),
        path=str(path),
        file_name=path.name,
    )


def test_seeded_types_cover_procedures_section_6():
    facts = set(DatasetType.objects.values_list("fact", flat=True))
    assert {
        "public_payroll",
        "vehicle",
        "real_estate",
        "business",
        "deceased",
        "assistance_status",
        "disability",
        "social_security",
        "housing_fund",
        "tax",
        "village_cadre",
        "imprisoned",
    } <= facts


def test_bad_rows_are_kept_aside_with_reasons_and_weak_rows_stay_usable(personas, tmp_path):
    good = id_number(datetime.date(1980, 1, 1))
    rows = [
        [good, "张三", "", "川A1", "10000"],  # fine
        ["123", "李四", "1975-03-04", "川A2", "2000"],  # bad ID, name + birth: usable, weaker
        ["123", "", "", "川A3", "1"],  # bad ID, no name: kept aside
        [good, "王五", "", "川A4", "很多"],  # value not a number: kept aside
        ["", "赵六", "1975-13-01", "川A5", "1"],  # impossible date: kept aside
    ]
    batch = load_batch(
        personas.department,
        tmp_path,
        "vehicle",
        ["身份证号", "姓名", "出生日期", "号牌号码", "车辆价值"],
        rows,
    )
    assert (batch.status, batch.rows, batch.bad_rows, batch.weak_rows) == (BatchStatus.LOADED, 2, 3, 1)
    bad = {b.row_no: b.reasons for b in DatasetBadRow.objects.filter(batch=batch)}
    assert set(bad) == {4, 5, 6}
    assert "身份证号" in bad[4] and "姓名和出生日期" in bad[4]
    assert "车辆价值" in bad[5] and "数字" in bad[5]
    assert "出生日期" in bad[6]
    weak = DatasetRow.objects.get(batch=batch, row_no=3)
    assert (
        weak.id_number == "" and weak.birth_date == datetime.date(1975, 3, 4) and "姓名+出生日期" in weak.note
    )
    assert DatasetBadRow.objects.get(batch=batch, row_no=4).values["姓名"] == ""
    assert AuditEvent.objects.filter(action="comparison.batch_load", target_id=str(batch.pk)).exists()


def test_mapping_is_remembered_per_type_and_offered_next_time(personas, tmp_path):
    headers = ["证件号", "车主", "车牌"]
    batch = _upload(personas, tmp_path, headers, [[id_number(datetime.date(1980, 1, 1)), "张三", "川A"]])
    assert "id_number" not in batch.mapping  # 证件号 is no known alias
    batch_map(
        actor=personas.department,
        batch=batch,
        mapping={"id_number": "证件号", "name": "车主", "plate": "车牌"},
    )
    assert ColumnMapping.objects.get(dataset_type__code="vehicle").mapping["id_number"] == "证件号"
    again = _upload(personas, tmp_path, headers, [["x", "y", "z"]])
    assert again.mapping == {"id_number": "证件号", "name": "车主", "plate": "车牌"}


def test_mapping_without_id_or_name_and_birth_is_refused(personas, tmp_path):
    batch = _upload(personas, tmp_path, ["姓名", "号牌号码"], [["张三", "川A"]])
    with pytest.raises(DomainError) as err:
        batch_map(actor=personas.department, batch=batch, mapping={"name": "姓名", "plate": "号牌号码"})
    assert "身份证号" in err.value.message and err.value.field == "id_number"
    with pytest.raises(DomainError, match="没有列"):
        batch_map(actor=personas.department, batch=batch, mapping={"id_number": "不存在"})


def test_load_is_all_or_nothing(personas, tmp_path, monkeypatch):
    rows = [[id_number(datetime.date(1980, 1, 1)), f"人{i}"] for i in range(12000)]
    batch = _upload(personas, tmp_path, ["身份证号", "姓名"], rows)
    batch_map(actor=personas.department, batch=batch, mapping=batch.mapping)
    batch_check(actor=personas.department, batch=batch)
    from jingzhun.comparison import services_batches

    real = services_batches.audit_record

    def fail(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services_batches, "audit_record", fail)
    with pytest.raises(RuntimeError):
        batch_load(actor=personas.department, batch=batch)
    assert DatasetRow.objects.filter(batch=batch).count() == 0  # 10,000 rows were flushed, then rolled back
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CHECKED
    monkeypatch.setattr(services_batches, "audit_record", real)
    batch_load(actor=personas.department, batch=batch)
    assert DatasetRow.objects.filter(batch=batch).count() == 12000


def test_gbk_csv_is_read(personas, tmp_path):
    path_batch = _upload(
        personas,
        tmp_path,
        ["身份证号", "姓名"],
        [[id_number(datetime.date(1980, 1, 1)), "张三"]],
        encoding="gb18030",
    )
    batch_map(actor=personas.department, batch=path_batch, mapping=path_batch.mapping)
    stats, bad = batch_check(actor=personas.department, batch=path_batch)
    assert stats.rows == 1 and not bad


def test_only_uploader_or_county_may_map_a_batch(personas, tmp_path):
    batch = _upload(personas, tmp_path, ["身份证号", "姓名"], [["1", "2"]])
    with pytest.raises(AccessDenied):
        batch_map(actor=personas.village_a1, batch=batch, mapping=batch.mapping)
    batch_map(actor=personas.county_admin, batch=batch, mapping=batch.mapping)


def test_users_without_upload_capability_cannot_upload(personas, tmp_path):
    for user in (personas.village_a1, personas.no_role):
        with pytest.raises(AccessDenied):
            _upload(personas, tmp_path, ["身份证号"], [["1"]], actor=user)
    assert not DatasetBatch.objects.exists()


def test_county_admin_extends_types_with_own_fields(personas):
    t = dataset_type_save(
        actor=personas.county_admin,
        data={
            "code": "farm_machine",
            "name": "大型农机",
            "fact": "vehicle",
            "fields": [{"code": "model", "label": "机型", "kind": "text", "aliases": ["型号"]}],
            "cover_relatives": True,
        },
    )
    assert t.fields[0]["code"] == "model" and t.cover_relatives
    with pytest.raises(DomainError, match="已存在"):
        dataset_type_save(
            actor=personas.county_admin, data={"code": "farm_machine", "name": "x", "fact": "vehicle"}
        )
    with pytest.raises(AccessDenied):
        dataset_type_save(actor=personas.department, data={"code": "other", "name": "x", "fact": "vehicle"})
