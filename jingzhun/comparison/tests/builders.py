"""Builders for comparison tests: register households, department files and loaded batches (no tests)."""

from __future__ import annotations

import csv
import datetime
import itertools
from pathlib import Path

from jingzhun.comparison.models import DatasetType
from jingzhun.comparison.services import run_execute, run_start
from jingzhun.comparison.services_batches import batch_check, batch_load, batch_map, batch_upload
from jingzhun.register.choices import PovertyStatus
from jingzhun.register.services import household_create
from jingzhun.register.tests.factories import household, member

_names = itertools.count(1)


def person(name: str, age: int = 40, male: bool = True, relation: str = "01", **extra) -> dict:
    today = datetime.date.today()
    return member(name, relation, datetime.date(today.year - age, 4, 4), male=male, **extra)


def registered(personas, area=None, members=None):
    """A 建档立卡 household (poor since 2014) loaded by the county admin."""
    members = members or [person("张三丰", 45), person("李梅", 43, male=False, relation="02")]
    members[0]["health"] = "2"
    return household_create(
        actor=personas.county_admin,
        area=area or personas.tree.village_a1,
        household=household(),
        members=members,
        poverty_status=PovertyStatus.POOR,
        year_identified=2014,
    )


def write_csv(
    tmp_path: Path, headers: list[str], rows: list[list], name: str = "data.csv", encoding="utf-8"
) -> Path:
    path = tmp_path / f"{next(_names)}-{name}"
    with open(path, "w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(rows)
    return path


def load_batch(actor, tmp_path, type_code: str, headers, rows, *, mapping=None, as_of=None):
    """Upload, map (the suggested mapping unless given), dry-run and load a department file."""
    dataset_type = DatasetType.objects.get(code=type_code)
    path = write_csv(tmp_path, headers, rows)
    batch = batch_upload(
        actor=actor,
        dataset_type=dataset_type,
        department="测试部门",
        as_of=as_of or datetime.date.today(),
        path=str(path),
        file_name=path.name,
    )
    batch_map(actor=actor, batch=batch, mapping=mapping or batch.mapping)
    batch_check(actor=actor, batch=batch)
    batch_load(actor=actor, batch=batch)
    batch.refresh_from_db()
    return batch


def run_now(actor, area, *, full=False):
    """Start a run and execute it in-process (the job body), returning the finished run."""
    run = run_start(actor=actor, area=area, full=full)
    return run_execute(run=run)
