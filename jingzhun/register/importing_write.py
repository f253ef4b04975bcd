"""Writing checked households in bulk: households, members, versions and income, batch by batch.

Runs inside the import's single transaction; nothing is saved object by object.

- New households (the bulk of any import) are first turned into plain database rows (``Writer.prepare``:
  a ``NewBatch`` of lists of str/int/bool/None, the version already JSON-encoded), then inserted
  (``Writer.insert``) through ``RowInserter``: ``executemany`` of one prepared INSERT on SQLite, ``COPY``
  on PostgreSQL. A clean dry run prepares its batches and keeps them (importing_cache.py), so the commit
  of the same file only inserts. ``bulk_create`` compiles every value of every row in Python and managed
  ~2,000 member rows/s on the 2-core machine (45 columns), which alone would take minutes for 400,000
  persons.
- Changed rows of households that already exist use ``update_rows`` (one prepared UPDATE).
- Every household written gets its ``HouseholdVersion`` (the shape of ``services.household_data``);
  the import writes one summary audit event at the end (importing.py).
"""

from __future__ import annotations

import datetime
import functools
import operator
from decimal import Decimal
from typing import NamedTuple

from django.db import models
from django.utils import timezone

from jingzhun.core.services import _jsonable

from .choices import HEAD_RELATION, MemberStatus
from .importing_check import Plan, years_of
from .importing_sql import CHUNK, RowInserter, update_rows, values_in
from .models import Household, HouseholdIncome, HouseholdVersion, IncomeTransfer, Member
from .pinyin import initials
from .services import HOUSEHOLD_FIELDS, MEMBER_FIELDS, STATUS_FIELDS
from .validation import income_figures

VERSION_HOUSEHOLD = ["household_no", "area", *HOUSEHOLD_FIELDS, *STATUS_FIELDS, "size", "head_name"]
HOUSEHOLD_UPDATE = [*HOUSEHOLD_FIELDS, *STATUS_FIELDS, "size", "head_name", "warning_override", "updated_at"]
MEMBER_UPDATE = [*MEMBER_FIELDS, "name_initials", "updated_at"]
MEMBER_FIELD_SET = set(MEMBER_FIELDS)
INCOME_VALUES = ["wages", "business", "property_income", "transfers", "business_costs"]
INCOME_UPDATE = [*INCOME_VALUES, "net_income", "per_capita", "size", "note", "updated_at"]


# --- pinyin initials, fast ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=50_000)
def _char_initial(char: str) -> str:
    return initials(char)


def fast_initials(name: str) -> str:
    """Equal to ``pinyin.initials(name)``, ~100× faster for names that contain no dictionary phrase.

    pypinyin reads a name character by character unless part of it is a known phrase (长江, 重庆…),
    where the phrase decides the reading; only those names take the full (slow) path.
    """
    phrases = _PHRASES if _PHRASES is not None else _phrases()
    n = len(name)
    if n == 3:  # most names: check the three substrings without building generators
        if name[:2] in phrases or name[1:] in phrases or name in phrases:
            return initials(name)
        return _char_initial(name[0]) + _char_initial(name[1]) + _char_initial(name[2])
    if n > 1 and any(name[i:j] in phrases for i in range(n - 1) for j in range(i + 2, n + 1)):
        return initials(name)
    return "".join([_char_initial(c) for c in name])[:50]


_PHRASES: dict | None = None


def _phrases() -> dict:
    global _PHRASES
    if _PHRASES is None:
        from pypinyin.constants import PHRASES_DICT  # loaded on first use: pypinyin takes ~0.5 s

        _PHRASES = PHRASES_DICT
    return _PHRASES


# --- versions ----------------------------------------------------------------------------------------


_SIMPLE_TYPES = {str, int, bool, float, type(None)}


def _plain(value):
    return value if type(value) in _SIMPLE_TYPES else _jsonable(value)


@functools.lru_cache(maxsize=4)
def python_defaults(model) -> dict:
    """Field defaults as a saved object would read them back (decimals quantised), for snapshots."""
    out = {}
    for f in model._meta.concrete_fields:
        value = f.get_default()
        if isinstance(f, models.DecimalField) and value is not None:
            value = Decimal(value).quantize(Decimal(1).scaleb(-f.decimal_places))
        out[f.name] = value
    return out


