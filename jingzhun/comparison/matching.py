"""A comparison run: export persons and department rows to DuckDB, match, then write suspects and alerts.

Memory stays flat: persons and rows are streamed from Django's database (SQLite or PostgreSQL) with a
server-side iterator into headerless CSV files in a temporary directory, which DuckDB reads; hits come
back in chunks. Only the hits (thousands, not millions) are turned into Python objects.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Q

from jingzhun.core.masking import mask_id_number
from jingzhun.core.scoping import paths_q
from jingzhun.register.choices import MemberStatus
from jingzhun.register.models import Member

from . import engine
from .choices import Fact
from .models import DatasetBatch, DatasetRow, Relative
from .normalise import normalise_name

CHUNK = 5000


@dataclass
class Hit:
    batch_id: int
    row_no: int
    kind: int  # 0 member, 1 relative
    ref_id: int
    household_id: int
    strength: str


@dataclass
class MatchResult:
    persons: int = 0
    rows: int = 0
    hits: list[Hit] = field(default_factory=list)
    seconds: float = 0.0


def _date(value) -> str:
    return value.isoformat() if value else ""


def export_persons(path: Path, area_path: str, *, with_relatives: bool) -> int:
    """Active members of the area's households (and active relatives) as CSV lines for ``persons``."""
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        members = (
            Member.objects.filter(paths_q("household__area_path", [area_path]), status=MemberStatus.ACTIVE)
            .values_list("pk", "household_id", "id_number", "name", "birth_date")
            .order_by()
        )
        for pk, household_id, id_number, name, birth in members.iterator(chunk_size=CHUNK):
            w.writerow((0, pk, household_id, id_number or "", normalise_name(name), _date(birth)))
            count += 1
        if with_relatives:
            relatives = (
                Relative.objects.filter(paths_q("area_path", [area_path]), active=True)
                .values_list("pk", "household_id", "id_number", "name", "birth_date")
                .order_by()
            )
            for pk, household_id, id_number, name, birth in relatives.iterator(chunk_size=CHUNK):
                w.writerow((1, pk, household_id, id_number or "", normalise_name(name), _date(birth)))
                count += 1
    return count


def export_rows(path: Path, batches: list[DatasetBatch]) -> int:
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        for batch in batches:
            rel = "true" if batch.dataset_type.cover_relatives else "false"
            rows = (
                DatasetRow.objects.filter(batch=batch)
                .values_list("row_no", "id_number", "name", "birth_date")
                .order_by()
            )
            for row_no, id_number, name, birth in rows.iterator(chunk_size=CHUNK):
                w.writerow((batch.pk, row_no, id_number or "", name or "", _date(birth), rel))
                count += 1
    return count


def match_batches(area_path: str, batches: list[DatasetBatch], progress=None) -> MatchResult:
    """Run ``engine.MATCH_SQL`` over the area's persons and the batches' rows."""
    started = time.monotonic()
    result = MatchResult()
    report = progress or (lambda pct, msg: None)
    with tempfile.TemporaryDirectory(prefix="jz-compare-") as tmp:
        tmp_path = Path(tmp)
        report(5, "persons")
        result.persons = export_persons(
            tmp_path / "persons.csv",
            area_path,
            with_relatives=any(b.dataset_type.cover_relatives for b in batches),
        )
        report(25, "rows")
        result.rows = export_rows(tmp_path / "rows.csv", batches)
        report(50, "match")
        con = engine.connect(threads=2, memory_limit="1GB", temp_dir=str(tmp_path / "duck"))
        try:
            if result.persons:
                engine.load_csv(con, "persons", tmp_path / "persons.csv")
            if result.rows:
                engine.load_csv(con, "rows", tmp_path / "rows.csv")
            engine.prepare(con)
            result.hits = [Hit(*h) for h in engine.iter_hits(con)]
        finally:
            con.close()
    result.seconds = time.monotonic() - started
    return result


# --- evidence ---------------------------------------------------------------------------------------


