"""The catalogue of policy parameters: key → type, label, unit, group, and the defaults that ship.

The defaults are shared/domain/policy.md. They are *seeded* into PolicyValue rows (migration 0002 and a
post_migrate hook after a flush); from then on the rows are the truth and administrators edit them.
Code reads values only through ``selectors.policy_value`` / ``snapshot``, never from this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from jingzhun.core.errors import DomainError

# Value types
DECIMAL, INT, RATIO, TEXT, LIST, CHECKLIST = "decimal", "int", "ratio", "text", "list", "checklist"
TYPES = {
    DECIMAL: gettext_lazy("数值"),
    INT: gettext_lazy("整数"),
    RATIO: gettext_lazy("比例"),
    TEXT: gettext_lazy("文本"),
    LIST: gettext_lazy("列表"),
    CHECKLIST: gettext_lazy("清单"),
}

GROUPS = {
    "income": gettext_lazy("收入标准"),
    "exit": gettext_lazy("退出标准"),
    "procedure": gettext_lazy("程序期限"),
    "security": gettext_lazy("两不愁三保障"),
    "finance": gettext_lazy("小额信贷"),
    "evaluation": gettext_lazy("抽样评估"),
}


@dataclass(frozen=True)
class Parameter:
    key: str
    label: str
    type: str
    group: str
    unit: str = ""
    defaults: dict = field(default_factory=dict)  # valid-from year → value (JSON form)
    help: str = ""


WEST = ["15", "45", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"]
CHECKLIST_DEFAULT = [
    {"code": "road", "name": "通硬化路（具备条件的通客车）"},
    {"code": "water", "name": "饮水安全有保障"},
    {"code": "power", "name": "通生活、生产用电"},
    {"code": "tv", "name": "广播电视户户通"},
    {"code": "broadband", "name": "通宽带网络"},
    {
        "code": "culture",
        "name": "有综合性文化服务中心（文化广场≥200㎡、活动室≥90㎡、舞台、篮球场、2张乒乓球台、健身器材等）",
    },
    {"code": "clinic", "name": "有标准化卫生室和合格村医"},
    {"code": "collective", "name": "村集体经济收入大于 0"},
    {"code": "radio", "name": "村村响广播覆盖率≥95%"},
]
LINES = {
    2010: "2300",
    2011: "2536",
    2012: "2625",
    2013: "2736",
    2014: "2800",
    2015: "2855",
    2016: "2952",
    2017: "2952",
    2018: "2995",
    2019: "3218",
    2020: "4000",
}

# Labels are plain strings here (seeded data); pages translate them with gettext at display time.
CATALOGUE: list[Parameter] = [
    Parameter(
        "poverty_line",
        gettext_noop("国家扶贫标准（年人均纯收入）"),
        DECIMAL,
        "income",
        gettext_noop("元"),
        LINES,
    ),
    Parameter(
        "monitoring_threshold",
        gettext_noop("防返贫监测范围（年人均纯收入）"),
        DECIMAL,
        "income",
        gettext_noop("元"),
        {2021: "6000", 2022: "6300", 2023: "6900", 2024: "7100", 2025: "7300", 2026: "7500"},
        gettext_noop("2021 年起各省自定；未设定的年度按“监测范围为扶贫标准的倍数”计算。"),
    ),
    Parameter(
        "monitoring_line_ratio",
        gettext_noop("监测范围为扶贫标准的倍数"),
        RATIO,
        "income",
        "",
        {2020: "1.5"},
        gettext_noop("2020 年：收入低于扶贫标准 1.5 倍的户纳入监测范围。"),
    ),
    Parameter(
        "transfer_share_warning", gettext_noop("政策性收入占比预警线"), DECIMAL, "income", "%", {2014: "50"}
    ),
    Parameter(
        "stable_income_months",
        gettext_noop("风险消除：收入稳定月数"),
        INT,
        "income",
        gettext_noop("月"),
        {2020: 6},
    ),
    Parameter(
        "village_incidence_max", gettext_noop("贫困村退出：贫困发生率低于"), DECIMAL, "exit", "%", {2014: "2"}
    ),
    Parameter(
        "village_incidence_max_west",
        gettext_noop("贫困村退出：贫困发生率低于（西部）"),
        DECIMAL,
        "exit",
        "%",
        {2014: "3"},
    ),
    Parameter(
        "county_incidence_max",
        gettext_noop("贫困县退出：综合贫困发生率低于"),
        DECIMAL,
        "exit",
        "%",
        {2014: "2"},
    ),
    Parameter(
        "county_incidence_max_west",
        gettext_noop("贫困县退出：综合贫困发生率低于（西部）"),
        DECIMAL,
        "exit",
        "%",
        {2014: "3"},
    ),
    Parameter(
        "county_wrong_exit_max", gettext_noop("贫困县退出：错退率低于"), DECIMAL, "exit", "%", {2014: "2"}
    ),
    Parameter("county_missed_max", gettext_noop("贫困县退出：漏评率低于"), DECIMAL, "exit", "%", {2014: "2"}),
    Parameter(
        "county_approval_min",
        gettext_noop("贫困县退出：群众认可度不低于"),
        DECIMAL,
        "exit",
        "%",
        {2014: "90"},
    ),
    Parameter(
        "western_provinces",
        gettext_noop("西部省份（区划代码前两位）"),
        LIST,
        "exit",
        "",
        {2014: WEST},
        gettext_noop("贫困发生率适用西部标准的省份。"),
    ),
    Parameter(
        "village_checklist",
        gettext_noop("贫困村退出基础设施清单"),
        CHECKLIST,
        "exit",
        "",
        {2014: CHECKLIST_DEFAULT},
    ),
    Parameter("notice_days", gettext_noop("公示期"), INT, "procedure", gettext_noop("天"), {2014: 7}),
    Parameter("appraisal_quorum", gettext_noop("民主评议到会比例"), RATIO, "procedure", "", {2014: "2/3"}),
    Parameter(
        "rectification_days", gettext_noop("整改默认期限"), INT, "procedure", gettext_noop("天"), {2014: 30}
    ),
    Parameter(
        "grievance_ack_days",
        gettext_noop("信访举报受理期限"),
        INT,
        "procedure",
        gettext_noop("天"),
        {2014: 3},
    ),
    Parameter(
        "grievance_resolve_days",
        gettext_noop("信访举报办结期限"),
        INT,
        "procedure",
        gettext_noop("天"),
        {2014: 30},
    ),
    Parameter(
        "water_lpd",
        gettext_noop("饮水安全：人均日供水量不低于"),
        INT,
        "security",
        gettext_noop("升"),
        {2014: 35},
    ),
    Parameter(
        "water_lpd_short",
        gettext_noop("饮水安全：缺水地区人均日供水量不低于"),
        INT,
        "security",
        gettext_noop("升"),
        {2014: 20},
    ),
    Parameter(
        "water_short_areas",
        gettext_noop("缺水地区（区划代码，含下级）"),
        LIST,
        "security",
        "",
        {2014: []},
        gettext_noop("列出的区划及其下级适用缺水地区的供水量标准。"),
    ),
    Parameter(
        "water_minutes",
        gettext_noop("饮水安全：取水往返时间不超过"),
        INT,
        "security",
        gettext_noop("分钟"),
        {2014: 20},
    ),
    Parameter(
        "water_distance_m",
        gettext_noop("饮水安全：取水水平距离不超过"),
        INT,
        "security",
        gettext_noop("米"),
        {2014: 800},
    ),
    Parameter(
        "water_vertical_m",
        gettext_noop("饮水安全：取水垂直距离不超过"),
        INT,
        "security",
        gettext_noop("米"),
        {2014: 80},
    ),
    Parameter(
        "water_reliability",
        gettext_noop("饮水安全：供水保证率不低于"),
        DECIMAL,
        "security",
        "%",
        {2014: "95"},
        gettext_noop(
            "政策文件中的供水保证率口径，供查阅；农户登记的是全年缺水天数，退出评估按下一项“全年缺水天数不超过”判断。"
        ),
    ),
    Parameter(
        "water_short_days_max",
        gettext_noop("饮水安全：全年缺水天数不超过"),
        INT,
        "security",
        gettext_noop("天"),
        {2014: 36},
        gettext_noop("供水保证率按农户登记的全年缺水天数判断；未登记缺水天数的农户不因此项判为不达标。"),
    ),
    Parameter(
        "school_age_min", gettext_noop("义务教育：起始年龄"), INT, "security", gettext_noop("岁"), {2014: 6}
    ),
    Parameter(
        "school_age_max", gettext_noop("义务教育：截止年龄"), INT, "security", gettext_noop("岁"), {2014: 15}
    ),
    Parameter(
        "microloan_max",
        gettext_noop("扶贫小额信贷：最高额度"),
        DECIMAL,
        "finance",
        gettext_noop("元"),
        {2014: "50000"},
    ),
    Parameter(
        "microloan_years",
        gettext_noop("扶贫小额信贷：最长期限"),
        INT,
        "finance",
        gettext_noop("年"),
        {2014: 3},
    ),
    Parameter(
        "microloan_age_min",
        gettext_noop("扶贫小额信贷：借款人最低年龄"),
        INT,
        "finance",
        gettext_noop("岁"),
        {2014: 18},
    ),
    Parameter(
        "microloan_age_max",
        gettext_noop("扶贫小额信贷：借款人最高年龄"),
        INT,
        "finance",
        gettext_noop("岁"),
        {2014: 65},
    ),
]
# Sample design defaults of a county's mock evaluation (预评估); each evaluation stores its own design.
CATALOGUE += [
    Parameter(
        "evaluation_village_share",
        gettext_noop("抽样评估：每个乡镇抽取村的比例"),
        DECIMAL,
        "evaluation",
        "%",
        {2014: "5"},
        gettext_noop("按乡镇分贫困村、非贫困村两层抽取；每层抽取数取“比例”和“最少村数”中较大者。"),
    ),
    Parameter(
        "evaluation_poor_villages_min",
        gettext_noop("抽样评估：每个乡镇最少抽取贫困村"),
        INT,
        "evaluation",
        gettext_noop("个"),
        {2014: 1},
    ),
    Parameter(
        "evaluation_nonpoor_villages_min",
        gettext_noop("抽样评估：每个乡镇最少抽取非贫困村"),
        INT,
        "evaluation",
        gettext_noop("个"),
        {2014: 1},
    ),
    Parameter(
        "evaluation_households_per_village",
        gettext_noop("抽样评估：每村抽取农户数"),
        INT,
        "evaluation",
        gettext_noop("户"),
        {2014: 10},
    ),
    Parameter(
        "evaluation_registered_share",
        gettext_noop("抽样评估：建档立卡户占抽样农户的比例"),
        DECIMAL,
        "evaluation",
        "%",
        {2014: "50"},
        gettext_noop("约一半从建档立卡户（已脱贫和未脱贫）中抽取，其余从非建档立卡户中抽取。"),
    ),
]
BY_KEY = {p.key: p for p in CATALOGUE}


def parameter(key: str) -> Parameter:
    try:
        return BY_KEY[key]
    except KeyError:
        raise DomainError(_("未知的政策参数“%(key)s”。") % {"key": key}, field="key") from None


# --- typed values ---------------------------------------------------------------------------------


def clean_value(key: str, raw) -> object:
    """Parse user input (text or JSON) into the stored JSON form of ``key``'s type, or raise."""
    p = parameter(key)
    label = _(p.label)
    if p.type in (DECIMAL, INT, RATIO, TEXT) and isinstance(raw, str):
        raw = raw.strip()
    if p.type == DECIMAL:
        try:
            value = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            raise DomainError(_("“%(label)s”应为数值。") % {"label": label}, field="value") from None
        if not value.is_finite() or value < 0:
            raise DomainError(_("“%(label)s”应为不小于 0 的数值。") % {"label": label}, field="value")
        return format(value.normalize(), "f")
    if p.type == INT:
        try:
            value = int(str(raw))
        except ValueError:
            raise DomainError(_("“%(label)s”应为整数。") % {"label": label}, field="value") from None
        if value < 0:
            raise DomainError(_("“%(label)s”不能为负数。") % {"label": label}, field="value")
        return value
    if p.type == RATIO:
        try:
            value = Fraction(str(raw))
        except (ValueError, ZeroDivisionError):
            raise DomainError(
                _("“%(label)s”应为比例，如 2/3 或 1.5。") % {"label": label}, field="value"
            ) from None
        if value <= 0:
            raise DomainError(_("“%(label)s”应大于 0。") % {"label": label}, field="value")
        return str(raw)
    if p.type == TEXT:
        if not str(raw or "") or len(str(raw)) > 500:
            raise DomainError(_("“%(label)s”应为 1–500 个字。") % {"label": label}, field="value")
        return str(raw)
    if p.type == LIST:
        items = _lines(raw)
        if any(len(x) > 100 for x in items):
            raise DomainError(_("“%(label)s”每项不能超过 100 个字。") % {"label": label}, field="value")
        return items
    if p.type == CHECKLIST:
        return _checklist(raw, label)
    raise DomainError(_("未知的参数类型。"), field="value")  # pragma: no cover