def version_data(h: dict, members: list[dict]) -> dict:
    """What ``services.household_data`` stores; ``h`` and ``members`` are dicts of field values
    (members carry ``_order``: the primary key, or the insertion order of new members)."""
    _household_base, member_base = _version_bases()
    data = _household_version(h)
    ordered = sorted(
        members, key=lambda m: (m["relation"], m.get("birth_date") or datetime.date.min, m["_order"])
    )
    out = []
    for m in ordered:
        row = dict(member_base)
        row["member_no"] = m["member_no"]
        row["status"] = m.get("status", MemberStatus.ACTIVE)
        for key, value in m.items():
            if key in MEMBER_FIELD_SET:
                row[key] = value if type(value) in _SIMPLE_TYPES else _jsonable(value)
        out.append(row)
    data["members"] = out
    return data


def _household_version(h: dict) -> dict:
    data = dict(_version_bases()[0])
    for key, value in h.items():
        name = _VERSION_KEYS.get(key)
        if name is not None:
            data[name] = value if type(value) in _SIMPLE_TYPES else _jsonable(value)
    return data


class MemberVersions:
    """The members part of ``version_data`` for new members, read straight from their Member rows
    (``RowInserter.row``): those hold the same values in JSON form already (dates as ISO text, enum
    members as plain text, defaults as the field defaults), so this equals ``version_data``."""

    def __init__(self, inserter: RowInserter):
        _household_base, member_base = _version_bases()
        self.keys = list(member_base)  # member_no, status, *MEMBER_FIELDS
        self.get = operator.itemgetter(*[inserter.slots[k] for k in self.keys])
        self.relation, self.birth = inserter.slots["relation"], inserter.slots["birth_date"]

    def __call__(self, rows: list[list]) -> list[dict]:
        relation, birth = self.relation, self.birth
        # version_data's order: relation, birth date (none first), then insertion order.
        order = sorted(range(len(rows)), key=lambda i: (rows[i][relation], rows[i][birth] or "", i))
        keys, get = self.keys, self.get
        return [dict(zip(keys, get(rows[i]), strict=True)) for i in order]


_VERSION_KEYS = {("area_id" if n == "area" else n): n for n in VERSION_HOUSEHOLD}


@functools.lru_cache(maxsize=1)
def _version_bases() -> tuple[dict, dict]:
    """Every key of a version with the field's default, in services.household_data's key order."""
    household = python_defaults(Household)
    member = python_defaults(Member)
    h = {n: _plain(household.get(n, "")) for n in VERSION_HOUSEHOLD}
    m = {
        "member_no": "",
        "status": MemberStatus.ACTIVE.value,
        **{f: _plain(member[f]) for f in MEMBER_FIELDS},
    }
    return h, m


def household_dict(h: Household) -> dict:
    return {
        ("area_id" if n == "area" else n): getattr(h, "area_id" if n == "area" else n)
        for n in VERSION_HOUSEHOLD
    }


def member_dict(m: Member) -> dict:
    return {f: getattr(m, f) for f in MEMBER_FIELDS} | {
        "member_no": m.member_no,
        "status": m.status,
        "_order": m.pk,
    }


# --- households and members --------------------------------------------------------------------------


class Counts:
    def __init__(self):
        self.created = self.updated = self.unchanged = 0
        self.members_created = self.members_updated = 0
        self.incomes_created = self.incomes_updated = 0


class NewBatch(NamedTuple):
    """One batch of new households as database rows, ready to insert (and to keep between a dry run
    and its commit: plain values only, so that pickling them is cheap)."""

    numbers: list[str]  # household numbers, in file order
    first_rows: list[int]  # their first row in the file
    households: list[list]  # Household rows (time stamps set on insert)
    members: list[list[list]]  # per household: its Member rows (household id set on insert)
    ids: list[tuple[str, int]]  # (ID number, row) of the members
    versions: list[str]  # per household: its version's data, JSON-encoded
    sizes: list[int]
    years: list[tuple]  # per household: years_of(members), to count members per income year
    incomes: list[tuple[int, list, dict | None]]  # (household index, HouseholdIncome row, transfers)


