"""Services of department data sets: types, upload, column mapping, dry run and all-or-nothing load."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.scoping import user_can
from jingzhun.core.services import audit_record, snapshot
from jingzhun.core.tabular import read_table
from jingzhun.register.importing_sql import RowInserter

from .choices import BatchStatus, Fact, FieldKind
from .loading import BadRow, LoadStats, check_mapping, read_rows, suggest_mapping
from .models import ColumnMapping, DatasetBadRow, DatasetBatch, DatasetRow, DatasetType

MAX_BAD_KEPT_IN_MEMORY = 100_000  # for the dry run's error workbook
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


def can_manage(user, area=None) -> bool:
    return user_can(user, "comparison.run", area)


def _require_batch_owner(actor, batch: DatasetBatch) -> None:
    if batch.uploaded_by_id != getattr(actor, "pk", None) and not can_manage(actor, batch.area):
        raise AccessDenied()


# --- data set types --------------------------------------------------------------------------------


def _clean_fields(fields: list[dict]) -> list[dict]:
    out, seen = [], set()
    for f in fields:
        code = str(f.get("code", "")).strip()
        label = str(f.get("label", "")).strip()
        kind = str(f.get("kind", FieldKind.TEXT))
        if not _CODE.match(code):
            raise DomainError(
                _("字段代码“%(code)s”只能用小写字母、数字和下划线，且以字母开头。") % {"code": code},
                field="fields",
            )
        if code in seen or code in ("id_number", "name", "birth_date"):
            raise DomainError(_("字段代码“%(code)s”重复或与通用字段重名。") % {"code": code}, field="fields")
        if not label or len(label) > 30:
            raise DomainError(_("字段“%(code)s”须有名称（最多 30 字）。") % {"code": code}, field="fields")
        if kind not in FieldKind.values:
            raise DomainError(_("字段“%(code)s”的类型无效。") % {"code": code}, field="fields")
        aliases = [str(a).strip()[:50] for a in f.get("aliases") or [] if str(a).strip()]
        seen.add(code)
        out.append({"code": code, "label": label, "kind": kind, "aliases": aliases})
    return out


@transaction.atomic
def dataset_type_save(*, actor, instance: DatasetType | None = None, data: dict) -> DatasetType:
    """Create or change a data set type (reference data). Needs ``comparison.run``."""
    if not can_manage(actor):
        raise AccessDenied()
    obj = instance or DatasetType()
    before = snapshot(obj) if instance else None
    code = str(data.get("code", obj.code or "")).strip()
    if instance is None:
        if not _CODE.match(code):
            raise DomainError(_("代码只能用小写字母、数字和下划线，且以字母开头。"), field="code")
        if DatasetType.objects.filter(code=code).exists():
            raise DomainError(_("代码“%(code)s”已存在。") % {"code": code}, field="code")
        obj.code = code
    if data.get("fact", obj.fact) not in Fact.values:
        raise DomainError(_("请选择比对事实。"), field="fact")
    for name in ("name", "department", "fact", "alert_risk"):
        if name in data:
            setattr(obj, name, str(data[name] or "").strip())
    if not obj.name:
        raise DomainError(_("名称不能为空。"), field="name")
    for name in ("cover_relatives", "raises_suspect", "active"):
        if name in data:
            setattr(obj, name, bool(data[name]))
    if "sort" in data:
        obj.sort = int(data["sort"] or 0)
    if "fields" in data:
        obj.fields = _clean_fields(data["fields"])
    obj.save()
    after = snapshot(obj)
    audit_record(
        actor=actor,
        action="comparison.type_update" if instance else "comparison.type_create",
        target=obj,
        before=before,
        after=after,
    )
    return obj


# --- upload and mapping ----------------------------------------------------------------------------


@transaction.atomic
def batch_upload(
    *, actor, dataset_type: DatasetType, department: str, as_of, path: str, file_name: str, area=None
) -> DatasetBatch:
    """Register an uploaded file: read its headers and propose a mapping (remembered per type)."""
    area = area or getattr(actor, "area", None)
    if area is None or not (user_can(actor, "comparison.upload", area) or can_manage(actor, area)):
        raise AccessDenied()
    if not dataset_type.active:
        raise DomainError(_("该数据集类型已停用。"), field="dataset_type")
    if as_of > timezone.localdate():
        raise DomainError(_("数据截止日期不能晚于今天。"), field="as_of")
    table = read_table(path)
    headers = [h for h in table.headers if h]
    remembered = getattr(ColumnMapping.objects.filter(dataset_type=dataset_type).first(), "mapping", None)
    batch = DatasetBatch.objects.create(
        dataset_type=dataset_type,
        department=(department or dataset_type.department).strip()[:50],
        as_of=as_of,
        area=area,
        area_path=area.path,
        file_name=file_name[:200],
        file_path=str(path),
        headers=headers,
        mapping=suggest_mapping(dataset_type, headers, remembered),
        uploaded_by=actor,
    )
    audit_record(
        actor=actor,
        action="comparison.batch_upload",
        target=batch,
        area=area,
        after=snapshot(batch, ["dataset_type", "department", "as_of", "file_name"]),
    )
    return batch


@transaction.atomic
def batch_map(*, actor, batch: DatasetBatch, mapping: dict) -> DatasetBatch:
    """Confirm the header → field mapping; it is remembered for the next upload of this type."""
    _require_batch_owner(actor, batch)
    if batch.status not in (BatchStatus.MAPPING, BatchStatus.MAPPED, BatchStatus.CHECKED, BatchStatus.FAILED):
        raise DomainError(_("该批次已入库，不能再修改字段对应。"), field="mapping")
    clean = check_mapping(batch.dataset_type, batch.headers, mapping)
    batch.mapping = clean
    batch.status = BatchStatus.MAPPED
    batch.save(update_fields=["mapping", "status", "updated_at"])
    ColumnMapping.objects.update_or_create(
        dataset_type=batch.dataset_type, defaults={"mapping": clean, "updated_by": actor}
    )
    audit_record(
        actor=actor, action="comparison.batch_map", target=batch, area=batch.area, after={"mapping": clean}
    )
    return batch


def _set_status(batch: DatasetBatch, status: str, **values) -> None:
    DatasetBatch.objects.filter(pk=batch.pk).update(status=status, updated_at=timezone.now(), **values)
    batch.status = status


def batch_check(*, actor, batch: DatasetBatch, progress=None) -> tuple[LoadStats, list[BadRow]]:
    """Dry run: read every row, count usable and bad ones, write nothing but the batch's status."""
    _require_batch_owner(actor, batch)
    if batch.status not in (
        BatchStatus.MAPPED,
        BatchStatus.CHECKED,
        BatchStatus.FAILED,
        BatchStatus.CHECKING,
    ):
        raise DomainError(_("请先确认字段对应。"), field="mapping")
    _set_status(batch, BatchStatus.CHECKING)
    stats, bad = LoadStats(), []
    try:
        for item in read_rows(batch.file_path, batch.mapping, batch.dataset_type, progress=progress):
            _count(stats, item)
            if isinstance(item, BadRow) and len(bad) < MAX_BAD_KEPT_IN_MEMORY:
                bad.append(item)
    except DomainError:
        _set_status(batch, BatchStatus.FAILED)
        raise
    ok = stats.rows > 0
    _set_status(
        batch,
        BatchStatus.CHECKED if ok else BatchStatus.FAILED,
        rows=stats.rows,
        bad_rows=stats.bad,
        weak_rows=stats.weak,
    )
    return stats, bad


