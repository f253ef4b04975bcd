"""Register validation: ID numbers (GB 11643) and the household/member rules of shared register.md.

Pure functions over plain values and dicts so that forms, services and the bulk importer share them.
Hard problems are ``error`` issues (they block); suspicious ones are ``warning`` issues, which a user may
override with a stored reason. Every message is Chinese and names the field.
"""

from __future__ import annotations

import datetime
import functools
import re
import time
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from .choices import HEAD_RELATION

FULLWIDTH = str.maketrans("０１２３４５６７８９ＸｘＡＢＣＤ", "0123456789XXABCD")
NAME_FORBIDDEN = re.compile(r"[<>\"'&;\\\x00-\x1f]")

CHILD = {"03", "04", "05", "06"}
GRANDCHILD = {"07", "08", "09"}
PARENT = {"10", "11", "12"}
IN_SCHOOL_AGES = {  # in-school code → plausible age range
    "1": (2, 7),
    "2": (5, 15),
    "3": (10, 17),
    "4": (11, 18),
    "5": (12, 19),
    "6": (14, 22),
    "7": (14, 24),
    "8": (16, 30),
    "9": (16, 35),
    "10": (16, 60),
}
COMPULSORY = {"2", "3", "4", "5"}


@dataclass(frozen=True)
class Issue:
    level: str  # "error" | "warning"
    field: str
    code: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.level == "error"


def error(field, code, message) -> Issue:
    return Issue("error", field, code, message)


def warning(field, code, message) -> Issue:
    return Issue("warning", field, code, message)


class IdInfo(NamedTuple):  # immutable like a frozen dataclass, and cheap to create (once per person)
    number: str
    birth_date: datetime.date
    sex: str  # "1" male, "2" female


def normalize_id(raw: str | None) -> str:
    """Strip spaces, convert full-width digits, upper-case x. Does not validate."""
    if raw is None:
        return ""
    if type(raw) is str and raw.isascii() and raw.isalnum():
        return raw.upper()  # nothing to strip or convert (the usual case, millions of times per import)
    return re.sub(r"\s+", "", str(raw)).translate(FULLWIDTH).upper()


def check_char(first17: str) -> str:
    # GB 11643 ISO 7064 MOD 11-2; reading the digits in base 13 gives the weighted sum mod 11 in one call.
    checksum = (1 - 2 * int(first17, 13)) % 11
    return "X" if checksum == 10 else str(checksum)


def parse_id(raw: str | None) -> IdInfo:
    """Validate an ID number and return its normalised 18-character form, birth date and sex.

    15-digit old IDs are converted (century 19, check character computed). Raises ValueError with a
    Chinese message naming what is wrong.
    """
    number = normalize_id(raw)
    if not number:
        raise ValueError("身份证号不能为空。")
    if len(number) == 15:
        if not number.isdigit():
            raise ValueError("15 位身份证号只能包含数字。")
        number = number[:6] + "19" + number[6:]
        number += check_char(number)
    if len(number) != 18:
        raise ValueError(f"身份证号应为 18 位（或 15 位旧号），当前为 {len(number)} 位。")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValueError("身份证号格式错误：前 17 位应为数字，最后一位为数字或 X。")
    if check_char(number[:17]) != number[17]:
        raise ValueError("身份证号校验位错误，请核对是否录错。")
    birth = _BIRTHS.get(number[6:14])
    if birth is None:
        try:
            birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        except ValueError:
            raise ValueError("身份证号中的出生日期无效。") from None
        if len(_BIRTHS) < 100_000:
            _BIRTHS[number[6:14]] = birth
    if birth > _today() or birth.year < 1900:
        raise ValueError("身份证号中的出生日期不合理。")
    return IdInfo(number, birth, "1" if int(number[16]) % 2 else "2")


_BIRTHS: dict[str, datetime.date] = {}  # YYYYMMDD → date: a county has a few tens of thousands of them


_TODAY: tuple[datetime.date, float] = (datetime.date.min, 0.0)  # (today, its end as a timestamp)


def _today() -> datetime.date:
    """The local date, read once per day (``date.today()`` costs a clock read and a local-time
    conversion, and parse_id runs for every person of an import)."""
    global _TODAY
    day, until = _TODAY
    if time.time() < until:
        return day
    day = datetime.date.today()
    until = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()).timestamp()
    _TODAY = (day, until)
    return day


@functools.lru_cache(maxsize=20_000)
def id_place_known(prefix6: str, year: int) -> bool:
    """Is the 6-digit area code known for that birth year (python-stdnum's GB/T 2260 history)?"""
    from stdnum.cn import ric

    fake = prefix6 + f"{year:04d}0101001"
    try:
        ric.get_birth_place(fake + check_char(fake))
        return True
    except Exception:
        return False


