"""Checking a batch of households read from the file against the rules and the database.

Per batch (a few hundred households) the database is asked a handful of set-based questions — which
household numbers exist, their members, which ID numbers are already active elsewhere — and every
household is then checked in memory with the shared rules of ``validation.py``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from jingzhun.areas.models import Area
from jingzhun.core.scoping import user_paths

from .choices import HEAD_RELATION, REGISTERED, MemberStatus, PovertyStatus
from .importing_columns import INCOME_VALUE_COLUMNS, MEMBER_COLUMNS, CellError, Codes
from .importing_rows import Draft, ErrorLog
from .importing_sql import CHUNK, values_in
from .models import Household, Member
from .services import HOUSEHOLD_FIELDS, MEMBER_FIELDS, STATUS_FIELDS
from .validation import check_household, check_member, income_figures

VILLAGE_LEVELS = ("village", "hamlet", "group")
HEADER = {c.field: c.header for c in MEMBER_COLUMNS} | {"phone": "成员联系电话"}
SHEET = "members"
WARNING_HINT = "（如确认无误，请在“预警说明”列填写说明后再导入）"
_HOUSEHOLD_FIELDS = frozenset(HOUSEHOLD_FIELDS)


def chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


@dataclass(frozen=True)
class AreaRef:
    id: int
    code: str
    path: str
    name: str


class ImportContext:
    """What every batch needs: the actor's scopes, the areas it may import into, the code lists."""

    def __init__(self, actor, today: datetime.date | None = None):
        self.actor = actor
        self.today = today or datetime.date.today()
        self.codes = Codes.load()
        self.change_paths = user_paths(actor, "register.change")
        self.import_paths = user_paths(actor, "register.import")
        self.view_paths = user_paths(actor, "register.view")
        qs = Area.objects.filter(level__in=VILLAGE_LEVELS)
        if self.change_paths is not None:
            from jingzhun.core.scoping import paths_q

            qs = qs.filter(paths_q("path", self.change_paths)) if self.change_paths else qs.none()
        self.areas = {
            code: AreaRef(pk, code, path, name)
            for pk, code, path, name in qs.values_list("id", "code", "path", "name")
        }
        self.areas_by_id = {a.id: a for a in self.areas.values()}
        self._unknown: dict[str, str] = {}

    @staticmethod
    def allowed(paths, path: str) -> bool:
        return paths is None or any(path.startswith(p) for p in paths)

    def area(self, code: str) -> AreaRef:
        code = code.strip()
        found = self.areas.get(code) or (self.areas.get(code + "000") if len(code) == 9 else None)
        if found:
            return found
        if code not in self._unknown:
            row = Area.objects.filter(code=code).values_list("level", "name").first()
            if row is None:
                self._unknown[code] = (
                    f"找不到区划代码 {code[:15]}，请填写村（12 位）或村民组（15 位）统计用区划代码。"
                )
            elif row[0] not in VILLAGE_LEVELS:
                self._unknown[code] = f"{row[1]}（{code}）不是行政村或村民组：农户必须归属到村或组。"
            else:
                self._unknown[code] = f"{row[1]}（{code}）不在您的管辖范围内。"
        raise CellError(self._unknown[code])


@dataclass
class Plan:
    """A household that passed every check, with everything the writer needs."""

    draft: Draft
    area: AreaRef
    existing: Household | None
    status: str
    year_identified: int | None
    year_exited: int | None
    values: dict  # household fields to set
    members: list[tuple[int, dict, Member | None]]  # (row, member values, matched existing member)
    others: list[Member]  # existing members the file does not list (kept as they are)
    override: dict | None
    income: dict | None = None
    all_members: list[dict] = field(default_factory=list)
    inactive: list[Member] = field(default_factory=list)  # members who left earlier (kept in versions)


def years_of(members: list[dict]) -> tuple:
    """(joined year, left year) per member, enough to count members 在册 in any year (no date: always)."""
    out = []
    for m in members:
        joined, left = m.get("joined_on"), m.get("left_on")
        out.append((joined.year if joined else 0, left.year if left else 9999))
    return tuple(out)


