"""Reading the member sheet: header mapping, cell parsing and grouping rows into households.

Rows stream from ``core.tabular.read_table``; each household's rows must be contiguous, so only one
household is held in memory at a time (plus the numbers already seen, to catch split or repeated
households and people listed twice).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from jingzhun.core.errors import DomainError
from jingzhun.core.tabular import Table

from .importing_columns import (
    IGNORED_HEADERS,
    INCOME_COLUMNS,
    MEMBER_COLUMNS,
    MEMBER_INCOME_COLUMNS,
    CellError,
    Codes,
    Column,
    make_parser,
    parse_cell,
    transfer_headers,
)


class ErrorLog:
    """Row errors per sheet: {sheet: {row number: [messages]}}. Messages name the column in Chinese."""

    def __init__(self):
        self.rows: dict[str, dict[int, list[str]]] = {}
        self.count = 0

    def add(self, sheet: str, row: int, message: str, header: str | None = None) -> None:
        text = f"“{header}”列：{message}" if header else message
        messages = self.rows.setdefault(sheet, {}).setdefault(row, [])
        if text not in messages:
            messages.append(text)
            self.count += 1

    def __bool__(self) -> bool:
        return self.count > 0

    def first(self, limit: int = 200) -> list[dict]:
        out = []
        for sheet, rows in self.rows.items():
            for row in sorted(rows):
                for message in rows[row]:
                    out.append({"sheet": sheet, "row": row, "message": message})
                    if len(out) >= limit:
                        return out
        return out


@dataclass
class MemberDraft:
    row: int
    data: dict


@dataclass
class Draft:
    """One household as read from the file, before it is checked against the database."""

    household_no: str
    rows: list[int] = field(default_factory=list)
    household: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)  # field → row the value came from
    members: list[MemberDraft] = field(default_factory=list)
    income: dict = field(default_factory=dict)
    transfers: dict = field(default_factory=dict)  # program code → amount
    bad: bool = False  # a cell of this household could not be read

    @property
    def first_row(self) -> int:
        return self.rows[0]


def _unknown_headers(headers: list[str], known: set[str]) -> list[str]:
    return [h for h in headers if h and h not in known and h not in IGNORED_HEADERS]


_COLUMN_NUMBER = re.compile(r"第(\d+)列")


def name_column(exc: DomainError, headers: list[str]) -> DomainError:
    """read_table names a column by its number; add the header so the user sees which one."""

    def repl(m):
        n = int(m.group(1))
        return f"第{n}列（{headers[n - 1]}）" if 0 < n <= len(headers) and headers[n - 1] else m.group(0)

    exc.message = _COLUMN_NUMBER.sub(repl, exc.message)
    exc.args = (exc.message,)
    return exc


class SheetMap:
    """Which column index holds which field, for one sheet."""

    def __init__(self, headers: list[str], columns: list[Column], codes: Codes, extra: list[Column] = ()):
        by_header = {c.header: c for c in [*columns, *extra]}
        transfers = transfer_headers(codes)
        unknown = _unknown_headers(headers, set(by_header) | set(transfers))
        if unknown:
            raise DomainError(
                f"无法识别的列：{'、'.join(unknown[:10])}。请使用模板中的列名（见“填写说明”工作表）。",
                field="file",
                row=1,
            )
        self.headers = headers
        self.cells: list[tuple[int, Column]] = [
            (i, by_header[h]) for i, h in enumerate(headers) if h in by_header
        ]
        self.transfers: list[tuple[int, str, str]] = [
            (i, transfers[h], h) for i, h in enumerate(headers) if h in transfers
        ]
        self.index = {c.field: i for i, c in self.cells}

    def has(self, field_name: str) -> bool:
        return field_name in self.index


class MemberSheetReader:
    """Yields households (``Draft``) from the member sheet, reporting unreadable cells to ``errors``."""

    sheet = "members"

    def __init__(self, table: Table, codes: Codes, errors: ErrorLog, today: datetime.date):
        self.table = table
        self.codes = codes
        self.errors = errors
        self.today = today
        self.map = SheetMap(table.headers, MEMBER_COLUMNS, codes, MEMBER_INCOME_COLUMNS)
        self.rows_read = 0
        self.seen: dict[str, int] = {}  # household number → first row
        # (column index, column, key in the member/income dict, level, parser) — built once per file.
        self.plan = [
            (
                i,
                col,
                "phone" if col.field == "member_phone" else col.field,
                col.level,
                make_parser(col, codes, today),
            )
            for i, col in self.map.cells
        ]

    def households(self) -> Iterator[Draft]:
        key_index = self.map.index["household_no"]
        current: Draft | None = None
        try:
            for number, values in self.table.rows:
                self.rows_read += 1
                raw_no = values[key_index] if key_index < len(values) else ""
                if current is not None and raw_no == current.household_no:
                    self._read_row(current, number, values)
                    continue
                if current is not None:
                    yield current
                    current = None
                if not raw_no:
                    self.errors.add(self.sheet, number, "不能为空（同一户的各行填写相同户编号）。", "户编号")
                    continue
                if raw_no in self.seen:
                    self.errors.add(
                        self.sheet,
                        number,
                        f"户编号 {raw_no[:20]} 已在第{self.seen[raw_no]}行出现：同一户的各行应连续排列，"
                        "不同的户不能使用相同户编号。",
                        "户编号",
                    )
                    continue
                self.seen[raw_no] = number
                current = Draft(household_no=raw_no)
                self._read_row(current, number, values)
        except DomainError as exc:
            raise name_column(exc, self.table.headers) from None
        if current is not None:
            yield current

    def _read_row(self, draft: Draft, number: int, values: list[str]) -> None:
        draft.rows.append(number)
        member: dict = {}
        income: dict = {}
        width = len(values)
        for i, col, key, target, parse in self.plan:
            value = values[i] if i < width else ""
            if not value:
                continue
            try:
                parsed = parse(value)
            except CellError as exc:
                self.errors.add(self.sheet, number, str(exc), col.header)
                draft.bad = True
                continue
            if target == "member":
                member[key] = parsed
            elif target == "income":
                income[key] = parsed
            else:
                self._household_value(draft, number, col, parsed)
        for i, program, header in self.map.transfers:
            value = values[i] if i < width else ""
            if value:
                try:
                    income.setdefault("_transfers", {})[program] = parse_cell(
                        _MONEY, value, self.codes, self.today
                    )
                except CellError as exc:
                    self.errors.add(self.sheet, number, str(exc), header)
                    draft.bad = True
        if income:
            self._income_values(draft, number, income)
        draft.members.append(MemberDraft(number, member))

    def _household_value(self, draft: Draft, number: int, col: Column, parsed) -> None:
        if col.field not in draft.household:
            draft.household[col.field] = parsed
            draft.sources[col.field] = number
        elif draft.household[col.field] != parsed:
            self.errors.add(
                self.sheet,
                number,
                f"与本户第{draft.sources[col.field]}行填写的不一致（户级信息每户只能有一个值，"
                "可只在户主行填写）。",
                col.header,
            )
            draft.bad = True

    def _income_values(self, draft: Draft, number: int, income: dict) -> None:
        if draft.income:
            self.errors.add(
                self.sheet,
                number,
                f"本户的收入已在第{draft.income['_row']}行填写；成员表中每户只填一行收入"
                "（多个年度请使用“收入”工作表或收入文件）。",
                "收入年度",
            )
            draft.bad = True
            return
        income["_row"] = number
        draft.income = income


_MONEY = Column("转移性收入明细", "amount", "money", "income")


class IncomeSheetReader:
    """Yields (row number, income dict) from the income sheet or file."""

    sheet = "income"

    def __init__(self, table: Table, codes: Codes, errors: ErrorLog, today: datetime.date):
        self.table = table
        self.codes = codes
        self.errors = errors
        self.today = today
        self.map = SheetMap(table.headers, INCOME_COLUMNS, codes)
        self.rows_read = 0

    def rows(self) -> Iterator[tuple[int, dict]]:
        try:
            for number, values in self.table.rows:
                self.rows_read += 1
                income: dict = {"_row": number}
                ok = True
                width = len(values)
                for i, col in self.map.cells:
                    value = values[i] if i < width else ""
                    if not value:
                        if col.required:
                            self.errors.add(self.sheet, number, "不能为空。", col.header)
                            ok = False
                        continue
                    try:
                        income[col.field] = parse_cell(col, value, self.codes, self.today)
                    except CellError as exc:
                        self.errors.add(self.sheet, number, str(exc), col.header)
                        ok = False
                for i, program, header in self.map.transfers:
                    value = values[i] if i < width else ""
                    if value:
                        try:
                            income.setdefault("_transfers", {})[program] = parse_cell(
                                _MONEY, value, self.codes, self.today
                            )
                        except CellError as exc:
                            self.errors.add(self.sheet, number, str(exc), header)
                            ok = False
                if ok:
                    yield number, income
        except DomainError as exc:
            exc = name_column(exc, self.table.headers)
            exc.message = _("收入表：%(message)s") % {"message": exc.message}
            exc.args = (exc.message,)
            raise exc from None
