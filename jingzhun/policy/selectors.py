"""Reading policy values: the resolver every assessment uses, and the rows pages show.

``policy_value(key, year, area)``: the province's own value if it set one, else the national value; in
each, the row of the latest valid-from year not after ``year``. ``snapshot(keys, year, area)`` resolves
several keys in one query and returns the JSON form, which assessments store with their results.
"""

from __future__ import annotations

from decimal import Decimal

from .models import PolicyValue
from .parameters import BY_KEY, CATALOGUE, typed


def province_path(area) -> str:
    path = getattr(area, "path", None) if area is not None else None
    if path is None and isinstance(area, str):
        path = area
    return (path or "")[:2]


def _rows(keys, year: int, province: str):
    scopes = [""] + ([province] if province else [])
    return (
        PolicyValue.objects.filter(
            key__in=list(keys), year__lte=int(year), area_path__in=scopes, superseded_at__isnull=True
        )
        .order_by()
        .values_list("key", "area_path", "year", "value", "retired", "pk")
    )


def resolve(keys, year: int, area=None) -> dict[str, dict]:
    """key → {"value", "year", "scope" ("" national or province path), "id"} for each key that has one."""
    province = province_path(area)
    best: dict[str, tuple] = {}
    for key, scope, valid_from, value, retired, pk in _rows(keys, year, province):
        if retired:
            continue
        rank = (1 if scope else 0, valid_from)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, {"value": value, "year": valid_from, "scope": scope, "id": pk})
    return {k: v[1] for k, v in best.items()}


def policy_value(key: str, year: int, area=None, default=None):
    """The typed value of ``key`` in force in ``year`` for ``area``'s province (or ``default``)."""
    found = resolve([key], year, area).get(key)
    return default if found is None else typed(key, found["value"])


def snapshot(keys, year: int, area=None) -> dict:
    """The JSON values of ``keys`` for ``year`` and ``area`` plus derived ones, as stored by assessments.

    ``monitoring_threshold`` falls back to line × ratio (the 2020 rule) when no explicit value applies.
    """
    keys = list(dict.fromkeys(keys))
    wanted = set(keys)
    if "monitoring_threshold" in wanted:
        wanted |= {"poverty_line", "monitoring_line_ratio"}
    found = resolve(wanted, year, area)
    out = {k: found[k]["value"] for k in keys if k in found}
    if "monitoring_threshold" in keys and "monitoring_threshold" not in out:
        out["monitoring_threshold"] = derived_threshold(found)
    out["_year"] = int(year)
    out["_province"] = province_path(area)
    return out


def derived_threshold(found: dict) -> str | None:
    line, ratio = found.get("poverty_line"), found.get("monitoring_line_ratio")
    if line is None or ratio is None:
        return None
    factor = typed("monitoring_line_ratio", ratio["value"])
    value = typed("poverty_line", line["value"]) * factor.numerator / factor.denominator
    return format(value.quantize(Decimal("0.01")).normalize(), "f")


def monitoring_threshold(year: int, area=None) -> Decimal | None:
    value = snapshot(["monitoring_threshold"], year, area).get("monitoring_threshold")
    return None if value is None else Decimal(str(value))


def is_western(area, year: int) -> bool:
    return province_path(area) in (policy_value("western_provinces", year, area, []) or [])


def incidence_limit(area, year: int, level: str = "village") -> Decimal | None:
    """The incidence a village (or county) must be below, by the western rule of its province."""
    base = f"{level}_incidence_max"
    return policy_value(base + "_west" if is_western(area, year) else base, year, area)


def checklist(year: int, area=None) -> list[dict]:
    return policy_value("village_checklist", year, area, []) or []


# --- pages ----------------------------------------------------------------------------------------


def values_for(user, *, key: str = "", include_history: bool = False):
    qs = PolicyValue.objects.for_user(user, "view").select_related("province", "created_by")
    if key:
        qs = qs.filter(key=key)
    if not include_history:
        qs = qs.filter(superseded_at__isnull=True)
    return qs


def catalogue_rows(user, *, group: str = ""):
    """One row per parameter: its current values (national and visible provinces) ordered by year."""
    by_key: dict[str, list] = {}
    for row in values_for(user).filter(retired=False).order_by("key", "area_path", "year"):
        by_key.setdefault(row.key, []).append(row)
    return [{"param": p, "values": by_key.get(p.key, [])} for p in CATALOGUE if not group or p.group == group]


def history_for(user, key: str):
    return values_for(user, key=key, include_history=True).order_by("area_path", "-year", "-created_at")


def known(key: str) -> bool:
    return key in BY_KEY
