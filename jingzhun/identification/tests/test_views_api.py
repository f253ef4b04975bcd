import pytest
from django.urls import reverse
from django.utils import timezone

from jingzhun.core.models import AuditEvent
from jingzhun.core.testing import make_user
from jingzhun.identification.models import ExclusionRule, Quota
from jingzhun.identification.services import quota_set
from jingzhun.workflows.models import Procedure

from . import helpers
from .factories import survey_data

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def test_candidates_page_lists_village_households_and_starts_them(personas, client_for):
    a1 = helpers.households(personas, 2)
    (b1,) = helpers.households(personas, 1, area=personas.tree.village_b1)
    (poor,) = helpers.households(personas, 1, status="poor", year_identified=2016)
    c = client_for(personas.village_a1)
    url = reverse("identification:candidates") + f"?area={personas.tree.village_a1.code}"
    page = c.get(url).content.decode()
    assert a1[0].household_no in page and a1[1].household_no in page
    assert b1.household_no not in page and poor.household_no not in page
    r = c.post(
        url,
        {
            "households": [a1[0].pk, b1.pk],
            "year": YEAR,
            "applied_on": timezone.localdate().isoformat(),
            "method": "village",
            "area": personas.tree.village_a1.code,
        },
    )
    assert r.status_code == 302
    p = Procedure.objects.get()
    assert p.household == a1[0] and p.data["application"]["method"] == "village"  # b1 was never offered


def test_candidates_of_another_village_are_not_found(personas, client_for):
    c = client_for(personas.village_a1)
    r = c.get(reverse("identification:candidates") + f"?area={personas.tree.village_b1.code}")
    assert r.status_code == 404


def test_people_without_identification_capability_are_refused(personas, client_for):
    c = client_for(personas.no_role)
    assert c.get(reverse("identification:overview")).status_code == 403
    assert c.get(reverse("identification:quota")).status_code in (403, 404)


def test_survey_page_completes_the_step_and_keeps_a_blocked_survey(personas, client_for):
    hh = helpers.households(personas, 2)
    _batch, procs = helpers.start(personas, hh)
    for p in procs:
        from jingzhun.workflows import services as workflow

        workflow.step_complete(actor=personas.village_a1, procedure=p, data={"authorised": True})
    c = client_for(personas.village_a1)
    url = reverse("identification:step", args=[procs[0].pk])
    assert "看读书郎" in c.get(url).content.decode()
    bad = c.post(url, survey_data(look_house=""))
    assert bad.status_code == 200 and 'data-field="look_house"' in bad.content.decode()
    assert c.post(url, survey_data()).status_code == 302
    procs[0].refresh_from_db()
    assert procs[0].current_step.code == "appraisal"
    url = reverse("identification:step", args=[procs[1].pk])
    r = c.post(url, survey_data(study_abroad=True), follow=True)
    assert "命中不予识别规则" in r.content.decode()
    procs[1].refresh_from_db()
    assert procs[1].current_step.code == "survey" and procs[1].data["survey_draft"]["study_abroad"] is True
    # the county reviewer sees the hit and approves the exception
    county = client_for(personas.county_admin)
    review = county.get(reverse("identification:review") + "?step=survey").content.decode()
    assert "子女自费出国留学" in review
    r = county.post(
        reverse("identification:override", args=[procs[1].pk]),
        {f"p{procs[1].pk}-codes": ["study_abroad"], f"p{procs[1].pk}-reason": "奖学金资助，非自费"},
    )
    assert r.status_code == 302
    assert AuditEvent.objects.filter(action="procedure.override", reason="奖学金资助，非自费").exists()
    assert c.post(url, survey_data(study_abroad=True)).status_code == 302


def test_village_officer_cannot_override(personas, client_for):
    hh = helpers.households(personas, 1)
    _batch, (p,) = helpers.start(personas, hh)
    c = client_for(personas.village_a1)
    c.post(
        reverse("identification:override", args=[p.pk]),
        {f"p{p.pk}-codes": ["vehicle"], f"p{p.pk}-reason": "x"},
    )
    p.refresh_from_db()
    assert "overrides" not in p.data
    assert client_for(personas.village_b1).get(reverse("identification:step", args=[p.pk])).status_code == 404


def test_overview_counts_by_step(personas, client_for):
    hh = helpers.households(personas, 2)
    helpers.start(personas, hh)
    page = client_for(personas.township_a).get(reverse("identification:overview")).content.decode()
    assert 'data-step="apply"' in page and hh[0].head_name in page
    page = client_for(personas.village_b1).get(reverse("identification:overview")).content.decode()
    assert hh[0].head_name not in page


def test_quota_page_shows_and_county_sets(personas, client_for):
    url = reverse("identification:quota") + f"?year={YEAR}"
    c = client_for(personas.county_admin)
    r = c.post(url, {"action": "set", "quota": "40", "note": "市下达", "year": YEAR})
    assert r.status_code == 302 and Quota.objects.get().quota == 40
    r = c.post(url, {"action": "override", "extra": "", "reason": "无"})
    assert r.status_code == 200 and "增加的户数" in r.content.decode()
    page = client_for(personas.village_a1).get(url).content.decode()
    assert "40" in page and "quota-form" not in page
    assert client_for(personas.village_a1).post(url, {"action": "set", "quota": "99"}).status_code == 403
    assert Quota.objects.get().quota == 40


