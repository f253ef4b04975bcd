"""The dry run's checked households, kept on disk for the commit of the same file.

A clean dry run of a file that only creates households writes, next to the uploaded file, its batches
as database rows ready to insert (``importing_write.NewBatch``: plain values, pickled batch by batch),
the checked income rows, and at the end the household numbers and ID numbers of the whole file. The
commit of that same file by the same user on the same day, with the same scopes and code lists, reads
them back instead of parsing, checking and preparing every row again: it re-runs only the checks that
depend on the database (household numbers and ID numbers registered since the dry run), once for the
whole file before writing anything, then inserts batch by batch. Any difference in that fingerprint —
or a file that updates existing households — means the commit does the full pass, so the cache can
only save time, never change a result.

Layout: header, records ("households" | "income" | "end"), then a "keys" record and the 8-byte offset
of that record, so that the keys can be read first.

The file is written by the worker into the upload folder under a name derived from the server-side
upload name (never from user input) and deleted by the commit.
"""

from __future__ import annotations

import hashlib
import pickle
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

from django.db import connection

VERSION = 2
TRAILER = struct.Struct("<Q")


def cache_path(source_path) -> Path:
    return Path(str(source_path) + ".checked")


def fingerprint(ctx, members_source, income_source) -> dict:
    files = hashlib.sha256()
    for source in (members_source, income_source):
        if source is None:
            files.update(b"-")
            continue
        files.update(str(source.sheet).encode())
        with open(source.path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                files.update(block)
    codes = hashlib.sha256(
        repr(sorted((k, sorted(v.items())) for k, v in ctx.codes.by_kind.items())).encode()
    )
    areas = hashlib.sha256(repr(sorted((a.id, a.path) for a in ctx.areas.values())).encode())
    return {
        "version": VERSION,
        "files": files.hexdigest(),
        "database": connection.vendor,  # the stored rows are in its value format
        "actor": getattr(ctx.actor, "pk", None),
        "today": ctx.today.isoformat(),
        "scopes": [ctx.change_paths, ctx.import_paths, ctx.view_paths],
        "codes": codes.hexdigest(),
        "areas": areas.hexdigest(),
    }


class CacheWriter:
    """Records a dry run batch by batch; kept only if the whole dry run was clean and create-only."""

    def __init__(self, path: Path, header: dict):
        self.path = path
        self.fh = open(path, "wb")  # noqa: SIM115 - closed by finish()/discard()
        self.usable = True
        self.numbers: list[str] = []
        self.first_rows: list[int] = []
        self.ids: list[tuple[str, int]] = []
        pickle.dump(header, self.fh, protocol=pickle.HIGHEST_PROTOCOL)

    def households(self, plans, prepare: Callable) -> None:
        """Store a checked batch, turned into rows by ``prepare`` (Writer.prepare)."""
        if not self.usable:
            return
        if any(p.existing is not None for p in plans):
            self.discard()  # updates depend on the stored rows: the commit must check them afresh
            return
        batch = prepare(plans)
        self.numbers.extend(batch.numbers)
        self.first_rows.extend(batch.first_rows)
        self.ids.extend(batch.ids)
        pickle.dump(("households", batch), self.fh, protocol=pickle.HIGHEST_PROTOCOL)

    def incomes(self, items) -> None:
        if self.usable and items:
            pickle.dump(("income", items), self.fh, protocol=pickle.HIGHEST_PROTOCOL)

    def finish(self, *, ok: bool, summary: dict) -> None:
        if not (ok and self.usable):
            self.discard()
            return
        pickle.dump(("end", summary), self.fh, protocol=pickle.HIGHEST_PROTOCOL)
        offset = self.fh.tell()
        pickle.dump(
            ("keys", self.numbers, self.first_rows, self.ids), self.fh, protocol=pickle.HIGHEST_PROTOCOL
        )
        self.fh.write(TRAILER.pack(offset))
        self.fh.close()
        self.numbers, self.first_rows, self.ids = [], [], []

    def discard(self) -> None:
        self.usable = False
        self.numbers, self.first_rows, self.ids = [], [], []
        if not self.fh.closed:
            self.fh.close()
        self.path.unlink(missing_ok=True)


class Stored:
    """A matching, complete cache file: ``keys`` (household numbers, their first rows, (ID number, row)
    pairs) and ``records()``, the stored batches up to and including the "end" record."""

    def __init__(self, path: Path, keys: tuple[list, list, list]):
        self.path = path
        self.keys = keys

    def records(self) -> Iterator[tuple[str, object]]:
        with open(self.path, "rb") as fh:
            pickle.load(fh)
            while True:
                record = _load(fh)
                if record is None:
                    return
                yield record
                if record[0] == "end":
                    return


def _load(fh):
    """The next record, or None at the end of the file."""
    try:
        return pickle.load(fh)
    except EOFError:
        return None


def read_cache(path: Path, header: dict) -> Stored | None:
    """The matching, complete cache file, or None."""
    if not path.exists():
        return None
    try:
        with open(path, "rb") as fh:
            if pickle.load(fh) != header:
                return None
            fh.seek(-TRAILER.size, 2)
            (offset,) = TRAILER.unpack(fh.read(TRAILER.size))
            fh.seek(offset)
            kind, numbers, first_rows, ids = pickle.load(fh)
            if kind != "keys":
                return None
    except Exception:  # unreadable or foreign: the commit does the full pass instead
        return None
    return Stored(path, (numbers, first_rows, ids))