class Writer:
    def __init__(self, actor, today: datetime.date, counts: Counts):
        self.actor_id = getattr(actor, "pk", None)
        self.today = today
        self.counts = counts
        self.now = timezone.now()
        self.households = RowInserter(Household, self.now)
        self.members = RowInserter(Member, self.now)
        self.versions = RowInserter(HouseholdVersion, self.now)
        self.incomes = IncomeWriter(counts, self.now)
        self._member_versions = MemberVersions(self.members)
        self._years: dict[tuple, tuple] = {}  # most households share the same few tuples

    def write(self, plans: list[Plan]) -> dict[str, int]:
        """Write one batch; returns household number → primary key for every household written."""
        new = [plan for plan in plans if plan.existing is None]
        pks = self.insert(self.prepare(new)) if new else {}
        upd_h, upd_m, versions = [], [], []
        for plan in plans:
            if plan.existing is not None:
                self._update_household(plan, upd_h, upd_m, versions)
        if upd_h:
            update_rows(Household, HOUSEHOLD_UPDATE, upd_h)
            HouseholdVersion.objects.filter(
                household_id__in=[h.pk for h in upd_h], valid_to__isnull=True
            ).update(valid_to=self.now)
        if upd_m:
            update_rows(Member, MEMBER_UPDATE, upd_m)
        self.counts.members_created += self.members.flush()
        for h, members in versions:
            self.versions.add_row(self._version(h["id"], version_data(h, members)))
        self.versions.flush()
        self.counts.members_updated += len(upd_m)
        return {p.draft.household_no: p.existing.pk for p in plans if p.existing is not None} | pks

    # --- new households ------------------------------------------------------------------------------

    def prepare(self, plans: list[Plan]) -> NewBatch:
        """New households' rows, members' rows, versions and member-sheet incomes; no database access."""
        batch = NewBatch([], [], [], [], [], [], [], [], [])
        household_row, member_row, income_row = self.households.row, self.members.row, self.incomes.row
        encode = self.versions.converters["data"]
        member_versions = self._member_versions
        for k, plan in enumerate(plans):
            h, members = self._new_household(plan)
            batch.numbers.append(h["household_no"])
            batch.first_rows.append(plan.draft.first_row)
            batch.households.append(household_row(h))
            rows = [member_row(m) for m in members]
            batch.members.append(rows)
            batch.ids.extend((m["id_number"], row) for row, m, _old in plan.members if m.get("id_number"))
            data = _household_version(h)
            data["members"] = member_versions(rows)
            batch.versions.append(encode(data))
            years = years_of(plan.all_members)
            years = self._years.setdefault(years, years)
            size = len(plan.all_members)
            batch.sizes.append(size)
            batch.years.append(years)
            income = plan.income
            if income is not None:
                values = income_values(None, income, size_in_year(years, income["year"], size))
                batch.incomes.append((k, income_row(values), income.get("_transfers")))
        return batch

    def insert(self, batch: NewBatch) -> dict[str, int]:
        """Insert a prepared batch; returns household number → primary key."""
        for row in batch.households:
            self.households.add_row(row)
        self.households.flush()
        found = self._pks(batch.numbers)
        pks = [found[no] for no in batch.numbers]
        slot = self.members.slots["household_id"]
        add = self.members.add_row
        for pk, rows in zip(pks, batch.members, strict=True):
            for row in rows:
                row[slot] = pk
                add(row)
        self.counts.members_created += self.members.flush()
        for pk, data in zip(pks, batch.versions, strict=True):
            self.versions.add_row(self._version(pk, data))
        self.versions.flush()
        if batch.incomes:
            self.incomes.insert_new([(pks[k], row, lines) for k, row, lines in batch.incomes])
        self.counts.created += len(pks)
        return dict(zip(batch.numbers, pks, strict=True))

    def _version(self, household_id: int, data) -> list:
        """A HouseholdVersion row; ``data`` may be given JSON-encoded already."""
        row = self.versions.row(
            {
                "household_id": household_id,
                "valid_from": self.now,
                "action": "household.import",
                "actor_id": self.actor_id,
            }
        )
        slot = self.versions.slots["data"]
        row[slot] = data if isinstance(data, str) else self.versions.converters["data"](data)
        return row

    @staticmethod
    def _pks(numbers: list[str]) -> dict[str, int]:
        return dict(values_in(Household, "household_no", numbers, ["household_no", "id"]))

    def _member_values(self, values: dict, member_no: str, order: int) -> dict:
        """The checked member values completed in place (the plan is not used after writing)."""
        values["joined_on"] = values.get("joined_on") or self.today
        values["member_no"] = member_no
        values["name_initials"] = fast_initials(values["name"])
        values["_order"] = order
        return values

    def _new_household(self, plan: Plan) -> tuple[dict, list[dict]]:
        no = plan.draft.household_no
        members = [
            self._member_values(values, f"{no}{i:02d}", i)
            for i, (_row, values, _old) in enumerate(plan.members, start=1)
        ]
        head = next((m for m in members if m.get("relation") == HEAD_RELATION), {})
        h = {
            **plan.values,
            "household_no": no,
            "area_id": plan.area.id,
            "area_path": plan.area.path,
            "poverty_status": plan.status,
            "year_identified": plan.year_identified,
            "year_exited": plan.year_exited,
            "size": len(members),
            "head_name": head.get("name", ""),
            "warning_override": plan.override or {},
        }
        return h, members

    # --- households that exist -----------------------------------------------------------------------

    def _update_household(self, plan: Plan, upd_h, upd_m, versions) -> None:
        h = plan.existing
        old = [o for _r, _v, o in plan.members if o is not None] + plan.others + plan.inactive
        before = _household_version(household_dict(h))
        for k, v in plan.values.items():
            setattr(h, k, v)
        h.poverty_status, h.year_identified, h.year_exited = (
            plan.status,
            plan.year_identified,
            plan.year_exited,
        )
        if plan.override:
            h.warning_override = plan.override
        changed, added = [], []
        for _row, values, member in plan.members:
            if member is None:
                added.append(values)
                continue
            was = {f: getattr(member, f) for f in MEMBER_FIELDS}
            for k, v in values.items():
                if k in MEMBER_FIELD_SET:
                    setattr(member, k, v)
            member.name_initials = fast_initials(member.name)
            if {f: getattr(member, f) for f in MEMBER_FIELDS} != was:
                member.updated_at = self.now
                changed.append(member)
        numbers = _next_member_numbers(h.household_no, len(added)) if added else []
        top = max((m.pk for m in old), default=0)
        new = [
            self._member_values(values, no, top + i)
            for i, (values, no) in enumerate(zip(added, numbers, strict=True), start=1)
        ]
        active = [m for m in old if m.status == MemberStatus.ACTIVE]
        names = [(m.relation, m.name) for m in active] + [(m["relation"], m["name"]) for m in new]
        h.size = len(names)
        h.head_name = next((name for rel, name in names if rel == HEAD_RELATION), "")
        # Unchanged when the version would be: no member added or changed (their fields hold plain str,
        # int, bool and dates, so a different value is a different version) and the same household part.
        if not new and not changed and _household_version(household_dict(h)) == before:
            self.counts.unchanged += 1
            return
        after_members = [member_dict(m) for m in old] + new
        h.updated_at = self.now
        upd_h.append(h)
        upd_m.extend(changed)
        for m in new:
            m["household_id"] = h.pk
            self.members.add(m)
        versions.append((household_dict(h) | {"id": h.pk}, after_members))
        self.counts.updated += 1


