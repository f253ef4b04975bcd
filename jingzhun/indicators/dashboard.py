"""What the county/township/village dashboard shows: cards and chart series, each point with the URL
of its drill-down. Every number is a lookup of pre-aggregated values (see selectors)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import selectors
from .selectors import Figure

CARD_CODES = [
    "reg_hh", "reg_p", "exited_hh", "exited_p", "remaining_hh", "remaining_p", "incidence",
    "poor_villages", "poor_villages_exited", "poor_villages_remaining", "mon_cases", "mon_leads",
    "targets_hh", "measure_hh", "measure_coverage", "cause_gap_hh", "paired_hh", "pairing_coverage",
    "unpaired_hh", "visit_overdue_hh", "proc_running", "notices_open", "notices_overdue",
]  # fmt: skip

CARD_GROUPS = [
    (_("建档立卡"), [("reg_hh", "reg_p"), ("exited_hh", "exited_p"), ("remaining_hh", "remaining_p"), ("incidence",)]),
    (_("贫困村"), [("poor_villages",), ("poor_villages_exited",), ("poor_villages_remaining",)]),
    (_("监测与帮扶"), [("mon_cases",), ("mon_leads",), ("targets_hh",), ("measure_coverage",),
                    ("pairing_coverage",), ("cause_gap_hh",), ("unpaired_hh",)]),
    (_("工作进度与超期事项"), [("proc_running",), ("notices_open",), ("notices_overdue",), ("visit_overdue_hh",)]),
]  # fmt: skip


def point(f: Figure, name: str | None = None) -> dict:
    return {"name": name or f.member_label or f.area.name, "value": f.number, "url": f.drill_url}


def _breakdown_chart(key, title, area, year, code, dim, kind="bar") -> dict:
    return {
        "key": key,
        "title": title,
        "kind": kind,
        "points": [point(f) for f in selectors.breakdown(area, year, code, dim)],
    }


def build(area, year: int) -> dict:
    figs = selectors.figures(area, year, CARD_CODES)
    groups = []
    for label, rows in CARD_GROUPS:
        groups.append((label, [[figs[c] for c in row] for row in rows]))
    kids = selectors.by_child(area, year, ["remaining_hh", "exited_hh", "incidence", "mon_cases"])
    years = list(range(max(2014, year - 12), year + 1))
    charts = [
        {
            "key": "children",
            "title": _("下辖区域建档立卡户（户）"),
            "kind": "stack",
            "categories": [k.name for k, _f in kids],
            "series": [
                {
                    "name": _("未脱贫（含返贫）"),
                    "points": [point(f["remaining_hh"], k.name) for k, f in kids],
                },
                {"name": _("已脱贫"), "points": [point(f["exited_hh"], k.name) for k, f in kids]},
            ],
        },
        {
            "key": "children_incidence",
            "title": _("下辖区域贫困发生率（%）"),
            "kind": "bar",
            "points": [point(f["incidence"], k.name) for k, f in kids if f["incidence"].value is not None],
        },
        _breakdown_chart("cause", _("建档立卡户主要致贫原因"), area, year, "reg_hh", "cause", "pie"),
        _breakdown_chart("attribute", _("建档立卡户属性"), area, year, "reg_hh", "attribute", "pie"),
        {
            "key": "exits",
            "title": _("历年脱贫户数（户）"),
            "kind": "bar",
            "points": [point(f, str(f.year)) for f in selectors.series(area, "exited_year_hh", years)],
        },
        _breakdown_chart(
            "monitoring_type", _("监测对象类型（户）"), area, year, "mon_cases", "monitoring_type"
        ),
        _breakdown_chart("risk", _("监测对象风险类型（户）"), area, year, "mon_cases", "risk"),
        _breakdown_chart("measure", _("帮扶措施落实户数（户）"), area, year, "measure_hh", "measure"),
        _breakdown_chart("procedures", _("办理中的程序（件）"), area, year, "proc_running", "kind"),
    ]
    return {"figures": figs, "groups": groups, "charts": charts, "children": kids}