def _lines(raw) -> list[str]:
    if isinstance(raw, list):
        items = [str(x).strip() for x in raw]
    else:
        items = [x.strip() for x in str(raw or "").replace("，", ",").replace(",", "\n").splitlines()]
    return list(dict.fromkeys(x for x in items if x))


def _checklist(raw, label: str) -> list[dict]:
    """Lines ``code 名称`` (or dicts): codes are stable keys for the evidence recorded per item."""
    out: list[dict] = []
    rows = raw if isinstance(raw, list) else str(raw or "").splitlines()
    for i, row in enumerate(rows, start=1):
        if isinstance(row, dict):
            code, name = str(row.get("code") or "").strip(), str(row.get("name") or "").strip()
        else:
            row = row.strip()
            if not row:
                continue
            code, _sep, name = row.replace("：", " ").replace(":", " ").partition(" ")
            code, name = code.strip(), name.strip()
        if not code or not name or not code.replace("_", "").isalnum() or len(code) > 20 or len(name) > 200:
            raise DomainError(
                _("“%(label)s”第 %(row)s 行应为“代码 名称”，代码为不超过 20 位的字母或数字。")
                % {"label": label, "row": i},
                field="value",
            )
        if any(x["code"] == code for x in out):
            raise DomainError(
                _("“%(label)s”中代码“%(code)s”重复。") % {"label": label, "code": code}, field="value"
            )
        out.append({"code": code, "name": name})
    if not out:
        raise DomainError(_("“%(label)s”至少应有一项。") % {"label": label}, field="value")
    return out


def typed(key: str, stored):
    """The Python value of a stored JSON value: Decimal, int, Fraction, str or list."""
    p = BY_KEY.get(key)
    if p is None or stored is None:
        return stored
    if p.type == DECIMAL:
        return Decimal(str(stored))
    if p.type == INT:
        return int(stored)
    if p.type == RATIO:
        return Fraction(str(stored))
    return stored


def display(key: str, stored) -> str:
    """A value as text for pages and edit forms."""
    p = BY_KEY.get(key)
    if p is None or stored is None:
        return ""
    if p.type == LIST:
        return "\n".join(stored)
    if p.type == CHECKLIST:
        return "\n".join(f"{x['code']} {x['name']}" for x in stored)
    return str(stored)
