"""Valid application and survey inputs for identification tests (and demo data)."""

from __future__ import annotations

import datetime

from django.utils import timezone


def application_data(**extra) -> dict:
    return {
        "applied_on": timezone.localdate().isoformat(),
        "method": "household",
        "applicant": "",
        "authorised": True,
        **extra,
    }


def survey_data(**extra) -> dict:
    """A plain poor household: house C, food short, no declarations, low income, main cause 缺资金."""
    return {
        "look_house": "C",
        "look_house_note": "土木结构，墙体开裂",
        "look_food": "basic",
        "look_labour": "short",
        "look_school": "light",
        "look_illness": "none",
        "income_year": timezone.localdate().year - 1,
        "wages": "6000",
        "business": "2000",
        "property_income": "0",
        "transfers": "1200",
        "business_costs": "800",
        "attribute": "1",
        "standard": "1",
        "main_cause": "9",
        "other_causes": ["7"],
        **extra,
    }


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)