def _next_member_numbers(household_no: str, count: int) -> list[str]:
    """As numbering.next_member_numbers: after the highest number ever given in this household."""
    taken = Member.objects.filter(member_no__gte=household_no, member_no__lt=household_no + ":").values_list(
        "member_no", flat=True
    )
    top = max((int(n[len(household_no) :]) for n in taken if n[len(household_no) :].isdigit()), default=0)
    return [f"{household_no}{n:02d}" for n in range(top + 1, top + 1 + count)]


# --- income ------------------------------------------------------------------------------------------


def size_in_year(years: tuple, year: int, fallback: int) -> int:
    """Members 在册 at some time during ``year`` (as services.members_in_year), else the household size."""
    return sum(1 for joined, left in years if joined <= year <= left) or fallback or 1


def income_values(household_id: int, income: dict, size: int) -> dict:
    values = {k: income.get(k) or Decimal(0) for k in INCOME_VALUES}
    net, per_capita = income_figures(**values, size=size)
    return {
        **values,
        "household_id": household_id,
        "year": income["year"],
        "net_income": net,
        "per_capita": per_capita,
        "size": size,
        "note": income.get("note", ""),
    }


class IncomeWriter:
    """Upserts yearly incomes (by household and year) and replaces their transfer breakdown."""

    def __init__(self, counts: Counts, now: datetime.datetime | None = None):
        self.counts = counts
        self.now = now or timezone.now()
        self.inserter = RowInserter(HouseholdIncome, self.now)
        self.row = self.inserter.row

    def insert_new(self, rows: list[tuple[int, list, dict | None]]) -> None:
        """Incomes of households created in this import (so none exist yet): (household id, row made
        by ``row``, {program: amount} or None)."""
        slot = self.inserter.slots["household_id"]
        year = self.inserter.slots["year"]
        for pk, row, _lines in rows:
            row[slot] = pk
            self.inserter.add_row(row)
        self.counts.incomes_created += self.inserter.flush()
        with_lines = {(row[slot], row[year]): lines for _pk, row, lines in rows if lines is not None}
        if with_lines:
            self._replace_transfers(with_lines)

    def write(self, rows: list[tuple[dict, dict | None]]) -> None:
        """rows: (income values from ``income_values``, {program: amount} or None)."""
        if not rows:
            return
        keys = {(r["household_id"], r["year"]): lines for r, lines in rows}
        existing: dict[tuple, HouseholdIncome] = {}
        found = [pk for pk, h, y in self._incomes_of(keys) if (h, y) in keys]
        for i in range(0, len(found), CHUNK):  # full objects only for the years being replaced
            for inc in HouseholdIncome.objects.filter(pk__in=found[i : i + CHUNK]):
                existing[(inc.household_id, inc.year)] = inc
        update = []
        for values, _lines in rows:
            old = existing.get((values["household_id"], values["year"]))
            if old is None:
                self.inserter.add(values)
                continue
            if all(getattr(old, f) == values[f] for f in INCOME_UPDATE[:-1]):
                continue  # the same figures again (re-import of the same file)
            for f in INCOME_UPDATE[:-1]:
                setattr(old, f, values[f])
            old.updated_at = self.now
            update.append(old)
        created = self.inserter.flush()
        update_rows(HouseholdIncome, INCOME_UPDATE, update)
        with_lines = {k: lines for k, lines in keys.items() if lines is not None}
        if with_lines:
            self._replace_transfers(with_lines)
        self.counts.incomes_created += created
        self.counts.incomes_updated += len(update)

    def _replace_transfers(self, lines_of: dict[tuple[int, int], dict]) -> None:
        ids = self._income_ids(list(lines_of))
        IncomeTransfer.objects.filter(income_id__in=list(ids.values())).delete()
        IncomeTransfer.objects.bulk_create(
            [
                IncomeTransfer(income_id=ids[key], program=program, amount=amount)
                for key, lines in lines_of.items()
                for program, amount in lines.items()
            ],
            batch_size=1000,
        )

    @staticmethod
    def _incomes_of(keys) -> list[tuple[int, int, int]]:
        """(id, household id, year) of every income row of the households in ``keys``."""
        hids = sorted({k[0] for k in keys})
        return values_in(HouseholdIncome, "household", hids, ["id", "household", "year"])

    def _income_ids(self, keys: list[tuple[int, int]]) -> dict[tuple[int, int], int]:
        wanted = set(keys)
        return {(h, y): pk for pk, h, y in self._incomes_of(keys) if (h, y) in wanted}
