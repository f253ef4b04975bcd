"""The demo's closed 预评估: drawn with the demo-derived seed, surveyed by the township logins with answers
from the assessments, closed, shown on the county exit page, and the same after ``--reset``.

The demo is built once for the module at ``--scale 0.08`` (two townships, so every survey is entered by
xiang_a or xiang_b) inside a transaction rolled back at the end.
"""

import copy
import random
import re
from decimal import Decimal

from django.urls import reverse

from jingzhun.accounts.models import User
from jingzhun.assessment.models import HouseholdAssessment
from jingzhun.core.models import AuditEvent
from jingzhun.demo.evaluation import answers, evaluation_seed
from jingzhun.demo.exits import LAST_YEAR
from jingzhun.demo.users import persona_areas
from jingzhun.evaluation.models import Evaluation, SampledHousehold, Survey

from .small_demo import SCALE, SEED, county, load  # noqa: F401 - not all used in every module


def evaluation() -> Evaluation:
    return Evaluation.objects.get(area=county())


def fingerprint() -> tuple:
    ev = evaluation()
    surveys = Survey.objects.filter(sample__evaluation=ev).order_by(
        "sample__sampled_village__village__code", "sample__household__household_no"
    )
    rows = surveys.values_list(
        "sample__sampled_village__village__code", "sample__household__household_no", "surveyed_on",
        "persons", "wrongly_exited", "missed", "approves", "fair_identification", "measures", "cadres",
        "exit_recognised", "entered_by__username",
    )  # fmt: skip
    return ev.seed, ev.results["rates"], ev.results["passed"], list(rows)


def test_a_closed_pre_evaluation_of_the_last_income_year_by_the_county_admin(demo):
    ev = evaluation()
    assert (ev.kind, ev.year, ev.status) == ("pre", LAST_YEAR, "closed")
    assert ev.created_by.username == "xian_admin" and ev.closed_at is not None
    assert ev.seed == evaluation_seed(int(SEED)) != evaluation_seed(int(SEED) + 1)
    # the default design of the policy values
    assert (ev.households_per_village, ev.poor_villages_min, ev.nonpoor_villages_min) == (10, 1, 1)
    active = SampledHousehold.objects.filter(evaluation=ev, is_active=True)
    assert active.count() == ev.results["surveys"] >= 20
    assert not active.filter(survey__isnull=True).exists()
    actions = AuditEvent.objects.filter(action__startswith="evaluation.")
    managing = actions.exclude(action="evaluation.survey_submit")
    assert set(managing.values_list("action", flat=True)) == {
        "evaluation.create",
        "evaluation.draw",
        "evaluation.close",
    }
    assert set(managing.values_list("actor__username", flat=True)) == {"xian_admin"}
    assert actions.filter(action="evaluation.survey_submit").count() == active.count()
    r = ev.results["rates"]
    pattern = (
        r"预评估 (\d+) 年：抽样 (\d+) 村 (\d+) 户，错退率 ([\d.]+)%，漏评率 ([\d.]+)%，群众认可度 ([\d.]+)%"
    )
    line = re.search(pattern, demo)
    assert line, demo
    assert line.groups() == (
        str(LAST_YEAR),
        str(ev.results["villages"]),
        str(ev.results["surveys"]),
        f"{r['wrong_exit']['rate']:.2f}",
        f"{r['missed']['rate']:.2f}",
        f"{r['approval']['rate']:.2f}",
    )
    assert 80 <= r["approval"]["rate"] < 100


def test_surveys_are_entered_by_the_login_of_the_village_township(demo):
    areas = persona_areas(county())
    township_of = {"xiang_a": areas["township_a"].pk, "xiang_b": areas["township_b"].pk}
    surveys = Survey.objects.filter(sample__evaluation=evaluation()).select_related(
        "entered_by", "sample__sampled_village"
    )
    assert {s.entered_by.username for s in surveys} == {"xiang_a", "xiang_b"}
    for s in surveys:
        assert township_of[s.entered_by.username] == s.sample.sampled_village.township_id
        assert s.surveyed_on.year == LAST_YEAR and s.persons == s.sample.size and s.surveyor


