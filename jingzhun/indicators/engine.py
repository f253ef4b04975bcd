"""Computing indicator values set-based: one grouped query per (indicator, year, breakdown), summed up
the area tree, written in one transaction.

Each query groups the subject's rows by village (the first 12 digits of the area path) and, for a
breakdown, by the breakdown field; sums over villages give townships and the county (a household lies
in exactly one village, so sums of distinct counts stay exact). Ratios keep numerator and denominator
at every level. No per-household Python: Python only adds up the grouped rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from jingzhun.areas.models import Area, AreaYearStat
from jingzhun.core.scoping import paths_q

from . import registry
from .choices import LEVEL_DIGITS, VILLAGE_DIGITS
from .definitions import HOUSEHOLD_DIMS, PREFIX
from .models import IndicatorValue
from .registry import Indicator

Key = tuple[str, str, str]  # (area path, dim, member)


def dim_q(ind: Indicator, dim_key: str, member: str, year: int) -> Q:
    """The filter of one breakdown member, on the indicator's subject (household fields via members)."""
    d = registry.dim(dim_key)
    if d.q is None and dim_key in HOUSEHOLD_DIMS:
        return Q(**{PREFIX.get(ind.subject.key, "") + d.field: member})
    return d.filter_q(member, year)


def _dim_field(ind: Indicator, dim_key: str) -> str:
    d = registry.dim(dim_key)
    prefix = PREFIX.get(ind.subject.key, "") if dim_key in HOUSEHOLD_DIMS else ""
    return prefix + d.field


def _ancestors(path: str, root: str) -> list[str]:
    """The path itself (cut to village) and its ancestors inside the root's subtree."""
    path = path[:VILLAGE_DIGITS]
    out = [path]
    for n in LEVEL_DIGITS:
        if len(root) <= n < len(path):
            out.append(path[:n])
    return out


def count_rows(ind: Indicator, year: int, root: Area) -> dict[Key, int]:
    """{(area path, dim, member): count} for every area of the root's subtree with a non-zero count."""
    model = ind.subject.model
    base = model._default_manager.filter(paths_q(ind.subject.path, [root.path])).filter(ind.where(year))
    base = base.annotate(v=Substr(ind.subject.path, 1, VILLAGE_DIGITS)).order_by()
    out: dict[Key, int] = defaultdict(int)

    def add(rows, dim_key: str, member_of: Callable):
        for row in rows:
            n = row["n"]
            if not n:
                continue
            member = member_of(row)
            for p in _ancestors(row["v"], root.path):
                out[(p, dim_key, member)] += n

    add(base.values("v").annotate(n=Count("pk")), "", lambda r: "")
    for dim_key in ind.breakdowns:
        d = registry.dim(dim_key)
        if d.members is not None:
            for member in d.members():
                rows = base.filter(dim_q(ind, dim_key, member, year)).values("v").annotate(n=Count("pk"))
                add(rows, dim_key, lambda r, m=member: m)
        else:
            field = _dim_field(ind, dim_key)
            rows = base.values("v", field).annotate(n=Count("pk"))
            add(rows, dim_key, lambda r, f=field: "" if r[f] is None else str(r[f]))
    return out


def rural_population(root: Area, years: list[int]) -> dict[tuple[str, int], int]:
    """{(area path, year): rural population} for the root's subtree: an area's own figure of that year
    (or its latest earlier year); areas without any take the sum of their villages."""
    stats: dict[str, dict[int, int]] = defaultdict(dict)
    rows = AreaYearStat.objects.filter(
        paths_q("area__path", [root.path]), rural_population__isnull=False
    ).values_list("area__path", "year", "rural_population")
    for path, year, pop in rows:
        stats[path][year] = pop
    out: dict[tuple[str, int], int] = {}
    for year in years:
        sums: dict[str, int] = defaultdict(int)
        own: dict[str, int] = {}
        for path, by_year in stats.items():
            earlier = [y for y in by_year if y <= year]
            if not earlier:
                continue
            own[path] = by_year[max(earlier)]
            if len(path) == VILLAGE_DIGITS:
                for p in _ancestors(path, root.path)[1:]:
                    sums[p] += own[path]
        for path in set(own) | set(sums):
            value = own.get(path, sums.get(path))
            if value:
                out[(path, year)] = value
    return out


