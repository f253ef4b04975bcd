"""Masking of sensitive values for display, notices and exports."""

import pytest

from jingzhun.core.masking import mask_account, mask_id_number, mask_phone


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("513401199001011234", "513***********1234"),
        ("51340119900101123X", "513***********123X"),
        ("1234567", "*******"),
        ("", ""),
        (None, ""),
    ],
)
def test_id_number_keeps_first_three_and_last_four(value, masked):
    assert mask_id_number(value) == masked


def test_masked_id_number_hides_the_birth_date():
    assert "19900101" not in mask_id_number("513401199001011234")


@pytest.mark.parametrize(
    ("value", "masked"), [("13812345678", "138****5678"), ("123456", "******"), ("", ""), (None, "")]
)
def test_phone_keeps_first_three_and_last_four(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"), [("6222021234567890123", "***************0123"), ("123", "123"), (None, "")]
)
def test_bank_account_keeps_only_the_last_four(value, masked):
    assert mask_account(value) == masked


def test_template_filters_mask_too():
    from django.template import Context, Template

    html = Template("{% load jingzhun %}{{ id|masked_id }} {{ p|masked_phone }}").render(
        Context({"id": "513401199001011234", "p": "13812345678"})
    )
    assert html == "513***********1234 138****5678"