class BatchChecker:
    def __init__(self, ctx: ImportContext, errors: ErrorLog, seen_ids: dict[str, int]):
        self.ctx = ctx
        self.errors = errors
        self.seen_ids = seen_ids
        self._member_warnings: list = []  # (row, Issue) of the household being checked

    def error(self, row: int, message: str, header: str | None = None) -> None:
        self.errors.add(SHEET, row, message, header)

    def check(self, drafts: list[Draft]) -> list[Plan]:
        nos = [d.household_no for d in drafts]
        found = [pk for (pk,) in values_in(Household, "household_no", nos, ["id"])]
        existing: dict[str, Household] = {}
        members_of: dict[int, list[Member]] = defaultdict(list)
        for part in chunks(found):  # only when the file updates households: full objects, then
            existing.update((h.household_no, h) for h in Household.objects.filter(pk__in=part))
            for m in Member.objects.filter(household_id__in=part).order_by("id"):
                members_of[m.household_id].append(m)
        # The reader has normalised ID numbers already (full-width digits, spaces, lower-case x).
        numbers = sorted({m.data.get("id_number") or "" for d in drafts for m in d.members} - {""})
        hits = [
            (number, hid)
            for number, hid, status in values_in(
                Member, "id_number", numbers, ["id_number", "household", "status"]
            )
            if status == MemberStatus.ACTIVE
        ]
        where = {
            pk: (no, path)
            for pk, no, path in values_in(
                Household, "id", sorted({hid for _n, hid in hits}), ["id", "household_no", "area_path"]
            )
        }
        active = {number: (hid, *where[hid]) for number, hid in hits}
        plans = []
        for d in drafts:
            h = existing.get(d.household_no)
            plan = self.check_one(d, h, members_of.get(h.pk, []) if h else [], active)
            if plan is not None:
                plans.append(plan)
        return plans

    # --- one household -----------------------------------------------------------------------------

    def check_one(
        self, d: Draft, existing: Household | None, old_members: list[Member], active
    ) -> Plan | None:
        errors_before = self.errors.count
        area = self._area(d, existing)
        status, y_ident, y_exit = self._status(d, existing, area)
        members, others = self._members(d, existing, old_members, active)
        values = {k: v for k, v in d.household.items() if k in _HOUSEHOLD_FIELDS}
        merged = {k: getattr(existing, k) for k in HOUSEHOLD_FIELDS} if existing else {}
        merged.update(values)
        all_members = [m for _row, m, _old in members] + [_member_values(m) for m in others]
        issues = check_household(merged, all_members, registered=status in REGISTERED, today=self.ctx.today)
        warnings = [(r, x) for r, x in self._member_warnings] + self._household_issues(d, members, issues)
        override = None
        reason = (d.household.get("override_reason") or "").strip()
        if warnings and not reason:
            for row, issue in warnings:
                self.error(row, issue.message + WARNING_HINT, _issue_header(issue))
        elif warnings:
            override = {
                "codes": sorted({x.code for _r, x in warnings}),
                "reason": reason,
                "by": getattr(self.ctx.actor, "pk", None),
                "at": self.ctx.today.isoformat(),
            }
        income = self._income(d)
        if d.bad or area is None or self.errors.count > errors_before:
            return None
        return Plan(
            draft=d,
            area=area,
            existing=existing,
            status=status,
            year_identified=y_ident,
            year_exited=y_exit,
            values=values,
            members=members,
            others=others,
            override=override,
            income=income,
            all_members=all_members,
            inactive=[m for m in old_members if m.status != MemberStatus.ACTIVE],
        )

    def _area(self, d: Draft, existing: Household | None) -> AreaRef | None:
        row = d.sources.get("area", d.first_row)
        code = d.household.get("area")
        area = None
        if code:
            try:
                area = self.ctx.area(code)
            except CellError as exc:
                self.error(row, str(exc), "区划代码")
                return None
        if existing is not None:
            if not self.ctx.allowed(self.ctx.change_paths, existing.area_path):
                self.error(
                    d.first_row, f"户编号 {d.household_no} 已存在，但该户不在您的管辖范围内。", "户编号"
                )
                return None
            if area is not None and area.id != existing.area_id:
                self.error(
                    row,
                    f"户编号 {d.household_no} 已登记在其他村（组），导入不能改变农户所在村；"
                    "如需迁移请提交“户迁移”变更申请。",
                    "区划代码",
                )
                return None
            if existing.is_registered and not self.ctx.allowed(self.ctx.import_paths, existing.area_path):
                self.error(
                    d.first_row,
                    "该户是建档立卡户：信息修改需提交“信息更正”变更申请（批量更新需要“批量导入农户档案”权限）。",
                    "户编号",
                )
                return None
            return area or self.ctx.areas_by_id.get(existing.area_id) or _area_ref(existing)
        if area is None:
            self.error(row, "不能为空（新户须填写所在村或组的区划代码）。", "区划代码")
            return None
        if not d.household_no.startswith(area.code[:12]):
            self.error(
                d.first_row,
                f"新户的户编号应以所在村的 12 位区划代码 {area.code[:12]} 开头，再加 4 位序号。",
                "户编号",
            )
        return area

    def _status(self, d: Draft, existing: Household | None, area: AreaRef | None):
        given = [f for f in STATUS_FIELDS if f in d.household]
        if given and area is not None and not self.ctx.allowed(self.ctx.import_paths, area.path):
            for f in given:
                self.error(
                    d.sources[f],
                    "只有具有“批量导入农户档案”权限的用户才能导入贫困状态和识别、脱贫年度（用于迁移历史数据）。",
                    HEADER[f],
                )
        status = d.household.get("poverty_status") or (
            existing.poverty_status if existing else PovertyStatus.NOT_POOR
        )
        y_ident = d.household.get("year_identified", existing.year_identified if existing else None)
        y_exit = d.household.get("year_exited", existing.year_exited if existing else None)
        row = d.sources.get("poverty_status", d.first_row)
        if status == PovertyStatus.NOT_POOR and (y_ident or y_exit):
            self.error(row, "非贫困户不应填写识别年度或脱贫年度。", "贫困状态")
        if status in REGISTERED and not y_ident:
            self.error(row, "建档立卡户须填写识别年度。", "识别年度")
        if status in (PovertyStatus.EXITED, PovertyStatus.RETURNED) and not y_exit:
            self.error(row, "已脱贫或返贫的户须填写脱贫年度。", "脱贫年度")
        if status == PovertyStatus.POOR and y_exit:
            self.error(row, "未脱贫户不应填写脱贫年度。", "脱贫年度")
        if y_ident and y_exit and y_exit < y_ident:
            self.error(d.sources.get("year_exited", row), "脱贫年度不能早于识别年度。", "脱贫年度")
        return status, y_ident, y_exit

    def _members(self, d: Draft, existing, old_members: list[Member], active):
        self._member_warnings = []
        by_id = {m.id_number: m for m in old_members if m.id_number}
        listed: set[int] = set()
        members = []
        for md in d.members:
            m = md.data
            number = m.get("id_number") or ""
            old = by_id.get(number) if number else None
            if old is not None and old.status != MemberStatus.ACTIVE:
                self.error(
                    md.row,
                    f"该成员在本户已注销（{old.get_status_display()}），不能通过导入恢复；请提交“新增成员”变更申请。",
                    "身份证号",
                )
                old = None
            values = {**_member_values(old), **m} if old is not None else dict(m)
            issues, info = check_member(values, today=self.ctx.today)
            if not number:
                self.error(md.row, "不能为空。", "身份证号")
            for issue in issues:
                if issue.is_error:
                    self.error(md.row, issue.message, HEADER.get(issue.field, issue.field))
                else:
                    self._member_warnings.append((md.row, issue))
            if old is None:
                values["joined_on"] = values.get("joined_on") or self.ctx.today  # as the writer stores it
            if info is not None:
                values["id_number"] = info.number
                values["birth_date"] = values.get("birth_date") or info.birth_date
                values["sex"] = values.get("sex") or info.sex
                self._duplicates(md.row, info.number, d, existing, active)
            if old is not None:
                listed.add(old.pk)
            members.append((md.row, values, old))
        others = [m for m in old_members if m.pk not in listed and m.status == MemberStatus.ACTIVE]
        return members, others

    def _duplicates(self, row: int, number: str, d: Draft, existing, active) -> None:
        first = self.seen_ids.get(number)
        if first is not None:
            self.error(
                row, f"与第{first}行是同一人（身份证号重复）：同一人只能属于一户、只能出现一次。", "身份证号"
            )
            return
        self.seen_ids[number] = row
        other = active.get(number)
        if other is None or (existing is not None and other[0] == existing.pk):
            return
        if self.ctx.allowed(self.ctx.view_paths, other[2]):
            where = f"农户 {other[1]} "
        else:
            where = "其他农户（不在您的管辖范围内）"
        self.error(
            row,
            f"该身份证号已在{where}中登记，同一人只能属于一户；如需迁入请提交“成员转移”变更申请。",
            "身份证号",
        )

    def _household_issues(self, d: Draft, members, issues) -> list:
        warnings = []
        head_rows = [row for row, m, _old in members if m.get("relation") == HEAD_RELATION]
        for issue in issues:
            if issue.code == "duplicate_id":
                continue  # reported per row by _duplicates
            if issue.field == "members":
                rows = head_rows if issue.code == "one_head" and len(head_rows) > 1 else [d.first_row]
                if issue.code == "head_minor" and head_rows:
                    rows = head_rows[:1]
            else:
                rows = [d.sources.get(issue.field, d.first_row)]
            for row in rows:
                if issue.is_error:
                    self.error(row, issue.message, _issue_header(issue))
                else:
                    warnings.append((row, issue))
        return warnings

    def _income(self, d: Draft) -> dict | None:
        income = d.income
        if not income:
            return None
        row = income["_row"]
        if "year" not in income:
            self.error(row, "填写了收入金额时须填写收入年度。", "收入年度")
            return None
        return check_income_values(income, lambda message, header: self.error(row, message, header))


