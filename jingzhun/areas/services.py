"""Area services: edit names and statistics, load the national list, import township/village/group lists."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from jingzhun.core.errors import AccessDenied, DomainError, full_clean_or_raise
from jingzhun.core.scoping import user_can
from jingzhun.core.services import audit_record, changed, snapshot

from .choices import PATH_LENGTH, URBAN_RURAL_CLASSES, AreaLevel
from .models import Area, AreaYearStat

NATIONAL_CSV = Path(__file__).resolve().parent / "data" / "divisions_2023.csv"
EDITABLE = [
    "name",
    "urban_rural_class",
    "is_poor_village",
    "poor_listed_year",
    "poor_exited_year",
    "is_poor_county",
    "note",
]
STAT_FIELDS = ["rural_population", "rural_households", "total_population", "area_km2", "source"]


def _require(actor, capability: str, area: Area) -> None:
    if not user_can(actor, capability, area):
        raise AccessDenied(_("您无权修改“%(area)s”。") % {"area": area.name})


@transaction.atomic
def area_update(*, actor, area: Area, reason: str = "", **fields) -> Area:
    """Edit an area's name and flags (codes and the tree are fixed by the statistical list)."""
    _require(actor, "areas.change", area)
    before = snapshot(area, EDITABLE)
    for name, value in fields.items():
        if name not in EDITABLE:
            raise DomainError(_("字段“%(field)s”不能在此修改。") % {"field": name}, field=name)
        setattr(area, name, value.strip() if isinstance(value, str) else value)
    if not area.name:
        raise DomainError(_("名称不能为空。"), field="name")
    if area.is_poor_village and area.level != AreaLevel.VILLAGE:
        raise DomainError(_("只有行政村可以标记为贫困村。"), field="is_poor_village")
    if area.poor_exited_year and not area.poor_listed_year:
        raise DomainError(_("填写退出年度前请先填写列为贫困村年度。"), field="poor_listed_year")
    if area.poor_exited_year and area.poor_listed_year and area.poor_exited_year < area.poor_listed_year:
        raise DomainError(_("贫困村退出年度不能早于列为贫困村年度。"), field="poor_exited_year")
    if area.urban_rural_class and area.urban_rural_class not in URBAN_RURAL_CLASSES:
        raise DomainError(
            _("城乡分类代码应为 111、112、121、122、123、210 或 220。"), field="urban_rural_class"
        )
    full_clean_or_raise(area)
    area.save()
    old, new = changed(before, snapshot(area, EDITABLE))
    if new:
        audit_record(actor=actor, action="area.update", target=area, before=old, after=new, reason=reason)
    return area


@transaction.atomic
def area_stat_save(*, actor, area: Area, year: int, **values) -> AreaYearStat:
    """Create or update the statistics of ``area`` for ``year``."""
    _require(actor, "areas.change", area)
    if not 2000 <= int(year) <= 2100:
        raise DomainError(_("年度应在 2000 至 2100 之间。"), field="year")
    for name in ("rural_population", "rural_households", "total_population"):
        v = values.get(name)
        if v is not None and int(v) < 0:
            raise DomainError(_("人数/户数不能为负数。"), field=name)
    stat, created = AreaYearStat.objects.get_or_create(area=area, year=year)
    before = {} if created else snapshot(stat, STAT_FIELDS)
    for name in STAT_FIELDS:
        if name in values:
            setattr(stat, name, values[name] if values[name] is not None or name != "source" else "")
    # Checked on the merged row, so that updating one of the two figures cannot break the rule.
    rp, tp = stat.rural_population, stat.total_population
    if rp is not None and tp is not None and rp > tp:
        raise DomainError(_("户籍农业人口不能大于户籍总人口。"), field="rural_population")
    full_clean_or_raise(stat)
    stat.save()
    old, new = changed(before, snapshot(stat, STAT_FIELDS))
    if new:
        audit_record(
            actor=actor,
            action="area.stat_save",
            target=area,
            target_label=_("%(area)s %(year)s年统计") % {"area": area.name, "year": year},
            before=None if created else old,
            after={"year": year, **new},
        )
    return stat


def load_national_divisions(path: Path = NATIONAL_CSV) -> int:
    """Load (or refresh the names of) every province, city and county. Idempotent; returns rows added."""
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    existing = dict(Area.objects.values_list("code", "id"))
    added = 0
    with transaction.atomic():
        for level in (AreaLevel.PROVINCE, AreaLevel.CITY, AreaLevel.COUNTY):
            new = []
            for r in rows:
                if r["level"] != level or r["code"] in existing:
                    continue
                new.append(
                    Area(
                        code=r["code"],
                        path=Area.path_for(r["code"], level),
                        name=r["name"],
                        level=level,
                        parent_id=existing.get(r["parent_code"]) if r["parent_code"] else None,
                    )
                )
            Area.objects.bulk_create(new, batch_size=1000)
            added += len(new)
            existing = dict(Area.objects.values_list("code", "id"))
        if added:
            audit_record(
                actor=None,
                action="area.load_national",
                target_type="areas.area",
                target_label=_("全国省市县区划"),
                after={"added": added, "source": path.name},
            )
    return added


# --- import of township / village / group lists ------------------------------------------------------

IMPORT_HEADERS = ["统计用区划代码", "名称", "城乡分类代码"]
IMPORT_ALIASES = {
    "区划代码": "统计用区划代码",
    "代码": "统计用区划代码",
    "名称": "名称",
    "单位名称": "名称",
    "城乡分类": "城乡分类代码",
}


@dataclass
class AreaImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, list[str], str]] = field(default_factory=list)  # (row, values, message)


