"""The default wording of the work report, written once and used twice: to build the default Word
template (placeholders become docxtpl tags) and to render the web preview (placeholders become links to
the drill-down behind each figure).

A paragraph's ``{key}`` is a figure when ``key`` names one (see builder.FIGURE_KEYS), otherwise a plain
value of the report (area name, year, dates). Lists, tables and text blocks are separate items.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Para:
    text: str
    style: str = ""  # "" body, "lead" (bold lead-in paragraph)


@dataclass(frozen=True)
class ListSentence:
    """A sentence listing items: ``prefix`` + items joined by ``sep`` + ``suffix``; omitted when empty."""

    key: str
    prefix: str
    item: str  # uses the item's fields: {name} {value} {share} {unit}
    sep: str = "，"
    suffix: str = "。"


@dataclass(frozen=True)
class Items:
    """One paragraph per item (problems, tasks), numbered （一）（二）… when ``numbered``."""

    key: str
    item: str
    empty: str = ""
    numbered: bool = True


@dataclass(frozen=True)
class Block:
    key: str  # a TextBlock key


@dataclass(frozen=True)
class Table:
    key: str
    headers: tuple[str, ...]
    cells: tuple[str, ...]  # fields of each row


TITLE = "{title}"
SUBTITLE = "{issuer}    {report_date}"

SECTIONS = [
    ("一、基本情况", [
        Para("{scope}共有建档立卡贫困户{reg_hh}户{reg_p}人。截至{as_of}，累计脱贫{exited_hh}户{exited_p}人，"
             "尚有未脱贫（含返贫）{remaining_hh}户{remaining_p}人，贫困发生率为{incidence}%"
             "（户籍农业人口{rural_population}人）。"),
        Para("{scope}有贫困村{poor_villages}个，已退出{poor_villages_exited}个，尚未退出{poor_villages_remaining}个。"
             "{year}年脱贫{exited_year_hh}户{exited_year_p}人。"),
        ListSentence("causes", "从主要致贫原因看，", "{name}{value}户、占{share}%", "；"),
        ListSentence("attributes", "从贫困户属性看，", "{name}{value}户", "，"),
        Block("intro"),
        Table("areas", ("区域", "建档立卡户数", "建档立卡人数", "已脱贫人数", "未脱贫人数", "贫困发生率(%)"),
              ("name", "reg_hh", "reg_p", "exited_p", "remaining_p", "incidence")),
    ]),
    ("二、主要做法和成效", [
        Block("practices"),
        Para("（一）帮扶责任和措施落实。{scope}帮扶对象{targets_hh}户，已落实帮扶责任人{paired_hh}户，"
             "结对覆盖率{pairing_coverage}%；{year}年已落实帮扶措施{measure_hh}户，措施覆盖率{measure_coverage}%。"),
        ListSentence("measures", "按措施类型统计，", "{name}{value}户", "，"),
        Para("（二）防止返贫动态监测。{year}年末在册监测对象{mon_cases}户，累计风险消除{mon_eliminated}户，"
             "当前另有待核实或识别中的风险线索{mon_leads}条。"),
        ListSentence("mon_types", "其中，", "{name}{value}户", "，"),
        ListSentence("risks", "主要风险类型为", "{name}{value}户", "、"),
        Para("（三）重点工作任务推进。"),
        Items("tasks", "{name}：目标{target}{unit}，截至{completed_on}累计完成{completed}{unit}，完成{percent}%{late}。",
              empty="本时段没有下达有数量目标的工作任务。", numbered=False),
    ]),
    ("三、存在的问题", [
        Items("problems", "{text}", empty="经数据核查，本时段暂未发现需要重点说明的问题。"),
    ]),
    ("四、下一步打算", [
        Block("next_steps"),
    ]),
]  # fmt: skip

APPENDIX_TITLE = "附件：数据来源与统计口径"
APPENDIX_HEADERS = ("序号", "指标", "区域", "年度", "统计口径与分组", "数值")
APPENDIX_CELLS = ("no", "name", "area", "year", "filters", "value")

# Default prose of the text blocks (a county or township replaces them on the text-block page).
DEFAULT_BLOCKS = {
    "intro": "",
    "practices": (
        "我们坚持把巩固拓展脱贫攻坚成果作为头等大事，落实主要负责同志遍访、部门包村、干部包户的责任体系，"
        "按月调度、按季通报，各项政策措施逐户逐人落实到位。\n"
        "坚持数据说话，建档立卡档案、帮扶措施和监测对象信息统一在系统中维护，做到户有卡、村有簿、乡有档。"
    ),
    "next_steps": (
        "一是紧盯未脱贫户和监测对象，逐户分析收入和“两不愁三保障”情况，一户一策补齐短板。\n"
        "二是对尚未退出的贫困村，对照退出标准逐项补齐基础设施和公共服务短板，按程序做好退出验收。\n"
        "三是落实帮扶责任人走访要求，及时更新帮扶措施和收入信息，确保数据真实准确。\n"
        "四是对照工作任务清单倒排工期，对滞后任务挂牌督办，确保按期完成。"
    ),
}

LATE_MARK = "（已超期）"
