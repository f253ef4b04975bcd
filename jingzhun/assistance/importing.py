"""Department import of deliveries (措施落实) from xlsx or csv — all-or-nothing, with a dry run.

One row per delivery: 身份证号, 姓名 (optional check), 措施 (code or name from the catalogue), 落实日期,
金额/数量, 发放部门, 资金/项目名称, 备注. People are matched by ID number (normalised and checked with
register.validation.parse_id; 15-digit numbers are converted) inside the importing user's delivery scope,
through services_delivery.match_people — the department never reads the register itself.

Every row is checked before anything is written; any error (bad or unmatched ID, unknown measure, bad
date or amount, a duplicate inside the file or of an earlier import) makes the job answer with a
row-error workbook (core.tabular.error_workbook) and write nothing. A clean commit inserts the
deliveries in bulk and adds the cash ones to the households' transfer income in the same transaction.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from jingzhun.core.errors import DomainError
from jingzhun.core.services import audit_record
from jingzhun.core.tabular import error_workbook, read_table, write_xlsx
from jingzhun.register.validation import check_char, parse_id

from .choices import DeliverySource
from .models import MeasureType
from .services_delivery import (
    check_date,
    check_match,
    duplicates,
    match_people,
    parse_amount,
    write_deliveries,
)

ID, NAME, MEASURE, DATE, AMOUNT = "身份证号", "姓名", "措施", "落实日期", "金额/数量"
DEPARTMENT, PROGRAM, NOTE = "发放部门", "资金/项目名称", "备注"
HEADERS = [ID, NAME, MEASURE, DATE, AMOUNT, DEPARTMENT, PROGRAM, NOTE]
REQUIRED = [ID, MEASURE, DATE, AMOUNT]
ALIASES = {
    "公民身份号码": ID,
    "身份证号码": ID,
    "证件号码": ID,
    "措施名称": MEASURE,
    "帮扶措施": MEASURE,
    "措施代码": MEASURE,
    "发放日期": DATE,
    "日期": DATE,
    "金额": AMOUNT,
    "数量": AMOUNT,
    "金额（元）": AMOUNT,
    "金额(元)": AMOUNT,
    "发放单位": DEPARTMENT,
    "部门": DEPARTMENT,
    "资金来源": PROGRAM,
    "项目名称": PROGRAM,
}
BATCH = 5000


@dataclass
class Pending:
    row: int
    values: list[str]
    number: str
    name: str
    measure: MeasureType
    delivered_on: datetime.date
    amount: Decimal
    department: str
    program: str
    note: str


@dataclass
class Result:
    dry_run: bool
    rows: int = 0
    written: int = 0
    income_lines: int = 0
    households: int = 0
    amount: Decimal = Decimal(0)
    headers: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    errors: list[tuple[int, list[str], str]] = field(default_factory=list)
    error_count: int = 0

    def add_error(self, row: int, values: list[str], column: str, message: str) -> None:
        self.error_count += 1
        text = _("%(column)s：%(message)s") % {"column": column, "message": message}
        if self.errors and self.errors[-1][0] == row:
            n, vals, old = self.errors[-1]
            self.errors[-1] = (n, vals, f"{old}；{text}")
        else:
            self.errors.append((row, values, text))

    def summary(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "rows": self.rows,
            "written": self.written,
            "income_lines": self.income_lines,
            "households": self.households,
            "amount": str(self.amount),
            "errors": self.error_count,
            "error_rows": len(self.errors),
            "ignored_columns": self.ignored_columns,
        }


class _NoProgress:
    def update(self, percent, message="", *, force=False):
        pass


def parse_date(text: str) -> datetime.date:
    """2024-03-05, 2024/3/5, 2024.3.5, 20240305, 2024年3月5日, or an xlsx date cell."""
    text = text.strip()
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]00:00(?::00)?)?", text)
    if m is None:
        m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if m is None:
        raise ValueError(_("日期格式应为 2024-03-05。"))
    try:
        return datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise ValueError(_("日期不存在。")) from None


def measure_lookup() -> dict[str, MeasureType]:
    table = {}
    for m in MeasureType.objects.filter(active=True):
        table[m.code] = m
        table[m.name] = m
    return table


def _parse_row(
    number: int, values: dict[str, str], raw: list[str], measures, result: Result
) -> Pending | None:
    errors_before = result.error_count
    person = None
    try:
        person = parse_id(values.get(ID, "")).number
    except ValueError as exc:
        result.add_error(number, raw, ID, str(exc))
    measure = measures.get(values.get(MEASURE, "").strip())
    if measure is None:
        text = values.get(MEASURE, "").strip()
        msg = _("措施“%(name)s”不在启用的措施目录中。") % {"name": text} if text else _("不能为空。")
        result.add_error(number, raw, MEASURE, msg)
    delivered_on = None
    try:
        delivered_on = check_date(parse_date(values.get(DATE, "")))
    except ValueError as exc:
        result.add_error(number, raw, DATE, str(exc))
    except DomainError as exc:
        result.add_error(number, raw, DATE, exc.message)
    amount = None
    try:
        amount = parse_amount(values.get(AMOUNT, ""))
    except DomainError as exc:
        result.add_error(number, raw, AMOUNT, exc.message)
    texts = {}
    for column, limit in ((NAME, 50), (DEPARTMENT, 100), (PROGRAM, 100), (NOTE, 200)):
        texts[column] = values.get(column, "").strip()
        if len(texts[column]) > limit:
            result.add_error(number, raw, column, _("不能超过 %(max)s 个字。") % {"max": limit})
    if result.error_count > errors_before:
        return None
    return Pending(
        number,
        raw,
        person,
        texts[NAME],
        measure,
        delivered_on,
        amount,
        texts[DEPARTMENT],
        texts[PROGRAM],
        texts[NOTE],
    )


def _check_batch(
    actor, batch: list[Pending], seen: set, result: Result, default_department: str
) -> list[dict]:
    """Match the batch's people and look for duplicates; return write items for the good rows."""
    matches = match_people(actor, [p.number for p in batch])
    items, keyed = [], []
    for p in batch:
        try:
            m = check_match(matches.get(p.number), p.delivered_on, p.name)
        except DomainError as exc:
            column = {"name": NAME, "delivered_on": DATE}.get(exc.field, ID)
            result.add_error(p.row, p.values, column, exc.message)
            continue
        key = (m.member_id, p.measure.pk, p.delivered_on, p.amount)
        if key in seen:
            result.add_error(
                p.row, p.values, AMOUNT, _("与文件中前面的一行重复（同一人、同一措施、同一日期、同一金额）。")
            )
            continue
        seen.add(key)
        keyed.append((key, p))
        items.append(
            {
                "row": p.row,
                "key": key,
                "household_id": m.household_id,
                "member_id": m.member_id,
                "area_path": m.area_path,
                "measure": p.measure,
                "delivered_on": p.delivered_on,
                "amount": p.amount,
                "department": p.department or default_department,
                "program": p.program,
                "note": p.note,
            }
        )
    done = duplicates([k for k, _p in keyed])
    if done:
        for k, p in keyed:
            if k in done:
                result.add_error(
                    p.row, p.values, AMOUNT, _("该笔措施已导入过（同一人、同一措施、同一日期、同一金额）。")
                )
        items = [x for x in items if x["key"] not in done]
    return items


