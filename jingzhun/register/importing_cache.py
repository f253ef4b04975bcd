"""The dry run's checked households, kept on disk for the commit of the same file.

A clean dry run of a file that only creates households writes, next to the uploaded file, the
checked batches (``Plan`` objects, pickled batch by batch) and the checked income rows. The commit of
that same file by the same user on the same day, with the same scopes and code lists, reads them back
instead of parsing and checking every row again, and re-runs only the checks that depend on the
database (household numbers and ID numbers registered since the dry run), set-based, per batch. Any
difference in that fingerprint — or a file that updates existing households — means the commit does
the full pass, so the cache can only save time, never change a result.

The file is written by the worker into the upload folder under a name derived from the server-side
upload name (never from user input) and deleted by the commit.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterator
from pathlib import Path

VERSION = 1


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
        pickle.dump(header, self.fh, protocol=pickle.HIGHEST_PROTOCOL)

    def households(self, plans) -> None:
        if not self.usable:
            return
        if any(p.existing is not None for p in plans):
            self.discard()  # updates depend on the stored rows: the commit must check them afresh
            return
        pickle.dump(("households", plans), self.fh, protocol=pickle.HIGHEST_PROTOCOL)

    def incomes(self, items) -> None:
        if self.usable and items:
            pickle.dump(("income", items), self.fh, protocol=pickle.HIGHEST_PROTOCOL)

    def finish(self, *, ok: bool, summary: dict) -> None:
        if not (ok and self.usable):
            self.discard()
            return
        pickle.dump(("end", summary), self.fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.fh.close()

    def discard(self) -> None:
        self.usable = False
        if not self.fh.closed:
            self.fh.close()
        self.path.unlink(missing_ok=True)


def read_cache(path: Path, header: dict) -> Iterator[tuple[str, object]] | None:
    """The records of a matching, complete cache file, or None."""
    if not path.exists():
        return None
    try:
        with open(path, "rb") as fh:
            if pickle.load(fh) != header:
                return None
            # Complete files end with an "end" record; check before the commit starts writing.
            fh.seek(0, 2)
            if fh.tell() < 16:
                return None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return _records(path)


def _records(path: Path) -> Iterator[tuple[str, object]]:
    with open(path, "rb") as fh:
        pickle.load(fh)
        while True:
            try:
                record = pickle.load(fh)
            except EOFError:
                return
            yield record
