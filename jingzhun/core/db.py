"""Database helpers for bulk paths."""

from __future__ import annotations

import contextlib

from django.db import connection


@contextlib.contextmanager
def large_sqlite_cache(enabled: bool = True, megabytes: int = 64):
    """SQLite keeps only ~2 MB of pages by default; index updates of a bulk write of 10^5–10^6 rows then
    thrash the WAL. A bigger page cache for this connection while the bulk write runs, then back.
    PostgreSQL sizes its buffers itself: nothing to do there."""
    if not enabled or connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-1024 * int(megabytes)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")
