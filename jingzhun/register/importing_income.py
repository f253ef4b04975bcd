"""The income sheet (or income file): one row per household and year, checked and written in batches.

Households are those of the member sheet (known from the first pass, written or not) or households
already in the database within the actor's scope. The same (household, year) may appear only once
across the member sheet's income columns and the income sheet.
"""

from __future__ import annotations

from .importing_check import CHUNK, check_income_values, chunks
from .importing_write import IncomeWriter, income_values, size_in_year
from .models import Household, Member

SHEET = "income"
BATCH_ROWS = 2000


class IncomePass:
    def __init__(self, ctx, result, households: dict, *, write: bool, cache=None):
        self.ctx = ctx
        self.result = result
        self.households = households
        self.write = write
        self.cache = cache
        self.writer = IncomeWriter(result.counts)

    def error(self, row: int, message: str, header: str | None = None) -> None:
        self.result.errors.add(SHEET, row, message, header)

    def run(self, reader, progress) -> None:
        batch: list[tuple[int, dict]] = []
        for item in reader.rows():
            batch.append(item)
            if len(batch) >= BATCH_ROWS:
                self.flush(batch)
                progress.update(88 + min(8, reader.rows_read / 50_000), f"已校验收入 {reader.rows_read} 行")
        if batch:
            self.flush(batch)

    def flush(self, batch: list[tuple[int, dict]]) -> None:
        known = self._from_database([inc["household_no"] for _n, inc in batch])
        rows, checked_items = [], []
        for number, income in batch:
            no, year = income["household_no"], income["year"]
            first = self.result.income_keys.get((no, year))
            if first is not None:
                where = "成员表" if first[0] == "members" else "收入表"
                self.error(number, f"户编号 {no} 的 {year} 年收入已在{where}第{first[1]}行填写。", "年度")
                continue
            self.result.income_keys[(no, year)] = (SHEET, number)
            info = self.households.get(no) or known.get(no)
            if isinstance(info, str):
                self.error(number, info, "户编号")
                continue
            if info is None:
                self.error(number, f"找不到户编号 {no}：它既不在成员表中，也未在系统中登记。", "户编号")
                continue
            checked = check_income_values(
                income, lambda message, header, n=number: self.error(n, message, header)
            )
            pk, size, years = info
            if checked is not None and self.cache is not None:
                checked_items.append((no, year, checked, None if no in self.households else info))
            if checked is not None and self.write and pk is not None:
                rows.append(
                    (income_values(pk, checked, size_in_year(years, year, size)), checked.get("_transfers"))
                )
        if self.write and rows and not self.result.errors:
            self.writer.write(rows)
        if self.cache is not None and not self.result.errors:
            self.cache.incomes(checked_items)

    def write_checked(self, items) -> None:
        """Commit of income rows the dry run checked: (number, year, values, database info or None)."""
        rows = []
        for no, year, income, info in items:
            pk, size, years = info or self.households[no]
            if pk is not None:
                rows.append(
                    (income_values(pk, income, size_in_year(years, year, size)), income.get("_transfers"))
                )
        if rows and not self.result.errors:
            self.writer.write(rows)

    def _from_database(self, numbers: list[str]) -> dict:
        """Households not in the member sheet: (pk, size, member years), or an error message."""
        missing = sorted({n for n in numbers if n not in self.households})
        found: dict = {}
        for part in chunks(missing, CHUNK):
            for pk, no, path, size in Household.objects.filter(household_no__in=part).values_list(
                "id", "household_no", "area_path", "size"
            ):
                if self.ctx.allowed(self.ctx.change_paths, path):
                    found[no] = (pk, size, [])
                else:
                    found[no] = f"户编号 {no} 不在您的管辖范围内。"
        by_pk = {v[0]: no for no, v in found.items() if not isinstance(v, str)}
        for part in chunks(sorted(by_pk), CHUNK):
            for hid, joined, left in Member.objects.filter(household_id__in=part).values_list(
                "household_id", "joined_on", "left_on"
            ):
                found[by_pk[hid]][2].append((joined.year if joined else 0, left.year if left else 9999))
        return found