def test_answers_follow_the_assessment_of_the_evaluated_year(demo):
    surveys = Survey.objects.filter(sample__evaluation=evaluation()).select_related("sample")
    assessed = {
        a.household_id: a
        for a in HouseholdAssessment.objects.filter(year=LAST_YEAR, period="year").filter(
            household_id__in=surveys.values("sample__household_id")
        )
    }
    exited = [s for s in surveys if s.sample.is_exited]
    outside = [s for s in surveys if s.sample.group == "outside"]
    assert exited and outside
    for s in exited:
        a = assessed[s.sample.household_id]
        if a.per_capita is not None:  # passed = income and the 两不愁三保障 criteria
            assert s.wrongly_exited == (not a.passed)
        assert s.wrongly_exited == bool(s.finding_reason) == (not (s.income_stable and s.needs_met))
    for s in outside:
        a = assessed[s.sample.household_id]
        assert s.missed == (a.per_capita is not None and a.per_capita < a.line)


def test_failing_assessments_give_wrong_exits_and_missed_households_with_their_reasons(demo):
    ev = evaluation()
    sh = SampledHousehold.objects.filter(evaluation=ev, poverty_status="exited").first()
    a = copy.copy(HouseholdAssessment.objects.get(household_id=sh.household_id, year=LAST_YEAR))
    a.housing_ok, a.house_safe_by, a.house_grade = False, "", "D"
    rng = random.Random(1)
    d = answers(sh, a, rng)
    assert d["income_stable"] and not d["needs_met"] and "住房安全" in d["finding_reason"]
    assert d["exit_recognised"] is False
    a.income_ok, a.per_capita = False, a.line - Decimal("100.00")
    d = answers(sh, a, rng)
    assert not d["income_stable"] and "低于贫困线" in d["finding_reason"]

    out = SampledHousehold.objects.filter(evaluation=ev, group="outside").first()
    b = copy.copy(HouseholdAssessment.objects.get(household_id=out.household_id, year=LAST_YEAR))
    b.income_ok, b.per_capita = False, b.line - Decimal("1.00")
    d = answers(out, b, rng)
    assert d["meets_criteria"] is True and "低于贫困线" in d["finding_reason"]
    if b.threshold is not None:
        b.income_ok, b.per_capita = True, b.line + Decimal("1.00")
        d = answers(out, b, rng)
        assert d["meets_criteria"] is False and not d["finding_reason"] and "监测" in d["note"]
    b.per_capita = None  # no income recorded: not a finding
    assert answers(out, b, rng)["meets_criteria"] is False


def test_county_exit_page_shows_the_closed_evaluation_instead_of_pending(demo, client_for):
    ev = evaluation()
    client = client_for(User.objects.get(username="xian_admin"))
    page = client.get(reverse("assessment:county-detail")).content.decode()
    assert "待评估" not in page
    for testid, key in (("wrong-exit", "wrong_exit"), ("missed", "missed"), ("approval", "approval")):
        shown = re.search(rf'data-testid="{testid}">([\d.]+)%', page)
        assert shown, testid
        assert abs(float(shown.group(1)) - ev.results["rates"][key]["rate"]) < 0.006
        assert f'href="{reverse("evaluation:results", args=[ev.pk])}" data-testid="{testid}-link"' in page
    results = client.get(reverse("evaluation:results", args=[ev.pk]))
    assert results.status_code == 200 and ev.title in results.content.decode()


def test_reset_with_the_same_seed_gives_the_same_evaluation(demo):
    before = fingerprint()
    old = evaluation().pk
    output = load("--reset", "--seed", SEED)
    assert Evaluation.objects.count() == 1 and evaluation().pk != old
    assert fingerprint() == before
    assert "预评估" in output