def recheck(numbers: list[str], first_rows: list[int], ids: list[tuple[str, int]], errors: ErrorLog) -> None:
    """What may have changed since the dry run checked these new households (numbers with their first
    rows; members' (ID number, row)): their numbers or their members' ID numbers registered by someone
    else in the meantime. Asked once for the whole file, before anything is written."""
    taken = {no for (no,) in values_in(Household, "household_no", numbers, ["household_no"])}
    rows = dict(ids)
    active = {
        number
        for number, status in values_in(Member, "id_number", list(rows), ["id_number", "status"])
        if status == MemberStatus.ACTIVE
    }
    for no, first in zip(numbers, first_rows, strict=True):
        if no in taken:
            errors.add(SHEET, first, f"户编号 {no} 在校验之后已被登记，请重新上传校验。", "户编号")
    for number in sorted(active):
        errors.add(
            SHEET,
            rows[number],
            "该身份证号在校验之后已在其他农户中登记，同一人只能属于一户；请重新上传校验。",
            "身份证号",
        )


def check_income_values(income: dict, report) -> dict | None:
    """Transfers vs their breakdown, and the non-negative rule of ``income_figures`` (size 1 here;
    the per-capita figure is computed by the writer with the real household size)."""
    lines = income.get("_transfers") or {}
    total = sum(lines.values()) if lines else None
    if lines and "transfers" in income and income["transfers"] != total:
        report(f"转移性收入（{income['transfers']}）与明细合计（{total}）不一致。", "转移性收入")
        return None
    if lines and "transfers" not in income:
        income["transfers"] = total
    values = {c.field: income.get(c.field, 0) for c in INCOME_VALUE_COLUMNS}
    if all(type(v) in _NUMBER and v >= 0 for v in values.values()):
        return income  # what the cell parser gives: income_figures would accept it unchanged
    try:
        income_figures(**values, size=1)
    except ValueError as exc:
        report(str(exc), None)
        return None
    return income


_NUMBER = {Decimal, int}


def _member_values(m: Member | None) -> dict:
    if m is None:
        return {}
    return {f: getattr(m, f) for f in MEMBER_FIELDS} | {"status": m.status}


def _issue_header(issue) -> str | None:
    if issue.field == "members":
        return "身份证号" if issue.code == "duplicate_id" else "与户主关系"
    return HEADER.get(issue.field)


def _area_ref(h: Household) -> AreaRef:
    return AreaRef(h.area_id, h.area.code, h.area_path, h.area.name)
