import pytest

from jingzhun.core.errors import DomainError
from jingzhun.identification.forms import SurveyForm
from jingzhun.identification.survey import clean_survey

from . import helpers
from .factories import survey_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(personas):
    return helpers.households(personas, 1)[0]


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        ({"look_house": ""}, "look_house", "看房"),
        ({"look_food": "plenty"}, "look_food", "看粮"),
        ({"look_school": None}, "look_school", "看读书郎"),
        ({"look_illness": ""}, "look_illness", "看病床"),
        ({"wages": "-1"}, "wages", "工资性收入"),
        ({"business": "abc"}, "business", "生产经营性收入"),
        ({"transfers": None}, "transfers", "转移性收入"),
        ({"attribute": ""}, "attribute", "贫困户属性"),
        ({"main_cause": "77"}, "main_cause", "主要致贫原因"),
        ({"other_causes": ["4", "5", "7"]}, "other_causes", "最多填写 2 项"),
        ({"other_causes": ["9"]}, "other_causes", "不能与主要致贫原因相同"),
        ({"vehicle": True, "vehicle_value": ""}, "vehicle_value", "车辆/机械价值"),
        ({"insurance_premium": "-5"}, "insurance_premium", "商业保险年缴保费"),
        ({"income_year": "2009"}, "income_year", "收入年度"),
        ({"main_cause": "1"}, "cause_note", "致贫原因说明"),
    ],
)
def test_survey_errors_name_the_field_in_chinese(household, change, field, text):
    with pytest.raises(DomainError) as exc:
        clean_survey(survey_data(**change), household, year=2026)
    assert exc.value.field == field
    assert text in exc.value.message


def test_per_capita_is_computed_from_components_and_active_members(household):
    out = clean_survey(survey_data(wages="10000", business="0", transfers="0", business_costs="0"), household)
    assert out["income"]["size"] == 4 and out["income"]["per_capita"] == "2500.00"
    assert out["main_cause_name"] == "缺资金" and out["vehicle"] is False


def test_survey_form_reports_service_errors_on_fields(household):
    form = SurveyForm(survey_data(main_cause="1", other_causes=["2"]), household=household)
    assert not form.is_valid()
    assert "cause_note" in form.errors or "main_cause" in form.errors
    form = SurveyForm(survey_data(), household=household)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["wages"] == "6000"  # a string: JSON-safe for the step record
