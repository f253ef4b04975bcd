"""存在的问题, computed from the figures: poor villages not yet able to exit (and why), areas whose
incidence is above the exit threshold, assistance gaps (causes without measures, households without a
cadre, overdue visits), monitoring leads waiting, notices past their period, late tasks and low
coverage. Each problem quotes its figures through the report's FigureBook, so each is traceable."""

from __future__ import annotations

from decimal import Decimal

from jingzhun.areas.models import Area
from jingzhun.core.scoping import paths_q
from jingzhun.indicators import selectors as ind
from jingzhun.indicators.tables import incidence_threshold

MAX_VILLAGES = 10


def _villages(user, area: Area, year: int, book, threshold: float) -> list[dict]:
    """Poor villages not exited by the end of the year, each with what blocks its exit."""
    villages = list(
        Area.objects.for_user(user, "view")
        .filter(paths_q("path", [area.path]), level="village", is_poor_village=True)
        .exclude(poor_exited_year__lte=year)
        .select_related("parent")
        .order_by("code")
    )
    if not villages:
        return []
    reasons = []
    for v in villages[:MAX_VILLAGES]:
        f = ind.figures(v, year, ["incidence"])["incidence"]
        e = book.add(f)
        where = f"{v.parent.name}{v.name}" if v.parent and v.parent != area else v.name
        if f.value is None:
            reasons.append(f"{where}缺少户籍农业人口数据，无法测算贫困发生率")
        elif float(f.value) >= threshold:
            reasons.append(f"{where}贫困发生率{e['value']}%，高于{threshold:g}%的退出标准")
        else:
            reasons.append(
                f"{where}贫困发生率{e['value']}%，已低于{threshold:g}%，尚需完成基础设施达标核验和退出程序"
            )
    more = f"等{len(villages)}个" if len(villages) > MAX_VILLAGES else f"{len(villages)}个"
    text = f"贫困村退出任务尚未全部完成。{more}贫困村尚未退出：" + "；".join(reasons) + "。"
    return [{"text": text, "url": ""}]


def _count_problem(book, f, template: str) -> dict | None:
    if not f.value:
        return None
    e = book.add(f)
    return {"text": template.format(n=e["value"], unit=e["unit"]), "url": e["url"]}


def compute(user, area: Area, year: int, figs: dict, book, tasks: list[dict]) -> list[dict]:
    threshold = incidence_threshold(area)
    out: list[dict] = []
    inc = figs["incidence"]
    if inc.value is not None and float(inc.value) >= threshold:
        e = book.add(inc)
        out.append({"text": f"贫困发生率为{e['value']}%，仍高于{threshold:g}%的退出标准。", "url": e["url"]})
    out += _villages(user, area, year, book, threshold)
    for kid, kf in ind.by_child(area, year, ["incidence"]):
        f = kf["incidence"]
        if kid.level == "township" and f.value is not None and float(f.value) >= threshold:
            e = book.add(f)
            out.append({"text": f"{kid.name}贫困发生率{e['value']}%，高于{threshold:g}%。", "url": e["url"]})
    rules = [
        ("cause_gap_hh", "{n}户帮扶对象的致贫原因在当年没有对应的帮扶措施，措施与致贫原因衔接不够紧密。"),
        ("unpaired_hh", "{n}户帮扶对象尚未落实帮扶责任人。"),
        ("visit_overdue_hh", "{n}户帮扶对象超过规定间隔未走访，帮扶责任人走访不够经常。"),
        ("mon_leads", "{n}条防返贫风险线索尚在核实或识别程序中，需加快办理。"),
        ("notices_overdue", "{n}期公示已过公示期仍未结束，程序推进不及时。"),
    ]
    for code, template in rules:
        p = _count_problem(book, figs[code], template)
        if p:
            out.append(p)
    cov = figs["measure_coverage"]
    if cov.value is not None and cov.value < Decimal(100):
        e = book.add(cov)
        out.append(
            {"text": f"帮扶措施覆盖率为{e['value']}%，部分帮扶对象当年尚无措施落实记录。", "url": e["url"]}
        )
    late = [t for t in tasks if t["late"]]
    if late:
        names = "、".join(t["name"] for t in late[:5])
        out.append(
            {"text": f"{len(late)}项工作任务已超过完成时限仍未完成（{names}）。", "url": late[0]["url"]}
        )
    for i, p in enumerate(out, start=1):
        p["no"] = i
    return out
