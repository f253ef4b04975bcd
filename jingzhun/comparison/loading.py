"""Reading a department file through its column mapping into usable rows and rows kept aside.

Every row ends up in exactly one of two places: a ``DatasetRow`` (matched later) or a ``DatasetBadRow``
with the reasons. A row whose ID number is unusable but which has a name and a birth date stays usable
(matched by name + birth date, flagged weaker) and carries the ID problem in its note.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from jingzhun.core.errors import DomainError
from jingzhun.core.tabular import read_table

from .choices import BIRTH_FIELD, COMMON_FIELDS, ID_FIELD, NAME_FIELD, FieldKind
from .normalise import normalise_id, normalise_name, parse_date, parse_number


def type_fields(dataset_type) -> list[dict]:
    """All target fields of a type: ID, name, birth date, then the type's own columns."""
    common = [{"code": c, "label": label, "kind": str(k), "aliases": a} for c, label, k, a in COMMON_FIELDS]
    own = [f for f in (dataset_type.fields or []) if f.get("code") not in (ID_FIELD, NAME_FIELD, BIRTH_FIELD)]
    return common + own


def suggest_mapping(dataset_type, headers: list[str], remembered: dict | None = None) -> dict:
    """field code → header: the remembered mapping where its header is present, else the first alias."""
    present = set(headers)
    out = {}
    for f in type_fields(dataset_type):
        code = f["code"]
        if remembered and remembered.get(code) in present:
            out[code] = remembered[code]
            continue
        for alias in [f.get("label", ""), *(f.get("aliases") or [])]:
            if alias in present:
                out[code] = alias
                break
    return out


def check_mapping(dataset_type, headers: list[str], mapping: dict) -> dict:
    """Keep only known fields mapped to present headers; refuse a mapping that cannot identify anyone."""
    codes = {f["code"] for f in type_fields(dataset_type)}
    clean = {k: v for k, v in mapping.items() if k in codes and v}
    unknown = [v for v in clean.values() if v not in headers]
    if unknown:
        raise DomainError(_("文件中没有列“%(header)s”。") % {"header": unknown[0]}, field="mapping")
    used = list(clean.values())
    dupes = {h for h in used if used.count(h) > 1}
    if dupes:
        raise DomainError(
            _("列“%(header)s”被对应到了多个字段。") % {"header": sorted(dupes)[0]}, field="mapping"
        )
    if ID_FIELD not in clean and not (NAME_FIELD in clean and BIRTH_FIELD in clean):
        raise DomainError(_("请至少对应“身份证号”列，或同时对应“姓名”和“出生日期”列。"), field=ID_FIELD)
    return clean


@dataclass
class GoodRow:
    row_no: int
    id_number: str
    name: str
    birth_date: datetime.date | None
    data: dict
    note: str


@dataclass
class BadRow:
    row_no: int
    values: dict
    reasons: str


@dataclass
class LoadStats:
    rows: int = 0
    bad: int = 0
    weak: int = 0
    reasons: dict = field(default_factory=dict)  # reason → count (the first part of each bad row's reasons)


def read_rows(path: str, mapping: dict, dataset_type, *, progress: Callable | None = None) -> Iterator:
    """Yield GoodRow / BadRow for every non-empty line of the file, in file order."""
    table = read_table(path)
    headers = table.headers
    position = {h: i for i, h in enumerate(headers) if h}
    fields = {f["code"]: f for f in type_fields(dataset_type)}
    plan = [(code, position[h], fields[code]) for code, h in mapping.items() if h in position]
    extras = [
        (code, i, f.get("kind", FieldKind.TEXT), f.get("label", code))
        for code, i, f in plan
        if code not in (ID_FIELD, NAME_FIELD, BIRTH_FIELD)
    ]
    id_at = position.get(mapping.get(ID_FIELD, ""))
    name_at = position.get(mapping.get(NAME_FIELD, ""))
    birth_at = position.get(mapping.get(BIRTH_FIELD, ""))
    for n, (row_no, values) in enumerate(table.rows):
        if progress and n % 5000 == 0:
            progress(n)
        yield _one(row_no, values, headers, id_at, name_at, birth_at, extras)


def _cell(values: list, at: int | None) -> str:
    return values[at] if at is not None and at < len(values) else ""


def _one(row_no, values, headers, id_at, name_at, birth_at, extras):
    reasons = []
    raw_id = _cell(values, id_at)
    ident = normalise_id(raw_id)
    name = normalise_name(_cell(values, name_at))
    birth = ident.birth_date if ident.number else None
    if birth is None and birth_at is not None:
        try:
            birth = parse_date(_cell(values, birth_at))
        except ValueError as exc:
            reasons.append(_("出生日期：%(error)s") % {"error": exc})
    if birth is None and not ident.number:
        birth = ident.birth_date  # read from a malformed ID's date digits
    data = {}
    for code, at, kind, label in extras:
        text = _cell(values, at)
        try:
            if kind == FieldKind.NUMBER:
                value = parse_number(text)
            elif kind == FieldKind.DATE:
                value = parse_date(text)
                value = value.isoformat() if value else None
            else:
                value = text[:200] or None
        except ValueError as exc:
            reasons.append(f"{label}：{exc}")
            continue
        if value is not None:
            data[code] = value
    note = ""
    if not ident.number:
        id_problem = ident.problem or (_("身份证号为空") if id_at is not None else "")
        if not (name and birth):
            if id_problem:
                reasons.insert(0, _("身份证号：%(error)s") % {"error": id_problem})
            reasons.append(_("身份证号无效时须有姓名和出生日期才能比对"))
        else:
            note = (
                (_("身份证号无法使用（%(error)s），按姓名+出生日期比对") % {"error": id_problem})[:200]
                if id_problem
                else ""
            )
    if reasons:
        raw = {h: (values[i] if i < len(values) else "") for i, h in enumerate(headers) if h}
        return BadRow(row_no, raw, "；".join(str(r) for r in reasons))
    return GoodRow(row_no, ident.number, name, birth, data, note)
