"""The content of a work report: every figure from the indicator values, with a number, its indicator,
filters and drill-down URL (the appendix); computed problems; text blocks; task progress.

The result is plain JSON (stored with the report): the Word template and the web preview render the
same data, so what the document says and what the preview links to cannot differ.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from jingzhun.areas.models import Area
from jingzhun.indicators import selectors as ind
from jingzhun.indicators.selectors import Figure

from . import problems as problem_rules
from .choices import PeriodKind
from .models import TextBlock
from .wording import DEFAULT_BLOCKS, LATE_MARK

FIGURE_KEYS = [
    "reg_hh", "reg_p", "exited_hh", "exited_p", "remaining_hh", "remaining_p", "incidence",
    "exited_year_hh", "exited_year_p", "poor_villages", "poor_villages_exited", "poor_villages_remaining",
    "targets_hh", "paired_hh", "pairing_coverage", "measure_hh", "measure_coverage", "mon_cases",
    "mon_eliminated", "mon_leads", "unpaired_hh", "visit_overdue_hh", "cause_gap_hh", "notices_overdue",
]  # fmt: skip

SCOPE_WORDS = {"county": "全县", "township": "全乡（镇）", "village": "全村"}


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date

    @property
    def year(self) -> int:
        return self.end.year

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.HALF:
            return f"{self.year}年上半年"
        if self.kind == PeriodKind.YEAR:
            return f"{self.year}年"
        return f"{cn_date(self.start)}至{cn_date(self.end)}"

    @classmethod
    def of(cls, kind: str, year: int | None = None, start=None, end=None) -> Period:
        if kind == PeriodKind.HALF:
            return cls(kind, datetime.date(year, 1, 1), datetime.date(year, 6, 30))
        if kind == PeriodKind.YEAR:
            return cls(kind, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        return cls(PeriodKind.CUSTOM, start, end)


class FigureBook:
    """Numbers each figure the first time it is quoted; ``rows()`` is the appendix."""

    def __init__(self):
        self._rows: list[dict] = []
        self._seen: dict[tuple, dict] = {}

    def add(self, f: Figure) -> dict:
        key = (f.code, f.area.path, f.year, f.dim, f.member)
        if key in self._seen:
            return self._seen[key]
        entry = {
            "no": len(self._rows) + 1,
            "code": f.code,
            "name": f.name,
            "area": f.area.name,
            "area_code": f.area.code,
            "year": f.year,
            "filters": str(f.filters_text),
            "value": f.display,
            "unit": f.unit,
            "numerator": f.numerator,
            "denominator": f.denominator,
            "url": f.drill_url,
        }
        self._rows.append(entry)
        self._seen[key] = entry
        return entry

    def rows(self) -> list[dict]:
        return self._rows


def _share(part: Decimal | None, whole: Decimal | None) -> str:
    if not part or not whole:
        return "0.00"
    return f"{Decimal(part) * 100 / Decimal(whole):.2f}"


def _listed(book: FigureBook, figs: list[Figure], whole: Figure | None = None, limit: int = 12) -> list[dict]:
    out = []
    for f in figs[:limit]:
        if not f.value:
            continue
        e = book.add(f)
        out.append({"name": f.member_label or f.area.name, "value": e["value"], "unit": f.unit,
                    "share": _share(f.value, whole.value if whole else None), "url": e["url"], "no": e["no"]})  # fmt: skip
    return out


def text_blocks(area: Area) -> dict[str, list[str]]:
    """The area's own text, else the nearest ancestor's, else the built-in wording; as paragraphs."""
    paths = [area.path[:n] for n in (2, 4, 6, 9, 12) if n <= len(area.path)]
    rows = TextBlock.objects.filter(area_path__in=paths).order_by("area_path")
    found = {}
    for r in rows:  # deeper paths come later and win
        found[r.key] = r.body
    out = {}
    for key, default in DEFAULT_BLOCKS.items():
        body = found.get(key, default)
        out[key] = [p.strip() for p in body.splitlines() if p.strip()]
    return out


def _area_rows(book: FigureBook, area: Area, year: int) -> list[dict]:
    codes = ["reg_hh", "reg_p", "exited_p", "remaining_p", "incidence"]
    rows = []
    for kid, figs in ind.by_child(area, year, codes):
        if not figs["reg_hh"].value:
            continue
        row = {"name": kid.name}
        for c in codes:
            e = book.add(figs[c])
            row[c] = e["value"]
            row[f"{c}_url"] = e["url"]
        rows.append(row)
    total = ind.figures(area, year, codes)
    row = {"name": "合计"}
    for c in codes:
        e = book.add(total[c])
        row[c], row[f"{c}_url"] = e["value"], e["url"]
    return [*rows, row] if rows else []


def _tasks(user, area: Area, period: Period) -> list[dict]:
    from .selectors import tasks_for_report

    out = []
    for item in tasks_for_report(user, area, period):
        out.append({
            "name": item.name, "target": _num(item.target), "unit": item.unit,
            "completed": _num(item.completed),
            "completed_on": cn_date(item.completed_on) if item.completed_on else "目前",
            "percent": f"{item.percent:.1f}", "late": LATE_MARK if item.is_late else "",
            "url": f"/reports/tasks/{item.task_list_id}/",
        })  # fmt: skip
    return out


def cn_date(d: datetime.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _num(value: Decimal) -> str:
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"


def build_content(user, area: Area, period: Period, issuer: str = "") -> dict:
    year = period.year
    book = FigureBook()
    figs = ind.figures(area, year, FIGURE_KEYS)
    n = {k: book.add(f) for k, f in figs.items() if k in FIGURE_KEYS[:12]}
    lists = {
        "causes": _listed(book, ind.breakdown(area, year, "reg_hh", "cause"), figs["reg_hh"]),
        "attributes": _listed(book, ind.breakdown(area, year, "reg_hh", "attribute"), figs["reg_hh"]),
    }
    lists["areas"] = _area_rows(book, area, year)
    for k in FIGURE_KEYS[12:18]:
        n[k] = book.add(figs[k])
    lists["measures"] = _listed(book, ind.breakdown(area, year, "measure_hh", "measure"), limit=8)
    for k in FIGURE_KEYS[18:21]:
        n[k] = book.add(figs[k])
    lists["mon_types"] = _listed(book, ind.breakdown(area, year, "mon_cases", "monitoring_type"))
    lists["risks"] = _listed(book, ind.breakdown(area, year, "mon_cases", "risk"), limit=5)
    lists["tasks"] = _tasks(user, area, period)
    lists["problems"] = problem_rules.compute(user, area, year, figs, book, lists["tasks"])
    inc = figs["incidence"]
    today = timezone.localdate()
    as_of = min(period.end, today)
    ctx = {
        "title": f"{area.name}{period.label}巩固拓展脱贫攻坚成果工作情况汇报",
        "area": area.name,
        "scope": SCOPE_WORDS.get(area.level, area.name),
        "year": year,
        "period": period.label,
        "as_of": cn_date(as_of),
        "issuer": issuer or area.name,
        "report_date": cn_date(today),
        "rural_population": str(inc.denominator or "—"),
    }
    return {
        "ctx": ctx,
        "n": n,
        "lists": lists,
        "blocks": text_blocks(area),
        "figures": book.rows(),
        "period": {"kind": period.kind, "start": period.start.isoformat(), "end": period.end.isoformat()},
    }
