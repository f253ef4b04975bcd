#!/usr/bin/env python3
"""Benchmark of the comparison engine (issue 8 §5): 1,000,000 register persons against 5 department
data sets of 1,000,000 rows each, beside a pandas-merge baseline in the same run.

    .venv/bin/python bench/compare.py                       # full size
    .venv/bin/python bench/compare.py --persons 100000 --rows 100000    # quick run

Synthetic data (generated in DuckDB, written as the headerless CSV files the app's run writes): persons
with valid 18-character ID numbers (plus some relatives living apart), and data sets whose rows use ID
numbers of another place code except for planted rows: exact-ID matches, name + birth date matches with
a blank ID, and relatives' rows (expected to match only in the data sets configured to cover relatives).

The DuckDB side runs the app's own code — ``jingzhun.comparison.engine``: ``connect``, ``load_csv``,
``prepare`` and ``MATCH_SQL`` — exactly as ``matching.match_batches`` calls it. Each engine runs in its
own child process so that its peak memory (``ru_maxrss``) is its own. Prints ``BENCH name value unit``
lines; ``planted_found`` must equal ``planted`` and ``false_hits`` must be 0.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jingzhun.comparison import engine  # noqa: E402

DATASETS = 5
WITH_RELATIVES = {1, 2, 3}  # batch ids whose type covers relatives (e.g. payroll, vehicle, real estate)
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def bench(name: str, value, unit: str) -> None:
    print(f"BENCH {name} {value} {unit}", flush=True)


def _id_sql(place: str, day: str, serial: str) -> str:
    """SQL for a valid GB 11643 ID from a 6-char place, a DATE expression and an int serial (0–999)."""
    first = f"('{place}' || strftime({day}, '%Y%m%d') || lpad(CAST({serial} AS VARCHAR), 3, '0'))"
    terms = " + ".join(f"CAST(substr(f, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(WEIGHTS))
    return f"(SELECT f || substr('10X98765432', (({terms}) % 11) + 1, 1) FROM (SELECT {first} AS f))"


def generate(folder: Path, persons: int, rows: int, plant_id: int, plant_nb: int, plant_rel: int) -> dict:
    """Write persons.csv and rows.csv; return the planted counts the matcher must find."""
    import duckdb

    relatives = max(persons // 20, plant_rel)
    con = duckdb.connect()
    con.execute("SET threads = 2")
    day = "DATE '1940-01-01' + CAST(i % 25000 AS INTEGER)"
    con.execute(
        f"""CREATE TABLE p AS SELECT
              CASE WHEN i < {persons} THEN 0 ELSE 1 END AS kind,
              i AS ref_id, i // 4 AS household_id,
              {_id_sql("513401", day, "(i // 25000) % 1000")} AS id_number,
              'P' || i AS name, {day} AS birth_date
            FROM range({persons + relatives}) t(i)"""
    )
    con.execute(f"COPY p TO '{folder / 'persons.csv'}' (HEADER false)")
    # Planted rows come first in each batch (row_no < planted); the rest use place 513402: no match.
    planted = plant_id + plant_nb + plant_rel
    parts = []
    for b in range(1, DATASETS + 1):
        rel = "true" if b in WITH_RELATIVES else "false"
        parts.append(
            f"""SELECT {b} AS batch_id, r AS row_no,
                  CASE WHEN r < {plant_id} THEN (SELECT id_number FROM p WHERE ref_id = (r * 37 + {b}) % {persons})
                       WHEN r < {plant_id + plant_nb} THEN ''
                       WHEN r < {planted} THEN (SELECT id_number FROM p WHERE ref_id = {persons} + (r * 7 + {b}) % {relatives})
                       ELSE {_id_sql("513402", "DATE '1950-01-01' + CAST(r % 20000 AS INTEGER)", f"(r // 20000 + {b * 100}) % 1000")}
                  END AS id_number,
                  CASE WHEN r >= {plant_id} AND r < {plant_id + plant_nb}
                       THEN (SELECT name FROM p WHERE ref_id = (r * 41 + {b}) % {persons}) ELSE 'D' || r END AS name,
                  CASE WHEN r >= {plant_id} AND r < {plant_id + plant_nb}
                       THEN (SELECT birth_date FROM p WHERE ref_id = (r * 41 + {b}) % {persons})
                       ELSE DATE '1950-01-01' + CAST(r % 20000 AS INTEGER) END AS birth_date,
                  {rel} AS with_relatives
                FROM range({rows}) t(r)"""
        )
    con.execute(f"COPY ({' UNION ALL '.join(parts)}) TO '{folder / 'rows.csv'}' (HEADER false)")
    con.close()
    expected = sum(
        plant_id + plant_nb + (plant_rel if b in WITH_RELATIVES else 0) for b in range(1, DATASETS + 1)
    )
    return {
        "expected": expected,
        "planted_limit": planted,
        "persons": persons + relatives,
        "rows": rows * DATASETS,
    }


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_duckdb(folder: Path, planted_limit: int, out) -> None:
    started = time.perf_counter()
    con = engine.connect(threads=2, memory_limit="2GB", temp_dir=str(folder / "duck"))
    engine.load_csv(con, "persons", folder / "persons.csv")
    engine.load_csv(con, "rows", folder / "rows.csv")
    engine.prepare(con)
    loaded = time.perf_counter()
    hits = {"id": 0, "name_birth": 0}
    found, false_hits = set(), 0
    for batch_id, row_no, _kind, _ref, _hh, strength in engine.iter_hits(con):
        hits[strength] += 1
        if row_no < planted_limit:
            found.add((batch_id, row_no))
        else:
            false_hits += 1
    con.close()
    done = time.perf_counter()
    out.put(
        {
            "seconds": done - started,
            "match_seconds": done - loaded,
            "found": len(found),
            "false": false_hits,
            "hits": hits,
            "peak_mb": _peak_mb(),
        }
    )


def run_pandas(folder: Path, planted_limit: int, out) -> None:
    import pandas as pd

    started = time.perf_counter()
    p = pd.read_csv(
        folder / "persons.csv",
        header=None,
        names=list(engine.PERSON_COLUMNS),
        dtype={"id_number": "string", "name": "string", "birth_date": "string"},
        keep_default_na=False,
    )
    r = pd.read_csv(
        folder / "rows.csv",
        header=None,
        names=list(engine.ROW_COLUMNS),
        dtype={"id_number": "string", "name": "string", "birth_date": "string"},
        keep_default_na=False,
    )
    loaded = time.perf_counter()
    by_id = r[r.id_number != ""].merge(p[p.id_number != ""], on="id_number", suffixes=("", "_p"))
    by_id = by_id[(by_id.kind == 0) | by_id.with_relatives]
    matched = by_id[["batch_id", "row_no"]].drop_duplicates()
    rest = r[(r.name != "") & (r.birth_date != "")].merge(
        matched, on=["batch_id", "row_no"], how="left", indicator=True
    )
    rest = rest[rest["_merge"] == "left_only"].drop(columns="_merge")
    by_nb = rest.merge(p, on=["name", "birth_date"], suffixes=("", "_p"))
    by_nb = by_nb[
        ((by_nb.id_number == "") | (by_nb.id_number_p == "")) & ((by_nb.kind == 0) | by_nb.with_relatives)
    ]
    keys = pd.concat([by_id[["batch_id", "row_no"]], by_nb[["batch_id", "row_no"]]])
    found = keys[keys.row_no < planted_limit].drop_duplicates()
    done = time.perf_counter()
    out.put(
        {
            "seconds": done - started,
            "match_seconds": done - loaded,
            "found": len(found),
            "false": int((keys.row_no >= planted_limit).sum()),
            "hits": {"id": len(by_id), "name_birth": len(by_nb)},
            "peak_mb": _peak_mb(),
        }
    )


def in_child(target, *args) -> dict:
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, q))
    proc.start()
    result = q.get()
    proc.join()
    return result


def bench_normalise(n: int) -> None:
    """The load path's per-row cost: normalising dirty ID numbers (spaces, full-width, x, 15-digit)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from jingzhun.comparison.normalise import normalise_id
    from jingzhun.register.validation import check_char

    first = "51340119800229123"
    valid = first + check_char(first)
    full = valid.translate(str.maketrans("0123456789X", "０１２３４５６７８９ｘ"))
    # dirty but usable ×4 (spaces + lower case, full-width, 15-digit, as is), then a wrong check character
    samples = [f" {valid[:6]} {valid[6:].lower()} ", full, "513401800229123", valid, valid[:17] + "0"]
    started = time.perf_counter()
    ok = sum(1 for i in range(n) if normalise_id(samples[i % len(samples)]).number)
    seconds = time.perf_counter() - started
    bench("normalise_id_rows_per_s", int(n / seconds), "rows/s")
    bench("normalise_id_usable", ok, "rows")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows per data set (5 data sets)")
    parser.add_argument("--plant-id", type=int, default=10_000)
    parser.add_argument("--plant-nb", type=int, default=2_000)
    parser.add_argument("--plant-rel", type=int, default=1_000)
    parser.add_argument("--skip-pandas", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jz-bench-compare-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        info = generate(folder, args.persons, args.rows, args.plant_id, args.plant_nb, args.plant_rel)
        bench("generate_seconds", round(time.perf_counter() - t0, 1), "s")
        bench("persons", info["persons"], "persons")
        bench("rows", info["rows"], "rows")
        bench("planted", info["expected"], "matches")
        duck = in_child(run_duckdb, folder, info["planted_limit"])
        bench("duckdb_seconds", round(duck["seconds"], 2), "s")
        bench("duckdb_match_seconds", round(duck["match_seconds"], 2), "s")
        bench("duckdb_rows_per_s", int(info["rows"] / duck["seconds"]), "rows/s")
        bench("duckdb_peak_memory", int(duck["peak_mb"]), "MB")
        bench("duckdb_planted_found", duck["found"], "matches")
        bench("duckdb_false_hits", duck["false"], "rows")
        bench("duckdb_hits_by_id", duck["hits"]["id"], "hits")
        bench("duckdb_hits_by_name_birth", duck["hits"]["name_birth"], "hits")
        if not args.skip_pandas:
            pdr = in_child(run_pandas, folder, info["planted_limit"])
            bench("pandas_seconds", round(pdr["seconds"], 2), "s")
            bench("pandas_match_seconds", round(pdr["match_seconds"], 2), "s")
            bench("pandas_rows_per_s", int(info["rows"] / pdr["seconds"]), "rows/s")
            bench("pandas_peak_memory", int(pdr["peak_mb"]), "MB")
            bench("pandas_planted_found", pdr["found"], "matches")
            bench("pandas_false_hits", pdr["false"], "rows")
        bench_normalise(200_000)
        ok = duck["found"] == info["expected"] and duck["false"] == 0
        bench("all_planted_found", "yes" if ok else "NO", "")
        if not ok:
            sys.exit(1)


if __name__ == "__main__":
    main()