def load_evidence(hits: list[Hit]) -> tuple[dict, dict, dict]:
    """Department rows, members and relatives concerned by ``hits``, by key."""
    by_batch = defaultdict(set)
    for h in hits:
        by_batch[h.batch_id].add(h.row_no)
    rows = {}
    for batch_id, numbers in by_batch.items():
        numbers = sorted(numbers)
        for i in range(0, len(numbers), 900):
            for r in DatasetRow.objects.filter(batch_id=batch_id, row_no__in=numbers[i : i + 900]):
                rows[(batch_id, r.row_no)] = r
    member_ids = sorted({h.ref_id for h in hits if h.kind == 0})
    relative_ids = sorted({h.ref_id for h in hits if h.kind == 1})
    members, relatives = {}, {}
    for i in range(0, len(member_ids), 900):
        members.update(Member.objects.in_bulk(member_ids[i : i + 900]))
    for i in range(0, len(relative_ids), 900):
        relatives.update(Relative.objects.in_bulk(relative_ids[i : i + 900]))
    return rows, members, relatives


def disagrees(fact: str, row: DatasetRow, member) -> bool:
    """For status-type data sets, a hit counts only when the register says something else."""
    if member is None:
        return True
    if fact == Fact.ASSISTANCE_STATUS:
        status = str(row.data.get("status", ""))
        if "特困" in status or "五保" in status:
            return not member.tekun
        return not member.dibao
    if fact == Fact.DISABILITY:
        grade = row.data.get("grade")
        if member.disability_grade is None and not member.disability_type:
            return True
        return grade is not None and str(member.disability_grade or "") != str(grade)
    if fact == Fact.DECEASED:
        return member.status == MemberStatus.ACTIVE
    return True


def evidence_entry(hit: Hit, row: DatasetRow, member, relative) -> dict:
    person = member if hit.kind == 0 else relative
    columns = {"row_no": row.row_no, "id_number": mask_id_number(row.id_number), "name": row.name}
    if row.birth_date:
        columns["birth_date"] = row.birth_date.isoformat()
    columns.update(row.data or {})
    if row.note:
        columns["note"] = row.note
    return {
        "row_no": row.row_no,
        "person_kind": "member" if hit.kind == 0 else "relative",
        "member_id": member.pk if member else None,
        "relative_id": relative.pk if relative else None,
        "person_name": getattr(person, "name", ""),
        "relation": getattr(relative, "kind", "") if hit.kind == 1 else getattr(member, "relation", ""),
        "strength": hit.strength,
        "columns": columns,
    }


def group_hits(hits: list[Hit], batches: dict[int, DatasetBatch]) -> dict[tuple[int, int], list[dict]]:
    """(household, batch) → evidence entries, dropping hits that agree with the register."""
    rows, members, relatives = load_evidence(hits)
    grouped: dict[tuple[int, int], list[dict]] = defaultdict(list)
    seen = set()
    for h in sorted(hits, key=lambda x: (x.batch_id, x.row_no, x.kind, x.ref_id)):
        key = (h.batch_id, h.row_no, h.kind, h.ref_id)
        row = rows.get((h.batch_id, h.row_no))
        if key in seen or row is None:
            continue
        seen.add(key)
        member = members.get(h.ref_id) if h.kind == 0 else None
        relative = relatives.get(h.ref_id) if h.kind == 1 else None
        if h.kind == 0 and not disagrees(batches[h.batch_id].dataset_type.fact, row, member):
            continue
        grouped[(h.household_id, h.batch_id)].append(evidence_entry(h, row, member, relative))
    return grouped


def runnable_batches(area_path: str, *, full: bool) -> list[DatasetBatch]:
    """Loaded batches of the area: all of them for a full rerun, else only those never matched."""
    from .choices import BatchStatus

    qs = DatasetBatch.objects.filter(paths_q("area_path", [area_path]), status=BatchStatus.LOADED)
    if not full:
        qs = qs.filter(Q(matched_run__isnull=True))
    return list(qs.select_related("dataset_type", "area").order_by("pk"))


def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()
