#!/usr/bin/env python3
"""Benchmark of the department import of deliveries (issue 6) on a fresh database.

    .venv/bin/python bench/assistance_import.py                  # 100,000 deliveries
    .venv/bin/python bench/assistance_import.py --rows 10000     # quick run

Builds a county whose register holds one active person per delivery row (households of 4, written
with the demo's bulk inserter; half of them with last year's income recorded), writes a csv of
deliveries (60 % cash measures that feed transfer income), and imports it through the real job body
(``assistance.tasks.run_import`` under ``core.jobs.run_job``) as a department user: dry run, then
commit. A naive baseline records a sample one by one through ``services_delivery.delivery_record``.
Prints one ``BENCH <name> <value> <unit>`` line per figure.

Uses its own SQLite database in a temporary JINGZHUN_DATA_DIR unless DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MEASURES = [
    "雨露计划",
    "大病救助/医疗救助",
    "低保",
    "产业奖补",
    "家庭医生签约",
    "技能培训",
    "扶贫小额信贷",
    "光伏收益分红",
]
HEADERS = ["身份证号", "姓名", "措施", "落实日期", "金额/数量", "发放部门", "资金/项目名称", "备注"]


def bench(name: str, value, unit: str) -> None:
    print(f"BENCH {name} {value} {unit}", flush=True)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django(data_dir: Path):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    if not os.environ.get("DATABASE_URL"):
        os.environ["JINGZHUN_DATA_DIR"] = str(data_dir)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build_register(persons: int, seed: int):
    """County → villages; households of 4 active members with valid IDs; returns [(id_number, name)]."""
    from jingzhun.areas.models import Area
    from jingzhun.demo.bulk import Inserter, row_class
    from jingzhun.register.models import Household, HouseholdIncome, Member
    from jingzhun.register.validation import check_char

    rng = random.Random(seed)

    def area(code, level, parent, name):
        return Area.objects.create(
            code=code, path=Area.path_for(code, level), level=level, parent=parent, name=name
        )

    province = Area.objects.filter(code="510000000000").first() or area(
        "510000000000", "province", None, "四川省"
    )
    city = Area.objects.filter(code="513400000000").first() or area(
        "513400000000", "city", province, "凉山州"
    )
    county = area("513487000000", "county", city, "基准县")
    township = area("513487101000", "township", county, "基准乡")
    villages = [area(f"513487101{201 + v:03d}", "village", township, f"{v + 1}村") for v in range(40)]
    ins = Inserter()
    H, M, Inc = row_class(Household), row_class(Member), row_class(HouseholdIncome)
    households, members, incomes, people = [], [], [], []
    year = datetime.date.today().year - 1
    n_households = (persons + 3) // 4
    for k in range(n_households):
        v = villages[k % len(villages)]
        h = H(
            id=ins.new_id(Household),
            household_no=f"{v.code}{k // len(villages) + 1:05d}"[-18:],
            area_id=v.id,
            area_path=v.path,
            poverty_status="poor",
            year_identified=2014,
            main_cause="1",
            size=4,
            head_name="",
        )
        households.append(h)
        for j in range(4):
            if len(people) == persons:
                break
            birth = datetime.date(1950 + (k * 4 + j) % 60, 1 + (k % 12), 1 + (j * 7))
            serial = f"{(k * 4 + j) % 1000:03d}"
            first = f"5134{(k * 4 + j) // 1000 % 100:02d}{birth:%Y%m%d}{serial}"
            number = first + check_char(first)
            name = (
                rng.choice("王李张刘陈杨黄赵吴周")
                + rng.choice("伟芳娜秀英敏静丽强磊军洋")
                + rng.choice("华明")
            )
            if j == 0:
                h.head_name = name
            members.append(
                M(
                    id=ins.new_id(Member),
                    member_no=f"{h.household_no}{j + 1:02d}",
                    household_id=h.id,
                    name=name,
                    sex="1" if int(serial) % 2 else "2",
                    id_number=number,
                    birth_date=birth,
                    relation="01" if j == 0 else "03",
                    joined_on=datetime.date(2014, 1, 1),
                )
            )
            people.append((number, name))
        if k % 2 == 0:
            incomes.append(
                Inc(
                    id=ins.new_id(HouseholdIncome),
                    household_id=h.id,
                    year=year,
                    wages=8000,
                    net_income=8000,
                    size=4,
                    per_capita=2000,
                )
            )
    ins.insert(Household, households)
    ins.insert(Member, members)
    ins.insert(HouseholdIncome, incomes)
    ins.finish()
    return county, people


def write_csv(path: Path, people, seed: int) -> int:
    rng = random.Random(seed)
    year = datetime.date.today().year - 1
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        for i, (number, name) in enumerate(people):
            measure = MEASURES[i % len(MEASURES)]
            day = datetime.date(year, 1 + i % 12, 1 + i % 28)
            w.writerow(
                [
                    number,
                    name,
                    measure,
                    day.isoformat(),
                    str(rng.randint(1, 60) * 50),
                    "县教育局",
                    f"{year}年资金",
                    "",
                ]
            )
    return len(people)


def run_job(actor, path: Path, dry_run: bool):
    from jingzhun.assistance.tasks import IMPORT_KIND, run_import
    from jingzhun.core.jobs import run_job as run
    from jingzhun.core.models import Job

    job = Job.objects.create(
        kind=IMPORT_KIND,
        title="bench",
        owner=actor,
        params={"path": str(path), "dry_run": dry_run, "file_name": path.name},
    )
    start, cpu = time.perf_counter(), time.process_time()
    run(str(job.pk), run_import)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    job.refresh_from_db()
    if job.state != "succeeded":
        print(f"# job failed: {job.message}", flush=True)
    return seconds, cpu, job.result or {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=int(os.environ.get("BENCH_ROWS", 100_000)))
    parser.add_argument("--baseline", type=int, default=500)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="jingzhun-bench-"))
    try:
        setup_django(tmp / "data")
        from django.db import connection

        from jingzhun.assistance.models import Delivery, MeasureType
        from jingzhun.assistance.services_delivery import delivery_record
        from jingzhun.core.testing import make_user
        from jingzhun.register.models import IncomeTransfer

        bench("database", connection.vendor, "engine")
        start = time.perf_counter()
        county, people = build_register(args.rows + args.baseline, args.seed)
        bench("register_build_seconds", f"{time.perf_counter() - start:.1f}", "s")
        department = make_user("bench_department", "department", county, unit="县教育局")
        baseline_people, people = people[: args.baseline], people[args.baseline :]

        path = tmp / "deliveries.csv"
        rows = write_csv(path, people, args.seed)
        bench("csv_rows", rows, "rows")
        bench("csv_file_size", f"{path.stat().st_size / 1e6:.1f}", "MB")
        seconds, cpu, result = run_job(department, path, dry_run=True)
        assert result.get("errors") == 0, result
        bench("dry_run_seconds", f"{seconds:.1f}", "s")
        bench("dry_run_cpu_seconds", f"{cpu:.1f}", "s")
        bench("dry_run_rows_per_second", f"{rows / seconds:.0f}", "rows/s")
        seconds, cpu, result = run_job(department, path, dry_run=False)
        assert result.get("written") == rows, result
        bench("commit_seconds", f"{seconds:.1f}", "s")
        bench("commit_cpu_seconds", f"{cpu:.1f}", "s")
        bench("commit_rows_per_second", f"{rows / seconds:.0f}", "rows/s")
        bench("deliveries_written", Delivery.objects.count(), "rows")
        bench("income_lines_written", IncomeTransfer.objects.count(), "rows")
        bench("peak_rss", f"{rss_mb():.0f}", "MB")

        measure = MeasureType.objects.get(code="yulu")
        day = datetime.date.today() - datetime.timedelta(days=1)
        start = time.perf_counter()
        for number, _name in baseline_people:
            delivery_record(
                actor=department, id_number=number, measure=measure, delivered_on=day, amount="100"
            )
        seconds = time.perf_counter() - start
        bench("naive_baseline_rows", len(baseline_people), "rows")
        bench("naive_baseline_rows_per_second", f"{len(baseline_people) / seconds:.0f}", "rows/s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
