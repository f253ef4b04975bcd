#!/usr/bin/env python3
"""Benchmark of the household assessment (issue 5 §7): 1,000,000 synthetic households.

    .venv/bin/python bench/assess.py                       # full size: 1,000,000 households / ~3.5M persons
    .venv/bin/python bench/assess.py --households 50000    # quick run

Builds the register in a fresh database (its own SQLite file in a temporary JINGZHUN_DATA_DIR unless
DATABASE_URL is set: then give it an empty database) with set-based SQL (households, 1–6 members each,
one income row each; house grades, water, school-age children and insurance varied so every criterion
fails somewhere), then runs ``jingzhun.assessment.batch.assess`` — the same function the background job
calls — over the whole county for one year. Prints ``BENCH <name> <value> <unit>`` lines: the seconds of
the assessment, households per second, the peak memory of the process, and the result counts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEAR = 2020


def bench(name: str, value, unit: str) -> None:
    print(f"BENCH {name} {value} {unit}", flush=True)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django(data_dir: Path):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    if not os.environ.get("DATABASE_URL"):
        os.environ["JINGZHUN_DATA_DIR"] = str(data_dir)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build_areas(n_villages: int):
    from jingzhun.areas.models import Area

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
    county = area("513488000000", "county", city, "基准县")
    villages = []
    for t in range((n_villages + 19) // 20):
        township = area(f"513488{101 + t:03d}000", "township", county, f"第{t + 1}乡")
        for v in range(min(20, n_villages - len(villages))):
            villages.append(
                area(f"513488{101 + t:03d}{201 + v:03d}", "village", township, f"{t + 1}乡{v + 1}村")
            )
    return county, villages


def _literal_defaults(model, given: dict) -> tuple[list[str], list[str], list]:
    """Columns and SQL for every concrete field: ``given`` expressions, else the field's default."""
    from django.db.models import JSONField

    columns, exprs, params = [], [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(f.column)
        if f.name in given:
            exprs.append(given[f.name].replace("%", "%%"))  # literal SQL: no params, modulo escaped
            continue
        value = f.get_default()
        if isinstance(f, JSONField):
            value = json.dumps(value if value is not None else {})
        if value is None and not f.null:
            raise ValueError(f"{model.__name__}.{f.name} needs a value")
        exprs.append("%s")
        params.append(value)
    return columns, exprs, params


def insert_select(cursor, model, given: dict, source: str):
    """INSERT … SELECT: ``given`` maps fields to literal SQL over ``source``; defaults fill the rest."""
    columns, exprs, params = _literal_defaults(model, given)
    source = source.replace("%", "%%")
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(exprs)} FROM {source}"
    cursor.execute(sql, params)


