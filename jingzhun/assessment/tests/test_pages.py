"""Pages and API: every list is scoped; the household panel; village exit; the county page; the job."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jingzhun.areas.services import area_stat_save, area_update
from jingzhun.assessment import services, services_village
from jingzhun.assessment.batch import assess
from jingzhun.assessment.models import HouseholdAssessment
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.policy.selectors import checklist
from jingzhun.workflows.models import Procedure

from .helpers import build

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


@pytest.fixture
def assessed(personas):
    t, c = personas.tree, personas.county_admin
    a = build(area=t.village_a1, actor=c)
    b = build(area=t.village_b1, actor=c, house_grade="C")
    assess(area=t.county, year=2019)
    return a, b


@pytest.mark.django_db
def test_result_list_is_scoped_and_no_role_is_refused(personas, client_for, assessed):
    a, b = assessed
    page = client_for(personas.village_b1).get("/assessment/?year=2019").content.decode()
    assert b.household_no in page and a.household_no not in page
    page = client_for(personas.county_admin).get("/assessment/?year=2019&failing=housing").content.decode()
    assert b.household_no in page and a.household_no not in page
    assert client_for(personas.no_role).get("/assessment/").status_code == 403
    assert client_for(personas.department).get("/assessment/").status_code == 403


@pytest.mark.django_db
def test_exitable_list_and_start_exit_are_scoped(personas, client_for, assessed):
    a, b = assessed
    c = client_for(personas.village_b1)
    assert a.household_no not in c.get("/assessment/exitable/?year=2019").content.decode()
    assert c.post(f"/assessment/households/{a.pk}/exit/", {"year": "2019"}).status_code == 404
    c = client_for(personas.village_a1)
    assert a.household_no in c.get("/assessment/exitable/?year=2019").content.decode()
    resp = c.post(f"/assessment/households/{a.pk}/exit/", {"year": "2019"})
    p = Procedure.objects.get(household=a, kind="exit")
    assert resp.status_code == 302 and p.year == 2019
    assert a.household_no not in c.get("/assessment/exitable/?year=2019").content.decode()


@pytest.mark.django_db
def test_household_page_shows_the_assessment_only_with_the_capability(personas, client_for, assessed):
    a, _b = assessed
    page = client_for(personas.village_a1).get(f"/register/{a.pk}/").content.decode()
    assert 'data-testid="assessment-panel"' in page and "住房安全等级为 B 级" in page
    page = client_for(personas.county_admin).get(f"/register/{a.pk}/").content.decode()
    assert 'data-testid="exit-start"' in page
    resp = client_for(personas.village_a1).post(f"/assessment/households/{a.pk}/assess/", {"year": "2020"})
    assert resp.status_code == 302 and HouseholdAssessment.objects.filter(household=a, year=2020).exists()
    assert (
        client_for(personas.village_b1)
        .post(f"/assessment/households/{a.pk}/assess/", {"year": "2020"})
        .status_code
        == 404
    )


@pytest.mark.django_db
def test_api_results_are_scoped(personas, client_for, assessed):
    a, b = assessed
    data = client_for(personas.village_b1).get("/api/v1/assessment/results/?year=2019").json()
    rows = data["results"] if isinstance(data, dict) and "results" in data else data
    assert [r["household"] for r in rows] == [b.pk]
    assert rows[0]["criteria"][5]["code"] == "housing" and not rows[0]["criteria"][5]["ok"]
    assert client_for(personas.no_role).get("/api/v1/assessment/results/").status_code == 403
    inc = (
        client_for(personas.village_b1)
        .get(
            f"/api/v1/assessment/results/incidence/?year=2019&areas={personas.tree.village_a1.pk},{personas.tree.village_b1.pk}"
        )
        .json()
    )
    assert list(inc) == [str(personas.tree.village_b1.pk)]


@pytest.mark.django_db
def test_run_start_is_refused_outside_the_users_area(personas):
    with pytest.raises(AccessDenied):
        services.assessment_run_start(actor=personas.village_b1, area=personas.tree.village_a1, year=2019)
    with pytest.raises(DomainError):
        services.assessment_run_start(actor=personas.county_admin, area=personas.tree.county, year=2009)


@pytest.mark.django_db(transaction=True)
def test_batch_job_assesses_the_county_and_reports(personas, client_for):
    from jingzhun.core.models import Job
    from jingzhun.core.testing import run_worker

    t = personas.tree
    build(area=t.village_a1, actor=personas.county_admin)
    build(area=t.village_b1, actor=personas.county_admin, income={"wages": 1000})
    resp = client_for(personas.county_admin).post(
        "/assessment/run/", {"area": t.county.pk, "year": "2019", "period": "year"}
    )
    assert resp.status_code == 302
    run_worker()
    job = Job.objects.get(kind="assessment.run")
    assert job.state == "succeeded", job.message
    assert job.result["households"] == 2 and job.result["passed"] == 1
    assert HouseholdAssessment.objects.filter(year=2019).count() == 2


def _poor_village(personas):
    t, c = personas.tree, personas.county_admin
    area_update(actor=c, area=t.village_b1, is_poor_village=True, poor_listed_year=2014)
    area_stat_save(actor=c, area=t.village_b1, year=2019, rural_population=1000)
    build(area=t.village_b1, actor=c, status="poor", income=False)  # 2 persons → 0.20%
    return t.village_b1


@pytest.mark.django_db
def test_village_exit_page_says_what_blocks_exit(personas, client_for):
    village = _poor_village(personas)
    page = (
        client_for(personas.village_b1).get(f"/assessment/villages/{village.pk}/?year=2019").content.decode()
    )
    assert "清单项目未达标或未填报" in page and "0.20%" in page
    with pytest.raises(DomainError) as exc:
        services_village.village_exit_propose(actor=personas.village_b1, village=village, year=2019)
    assert "通硬化路" in exc.value.message
    assert client_for(personas.village_a1).get(f"/assessment/villages/{village.pk}/").status_code == 404
    assert client_for(personas.no_role).get("/assessment/villages/").status_code == 403


@pytest.mark.django_db
def test_village_exit_runs_to_the_county_announcement(personas, client_for):
    village = _poor_village(personas)
    v, c = personas.village_b1, personas.county_admin
    items = checklist(2019, village)
    with pytest.raises(DomainError) as exc:
        services.checklist_item_save(actor=v, village=village, year=2019, code=items[0]["code"], met=True)
    assert exc.value.field == "evidence"
    resp = client_for(v).post(
        f"/assessment/villages/{village.pk}/checklist/?year=2019",
        {"code": items[0]["code"], f"{items[0]['code']}-code": items[0]["code"], f"{items[0]['code']}-met": "on",
         f"{items[0]['code']}-evidence_file": SimpleUploadedFile("road.png", PNG, content_type="image/png")},
    )  # fmt: skip
    assert resp.status_code == 302
    for item in items[1:]:
        services.checklist_item_save(
            actor=v, village=village, year=2019, code=item["code"], met=True, evidence="现场核查"
        )
    assert services_village.exit_indicators(village, 2019)["blockers"] == []
    exit_ = services_village.village_exit_propose(actor=v, village=village, year=2019)
    with pytest.raises(AccessDenied):
        services_village.village_exit_verify(actor=v, exit_=exit_)
    services_village.village_exit_verify(actor=c, exit_=exit_)
    start = datetime.date.today() - datetime.timedelta(days=3)
    services_village.village_exit_notice(actor=c, exit_=exit_, start=start)
    with pytest.raises(DomainError) as exc:
        services_village.village_exit_announce(actor=c, exit_=exit_)
    assert exc.value.code == "notice_running"
    exit_.refresh_from_db()
    exit_.notice_end = datetime.date.today()  # the last day of the notice: still running
    exit_.save(update_fields=["notice_end"])
    with pytest.raises(DomainError):
        services_village.village_exit_announce(actor=c, exit_=exit_)
    exit_.notice_end = datetime.date.today() - datetime.timedelta(days=1)
    exit_.save(update_fields=["notice_end"])
    services_village.village_exit_announce(actor=c, exit_=exit_)
    village.refresh_from_db()
    assert village.poor_exited_year == 2019
    page = client_for(c).get("/assessment/county/").content.decode()
    assert "待评估" in page and 'data-year="2019"' in page


@pytest.mark.django_db
def test_county_page_shows_incidence_by_year_and_is_scoped(personas, client_for):
    t, c = personas.tree, personas.county_admin
    area_stat_save(actor=c, area=t.county, year=2019, rural_population=2000)
    area_stat_save(actor=c, area=t.township_a, year=2019, rural_population=1000)
    build(area=t.village_a1, actor=c, status="poor", income=False)
    build(area=t.village_a1, actor=c, status="exited", year_exited=2020, income=False)
    page = client_for(c).get("/assessment/county/").content.decode()
    assert ">0.20<" in page and ">0.40<" in page  # county 4/2000 and township 4/1000 at the end of 2019
    assert client_for(personas.no_role).get("/assessment/county/").status_code == 403
    page = client_for(personas.village_b1).get("/assessment/county/").content.decode()
    assert "没有县级区划" in page
