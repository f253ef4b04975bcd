"""Statistical tables (统计报表) as real xlsx: a title, a unit/date line, two header rows with merged
group cells, one row per area (or measure, or village) and a total row.

Figures come from the pre-aggregated indicator values of areas inside the user's scope, or from grouped
queries through ``for_user`` (measures), so a table never leaves the user's area.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.utils import timezone

from jingzhun.areas.choices import WESTERN_PROVINCES
from jingzhun.areas.models import Area
from jingzhun.core.scoping import paths_q
from jingzhun.core.tabular import safe_cell

from . import registry
from .models import IndicatorValue
from .selectors import children


@dataclass
class Table:
    title: str
    unit_line: str
    groups: list[tuple[str, list[str]]]  # (group header or "", sub headers); "" + one sub = single column
    rows: list[list] = field(default_factory=list)
    total: list | None = None
    sheet: str = "Sheet1"


def incidence_threshold(area: Area) -> float:
    """Village/county exit threshold of poverty incidence: 3% in the western provinces, else 2%."""
    return 3.0 if area.path[:2] in WESTERN_PROVINCES else 2.0


def _values(paths: list[str], year: int, codes: list[str]) -> dict:
    this_year = timezone.localdate().year
    years = {this_year if registry.get(c).snapshot else year for c in codes}
    rows = IndicatorValue.objects.filter(area_path__in=paths, indicator__in=codes, year__in=years)
    return {(r.indicator, r.area_path, r.dim, r.member): r for r in rows}


def _n(vals, code, path, dim="", member="") -> int:
    r = vals.get((code, path, dim, member))
    return int(r.numerator) if r else 0


def _codes(kind: str) -> list[tuple[str, str]]:
    from jingzhun.register.models import CodeItem

    return list(
        CodeItem.objects.filter(kind=kind, active=True).order_by("sort", "code").values_list("code", "name")
    )


def _unit_line(area: Area, year: int, unit: str) -> str:
    today = timezone.localdate()
    return f"填报单位：{area.full_name()}    统计年度：{year}年    单位：{unit}    制表日期：{today:%Y年%m月%d日}"


def poverty_table(area: Area, year: int) -> Table:
    """贫困人口基本情况表: per child area, households/persons by status, attribute and main cause."""
    kids = children(area)
    paths = [k.path for k in kids] + [area.path]
    vals = _values(paths, year, ["reg_hh", "reg_p", "exited_hh", "exited_p", "remaining_hh", "remaining_p"])
    attrs, causes = _codes("attribute"), _codes("cause")
    t = Table(
        title=f"{area.name}{year}年贫困人口基本情况表",
        unit_line=_unit_line(area, year, "户、人"),
        groups=[
            ("", ["区域"]),
            ("建档立卡贫困人口", ["户数", "人数"]),
            ("已脱贫", ["户数", "人数"]),
            ("未脱贫（含返贫）", ["户数", "人数"]),
            ("其中返贫", ["户数", "人数"]),
            ("贫困户属性（户）", [n for _c, n in attrs]),
            ("主要致贫原因（户）", [n for _c, n in causes]),
        ],
        sheet="贫困人口基本情况",
    )

    def row(path, name):
        return [
            name,
            _n(vals, "reg_hh", path), _n(vals, "reg_p", path),
            _n(vals, "exited_hh", path), _n(vals, "exited_p", path),
            _n(vals, "remaining_hh", path), _n(vals, "remaining_p", path),
            _n(vals, "reg_hh", path, "status", "returned"), _n(vals, "reg_p", path, "status", "returned"),
            *[_n(vals, "reg_hh", path, "attribute", c) for c, _n2 in attrs],
            *[_n(vals, "reg_hh", path, "cause", c) for c, _n2 in causes],
        ]  # fmt: skip

    t.rows = [row(k.path, k.name) for k in kids]
    t.total = row(area.path, "合计")
    return t


def monitoring_table(area: Area, year: int) -> Table:
    """监测对象情况表: per child area, open cases by type and by risk, and cases eliminated so far."""
    from jingzhun.monitoring.choices import MonitoringType, RiskType

    kids = children(area)
    vals = _values([k.path for k in kids] + [area.path], year, ["mon_cases", "mon_eliminated"])
    t = Table(
        title=f"{area.name}{year}年防止返贫监测对象情况表",
        unit_line=_unit_line(area, year, "户"),
        groups=[
            ("", ["区域"]),
            ("", ["监测对象合计"]),
            ("按监测对象类型", [str(label) for _c, label in MonitoringType.choices]),
            ("按风险类型（可多选）", [str(label) for _c, label in RiskType.choices]),
            ("", ["累计风险消除"]),
        ],
        sheet="监测对象情况",
    )

    def row(path, name):
        return [
            name,
            _n(vals, "mon_cases", path),
            *[_n(vals, "mon_cases", path, "monitoring_type", c) for c in MonitoringType.values],
            *[_n(vals, "mon_cases", path, "risk", c) for c in RiskType.values],
            _n(vals, "mon_eliminated", path),
        ]

    t.rows = [row(k.path, k.name) for k in kids]
    t.total = row(area.path, "合计")
    return t


def measures_table(user, area: Area, year: int) -> Table:
    """帮扶措施落实情况表: per measure type, households reached, deliveries and amount (scoped query)."""
    from jingzhun.assistance.choices import DeliveryStatus, MeasureCategory
    from jingzhun.assistance.models import Delivery, MeasureType

    qs = Delivery.objects.for_user(user, "view").filter(
        paths_q("area_path", [area.path]), year=year, status=DeliveryStatus.ACTIVE
    )
    grouped = {
        r["measure_id"]: r
        for r in qs.values("measure_id").annotate(
            households=Count("household_id", distinct=True), times=Count("id"), amount=Sum("amount")
        )
    }
    categories = dict(MeasureCategory.choices)
    t = Table(
        title=f"{area.name}{year}年帮扶措施落实情况表",
        unit_line=_unit_line(area, year, "户、次、元（非资金类按各自计量单位）"),
        groups=[
            ("", ["措施类别"]),
            ("", ["帮扶措施"]),
            ("", ["计量单位"]),
            ("落实情况", ["受益户数", "落实次数", "金额/数量"]),
        ],  # fmt: skip
        sheet="帮扶措施落实情况",
    )
    for m in MeasureType.objects.order_by("sort", "id"):
        g = grouped.get(m.id)
        if g is None and not m.active:
            continue
        t.rows.append(
            [str(categories.get(m.category, m.category)), m.name, m.unit,
             g["households"] if g else 0, g["times"] if g else 0, float(g["amount"] or 0) if g else 0]
        )  # fmt: skip
    cash = qs.filter(measure__is_cash=True).aggregate(s=Sum("amount"))["s"] or 0
    t.total = ["合计", "", "", qs.values("household_id").distinct().count(), qs.count(), float(cash)]
    return t


def villages_table(user, area: Area, year: int) -> Table:
    """贫困村退出情况表: every poor village of the area with its incidence against the threshold."""
    villages = list(
        Area.objects.for_user(user, "view")
        .filter(paths_q("path", [area.path]), level="village", is_poor_village=True)
        .select_related("parent")
        .order_by("code")
    )
    vals = _values([v.path for v in villages], year, ["reg_hh", "reg_p", "remaining_p", "incidence"])
    threshold = incidence_threshold(area)
    t = Table(
        title=f"{area.name}{year}年贫困村退出情况表",
        unit_line=_unit_line(area, year, "户、人、%"),
        groups=[
            ("", ["乡镇"]),
            ("", ["行政村"]),
            ("", ["列为贫困村年度"]),
            ("", ["退出年度"]),
            ("建档立卡", ["户数", "人数"]),
            ("", ["未脱贫人口"]),
            ("", ["户籍农业人口"]),
            ("", ["贫困发生率(%)"]),
            ("", [f"发生率低于{threshold:g}%"]),
            ("", ["退出状态"]),
        ],  # fmt: skip
        sheet="贫困村退出情况",
    )
    done = 0
    for v in villages:
        inc = vals.get(("incidence", v.path, "", ""))
        rate = float(inc.value) if inc and inc.value is not None else None
        exited = bool(v.poor_exited_year and v.poor_exited_year <= year)
        done += exited
        t.rows.append(
            [v.parent.name if v.parent else "", v.name, v.poor_listed_year or "", v.poor_exited_year or "",
             _n(vals, "reg_hh", v.path), _n(vals, "reg_p", v.path), _n(vals, "remaining_p", v.path),
             inc.denominator if inc and inc.denominator else "", "" if rate is None else round(rate, 2),
             "" if rate is None else ("是" if rate < threshold else "否"), "已退出" if exited else "未退出"]
        )  # fmt: skip
    t.total = ["合计", f"{len(villages)}个", "", f"已退出{done}个",
               sum(r[4] for r in t.rows), sum(r[5] for r in t.rows), sum(r[6] for r in t.rows),
               "", "", "", f"未退出{len(villages) - done}个"]  # fmt: skip
    return t


TABLES = {
    "poverty": ("贫困人口基本情况表", lambda user, area, year: poverty_table(area, year)),
    "monitoring": ("监测对象情况表", lambda user, area, year: monitoring_table(area, year)),
    "measures": ("帮扶措施落实情况表", measures_table),
    "villages": ("贫困村退出情况表", villages_table),
}


def to_xlsx(t: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = t.sheet[:31]
    width = sum(len(subs) for _g, subs in t.groups)
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    ws.cell(1, 1, t.title).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = centre
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(2, 1, t.unit_line).alignment = Alignment(horizontal="left")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    col = 1
    for group, subs in t.groups:
        if not group:
            ws.cell(3, col, subs[0])
            ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        else:
            ws.cell(3, col, group)
            if len(subs) > 1:
                ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + len(subs) - 1)
            for i, sub in enumerate(subs):
                ws.cell(4, col + i, sub)
        col += len(subs)
    for r in (3, 4):
        for c in range(1, width + 1):
            cell = ws.cell(r, c)
            cell.font, cell.alignment, cell.border, cell.fill = Font(bold=True), centre, box, head_fill
    body = [*t.rows, *([t.total] if t.total else [])]
    for i, values in enumerate(body, start=5):
        for c, v in enumerate(values, start=1):
            cell = ws.cell(i, c, safe_cell(v))
            cell.border = box
            if t.total is not None and i == 4 + len(body):
                cell.font = Font(bold=True)
    for c in range(1, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 14 if c == 1 else 10
    ws.freeze_panes = "B5"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
