"""The register import layout: one flat sheet of members (household columns repeated or on the head's
row only) and an optional income sheet. Column definitions, value parsers and code-list lookups.

Shared by the importer, the downloadable template (with its 填写说明 sheet) and the tests, so that the
template, the explanation and the parser never disagree.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .choices import HouseGrade, PovertyStatus, Relocation
from .codes import ATTRIBUTE_ALIASES

MEMBER_SHEET = "农户成员"
INCOME_SHEET = "收入"
HELP_SHEET = "填写说明"
CODES_SHEET = "代码表"
TRANSFER_PREFIX = "转移性收入-"


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str  # text, phone, id, code, codes, date, decimal, int, year, bool, choice, area, household_no
    level: str  # household | member | income
    required: bool = False
    code_list: str = ""
    max_length: int = 0
    low: int | None = None
    high: int | None = None
    help: str = ""
    example: str = ""
    aliases: tuple[str, ...] = ()


def _c(header, field, kind, level, **kw) -> Column:
    return Column(header, field, kind, level, **kw)


H, M, INC = "household", "member", "income"

MEMBER_COLUMNS: list[Column] = [
    _c(
        "户编号",
        "household_no",
        "household_no",
        H,
        required=True,
        help="同一户的各行填写相同户编号，且各行须连续排列。新户为所在村 12 位区划代码 + 4 位序号；"
        "已有农户填写系统中的户编号，导入时更新该户而不会重复创建。",
        example="5134981002010001",
        aliases=("户号", "农户编号"),
    ),
    _c(
        "区划代码",
        "area",
        "area",
        H,
        required=True,
        help="农户所在行政村（12 位）或村民组（15 位）的统计用区划代码，须在您的管辖范围内。",
        example="513498100201",
        aliases=("所在村组代码", "统计用区划代码", "村组代码"),
    ),
    _c("住址", "address", "text", H, max_length=200, example="一组 12 号", aliases=("家庭住址",)),
    _c("联系电话", "phone", "phone", H, help="手机号或固定电话。", example="13800001234"),
    _c("识别标准", "standard", "code", H, code_list="standard", example="国家标准"),
    _c(
        "贫困户属性",
        "attribute",
        "code",
        H,
        code_list="attribute",
        help="旧数据中的“五保户”“低保户”会自动对应为特困供养贫困户、低保贫困户。",
        example="一般贫困户",
    ),
    _c(
        "主要致贫原因",
        "main_cause",
        "code",
        H,
        code_list="cause",
        help="建档立卡户必填。",
        example="因病",
        aliases=("致贫原因",),
    ),
    _c(
        "其他致贫原因",
        "other_causes",
        "codes",
        H,
        code_list="cause",
        help="最多 2 项，用顿号“、”或逗号分隔，不能与主要致贫原因相同。",
        example="缺技术、缺资金",
    ),
    _c(
        "贫困状态",
        "poverty_status",
        "choice",
        H,
        help="仅用于迁移历史建档立卡数据，需要“批量导入农户档案”权限；新户留空即为非贫困户。"
        "已有农户留空表示不改变。",
        example="已脱贫",
        aliases=("贫困户状态", "脱贫状态"),
    ),
    _c("识别年度", "year_identified", "year", H, help="同“贫困状态”，需要导入权限。", example="2014"),
    _c("脱贫年度", "year_exited", "year", H, help="同“贫困状态”，需要导入权限。", example="2017"),
    # --- members ---
    _c("姓名", "name", "text", M, required=True, max_length=50, example="张三丰", aliases=("成员姓名",)),
    _c(
        "身份证号",
        "id_number",
        "id",
        M,
        required=True,
        help="18 位身份证号（15 位旧号自动转换）。同一人只能属于一户；已有成员按身份证号匹配并更新。"
        "在 Excel 中请把该列设为“文本”，以免末几位变成 0。",
        example="513401198003010011",
        aliases=("身份证号码", "证件号码", "公民身份号码"),
    ),
    _c("性别", "sex", "choice", M, help="可不填，按身份证号自动确定；填写时须与身份证号一致。", example="男"),
    _c(
        "出生日期",
        "birth_date",
        "date",
        M,
        help="可不填，按身份证号自动确定；填写时须一致。格式 2020-01-31。",
        example="1980-03-01",
    ),
    _c(
        "与户主关系",
        "relation",
        "code",
        M,
        required=True,
        code_list="relation",
        help="每户有且只有 1 名户主。",
        example="户主",
        aliases=("与户主的关系", "家庭关系"),
    ),
    _c("民族", "ethnicity", "code", M, code_list="ethnicity", example="汉族"),
    _c("文化程度", "education", "code", M, code_list="education", example="初中"),
    _c("在校生状况", "in_school", "code", M, code_list="in_school", example="非在校生"),
    _c("送教上门", "school_exempt", "bool", M, help="因身体原因免于入学（送教上门）填“是”。", example="否"),
    _c("健康状况", "health", "code", M, code_list="health", example="健康"),
    _c("残疾类别", "disability_type", "code", M, code_list="disability_type", example=""),
    _c("残疾等级", "disability_grade", "int", M, low=1, high=4, help="1–4 级。", example=""),
    _c("残疾证号", "disability_cert_no", "text", M, max_length=30, example=""),
    _c("劳动技能", "labour", "code", M, code_list="labour", example="普通劳动力"),
    _c("务工时间(月)", "migrant_months", "int", M, low=0, high=12, example="6", aliases=("务工时间",)),
    _c("务工地点", "migrant_place", "code", M, code_list="migrant_place", example="省外"),
    _c("参加城乡居民基本医疗保险", "insured_medical", "bool", M, example="是", aliases=("基本医疗保险",)),
    _c("参加大病保险", "insured_serious_illness", "bool", M, example="是", aliases=("大病保险",)),
    _c("参加补充医疗保险", "insured_supplementary", "bool", M, example="否", aliases=("补充医疗保险",)),
    _c("参加城乡居民养老保险", "insured_pension", "bool", M, example="是", aliases=("养老保险",)),
    _c("享受低保", "dibao", "bool", M, example="否"),
    _c("低保起始日期", "dibao_since", "date", M, example=""),
    _c("特困供养", "tekun", "bool", M, example="否"),
    _c("特困供养起始日期", "tekun_since", "date", M, example=""),
    _c("成员联系电话", "member_phone", "phone", M, example=""),
    _c("入户日期", "joined_on", "date", M, help="留空为导入当天。", example=""),
    # --- household: housing, land, living conditions ---
    _c("住房面积(㎡)", "house_area", "decimal", H, high=99999, example="96.5", aliases=("住房面积",)),
    _c("住房结构", "house_structure", "code", H, code_list="house_structure", example="砖混"),
    _c("建房年份", "house_year", "year", H, example="2005"),
    _c("住房安全等级", "house_grade", "choice", H, help="A、B、C、D（C、D 为危房）。", example="B"),
    _c("已完成危房改造", "house_renovated", "bool", H, example="否"),
    _c("危房改造年度", "house_renovated_year", "year", H, example=""),
    _c("易地扶贫搬迁", "relocation", "choice", H, help="未搬迁、集中安置或分散安置。", example="未搬迁"),
    _c("搬迁年度", "relocation_year", "year", H, example=""),
    _c("耕地(亩)", "farmland_mu", "decimal", H, high=9999999, example="3.5", aliases=("耕地面积",)),
    _c("林地(亩)", "forest_mu", "decimal", H, high=9999999, example="10"),
    _c("退耕还林(亩)", "returned_farmland_mu", "decimal", H, high=9999999, example="0"),
    _c("牧草地(亩)", "grassland_mu", "decimal", H, high=9999999, example="0"),
    _c("通生活用电", "has_power", "bool", H, help="留空为“是”。", example="是"),
    _c("通广播电视", "has_broadcast_tv", "bool", H, help="留空为“是”。", example="是"),
    _c("饮水状况", "water", "code", H, code_list="water", example="安全"),
    _c("人均日供水量(升)", "water_lpd", "int", H, low=0, high=10000, example="60"),
    _c("取水往返时间(分钟)", "water_minutes", "int", H, low=0, high=1440, example="5"),
    _c(
        "全年缺水天数",
        "water_short_days",
        "int",
        H,
        low=0,
        high=366,
        help="过去一年供水不足的天数，用于判断供水保证率；未测算的留空。",
        example="0",
        aliases=("缺水天数",),
    ),
    _c("主要燃料", "fuel", "code", H, code_list="fuel", example="柴草"),
    _c("卫生厕所", "has_sanitary_toilet", "bool", H, example="是"),
    _c("距村主干路(公里)", "road_distance_km", "decimal", H, high=99999, example="0.5"),
    _c("开户银行", "bank_name", "text", H, max_length=50, example="农村信用社"),
    _c("银行账号", "bank_account", "account", H, help="只填数字，导出时会打码。", example=""),
    _c(
        "预警说明",
        "override_reason",
        "text",
        H,
        max_length=200,
        help="校验出“提醒”类问题（如年龄与关系不符、致贫原因缺少佐证）而确认无误时，填写说明后方可导入。",
        example="",
    ),
]

INCOME_VALUE_COLUMNS: list[Column] = [
    _c("工资性收入", "wages", "money", INC, example="18000"),
    _c("生产经营性收入", "business", "money", INC, example="6000"),
    _c("财产性收入", "property_income", "money", INC, example="500"),
    _c(
        "转移性收入",
        "transfers",
        "money",
        INC,
        help="填写了下列明细列时，可不填（按明细合计）。",
        example="3200",
    ),
    _c("生产经营性支出", "business_costs", "money", INC, example="2000"),
]

# Income for one year may also be given on the member sheet (first row of the household).
MEMBER_INCOME_COLUMNS: list[Column] = [
    _c("收入年度", "year", "income_year", INC, help="在成员表中填写一个年度的收入时使用。", example="2024"),
    *INCOME_VALUE_COLUMNS,
]

INCOME_COLUMNS: list[Column] = [
    _c("户编号", "household_no", "household_no", INC, required=True, example="5134981002010001"),
    _c("年度", "year", "income_year", INC, required=True, example="2024", aliases=("收入年度",)),
    *INCOME_VALUE_COLUMNS,
    _c("备注", "note", "text", INC, max_length=200, example=""),
]

IGNORED_HEADERS = {"序号", "行号", "错误说明"}

YES = {"是", "有", "y", "yes", "true", "1", "√", "✓", "已参加", "已完成"}
NO = {"否", "无", "n", "no", "false", "0", "×", "未参加", "未完成"}

CHOICES: dict[str, dict[str, str]] = {
    "poverty_status": {
        **{str(label): value for value, label in PovertyStatus.choices},
        **{value: value for value in PovertyStatus.values},
        "贫困户": PovertyStatus.POOR,
        "脱贫户": PovertyStatus.EXITED,
        "非贫困": PovertyStatus.NOT_POOR,
        "一般农户": PovertyStatus.NOT_POOR,
        "返贫户": PovertyStatus.RETURNED,
    },
    "sex": {"男": "1", "女": "2", "1": "1", "2": "2"},
    "house_grade": {
        **{v: v for v in HouseGrade.values},
        **{f"{v}级": v for v in HouseGrade.values},
        **{str(label): value for value, label in HouseGrade.choices},
    },
    "relocation": {
        **{str(label): value for value, label in Relocation.choices},
        "无": "",
        "否": "",
        "集中": Relocation.CENTRALISED,
        "分散": Relocation.SCATTERED,
        Relocation.CENTRALISED.value: Relocation.CENTRALISED,
        Relocation.SCATTERED.value: Relocation.SCATTERED,
    },
}

# Shorter spellings users type for code names (register.md uses them in the field table).
CODE_ALIASES: dict[str, dict[str, str]] = {
    "attribute": ATTRIBUTE_ALIASES,
    "standard": {"国家": "1", "省定": "2", "市定": "3", "国标": "1", "省标": "2", "市标": "3"},
    "disability_type": {
        "视力": "1",
        "听力": "2",
        "言语": "3",
        "肢体": "4",
        "智力": "5",
        "精神": "6",
        "多重": "7",
    },
}

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
ACCOUNT = re.compile(r"^\d{8,32}$")
HOUSEHOLD_NO = re.compile(r"^\d{16}$")
SPLIT = re.compile(r"[、,，;；/\s]+")
DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]00:00(?::00)?(?:\.0+)?)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


class CellError(ValueError):
    """A value that cannot be read; the message is Chinese and does not repeat the column name."""


class Codes:
    """Active code lists: code or Chinese name (or alias) → code, per kind."""

    def __init__(self, rows):
        self.by_kind: dict[str, dict[str, str]] = {}
        self.names: dict[str, dict[str, str]] = {}
        for kind, code, name in rows:
            lookup = self.by_kind.setdefault(kind, {})
            lookup[code] = code
            lookup.setdefault(name, code)
            self.names.setdefault(kind, {})[code] = name
        for kind, aliases in CODE_ALIASES.items():
            for alias, code in aliases.items():
                if code in self.names.get(kind, {}):
                    self.by_kind[kind].setdefault(alias, code)

    @classmethod
    def load(cls) -> Codes:
        from .models import CodeItem

        return cls(CodeItem.objects.filter(active=True).values_list("kind", "code", "name"))

    def code(self, kind: str, value: str) -> str:
        lookup = self.by_kind.get(kind, {})
        found = lookup.get(value)
        if found is None and value.isdigit():
            found = lookup.get(value.zfill(2)) or lookup.get(value.lstrip("0") or "0")
        if found is None:
            sample = "、".join(list(self.names.get(kind, {}).values())[:6])
            raise CellError(f"“{value[:20]}”不在代码表中（可填代码或名称，如：{sample}…）。")
        return found


def parse_date(value: str) -> datetime.date:
    for pattern in DATE_PATTERNS:
        m = pattern.match(value)
        if m:
            try:
                return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                break
    raise CellError(f"“{value[:20]}”不是有效日期，请填写如 2020-01-31。")


def parse_decimal(value: str, places: int = 2) -> Decimal:
    try:
        number = Decimal(value.replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise CellError(f"“{value[:20]}”不是数字。") from None
    if not number.is_finite():
        raise CellError(f"“{value[:20]}”不是数字。")
    return number.quantize(Decimal(1).scaleb(-places))


def parse_int(value: str) -> int:
    text = value[:-2] if value.endswith(".0") else value
    if not text.lstrip("-").isdigit():
        raise CellError(f"“{value[:20]}”不是整数。")
    return int(text)


def parse_bool(value: str) -> bool:
    low = value.lower()
    if low in YES:
        return True
    if low in NO:
        return False
    raise CellError(f"“{value[:20]}”应填“是”或“否”。")


def parse_cell(col: Column, value: str, codes: Codes, today: datetime.date):
    """Turn one non-empty cell into its stored value. Raises CellError with a Chinese message."""
    kind = col.kind
    if kind == "id":
        return make_parser(col, codes, today)(value)
    if kind in ("text", "household_no", "area"):
        if col.max_length and len(value) > col.max_length:
            raise CellError(f"内容过长（{len(value)} 个字符，最多 {col.max_length} 个）。")
        if kind == "household_no" and not HOUSEHOLD_NO.match(value):
            raise CellError(f"“{value[:20]}”不是有效的户编号（应为 16 位数字：村 12 位代码 + 4 位序号）。")
        return value
    if kind == "code":
        return codes.code(col.code_list, value)
    if kind == "codes":
        return [codes.code(col.code_list, part) for part in SPLIT.split(value) if part]
    if kind == "choice":
        found = CHOICES[col.field].get(value)
        if found is None:
            allowed = "、".join(k for k in CHOICES[col.field] if not k.isascii())[:60]
            raise CellError(f"“{value[:20]}”不是可选的值（可填：{allowed}）。")
        return found
    if kind == "bool":
        return parse_bool(value)
    if kind == "date":
        date = parse_date(value)
        if date > today:
            raise CellError(f"日期 {date:%Y-%m-%d} 晚于今天。")
        if date.year < 1900:
            raise CellError(f"日期 {date:%Y-%m-%d} 不合理。")
        return date
    if kind in ("decimal", "money"):
        number = parse_decimal(value, 2 if kind == "money" else 1 if col.field in _ONE_PLACE else 2)
        if number < 0:
            raise CellError("不能为负数。")
        limit = col.high or 9_999_999_999
        if number > limit:
            raise CellError(f"数值过大（最大 {limit}）。")
        return number
    if kind in ("int", "year", "income_year"):
        number = parse_int(value)
        low, high = col.low, col.high
        if kind == "year":
            low, high = 1900, today.year
        elif kind == "income_year":
            low, high = 2010, today.year
        if (low is not None and number < low) or (high is not None and number > high):
            raise CellError(f"应在 {low}–{high} 之间，当前为 {number}。")
        return number
    if kind == "phone":
        if not PHONE.match(value):
            raise CellError(f"“{value[:20]}”不是有效的手机号或固定电话。")
        return value
    if kind == "account":
        text = value.replace(" ", "")
        if not ACCOUNT.match(text):
            raise CellError("银行账号应为 8–32 位数字。")
        return text
    raise AssertionError(kind)  # pragma: no cover


_ONE_PLACE = {"house_area", "road_distance_km"}
_CLEAN_ID = re.compile(r"^(\d{17}[\dX]|\d{15})$")


def make_parser(col: Column, codes: Codes, today: datetime.date):
    """A parser for one column: the frequent kinds get a direct function (the import parses millions of
    cells); the others go through ``parse_cell``. Same results and messages either way."""
    if col.kind == "code":
        lookup = codes.by_kind.get(col.code_list, {})

        def code(value):
            found = lookup.get(value)
            return found if found is not None else codes.code(col.code_list, value)

        return code
    if col.kind == "bool":
        return parse_bool
    if col.kind == "id":
        from .validation import normalize_id

        def id_number(value):
            if len(value) > 50:
                raise CellError(f"内容过长（{len(value)} 个字符）。")
            return value if _CLEAN_ID.match(value) else normalize_id(value)

        return id_number
    if col.kind == "household_no":

        def household_no(value):
            if len(value) == 16 and value.isdecimal():  # what HOUSEHOLD_NO (^\d{16}$) accepts
                return value
            return parse_cell(col, value, codes, today)

        return household_no
    if col.kind == "text" and col.max_length:
        limit = col.max_length

        def text(value):
            if len(value) > limit:
                raise CellError(f"内容过长（{len(value)} 个字符，最多 {limit} 个）。")
            return value

        return text
    if col.kind == "int" and col.low is not None:
        low, high = col.low, col.high

        def integer(value):
            if value.isdigit() and len(value) < 6:
                number = int(value)
                if low <= number <= high:
                    return number
            return parse_cell(col, value, codes, today)

        return integer
    if col.kind in ("decimal", "money"):
        places = Decimal(1).scaleb(-(2 if col.kind == "money" or col.field not in _ONE_PLACE else 1))
        limit = col.high or 9_999_999_999

        def number(value):
            try:
                d = Decimal(value)
            except InvalidOperation:
                d = None
            if d is not None and d.is_finite() and 0 <= d <= limit:
                return d.quantize(places)
            return parse_cell(col, value, codes, today)  # the error message, or "1,234" style input

        return number
    if col.kind in ("year", "income_year"):
        low = 1900 if col.kind == "year" else 2010

        def year(value):
            if len(value) == 4 and value.isdigit() and low <= int(value) <= today.year:
                return int(value)
            return parse_cell(col, value, codes, today)

        return year
    if col.kind == "date":

        def date(value):
            if len(value) == 10 and value[4] == "-":
                try:
                    d = datetime.date.fromisoformat(value)
                except ValueError:
                    d = None
                if d is not None and d.year >= 1900 and d <= today:
                    return d
            return parse_cell(col, value, codes, today)

        return date
    if col.kind == "choice":
        choices = CHOICES[col.field]

        def choice(value):
            found = choices.get(value)
            return found if found is not None else parse_cell(col, value, codes, today)

        return choice
    return lambda value: parse_cell(col, value, codes, today)


def header_aliases(columns: list[Column]) -> dict[str, str]:
    out = {}
    for col in columns:
        for alias in col.aliases:
            out[alias] = col.header
        # Headers copied from other tools often carry a trailing "*" marking required columns.
        out[col.header + "*"] = col.header
        out["*" + col.header] = col.header
    return out


def transfer_headers(codes: Codes) -> dict[str, str]:
    """Header → transfer-program code, for the optional breakdown columns (转移性收入-低保金 …)."""
    out = {}
    for code, name in codes.names.get("transfer_program", {}).items():
        out[f"{TRANSFER_PREFIX}{name}"] = code
        out[f"{TRANSFER_PREFIX}{code}"] = code
    return out
