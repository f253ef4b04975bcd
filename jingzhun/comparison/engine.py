"""The matching engine: set-based joins in an in-memory DuckDB database.

Two tables are loaded (from Django's database by ``matching``, from synthetic data by bench/compare.py):

- ``persons``: the people a department row may concern — kind 0 = household member, 1 = relative
  (child living apart, its spouse, legal supporter); ``ref_id`` is the Member or Relative id.
- ``rows``: department rows with normalised ID numbers (blank when unusable); ``with_relatives`` is set
  for data set types configured to cover relatives.

``MATCH_SQL`` returns one line per (row, person) hit: an exact match on the normalised ID, or — only when
the row or the person has no usable ID, and the row's ID matched nobody — name + birth date, which is
flagged weaker. Both sides are hash joins, so 10^6 persons against 5·10^6 rows take seconds.
"""

from __future__ import annotations

import os
from pathlib import Path

PERSONS_DDL = """
CREATE OR REPLACE TABLE persons (
    kind TINYINT, ref_id BIGINT, household_id BIGINT, id_number VARCHAR, name VARCHAR, birth_date DATE
)"""
ROWS_DDL = """
CREATE OR REPLACE TABLE rows (
    batch_id BIGINT, row_no INTEGER, id_number VARCHAR, name VARCHAR, birth_date DATE, with_relatives BOOLEAN
)"""
PERSON_COLUMNS = ("kind", "ref_id", "household_id", "id_number", "name", "birth_date")
ROW_COLUMNS = ("batch_id", "row_no", "id_number", "name", "birth_date", "with_relatives")

MATCH_SQL = """
WITH id_hits AS (
    SELECT r.batch_id, r.row_no, p.kind, p.ref_id, p.household_id, 'id' AS strength
    FROM rows r JOIN persons p ON p.id_number = r.id_number
    WHERE r.id_number <> '' AND (p.kind = 0 OR r.with_relatives)
),
fallback_rows AS (
    SELECT r.* FROM rows r
    WHERE r.name <> '' AND r.birth_date IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM id_hits h WHERE h.batch_id = r.batch_id AND h.row_no = r.row_no)
),
name_birth_hits AS (
    SELECT r.batch_id, r.row_no, p.kind, p.ref_id, p.household_id, 'name_birth' AS strength
    FROM fallback_rows r JOIN persons p ON p.name = r.name AND p.birth_date = r.birth_date
    WHERE (r.id_number = '' OR p.id_number = '') AND (p.kind = 0 OR r.with_relatives)
)
SELECT * FROM id_hits
UNION ALL
SELECT * FROM name_birth_hits
"""
HIT_COLUMNS = ("batch_id", "row_no", "kind", "ref_id", "household_id", "strength")


def connect(*, threads: int | None = None, memory_limit: str = "2GB", temp_dir: str | None = None):
    """An in-memory DuckDB connection with bounded threads and memory (it spills to ``temp_dir``)."""
    import duckdb

    con = duckdb.connect(":memory:")
    con.execute(f"SET threads = {int(threads or min(4, os.cpu_count() or 1))}")
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET preserve_insertion_order = false")
    if temp_dir:
        con.execute("SET temp_directory = ?", [str(temp_dir)])
    con.execute(PERSONS_DDL)
    con.execute(ROWS_DDL)
    return con


def load_csv(con, table: str, path: str | Path) -> int:
    """Append a headerless CSV written by ``matching`` (columns in the table's order) to ``table``."""
    if table not in ("persons", "rows"):
        raise ValueError(table)
    con.execute(
        f"INSERT INTO {table} SELECT * FROM read_csv(?, header = false, quote = '\"', escape = '\"', "
        "nullstr = '', all_varchar = false, columns = ?)",
        [str(path), _csv_columns(table)],
    )
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _csv_columns(table: str) -> dict:
    if table == "persons":
        return {
            "kind": "TINYINT",
            "ref_id": "BIGINT",
            "household_id": "BIGINT",
            "id_number": "VARCHAR",
            "name": "VARCHAR",
            "birth_date": "DATE",
        }
    return {
        "batch_id": "BIGINT",
        "row_no": "INTEGER",
        "id_number": "VARCHAR",
        "name": "VARCHAR",
        "birth_date": "DATE",
        "with_relatives": "BOOLEAN",
    }


def prepare(con) -> None:
    """Blank strings instead of NULLs, so that the equality joins and the ``<> ''`` tests agree."""
    for table in ("persons", "rows"):
        con.execute(
            f"UPDATE {table} SET id_number = coalesce(id_number, ''), name = coalesce(name, '') "
            "WHERE id_number IS NULL OR name IS NULL"
        )


def match(con):
    """The hits as a DuckDB relation (``HIT_COLUMNS``); callers stream it with ``fetchmany``."""
    return con.sql(MATCH_SQL)


def iter_hits(con, chunk: int = 50_000):
    cursor = con.execute(MATCH_SQL)
    while True:
        batch = cursor.fetchmany(chunk)
        if not batch:
            return
        yield from batch