def age_on(birth: datetime.date | None, on: datetime.date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def check_name(value: str, field: str = "name", label: str = "姓名") -> list[Issue]:
    value = (value or "").strip()
    if not value:
        return [error(field, "required", f"“{label}”不能为空。")]
    if len(value) > 50:
        return [error(field, "too_long", f"“{label}”过长（最多 50 个字符）。")]
    if NAME_FORBIDDEN.search(value):
        return [error(field, "bad_chars", f"“{label}”含有不允许的字符（< > \" ' & ; \\ 或控制字符）。")]
    return []


def check_member(m: dict, *, today: datetime.date | None = None) -> tuple[list[Issue], IdInfo | None]:
    """Checks on one member dict (keys as in Member). Returns issues and the parsed ID (if valid)."""
    today = today or datetime.date.today()
    get = m.get
    issues = check_name(get("name", ""))
    info = None
    if get("id_number"):
        try:
            info = parse_id(m["id_number"])
        except ValueError as exc:
            issues.append(error("id_number", "id_invalid", str(exc)))
        else:
            if not id_place_known(info.number[:6], info.birth_date.year):
                issues.append(
                    warning(
                        "id_number",
                        "id_place_unknown",
                        "身份证号前 6 位不是该出生年份有效的行政区划代码，请核对。",
                    )
                )
            if get("birth_date") and m["birth_date"] != info.birth_date:
                issues.append(
                    error(
                        "birth_date",
                        "birth_mismatch",
                        f"出生日期与身份证号不一致（身份证号为 {info.birth_date:%Y-%m-%d}）。",
                    )
                )
            if get("sex") and m["sex"] != info.sex:
                issues.append(
                    error("sex", "sex_mismatch", "性别与身份证号不一致（第 17 位奇数为男、偶数为女）。")
                )
    birth = info.birth_date if info else get("birth_date")
    if birth and birth > today:
        issues.append(error("birth_date", "future", "出生日期不能晚于今天。"))
    for field, label in _MEMBER_DATES:
        value = get(field)
        if value and value > today:
            issues.append(error(field, "future", f"“{label}”不能晚于今天。"))
    if not get("relation"):
        issues.append(error("relation", "required", "“与户主关系”不能为空。"))
    grade = get("disability_grade")
    if grade not in (None, "") and not 1 <= int(grade) <= 4:
        issues.append(error("disability_grade", "range", "残疾等级应为 1–4 级。"))
    if get("health") == "4" and not get("disability_type"):
        issues.append(warning("disability_type", "disability_missing", "健康状况为残疾，但未填写残疾类别。"))
    months = get("migrant_months") or 0
    if not 0 <= int(months) <= 12:
        issues.append(error("migrant_months", "range", "务工时间应在 0–12 个月之间。"))
    if birth is not None:
        issues.extend(_age_checks(m, age_on(birth, today)))
    return issues, info


_MEMBER_DATES = (("status_date", "状态变更日期"), ("joined_on", "入户日期"), ("dibao_since", "低保起始日期"))


def _age_checks(m: dict, age: int) -> list[Issue]:
    issues = []
    school = m.get("in_school") or "0"
    span = IN_SCHOOL_AGES.get(school)
    if span and not span[0] <= age <= span[1]:
        issues.append(warning("in_school", "school_age", f"{age} 岁与在校生状况不符，请核对。"))
    if 6 <= age <= 15 and school not in COMPULSORY and school != "1" and not m.get("school_exempt"):
        issues.append(
            warning(
                "in_school",
                "compulsory_out",
                f"{age} 岁处于义务教育阶段但未在校（如因身体原因免于入学，请勾选“送教上门”）。",
            )
        )
    if m.get("education") == "7" and age > 7:
        issues.append(warning("education", "preschool_age", f"{age} 岁不应为“学龄前儿童”。"))
    return issues


def check_household(
    h: dict, members: list[dict], *, registered: bool, today: datetime.date | None = None
) -> list[Issue]:
    """Household-level rules over the household dict and its active members' dicts."""
    today = today or datetime.date.today()
    issues: list[Issue] = []
    active = [m for m in members if m.get("status", "active") == "active"]
    if not active:
        issues.append(error("members", "no_members", "农户至少应有 1 名在册成员。"))
    heads = [m for m in active if m.get("relation") == HEAD_RELATION]
    if len(heads) != 1:
        issues.append(error("members", "one_head", f"每户应有且只有 1 名户主，当前有 {len(heads)} 名。"))
    ids = [normalize_id(m.get("id_number")) for m in active if m.get("id_number")]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        issues.append(error("members", "duplicate_id", f"同一户中身份证号重复：{'、'.join(dup)}。"))
    issues.extend(_cause_checks(h, active, registered))
    if heads:
        issues.extend(_relation_age_checks(heads[0], active, today))
    for field, label in (
        ("house_area", "住房面积"),
        ("farmland_mu", "耕地"),
        ("forest_mu", "林地"),
        ("returned_farmland_mu", "退耕还林"),
        ("grassland_mu", "牧草地"),
        ("road_distance_km", "距村主干路"),
    ):
        value = h.get(field)
        if value not in (None, "") and float(value) < 0:
            issues.append(error(field, "negative", f"“{label}”不能为负数。"))
    for field, label in (
        ("house_year", "建房年份"),
        ("house_renovated_year", "危房改造年度"),
        ("relocation_year", "搬迁年度"),
    ):
        value = h.get(field)
        if value and not 1900 <= int(value) <= today.year:
            issues.append(error(field, "year_range", f"“{label}”应在 1900 至 {today.year} 年之间。"))
    days = h.get("water_short_days")
    if days not in (None, "") and not 0 <= int(days) <= 366:
        issues.append(error("water_short_days", "days_range", "“全年缺水天数”应在 0 至 366 天之间。"))
    return issues


def _cause_checks(h: dict, active: list[dict], registered: bool) -> list[Issue]:
    issues = []
    main = h.get("main_cause") or ""
    others = [c for c in (h.get("other_causes") or []) if c]
    if registered and not main:
        issues.append(error("main_cause", "required", "建档立卡户必须填写“主要致贫原因”。"))
    if len(others) > 2:
        issues.append(error("other_causes", "too_many", "“其他致贫原因”最多填写 2 项。"))
    if main and main in others:
        issues.append(error("other_causes", "same_as_main", "“其他致贫原因”不能与主要致贫原因相同。"))
    if len(set(others)) != len(others):
        issues.append(error("other_causes", "duplicate", "“其他致贫原因”不能重复。"))
    causes = {main, *others}
    if "3" in causes and not any((m.get("in_school") or "0") != "0" for m in active):
        issues.append(warning("main_cause", "cause_school", "致贫原因含“因学”，但没有在校生成员。"))
    if "2" in causes and not any(m.get("health") == "4" or m.get("disability_type") for m in active):
        issues.append(warning("main_cause", "cause_disability", "致贫原因含“因残”，但没有残疾成员。"))
    if "1" in causes and not any(m.get("health") in ("2", "3") for m in active):
        issues.append(
            warning("main_cause", "cause_illness", "致贫原因含“因病”，但没有长期慢性病或患大病的成员。")
        )
    return issues


def _relation_age_checks(head: dict, active: list[dict], today: datetime.date) -> list[Issue]:
    issues = []
    head_age = age_on(_birth(head), today)
    if head_age is None:
        return issues
    if head_age < 16 and not head.get("minor_head_ok"):
        issues.append(warning("members", "head_minor", f"户主仅 {head_age} 岁（未满 16 周岁），请说明原因。"))
    for m in active:
        age = age_on(_birth(m), today)
        if age is None or m is head:
            continue
        rel = m.get("relation")
        if rel in CHILD and age > head_age - 12:
            issues.append(
                warning(
                    "members",
                    "relation_age",
                    f"{m.get('name')}（{age} 岁）与户主（{head_age} 岁）的年龄差与“子女”关系不符。",
                )
            )
        elif rel in CHILD and head_age - age > 55:
            issues.append(
                warning(
                    "members",
                    "relation_age",
                    f"{m.get('name')} 比户主小 {head_age - age} 岁，与“子女”关系不太相符。",
                )
            )
        elif rel in GRANDCHILD and age > head_age - 30:
            issues.append(
                warning(
                    "members", "relation_age", f"{m.get('name')}（{age} 岁）与户主的年龄差与“孙辈”关系不符。"
                )
            )
        elif rel in PARENT and age < head_age + 12:
            issues.append(
                warning(
                    "members", "relation_age", f"{m.get('name')}（{age} 岁）与户主的年龄差与“父母”关系不符。"
                )
            )
    return issues


def _birth(m: dict) -> datetime.date | None:
    if m.get("birth_date"):
        return m["birth_date"]
    try:
        return parse_id(m.get("id_number")).birth_date
    except ValueError:
        return None


def income_figures(*, wages, business, property_income, transfers, business_costs, size) -> tuple:
    """net = wages + business + property + transfers − business costs; per capita = net ÷ size."""
    parts = [
        v if type(v) is Decimal else Decimal(str(v or 0))  # a Decimal is already what str() would give
        for v in (wages, business, property_income, transfers, business_costs)
    ]
    for label, value in zip(
        ("工资性收入", "生产经营性收入", "财产性收入", "转移性收入", "生产经营性支出"), parts, strict=True
    ):
        if value < 0:
            raise ValueError(f"“{label}”不能为负数。")
    if int(size) < 1:
        raise ValueError("计算人均收入的家庭人口应至少为 1 人。")
    net = parts[0] + parts[1] + parts[2] + parts[3] - parts[4]
    per_capita = (net / int(size)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return net.quantize(Decimal("0.01")), per_capita
