"""Bulk import of the household register (households, members, yearly income) from xlsx or csv.

Layout (see importing_columns.py and the template's 填写说明 sheet):
- sheet 农户成员 (or the csv file): one row per member; the rows of a household share its 户编号 and
  are contiguous; household columns may be repeated on every row or filled on one row only (a
  different value on another row of the same household is an error);
- income: the optional sheet 收入 (or a second file in csv) with one row per household and year, and/or
  one year's income in the columns 收入年度, 工资性收入 … of the member sheet.

The import is all-or-nothing. ``dry_run`` checks everything and writes nothing. A commit streams the
file once inside one transaction: each batch of households is checked (set-based queries: existing
household numbers, their members, ID numbers active elsewhere) and, while no error has been found,
written in bulk (importing_write.py: multi-row INSERT/UPDATE batches, no per-object save); at the end
any error rolls the whole transaction back. A clean dry run of new households also turns its checked
batches into database rows (``Writer.prepare``) and keeps them for the commit of the same file
(importing_cache.py), which then re-runs only the database-dependent checks and inserts. Memory stays
flat: one batch of rows at a time, plus the ID numbers and household numbers seen so far. The cyclic
garbage collector is paused while an import runs (see ``_gc_paused``).

Re-importing a file updates the households (matched by 户编号) and members (by ID number) instead of
duplicating them; unchanged households are left alone; a blank cell keeps the stored value; members the
file does not list are kept (removing members is a change request). Checks reuse validation.py
(parse_id via check_member, check_household, income_figures); file-level problems (empty file,
missing or unknown columns, formulas, over-long cells) raise DomainError naming the row and column.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from jingzhun.core.db import large_sqlite_cache
from jingzhun.core.errors import DomainError
from jingzhun.core.services import audit_record
from jingzhun.core.tabular import read_table, write_xlsx

from .importing_cache import CacheWriter, cache_path, fingerprint, read_cache
from .importing_check import BatchChecker, ImportContext, Plan, recheck, years_of
from .importing_columns import (
    CODES_SHEET,
    HELP_SHEET,
    INCOME_COLUMNS,
    INCOME_SHEET,
    MEMBER_COLUMNS,
    MEMBER_INCOME_COLUMNS,
    MEMBER_SHEET,
    header_aliases,
)
from .importing_income import IncomePass
from .importing_rows import ErrorLog, IncomeSheetReader, MemberSheetReader
from .importing_write import Counts, IncomeWriter, Writer, income_values, size_in_year

BATCH_HOUSEHOLDS = 1000
MEMBER_REQUIRED = [c.header for c in MEMBER_COLUMNS if c.required]
INCOME_REQUIRED = [c.header for c in INCOME_COLUMNS if c.required]
SHEET_LABELS = {"members": MEMBER_SHEET, "income": INCOME_SHEET}


@dataclass
class Source:
    path: Path
    sheet: str | None  # None for csv


@dataclass
class ImportResult:
    dry_run: bool
    rows: int = 0
    income_rows: int = 0
    households: int = 0
    counts: Counts = field(default_factory=Counts)
    errors: ErrorLog = field(default_factory=ErrorLog)
    members_source: Source | None = None
    income_source: Source | None = None
    income_keys: dict = field(default_factory=dict)  # (household number, year) → (sheet, row)

    def summary(self) -> dict:
        c = self.counts
        return {
            "dry_run": self.dry_run,
            "rows": self.rows,
            "income_rows": self.income_rows,
            "households": self.households,
            "created": c.created,
            "updated": c.updated,
            "unchanged": c.unchanged,
            "members_created": c.members_created,
            "members_updated": c.members_updated,
            "incomes_created": c.incomes_created,
            "incomes_updated": c.incomes_updated,
            "errors": self.errors.count,
            "error_rows": sum(len(rows) for rows in self.errors.rows.values()),
        }


class _NoProgress:
    def update(self, percent, message="", *, force=False):
        pass


# --- sources -------------------------------------------------------------------------------------------


def _is_xlsx(path: Path) -> bool:
    return path.suffix.lower() in (".xlsx", ".xlsm")


def sheet_names(path: Path) -> list[str]:
    from python_calamine import CalamineWorkbook

    try:
        return list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise DomainError(_("无法读取 Excel 文件，请确认文件未损坏且为 xlsx 格式。"), field="file") from exc


def find_sources(path: Path, income_path: Path | None) -> tuple[Source, Source | None]:
    if path.stat().st_size == 0:
        raise DomainError(_("文件为空。"), field="file")
    income = None
    if _is_xlsx(path):
        names = sheet_names(path)
        if MEMBER_SHEET in names:
            members = Source(path, MEMBER_SHEET)
        elif names and names[0] not in (INCOME_SHEET, HELP_SHEET, CODES_SHEET):
            members = Source(path, names[0])
        else:
            raise DomainError(
                _("找不到“%(sheet)s”工作表（文件中的工作表为：%(names)s）。请使用下载的模板。")
                % {"sheet": MEMBER_SHEET, "names": "、".join(names)},
                field="file",
            )
        if INCOME_SHEET in names:
            income = Source(path, INCOME_SHEET)
    elif path.suffix.lower() in (".csv", ".txt"):
        members = Source(path, None)
    else:
        raise DomainError(_("只支持 xlsx 或 csv 文件。"), field="file")
    if income_path is not None:
        if income is not None:
            raise DomainError(_("成员文件中已有“收入”工作表，不能再另传收入文件。"), field="income_file")
        if income_path.stat().st_size == 0:
            raise DomainError(_("收入文件为空。"), field="income_file")
        sheet = None
        if _is_xlsx(income_path):
            names = sheet_names(income_path)
            sheet = INCOME_SHEET if INCOME_SHEET in names else names[0]
        income = Source(income_path, sheet)
    return members, income


def open_members(source: Source):
    return read_table(
        source.path,
        sheet=source.sheet,
        required=MEMBER_REQUIRED,
        aliases=header_aliases(MEMBER_COLUMNS + MEMBER_INCOME_COLUMNS),
    )


def open_income(source: Source):
    try:
        return read_table(
            source.path, sheet=source.sheet, required=INCOME_REQUIRED, aliases=header_aliases(INCOME_COLUMNS)
        )
    except DomainError as exc:
        exc.message = _("收入表：%(message)s") % {"message": exc.message}
        exc.args = (exc.message,)
        raise


_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:?[A-Z]*(\d*)"')


def estimate_rows(source: Source) -> int | None:
    """Rows in the file, for the progress bar: newlines in csv, the sheet's dimension in xlsx."""
    try:
        if source.sheet is None:
            count = 0
            with open(source.path, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    count += block.count(b"\n")
            return max(count - 1, 1)
        with zipfile.ZipFile(source.path) as zf:
            workbook = zf.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            rid = re.search(rf'<sheet [^>]*name="{re.escape(source.sheet)}"[^>]*r:id="([^"]+)"', workbook)
            target = rid and re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels)
            if not target:
                return None
            name = target.group(1).lstrip("/")
            name = name if name.startswith("xl/") else "xl/" + name
            with zf.open(name) as fh:
                found = _DIMENSION.search(fh.read(4096))
            return int(found.group(1)) - 1 if found and found.group(1) else None
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return None


