import datetime

import pytest
from django.utils import timezone

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.models import AuditEvent
from jingzhun.identification import services
from jingzhun.identification.defaults import DEFAULT_RULES
from jingzhun.identification.models import ExclusionRule
from jingzhun.identification.rules import PREDICATES, evaluate
from jingzhun.identification.selectors import effective_rules

from . import helpers
from .factories import survey_data

pytestmark = pytest.mark.django_db


def fact(code, **extra):
    return {
        "fact": code,
        "member_name": "王一",
        "dataset_type": code,
        "dataset_name": "部门数据",
        "strength": "id",
        "evidence": "证据行",
        **extra,
    }


def hits(household, survey=None, comparison=(), area=None):
    rules = effective_rules(area or household.area)
    return [
        h.code
        for h in evaluate(household, rules, survey=survey or survey_data(), comparison=list(comparison))
    ]


@pytest.fixture
def household(personas):
    return helpers.households(personas, 1)[0]


def test_defaults_are_installed_and_use_known_predicates():
    codes = {r.code for r in ExclusionRule.objects.filter(area_key="")}
    assert codes == {code for code, *_ in DEFAULT_RULES} and len(codes) >= 12
    assert all(r.predicate in PREDICATES for r in ExclusionRule.objects.all())


def test_clean_household_has_no_hits(household):
    assert hits(household) == []


@pytest.mark.parametrize(
    ("declared", "code"),
    [
        ({"public_payroll": True}, "public_payroll"),
        ({"village_cadre": True}, "village_cadre"),
        ({"vehicle": True, "vehicle_value": "5000"}, "vehicle"),
        ({"urban_property": True}, "real_estate"),
        ({"high_standard_house": True}, "house_standard"),
        ({"business_registered": True}, "business"),
        ({"business_hires": True}, "business"),
        ({"business_tax": True}, "business"),
        ({"family_away": True}, "away"),
        ({"nominal_household": True}, "nominal"),
        ({"study_abroad": True}, "study_abroad"),
        ({"insurance_premium": "20000"}, "insurance"),
        ({"refuses_explain": True}, "refuses_explain"),
        ({"illegal_activity": True}, "illegal_activity"),
    ],
)
def test_survey_declarations_hit_their_rule(household, declared, code):
    assert hits(household, survey_data(**declared)) == [code]


def test_insurance_below_threshold_does_not_hit(household):
    assert hits(household, survey_data(insurance_premium="5000")) == []


@pytest.mark.parametrize(
    ("fact_code", "rule"),
    [
        ("public_payroll", "public_payroll"),
        ("village_cadre", "village_cadre"),
        ("vehicle", "vehicle"),
        ("real_estate", "real_estate"),
        ("business", "business"),
        ("tax", "business"),
    ],
)
def test_comparison_facts_hit_their_rule(household, fact_code, rule):
    assert hits(household, comparison=[fact(fact_code)]) == [rule]


def test_comparison_facts_without_a_rule_do_not_hit(household):
    assert hits(household, comparison=[fact("deceased"), fact("disability")]) == []


@pytest.mark.parametrize("cause", ["1", "2"])
def test_illness_or_disability_exempts_payroll_and_cadre(household, cause):
    survey = survey_data(main_cause=cause, public_payroll=True, village_cadre=True, cause_note="x")
    assert hits(household, survey) == []
    assert hits(household, survey_data(main_cause="9", public_payroll=True, village_cadre=True)) == [
        "public_payroll",
        "village_cadre",
    ]


def test_exemption_can_be_dropped_by_the_county(personas, household):
    services.rule_update(
        actor=personas.county_admin, county=personas.tree.county, code="village_cadre", exempt_causes=[]
    )
    assert hits(household, survey_data(main_cause="1", village_cadre=True)) == ["village_cadre"]


def test_whole_family_away_from_register_months(household):
    household.members.update(migrant_months=12)
    assert hits(household) == ["away"]
    household.members.filter(relation="04").update(migrant_months=6)
    assert hits(household) == []


def test_large_new_house_from_register(personas):
    year = timezone.localdate().year - 1
    (big,) = helpers.households(personas, 1, house_year=year, house_area="300")
    (small,) = helpers.households(personas, 1, house_year=year, house_area="120")
    (old,) = helpers.households(personas, 1, house_year=2000, house_area="300")
    assert hits(big) == ["house_standard"]
    assert hits(small) == [] and hits(old) == []


def test_recent_split_from_change_requests(personas, household):
    from jingzhun.register.models import ChangeRequest

    (old,) = helpers.households(personas, 1)
    ChangeRequest.objects.create(
        kind="split",
        household=old,
        area_path=old.area_path,
        payload={},
        reason="分户",
        status="applied",
        submitted_by=personas.village_a1,
        reviewed_at=timezone.now() - datetime.timedelta(days=200),
        result={"new_household": household.pk},
    )
    assert hits(household) == ["split_merge"] and hits(old) == ["split_merge"]
    ChangeRequest.objects.update(reviewed_at=timezone.now() - datetime.timedelta(days=365 * 4))
    assert hits(household) == []


def test_vehicle_threshold_and_deactivation_are_per_county(personas, household):
    (other,) = helpers.households(personas, 1)
    survey = survey_data(vehicle=True, vehicle_value="20000")
    rule = services.rule_update(
        actor=personas.county_admin,
        county=personas.tree.county,
        code="vehicle",
        params={"min_value": 30000},
        reason="本县规定三万元以上",
    )
    assert rule.area_key == personas.tree.county.path and rule.params == {"min_value": 30000}
    assert ExclusionRule.objects.get(code="vehicle", area_key="").params == {"min_value": 0}
    assert hits(household, survey) == []
    assert hits(household, survey_data(vehicle=True, vehicle_value="30000")) == ["vehicle"]
    services.rule_update(
        actor=personas.county_admin, county=personas.tree.county, code="nominal", active=False
    )
    assert hits(other, survey_data(nominal_household=True)) == []
    assert AuditEvent.objects.filter(
        action="identification.rule_update", reason="本县规定三万元以上"
    ).exists()
    # another county still uses the national rows
    rules = effective_rules(personas.tree.other_county)
    assert {r.code for r in rules} >= {"nominal", "vehicle"}
    assert next(r for r in rules if r.code == "vehicle").params == {"min_value": 0}


def test_rule_update_refuses_non_county_users_and_bad_params(personas):
    with pytest.raises(AccessDenied):
        services.rule_update(
            actor=personas.township_a, county=personas.tree.county, code="vehicle", active=False
        )
    with pytest.raises(DomainError) as exc:
        services.rule_update(
            actor=personas.county_admin,
            county=personas.tree.county,
            code="vehicle",
            params={"min_value": "很多"},
        )
    assert "价值不低于" in exc.value.message
    with pytest.raises(DomainError):
        services.rule_update(
            actor=personas.county_admin, county=personas.tree.county, code="away", params={"months": 0}
        )
    with pytest.raises(DomainError):
        services.rule_update(
            actor=personas.county_admin, county=personas.tree.county, code="vehicle", exempt_causes=["77"]
        )
    assert not ExclusionRule.objects.exclude(area_key="").exists()


def test_comparison_evidence_columns_are_shown_in_the_message(household):
    rules = effective_rules(household.area)
    found = evaluate(
        household,
        rules,
        survey=survey_data(),
        comparison=[fact("vehicle", evidence={"号牌号码": "川W12345", "车辆类型": "小型轿车"})],
    )
    assert [h.code for h in found] == ["vehicle"]
    assert "号牌号码：川W12345，车辆类型：小型轿车" in found[0].message and "部门数据" in found[0].message
