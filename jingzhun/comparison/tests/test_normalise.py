"""ID normalisation (spaces, full-width, lower-case x, 15→18, quotes, number cells) and value parsing."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingzhun.comparison.normalise import normalise_id, normalise_name, parse_date, parse_number
from jingzhun.register.validation import check_char

FULL = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")


def valid_id(place="513401", birth=datetime.date(1980, 2, 29), serial="123"):
    first = f"{place}{birth:%Y%m%d}{serial}"
    return first + check_char(first)


def x_id():
    for serial in range(100, 999):
        number = valid_id(serial=f"{serial:03d}")
        if number.endswith("X"):
            return number
    raise AssertionError


@pytest.mark.parametrize(
    "raw",
    [
        lambda n: n,
        lambda n: " " + n[:6] + " " + n[6:14] + " " + n[14:] + " ",
        lambda n: n.translate(FULL),
        lambda n: n.lower(),
        lambda n: "'" + n,
        lambda n: n[:6] + "\u3000" + n[6:],
    ],
)
def test_dirty_forms_normalise_to_the_18_character_id(raw):
    number = x_id()
    result = normalise_id(raw(number))
    assert (
        result.number == number and result.problem == "" and result.birth_date == datetime.date(1980, 2, 29)
    )


def test_15_digit_id_converts_to_18_with_computed_check_character():
    old = "513401" + "800229" + "123"
    result = normalise_id(old)
    first = "513401" + "19800229" + "123"
    assert result.number == first + check_char(first)
    assert result.birth_date == datetime.date(1980, 2, 29)


def test_number_cell_text_loses_trailing_point_zero():
    old = "513401800229123"
    assert normalise_id(old + ".0").number == normalise_id(old).number != ""


def test_wrong_check_character_gives_reason_and_birth_date_from_digits():
    number = valid_id()
    wrong = number[:17] + ("1" if number[17] != "1" else "2")
    result = normalise_id(wrong)
    assert result.number == "" and "校验位" in result.problem
    assert result.birth_date == datetime.date(1980, 2, 29)


@pytest.mark.parametrize(
    "raw,fragment",
    [("12345", "18 位"), ("51340119800229ABCD", "格式错误"), ("513401" + "19801301" + "1231", "")],
)
def test_unusable_ids_say_why(raw, fragment):
    result = normalise_id(raw)
    assert result.number == "" and result.problem and fragment in result.problem


def test_empty_id_is_not_a_problem():
    assert normalise_id("  ") == normalise_id(None) == normalise_id("")
    assert normalise_id("").problem == ""


@given(
    birth=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31)),
    serial=st.integers(min_value=0, max_value=999),
    spaces=st.lists(st.integers(min_value=0, max_value=18), max_size=4),
    full=st.booleans(),
    lower=st.booleans(),
)
def test_any_decoration_of_a_valid_id_normalises_back(birth, serial, spaces, full, lower):
    number = valid_id(birth=birth, serial=f"{serial:03d}")
    text = number
    for at in sorted(spaces, reverse=True):
        text = text[:at] + " " + text[at:]
    if full:
        text = text.translate(FULL)
    if lower:
        text = text.lower()
    result = normalise_id(text)
    assert result.number == number and result.birth_date == birth


@given(
    birth=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(1999, 12, 31)),
    serial=st.integers(0, 999),
)
def test_15_digit_ids_agree_with_their_18_digit_form(birth, serial):
    old = f"513401{birth:%y%m%d}{serial:03d}"
    new = valid_id(birth=birth, serial=f"{serial:03d}")
    assert normalise_id(old).number == new


def test_names_compare_without_spaces_and_with_one_middle_dot():
    assert normalise_name(" 阿依 · 木呷 ") == normalise_name("阿依•木呷") == "阿依·木呷"


@pytest.mark.parametrize(
    "raw", ["2024-01-31", "2024/1/31", "2024.01.31", "20240131", "2024年1月31日", "2024-01-31 00:00:00"]
)
def test_dates_in_usual_spellings(raw):
    assert parse_date(raw) == datetime.date(2024, 1, 31)


def test_bad_dates_and_numbers_raise_chinese_messages():
    with pytest.raises(ValueError, match="日期"):
        parse_date("2024-02-30")
    with pytest.raises(ValueError, match="日期格式"):
        parse_date("去年")
    with pytest.raises(ValueError, match="数字"):
        parse_number("八万")
    assert parse_number("86,000元") == 86000 and parse_number("") is None