def delivery_import(
    *, actor, path, dry_run: bool = True, progress=None, job_id=None, file_name: str = ""
) -> Result:
    """Check (and unless ``dry_run`` write) a delivery file. File-level problems raise DomainError."""
    progress = progress or _NoProgress()
    table = read_table(path, required=REQUIRED, aliases=ALIASES)
    result = Result(dry_run=dry_run, headers=table.headers)
    result.ignored_columns = [h for h in table.headers if h and h not in HEADERS]
    measures = measure_lookup()
    default_department = (getattr(actor, "unit", "") or "").strip()
    seen: set = set()
    items: list[dict] = []
    batch: list[Pending] = []
    for number, raw in table.rows:
        result.rows += 1
        values = {h: (raw[i] if i < len(raw) else "") for i, h in enumerate(table.headers) if h}
        pending = _parse_row(number, values, raw, measures, result)
        if pending is not None:
            batch.append(pending)
        if len(batch) >= BATCH:
            items += _check_batch(actor, batch, seen, result, default_department)
            batch = []
            progress.update(
                min(60, 5 + result.rows // 2000), _("已校验 %(rows)s 行…") % {"rows": result.rows}
            )
    if batch:
        items += _check_batch(actor, batch, seen, result, default_department)
    if result.rows == 0:
        raise DomainError(_("文件中没有数据行。"), field="file")
    result.households = len({x["household_id"] for x in items})
    result.amount = sum((x["amount"] for x in items if x["measure"].is_cash), Decimal(0))
    if result.errors or dry_run:
        return result
    progress.update(65, _("正在写入 %(rows)s 条措施落实…") % {"rows": len(items)}, force=True)
    with transaction.atomic():
        result.written, result.income_lines = write_deliveries(
            actor=actor, items=items, source=DeliverySource.IMPORT, job_id=job_id
        )
        audit_record(
            actor=actor,
            action="delivery.import",
            target_type="core.job",
            target_id=str(job_id or ""),
            target_label=file_name[:200],
            area=getattr(actor, "area", None),
            after=result.summary(),
        )
    return result


def error_bytes(result: Result) -> bytes:
    return error_workbook(result.headers, sorted(result.errors, key=lambda e: e[0]))


def template_bytes() -> bytes:
    """The import template: the header row with one example, and the measure catalogue."""
    example_id = "51340119900101123"
    example = [
        example_id + check_char(example_id),
        "张三",
        "雨露计划",
        "2025-03-01",
        "3000",
        "县教育局",
        "2025年春季雨露计划",
        "",
    ]
    catalogue = [
        (m.code, m.name, m.get_category_display(), m.unit, "是" if m.income_program else "否")
        for m in MeasureType.objects.filter(active=True)
    ]
    return write_xlsx(
        [
            ("措施落实", HEADERS, [example]),
            ("措施目录", ["代码", "名称", "类别", "计量单位", "计入转移性收入"], catalogue),
        ]
    )
