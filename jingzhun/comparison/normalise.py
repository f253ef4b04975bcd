"""Normalising department values before matching: ID numbers, names, dates, numbers.

Department files come from many systems: IDs with spaces, full-width digits, lower-case x, 15-digit old
numbers, an Excel text prefix ('), or stored as numbers. ``normalise_id`` gives the 18-character form when
the number is valid (GB 11643, via register.validation.parse_id) and otherwise the reason it is not.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from jingzhun.register.validation import normalize_id, parse_id

_QUOTES = "'\"‘’“”`"
_NAME_SPACE = re.compile(r"\s+")
_DOTS = str.maketrans({"•": "·", "．": "·", "・": "·", "﹒": "·", "·": "·"})
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


@dataclass(frozen=True)
class IdResult:
    number: str  # 18 characters, or "" when unusable
    birth_date: datetime.date | None  # from the ID (also from an invalid ID whose date part is readable)
    problem: str  # why the raw value is unusable, "" when fine or empty


def normalise_id(raw) -> IdResult:
    """18-character ID, or "" with the reason. Upper-cases x, converts full-width digits, drops spaces
    and quotes, converts 15-digit numbers (century 19, check character computed)."""
    text = normalize_id(str(raw or "").strip(_QUOTES + " \u3000")).strip(_QUOTES)
    if text.endswith(".0") and text[:-2].isdigit():  # a number cell read as float text
        text = text[:-2]
    if not text:
        return IdResult("", None, "")
    try:
        info = parse_id(text)
    except ValueError as exc:
        return IdResult("", _birth_from_digits(text), str(exc))
    return IdResult(info.number, info.birth_date, "")


def _birth_from_digits(text: str) -> datetime.date | None:
    """The birth date of a malformed ID (wrong check character, typo elsewhere) when it still reads."""
    if len(text) == 18 and text[6:14].isdigit():
        digits = text[6:14]
    elif len(text) == 15 and text.isdigit():
        digits = "19" + text[6:12]
    else:
        return None
    try:
        d = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    return d if 1900 <= d.year <= datetime.date.today().year else None


def normalise_name(raw) -> str:
    """Names compare without spaces and with one kind of middle dot (少数民族姓名)."""
    return _NAME_SPACE.sub("", str(raw or "")).translate(_DOTS)[:50]


def parse_date(raw) -> datetime.date | None:
    """2020-01-31, 2020/1/31, 2020.01.31, 20200131, 2020年1月31日, or a datetime text. Raises ValueError."""
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = str(raw or "").strip()
    if not text:
        return None
    m = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not m:
        raise ValueError(_("日期格式无法识别：“%(value)s”（应如 2024-01-31）") % {"value": text[:30]})
    try:
        return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValueError(_("日期无效：“%(value)s”") % {"value": text[:30]}) from None


def parse_number(raw) -> float | None:
    text = str(raw or "").strip().replace(",", "").replace("，", "").replace("元", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(_("应为数字：“%(value)s”") % {"value": text[:30]}) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(_("应为数字：“%(value)s”") % {"value": text[:30]})
    return int(value) if value.is_integer() else value