def ratio(num: int, den: int | None, scale: int) -> Decimal | None:
    if not den:
        return None
    return (Decimal(num) * scale / Decimal(den)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _years_for(ind: Indicator, years: list[int], today_year: int) -> list[int]:
    if ind.snapshot:
        return [today_year]
    first = ind.since() if ind.since else None
    return [y for y in years if first is None or y >= first] if first else years


def compute(root: Area, years: list[int], *, codes: list[str] | None = None, progress=None) -> list:
    """Compute every (or the named) indicator for the root's subtree; returns unsaved IndicatorValue rows."""
    now = timezone.now()
    this_year = timezone.localdate().year
    indicators = [i for i in registry.all_indicators() if codes is None or i.code in codes]
    # denominators first, so ratios can read them
    indicators.sort(key=lambda i: i.is_ratio)
    counts: dict[tuple[str, int], dict[Key, int]] = {}
    population = None
    values: list[IndicatorValue] = []
    total = len(indicators)
    for n, ind in enumerate(indicators):
        if progress:
            progress(n * 100 / max(total, 1), str(ind.name))
        for year in _years_for(ind, years, this_year):
            rows = count_rows(ind, year, root)
            counts[(ind.code, year)] = rows
            if not ind.is_ratio:
                values.extend(
                    IndicatorValue(
                        indicator=ind.code, area_path=p, year=year, dim=d, member=m,
                        numerator=c, value=Decimal(c), computed_at=now,
                    )
                    for (p, d, m), c in rows.items()
                )  # fmt: skip
                continue
            if ind.denominator == "rural_population":
                if population is None:
                    population = rural_population(root, sorted(set(years) | {this_year}))
                dens = {(p, "", ""): v for (p, y), v in population.items() if y == year}
            else:
                den_ind = registry.get(ind.denominator)
                dens = counts.get((ind.denominator, year))
                if dens is None and den_ind is not None:
                    dens = count_rows(den_ind, year, root)
            for key in set(rows) | {k for k in dens if k[1] == ""}:
                p, d, m = key
                den = dens.get(key, dens.get((p, "", "")))
                num = rows.get(key, 0)
                values.append(
                    IndicatorValue(
                        indicator=ind.code, area_path=p, year=year, dim=d, member=m, numerator=num,
                        denominator=den, value=ratio(num, den, ind.scale), computed_at=now,
                    )
                )  # fmt: skip
    return values


@transaction.atomic
def replace_values(root: Area, years: list[int], values: list, codes: list[str]) -> int:
    """Swap the stored values of the root's subtree for the new ones (readers see old or new, never half)."""
    this_year = timezone.localdate().year
    old = IndicatorValue.objects.filter(paths_q("area_path", [root.path]), indicator__in=codes)
    old.filter(year__in=sorted(set(years) | {this_year})).delete()
    _insert(values)
    return len(values)


def _insert(values: list) -> None:
    """Plain executemany INSERT: bulk_create splits SQLite batches at 999 parameters and converts each
    field through the ORM, several times slower for the ~10⁵–10⁶ rows of a large county. The only
    values needing conversion are the decimal and the (shared) timestamp."""
    if not values:
        return
    names = ["indicator", "area_path", "year", "dim", "member", "numerator", "denominator", "value"]
    meta = IndicatorValue._meta
    qn = connection.ops.quote_name
    columns = [meta.get_field(n).column for n in names] + [meta.get_field("computed_at").column]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        qn(meta.db_table), ", ".join(qn(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    stamp = meta.get_field("computed_at").get_db_prep_save(values[0].computed_at, connection)
    adapt = connection.ops.adapt_decimalfield_value
    with connection.cursor() as cursor:
        for lo in range(0, len(values), 5000):
            rows = [
                (v.indicator, v.area_path, v.year, v.dim, v.member, v.numerator, v.denominator,
                 None if v.value is None else adapt(v.value, 16, 4), stamp)
                for v in values[lo : lo + 5000]
            ]  # fmt: skip
            cursor.executemany(sql, rows)