def test_rules_page_and_edit(personas, client_for):
    c = client_for(personas.county_admin)
    page = c.get(reverse("identification:rules")).content.decode()
    assert "空挂户" in page and "调整" in page
    url = reverse("identification:rule-edit", args=["vehicle"]) + f"?county={personas.tree.county.code}"
    r = c.post(
        url, {"active": "on", "param_min_value": "30000", "exempt_causes": ["1"], "reason": "本县标准"}
    )
    assert r.status_code == 302
    rule = ExclusionRule.objects.get(code="vehicle", area_key=personas.tree.county.path)
    assert rule.params == {"min_value": 30000} and rule.exempt_causes == ["1"]
    village = client_for(personas.village_a1)
    assert "/edit/" not in village.get(reverse("identification:rules")).content.decode()
    assert village.get(url).status_code == 403


def test_api_rules_are_scoped_and_updated_by_county(personas, client_for):
    c = client_for(personas.village_a1)
    r = c.get("/api/v1/identification/rules/")
    assert r.status_code == 200 and {x["code"] for x in r.json()} >= {"vehicle", "nominal"}
    r = c.patch("/api/v1/identification/rules/nominal/", {"active": False}, content_type="application/json")
    assert r.status_code == 403
    c = client_for(personas.county_admin)
    r = c.patch(
        "/api/v1/identification/rules/nominal/?county=" + personas.tree.county.code,
        {"active": False, "reason": "本县不适用"},
        content_type="application/json",
    )
    assert (
        r.status_code == 200
        and r.json()["active"] is False
        and r.json()["scope"] == personas.tree.county.path
    )
    r = c.patch(
        "/api/v1/identification/rules/away/", {"params": {"months": -3}}, content_type="application/json"
    )
    assert r.status_code == 400 and "外出务工月数" in str(r.json())
    r = c.get("/api/v1/identification/rules/?county=" + personas.tree.other_county.code)
    assert r.status_code == 404  # not the county admin's county
    assert ExclusionRule.objects.get(code="nominal", area_key="").active is True


def test_api_quota_set_override_and_scope(personas, client_for):
    c = client_for(personas.county_admin)
    r = c.post("/api/v1/identification/quotas/", {"year": YEAR, "quota": 2}, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"]["remaining"] == 2
    pk = r.json()["id"]
    r = c.post(
        f"/api/v1/identification/quotas/{pk}/override/",
        {"extra": 3, "reason": "灾后新增"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"]["limit"] == 5
    r = c.post(f"/api/v1/identification/quotas/{pk}/override/", {"extra": 0}, content_type="application/json")
    assert r.status_code == 400
    other = personas.tree.other_county
    admin = make_user("other_admin", "county_admin", other)
    quota_set(actor=admin, county=other, year=YEAR, quota=9)  # another county's row
    village = client_for(personas.village_a1)
    body = village.get("/api/v1/identification/quotas/").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [x["county"] for x in rows] == [personas.tree.county.code]
    assert village.get(f"/api/v1/identification/quotas/{pk}/").status_code == 200
    r = village.post(
        "/api/v1/identification/quotas/", {"year": YEAR, "quota": 9}, content_type="application/json"
    )
    assert r.status_code == 403
    r = village.post(
        f"/api/v1/identification/quotas/{pk}/override/",
        {"extra": 1, "reason": "x"},
        content_type="application/json",
    )
    assert r.status_code == 403


@pytest.mark.parametrize("persona", ["county_admin", "township_a", "village_a1", "village_b1"])
@pytest.mark.parametrize("name", ["overview", "candidates", "review", "quota", "rules"])
def test_pages_open_for_each_persona_with_only_their_households(personas, client_for, persona, name):
    (a1,) = helpers.households(personas, 1)
    _batch, (p,) = helpers.start(personas, [a1])
    r = client_for(getattr(personas, persona)).get(reverse(f"identification:{name}") + "?step=all")
    assert r.status_code == 200
    page = r.content.decode()
    if persona == "village_b1":
        assert a1.head_name not in page
    if name in ("overview", "review") and persona != "village_b1":
        assert a1.head_name in page


@pytest.mark.parametrize("persona", ["no_role", "department", "cadre"])
def test_pages_refuse_people_without_the_capability(personas, client_for, persona):
    c = client_for(getattr(personas, persona))
    for name in ("overview", "candidates", "review", "quota", "rules"):
        assert c.get(reverse(f"identification:{name}")).status_code in (403, 404)


def test_review_shows_comparison_facts_and_hits(personas, client_for, monkeypatch):
    (h,) = helpers.households(personas, 1)
    _batch, (p,) = helpers.start(personas, [h])
    row = {
        "fact": "public_payroll",
        "member_name": "王一",
        "dataset_type": "payroll",
        "dataset_name": "财政供养人员",
        "strength": "id",
        "evidence": {"单位": "县林业局"},
    }
    fake = lambda ids: {h.pk: [row]} if h.pk in ids else {}  # noqa: E731
    monkeypatch.setattr("jingzhun.identification.rules.comparison_facts", fake)
    monkeypatch.setattr("jingzhun.identification.views_county.comparison_facts", fake)
    page = (
        client_for(personas.county_admin).get(reverse("identification:review") + "?step=all").content.decode()
    )
    assert "单位：县林业局" in page and 'data-rule="public_payroll"' in page and "override-form" in page
    page = (
        client_for(personas.township_a).get(reverse("identification:review") + "?step=all").content.decode()
    )
    assert "单位：县林业局" in page and "override-form" not in page