# --- the import ----------------------------------------------------------------------------------------


def register_import(
    *,
    actor,
    path,
    income_path=None,
    dry_run: bool = True,
    progress=None,
    file_name: str = "",
    batch_households: int = BATCH_HOUSEHOLDS,
    today: datetime.date | None = None,
) -> ImportResult:
    """Check (and unless ``dry_run``, write) a register file. Row errors are collected in the result;
    file-level problems (empty file, missing columns, formulas, over-long cells) raise DomainError."""
    with _gc_paused():
        return _register_import(
            actor=actor,
            path=Path(path),
            income_path=Path(income_path) if income_path else None,
            dry_run=dry_run,
            progress=progress or _NoProgress(),
            file_name=file_name,
            batch_households=batch_households,
            today=today,
        )


@contextlib.contextmanager
def _gc_paused():
    """The cyclic garbage collector is paused during an import. The passes hold their data in plain
    lists, dicts and tuples (no reference cycles: reference counting frees every batch), while the
    collections triggered by their millions of allocations would each walk the whole heap again —
    a fifth of the CPU time of a 100,000-household dry run (pypinyin's phrase table alone is ~10^6
    objects). The previous state is restored afterwards, also on errors."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _register_import(
    *, actor, path: Path, income_path: Path | None, dry_run, progress, file_name, batch_households, today
) -> ImportResult:
    result = ImportResult(dry_run=dry_run)
    members_source, income_source = find_sources(path, income_path)
    result.members_source, result.income_source = members_source, income_source
    ctx = ImportContext(actor, today)
    progress.update(1, _("正在读取文件…"), force=True)
    total = estimate_rows(members_source)
    checked = cache_path(members_source.path)
    header = fingerprint(ctx, members_source, income_source)
    if not dry_run:
        stored = read_cache(checked, header)
        try:
            if stored is not None:
                _commit_checked(ctx, stored, result, progress, total, file_name)
                progress.update(97, _("写入完成"), force=True)
                return result
        except _Incomplete:
            result = ImportResult(dry_run=False, members_source=members_source, income_source=income_source)
        finally:
            checked.unlink(missing_ok=True)  # used or stale: a commit never leaves it behind
    cache = CacheWriter(checked, header) if dry_run else None
    table = open_members(members_source)
    reader = MemberSheetReader(table, ctx.codes, result.errors, ctx.today)
    block = contextlib.nullcontext() if dry_run else transaction.atomic()
    try:
        with _large_sqlite_cache(not dry_run), block:
            households = _members_pass(ctx, reader, result, progress, total, batch_households, cache)
            if income_source is not None:
                progress.update(88, _("正在校验收入表…"), force=True)
                income_reader = IncomeSheetReader(
                    open_income(income_source), ctx.codes, result.errors, ctx.today
                )
                IncomePass(ctx, result, households, write=not dry_run, cache=cache).run(
                    income_reader, progress
                )
                result.income_rows = income_reader.rows_read
            if not dry_run:
                if result.errors:
                    transaction.set_rollback(True)
                    _forget(result)
                else:
                    _audit(actor, result, file_name)
    except BaseException:
        if cache is not None:
            cache.discard()
        raise
    if cache is not None:
        cache.finish(ok=not result.errors, summary=result.summary())
    progress.update(97, _("校验完成") if dry_run else _("写入完成"), force=True)
    return result


class _Incomplete(Exception):
    """The stored dry-run result ended early (e.g. the disk filled up): do the full pass instead."""


def _commit_checked(ctx, stored, result: ImportResult, progress, total, file_name: str) -> None:
    """Commit from the dry run's prepared batches: only the database-dependent checks run again (once,
    for the whole file), then the rows are inserted."""
    writer = Writer(ctx.actor, ctx.today, result.counts)
    households: dict[str, tuple] = {}
    ended = False
    with _large_sqlite_cache(True), transaction.atomic():
        recheck(*stored.keys, result.errors)
        stored.keys = None  # up to 10^6 numbers: not needed any more
        for kind, payload in stored.records():
            if kind == "households":
                pks = writer.insert(payload) if not result.errors else {}
                for no, size, years in zip(payload.numbers, payload.sizes, payload.years, strict=True):
                    households[no] = (pks.get(no), size, years)
                result.households += len(payload.numbers)
                result.rows += sum(map(len, payload.members))
                percent = 2 + 83 * result.rows / total if total else min(85, 2 + result.rows / 5000)
                progress.update(
                    percent,
                    _("已导入 %(rows)s 行 / %(households)s 户")
                    % {"rows": result.rows, "households": result.households},
                )
            elif kind == "income":
                IncomePass(ctx, result, households, write=True).write_checked(payload)
            elif kind == "end":
                result.income_rows = payload["income_rows"]
                ended = True
        if not ended:
            raise _Incomplete
        if result.errors:
            transaction.set_rollback(True)
            _forget(result)
        else:
            _audit(ctx.actor, result, file_name)


def _large_sqlite_cache(enabled: bool):
    return large_sqlite_cache(enabled, megabytes=64)


def _members_pass(ctx, reader, result, progress, total, batch_size, cache=None) -> dict:
    """Read, check and (commit, while error-free) write households batch by batch.

    Returns household number → (pk or None, size, member years) for every household read: the income
    sheet needs it, and in a dry run those households are not in the database.
    """
    seen_ids: dict[str, int] = {}
    checker = BatchChecker(ctx, result.errors, seen_ids)
    writer = None if result.dry_run else Writer(ctx.actor, ctx.today, result.counts)
    households: dict[str, tuple] = {}
    shared: dict[tuple, tuple] = {}
    batch = []
    # A dry run prepares the rows of a clean batch for the commit (Writer.prepare writes nothing).
    prepare = Writer(ctx.actor, ctx.today, Counts()).prepare if cache is not None else None

    def flush():
        plans = checker.check(batch)
        pks = writer.write(plans) if writer is not None and not result.errors else {}
        _income_from_members(plans, pks, households, ctx, result, shared, write=writer is not None)
        if cache is not None and not result.errors:
            cache.households(plans, prepare)
        for d in batch:
            households.setdefault(d.household_no, (None, 0, ()))
        batch.clear()
        done = reader.rows_read
        percent = 2 + 83 * done / total if total else min(85, 2 + done / 5000)
        if result.dry_run:
            message = _("已校验 %(rows)s 行 / %(households)s 户")
        elif result.errors:
            message = _("已校验 %(rows)s 行 / %(households)s 户（有错误，不会写入）")
        else:
            message = _("已导入 %(rows)s 行 / %(households)s 户")
        progress.update(percent, message % {"rows": done, "households": len(households)})

    for draft in reader.households():
        batch.append(draft)
        result.households += 1
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    result.rows = reader.rows_read
    if result.rows == 0:
        raise DomainError(
            _("文件中没有数据行（第 1 行为表头，从第 2 行起每行一名成员）。"), field="file", row=2
        )
    return households


def _income_from_members(plans: list[Plan], pks, households, ctx, result, shared, *, write: bool) -> None:
    rows = []
    for plan in plans:
        years = years_of(plan.all_members)
        years = shared.setdefault(years, years)  # most households share the same few tuples
        size = len(plan.all_members)
        pk = pks.get(plan.draft.household_no)
        households[plan.draft.household_no] = (pk, size, years)
        if plan.income is not None:
            result.income_keys[(plan.draft.household_no, plan.income["year"])] = (
                "members",
                plan.income["_row"],
            )
            if write and pk is not None and plan.existing is not None:  # new households: Writer.insert
                income = income_values(pk, plan.income, size_in_year(years, plan.income["year"], size))
                rows.append((income, plan.income.get("_transfers")))
    if rows and not result.errors:
        IncomeWriter(result.counts).write(rows)


def _forget(result: ImportResult) -> None:
    """After a rollback nothing was written: the counts must not say otherwise."""
    result.counts = Counts()


def _audit(actor, result: ImportResult, file_name: str) -> None:
    area = getattr(actor, "area", None)
    audit_record(
        actor=actor,
        action="household.import",
        target_type="register.household",
        target_label=f"农户档案导入：{file_name}"[:200] if file_name else "农户档案导入",
        area=area,
        after={"file": file_name, **{k: v for k, v in result.summary().items() if k != "dry_run"}},
    )


# --- error workbook --------------------------------------------------------------------------------------


def error_workbook_bytes(result: ImportResult) -> bytes:
    """The rows that have errors, as in the file, with 行号 and 错误说明 (row and column named)."""
    sheets = []
    for key, source, opener in (
        ("members", result.members_source, open_members),
        ("income", result.income_source, open_income),
    ):
        rows = result.errors.rows.get(key)
        if not rows or source is None:
            continue
        table = opener(source)
        label = SHEET_LABELS[key]

        def lines(table=table, rows=rows):
            width = len(table.headers)
            try:
                for number, values in table.rows:
                    if number in rows:
                        cells = (values + [""] * width)[:width]
                        yield [number, *cells, _explain(number, rows[number])]
            except DomainError:
                return  # the reading error itself is reported below
            for number in sorted(n for n in rows if n == 1):
                yield [number, *[""] * width, _explain(number, rows[number])]

        sheets.append((f"{label}错误", ["行号", *table.headers, "错误说明"], lines()))
    if not sheets:
        sheets.append(("错误清单", ["行号", "错误说明"], []))
    return write_xlsx(sheets)


def _explain(number: int, messages: list[str]) -> str:
    return f"第{number}行：" + "；".join(messages)