def _count(stats: LoadStats, item) -> None:
    if isinstance(item, BadRow):
        stats.bad += 1
        key = item.reasons.split("；")[0].split("：")[0]
        stats.reasons[key] = stats.reasons.get(key, 0) + 1
    else:
        stats.rows += 1
        if not item.id_number:
            stats.weak += 1


@transaction.atomic
def batch_load(*, actor, batch: DatasetBatch, progress=None) -> LoadStats:
    """Write the checked file: usable rows and rows kept aside, in one transaction (all or nothing)."""
    _require_batch_owner(actor, batch)
    batch = DatasetBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.CHECKED:
        raise DomainError(_("只能入库校验通过的批次。"), field="status")
    if not Path(batch.file_path).exists():
        raise DomainError(_("上传的文件已不存在，请重新上传。"), field="file")
    now = timezone.now()
    rows, bads = RowInserter(DatasetRow, now), RowInserter(DatasetBadRow, now)
    stats = LoadStats()
    for item in read_rows(batch.file_path, batch.mapping, batch.dataset_type, progress=progress):
        _count(stats, item)
        if isinstance(item, BadRow):
            bads.add(
                {"batch_id": batch.pk, "row_no": item.row_no, "values": item.values, "reasons": item.reasons}
            )
        else:
            rows.add(
                {
                    "batch_id": batch.pk,
                    "row_no": item.row_no,
                    "id_number": item.id_number,
                    "name": item.name,
                    "birth_date": item.birth_date,
                    "data": item.data,
                    "note": item.note,
                }
            )
        if len(rows.rows) >= 5000:
            rows.flush()
        if len(bads.rows) >= 2000:
            bads.flush()
    rows.flush()
    bads.flush()
    if stats.rows == 0:
        raise DomainError(_("文件中没有可用于比对的行。"), field="file")
    batch.status = BatchStatus.LOADED
    batch.rows, batch.bad_rows, batch.weak_rows = stats.rows, stats.bad, stats.weak
    batch.loaded_at = now
    batch.save(update_fields=["status", "rows", "bad_rows", "weak_rows", "loaded_at", "updated_at"])
    audit_record(
        actor=actor,
        action="comparison.batch_load",
        target=batch,
        area=batch.area,
        after={"rows": stats.rows, "bad_rows": stats.bad, "weak_rows": stats.weak},
    )
    transaction.on_commit(lambda: Path(batch.file_path).unlink(missing_ok=True))
    return stats


def reason_counts(stats: LoadStats) -> list[tuple[str, int]]:
    return Counter(stats.reasons).most_common(10)