def generate(households: int, villages: list) -> dict:
    """Households, members and incomes with set-based SQL (a numbers table, no Python loop per row)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from jingzhun.register.models import Household, HouseholdIncome, Member

    stamp = "'" + timezone.now().strftime("%Y-%m-%d %H:%M:%S") + "'"
    vids = [(i, v.pk, v.path) for i, v in enumerate(villages)]
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_n (i INTEGER PRIMARY KEY)")
        step = 100_000
        for lo in range(0, households, step):
            cur.execute(
                "INSERT INTO bench_n (i) SELECT a.x + b.x * 10 + c.x * 100 + d.x * 1000 + e.x * 10000 + %s "
                "FROM (SELECT 0 x UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 "
                "UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) a, "
                "(SELECT 0 x UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 "
                "UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) b, "
                "(SELECT 0 x UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 "
                "UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) c, "
                "(SELECT 0 x UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 "
                "UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) d, "
                "(SELECT 0 x UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 "
                "UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) e "
                "WHERE a.x + b.x * 10 + c.x * 100 + d.x * 1000 + e.x * 10000 + %s < %s",
                [lo, lo, households],
            )
        cur.execute("CREATE TEMP TABLE bench_v (k INTEGER PRIMARY KEY, area_id INTEGER, path VARCHAR(15))")
        for k, pk, path in vids:
            cur.execute("INSERT INTO bench_v (k, area_id, path) VALUES (%s, %s, %s)", [k, pk, path])
        nv = len(vids)
        # Households: status by i % 10 (5 poor, 3 exited, 2 never registered), grade C every 23rd,
        # water short every 31st, 2–6 persons.
        insert_select(
            cur,
            Household,
            {
                "household_no": "'B' || n.i",
                "area": "v.area_id",
                "area_path": "v.path",
                "poverty_status": "CASE WHEN n.i % 10 < 5 THEN 'poor' WHEN n.i % 10 < 8 THEN 'exited' ELSE 'not_poor' END",
                "year_identified": "CASE WHEN n.i % 10 < 8 THEN 2014 ELSE NULL END",
                "year_exited": "CASE WHEN n.i % 10 BETWEEN 5 AND 7 THEN 2018 ELSE NULL END",
                "size": "2 + n.i % 5",
                "head_name": "'户主' || n.i",
                "house_grade": "CASE WHEN n.i % 23 = 0 THEN 'C' ELSE 'B' END",
                "water": "'1'",
                "water_lpd": "CASE WHEN n.i % 31 = 0 THEN 25 ELSE 60 END",
                "water_minutes": "n.i % 25",
                "created_at": stamp,
                "updated_at": stamp,
            },
            f"bench_n n JOIN bench_v v ON v.k = n.i % {nv}",
        )
        cur.execute("CREATE TEMP TABLE bench_slot (s INTEGER PRIMARY KEY)")
        cur.execute("INSERT INTO bench_slot (s) VALUES (0), (1), (2), (3), (4), (5)")
        insert_select(
            cur,
            Member,
            {
                "member_no": "h.household_no || '-' || s.s",
                "household": "h.id",
                "name": "'成员' || h.id || '-' || s.s",
                "sex": "CASE WHEN s.s % 2 = 0 THEN '1' ELSE '2' END",
                "relation": "CASE WHEN s.s = 0 THEN '01' WHEN s.s = 1 THEN '02' ELSE '03' END",
                # slots 2+ are children of 5–17 (some out of school), the rest adults
                "birth_date": "CASE WHEN s.s < 2 THEN '1975-05-01' ELSE "
                "printf('%04d-06-01', 2002 + (h.id + s.s) % 13) END",
                "in_school": "CASE WHEN s.s >= 2 AND (h.id + s.s) % 97 = 0 THEN '0' WHEN s.s >= 2 THEN '3' ELSE '0' END",
                "labour": "CASE WHEN s.s < 2 THEN '1' ELSE '5' END",
                "insured_medical": "CASE WHEN (h.id + s.s) % 53 = 0 THEN 0 ELSE 1 END",
                "dibao": "CASE WHEN h.id % 17 = 0 AND s.s = 0 THEN 1 ELSE 0 END",
                "created_at": stamp,
                "updated_at": stamp,
            },
            f"{Household._meta.db_table} h JOIN bench_slot s ON s.s < h.size",
        )
        insert_select(
            cur,
            HouseholdIncome,
            {
                "household": "h.id",
                "year": str(YEAR),
                "wages": "(h.id * 7919) % 30000",
                "business": "(h.id * 104729) % 8000",
                "property_income": "0",
                "transfers": "(h.id * 31) % 6000",
                "business_costs": "(h.id * 13) % 2000",
                "net_income": "0",
                "size": "h.size",
                "per_capita": "0",
                "created_at": stamp,
                "updated_at": stamp,
            },
            f"{Household._meta.db_table} h",
        )
        cur.execute(f"SELECT COUNT(*) FROM {Member._meta.db_table}")
        persons = cur.fetchone()[0]
    return {"households": households, "persons": persons}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=int(os.environ.get("BENCH_HOUSEHOLDS", 1_000_000)))
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="jingzhun-bench-assess-"))
    try:
        setup_django(tmp / "data")
        from django.db import connection

        from jingzhun.assessment.batch import assess

        bench("database", connection.vendor, "engine")
        county, villages = build_areas(max(1, min(2500, args.households // 400)))
        started = time.perf_counter()
        sizes = generate(args.households, villages)
        bench("generate_seconds", f"{time.perf_counter() - started:.1f}", "s")
        bench("households", sizes["households"], "households")
        bench("persons", sizes["persons"], "persons")
        if connection.vendor == "sqlite":
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
        rss_before = peak_mb()
        cpu0 = time.process_time()
        started = time.perf_counter()
        run = assess(area=county, year=YEAR)
        seconds = time.perf_counter() - started
        bench("assess_seconds", f"{seconds:.1f}", "s")
        bench("assess_cpu_seconds_python_process", f"{time.process_time() - cpu0:.1f}", "s")
        bench("assess_households_per_second", f"{run.counts['households'] / seconds:.0f}", "households/s")
        bench("peak_rss_before_assess", f"{rss_before:.0f}", "MB")
        bench("peak_rss", f"{peak_mb():.0f}", "MB")
        for key in ("households", "passed", "unstable", "marginal", "transfer", "no_income"):
            bench(f"result_{key}", run.counts[key], "households")
        assert run.counts["households"] == args.households, run.counts
    finally:
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