def level_from_code(code: str) -> str:
    """Township codes end in 000 (12 digits); village codes don't; 15 digits are groups."""
    if len(code) == 15:
        return AreaLevel.GROUP
    if len(code) == 9:
        return AreaLevel.TOWNSHIP
    if code[9:] == "000" and code[6:9] != "000":
        return AreaLevel.TOWNSHIP
    return AreaLevel.VILLAGE


def _parent_path(code: str, level: str) -> list[str]:
    """Candidate parent paths, nearest first (a township of 东莞 hangs directly under the city)."""
    if level == AreaLevel.GROUP:
        return [code[:12]]
    if level == AreaLevel.VILLAGE:
        return [code[:9]]
    if code[4:6] == "00":
        return [code[:6], code[:4]]
    # County digits other than 00 name a county, which must exist: never fall back to the city.
    return [code[:6]]


def area_import(*, actor, table, dry_run: bool, progress=None) -> AreaImportResult:
    """Validate every row first; write only if all rows are valid and ``dry_run`` is False."""
    result = AreaImportResult()
    known = {p: (i, lvl) for p, i, lvl in Area.objects.values_list("path", "id", "level")}
    pending: dict[str, tuple[int, str, str, str]] = {}  # path → (row, code, name, class)
    seen_codes: dict[str, int] = {}
    headers = table.headers
    idx = {h: headers.index(h) for h in IMPORT_HEADERS if h in headers}
    for number, values in table.rows:
        result.rows += 1
        code = values[idx["统计用区划代码"]] if idx["统计用区划代码"] < len(values) else ""
        name = values[idx["名称"]] if idx["名称"] < len(values) else ""
        klass = (
            values[idx["城乡分类代码"]] if "城乡分类代码" in idx and idx["城乡分类代码"] < len(values) else ""
        )
        message = _validate_row(actor, code, name, klass, known, pending, seen_codes, number)
        if message:
            result.errors.append((number, values, message))
            continue
        if len(code) == 9:
            code += "000"
        level = level_from_code(code)
        path = Area.path_for(code, level)
        seen_codes[code] = number
        pending[path] = (number, code, name, klass)
        if progress and result.rows % 200 == 0:
            progress(result.rows)
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        for path in sorted(pending, key=len):
            number, code, name, klass = pending[path]
            level = level_from_code(code)
            if path in known:
                area = Area.objects.get(path=path)
                klass = klass or area.urban_rural_class  # an empty cell keeps the class already recorded
                if area.name != name or area.urban_rural_class != klass:
                    before = snapshot(area, ["name", "urban_rural_class"])
                    area.name, area.urban_rural_class = name, klass
                    area.save(update_fields=["name", "urban_rural_class", "updated_at"])
                    audit_record(
                        actor=actor,
                        action="area.import_update",
                        target=area,
                        before=before,
                        after={"name": name, "urban_rural_class": klass},
                    )
                    result.updated += 1
                continue
            parent_id = next(known[p][0] for p in _parent_path(code, level) if p in known)
            area = Area.objects.create(
                code=code, path=path, name=name, level=level, parent_id=parent_id, urban_rural_class=klass
            )
            known[path] = (area.id, level)
            result.created += 1
        audit_record(
            actor=actor,
            action="area.import",
            target_type="areas.area",
            target_label=_("区划名单导入"),
            area=actor.area if getattr(actor, "area", None) else None,
            after={"rows": result.rows, "created": result.created, "updated": result.updated},
        )
    return result


def _validate_row(actor, code, name, klass, known, pending, seen_codes, number) -> str:
    if not code:
        return _("“统计用区划代码”不能为空。")
    if not code.isdigit() or len(code) not in (9, 12, 15):
        return _("“统计用区划代码”应为 12 位数字（村民组为 15 位），当前为“%(code)s”。") % {"code": code[:20]}
    full = code + "000" if len(code) == 9 else code
    if full in seen_codes:
        return _("代码 %(code)s 与第%(row)s行重复。") % {"code": full, "row": seen_codes[full]}
    level = level_from_code(full)
    parents = [p for p in _parent_path(full, level) if p in known or p in pending]
    if not parents:
        return _("找不到上级区划（代码应以上级区划代码 %(parent)s 开头，且上级须已存在或在本文件中）。") % {
            "parent": _parent_path(full, level)[0]
        }
    parent_path = parents[0]
    parent_level = known[parent_path][1] if parent_path in known else level_from_code(pending[parent_path][1])
    if level == AreaLevel.TOWNSHIP and parent_level not in (AreaLevel.COUNTY, AreaLevel.CITY):
        return _("乡镇的上级应为县(区)。")
    if not name:
        return _("“名称”不能为空。")
    if len(name) > 100:
        return _("“名称”过长（%(length)s 个字符，最多 %(max)s）。") % {"length": len(name), "max": 100}
    if any(ch in name for ch in "<>\"'&") or any(ord(ch) < 32 for ch in name):
        return _("“名称”含有不允许的字符（< > \" ' & 或控制字符）。")
    if klass and klass not in URBAN_RURAL_CLASSES:
        return _("“城乡分类代码”应为 111、112、121、122、123、210 或 220，当前为“%(value)s”。") % {
            "value": klass[:10]
        }
    own_path = Area.path_for(full, level)
    if own_path in known:
        # Updating an existing area: the area itself must be in scope (a township may rename itself).
        if not user_can(actor, "areas.import", Area(path=own_path, name="", level=level)):
            return _("该区划不在您的管理范围内。")
    elif parent_path in known:
        parent = Area(path=parent_path, name="", level=known[parent_path][1])
        if not user_can(actor, "areas.import", parent):
            return _("上级区划不在您的管理范围内。")
    if PATH_LENGTH[level] != len(Area.path_for(full, level)):
        return _("代码长度与级别不符。")
    return ""
