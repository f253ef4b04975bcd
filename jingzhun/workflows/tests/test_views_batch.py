"""The batch step page (appraisal meeting with votes, reviews with per-household results) and the generic
start page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jingzhun.register.tests.factories import make_household
from jingzhun.workflows.choices import ProcedureStatus
from jingzhun.workflows.models import BatchAct, Evidence, Procedure, ProcedureBatch, StepRecord

from .wfui_factories import PNG, at_appraisal, at_township_review

pytestmark = pytest.mark.django_db

BATCH = reverse("workflows:batch")
START = reverse("workflows:procedure-start")


def choose(area, step, kind="reappraisal"):
    return {"area": area.code, "kind": kind, "step": step}


def test_batch_page_lists_the_households_waiting_in_scope(personas, client_for):
    procs = at_appraisal(personas, 2)
    other = at_appraisal(personas, 1, area=personas.tree.village_b1)
    page = client_for(personas.village_a1).get(BATCH, choose(personas.tree.village_a1, "appraisal"))
    page = page.content.decode()
    for p in procs:
        assert f'data-procedure="{p.pk}"' in page
    assert f'data-procedure="{other[0].pk}"' not in page
    assert "村民代表总数" in page and "到会人数" in page and "votes_for_" in page
    # another village's area is not in the choices of 甲一村's officer
    response = client_for(personas.village_a1).get(BATCH, choose(personas.tree.village_b1, "appraisal"))
    assert f'data-procedure="{other[0].pk}"' not in response.content.decode()
    assert 'data-field="area"' in response.content.decode()


def test_appraisal_batch_with_per_household_outcomes(personas, client_for):
    a, b, c = at_appraisal(personas, 3)
    client = client_for(personas.village_a1)
    data = {
        **choose(personas.tree.village_a1, "appraisal"),
        "procedures": [a.pk, b.pk, c.pk],
        "representatives": "30",
        "present": "21",
        "acted_on": "",
        f"votes_for_{a.pk}": "20",
        f"votes_against_{a.pk}": "1",
        f"votes_for_{b.pk}": "5",
        f"votes_for_{c.pk}": "30",  # more than present: blocked, stays
        "files": [SimpleUploadedFile("会议记录.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")],
    }
    response = client.post(BATCH, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-result="passed" data-procedure="{a.pk}"' in page
    assert f'data-result="failed" data-procedure="{b.pk}"' in page
    assert f'data-result="blocked" data-procedure="{c.pk}"' in page and "不能超过到会代表人数" in page
    for p in (a, b, c):
        p.refresh_from_db()
    assert a.current_step.code == "township_review"
    assert b.status == ProcedureStatus.REJECTED
    assert c.current_step.code == "appraisal" and c.status == ProcedureStatus.RUNNING
    act = BatchAct.objects.get()
    assert act.data["present"] == 21 and Evidence.objects.get(batch_act=act).kind == "minutes"
    # the meeting and its minutes show on the household's record
    page = client.get(reverse("workflows:procedure-detail", args=[a.pk])).content.decode()
    assert "到会 21 人" in page and "赞成 20 票" in page
    assert reverse("workflows:evidence-download", args=[Evidence.objects.get().pk]) in page


def test_appraisal_without_quorum_is_refused_on_the_form_and_writes_nothing(personas, client_for):
    procs = at_appraisal(personas, 2)
    data = {
        **choose(personas.tree.village_a1, "appraisal"),
        "procedures": [p.pk for p in procs],
        "representatives": "30",
        "present": "15",
        **{f"votes_for_{p.pk}": "15" for p in procs},
    }
    response = client_for(personas.village_a1).post(BATCH, data)
    assert response.status_code == 400 and "不足代表总数的 2/3" in response.content.decode()
    assert not BatchAct.objects.exists()
    assert set(Procedure.objects.values_list("current_step__code", flat=True)) == {"appraisal"}


def test_review_batch_pass_send_back_reject(personas, client_for):
    a, b, c = at_township_review(personas, 3)
    data = {
        **choose(personas.tree.village_a1, "township_review"),
        "procedures": [a.pk, b.pk, c.pk],
        f"result_{a.pk}": "pass",
        f"result_{b.pk}": "send_back",
        f"comment_{b.pk}": "收入需复核",
        f"result_{c.pk}": "reject",
        f"comment_{c.pk}": "家有小轿车",
        "comment": "乡镇审核",
    }
    # the village officer sees the list but may not act: the service refuses with 403
    response = client_for(personas.village_a1).post(BATCH, data)
    assert response.status_code == 403 and "无权办理" in response.content.decode()
    assert not BatchAct.objects.filter(step__code="township_review").exists()
    response = client_for(personas.township_a).post(BATCH, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-result="sent_back"' in page and 'data-result="rejected"' in page and "家有小轿车" in page
    for p in (a, b, c):
        p.refresh_from_db()
    assert a.current_step.code == "county_review"
    assert b.current_step.code == "verify"  # the step's send-back target
    assert c.status == ProcedureStatus.REJECTED and c.outcome_reason == "家有小轿车"


def test_no_selection_is_an_error(personas, client_for):
    at_township_review(personas, 1)
    response = client_for(personas.township_a).post(
        BATCH, choose(personas.tree.village_a1, "township_review")
    )
    assert response.status_code == 400 and "请至少选择一户" in response.content.decode()


def test_notice_step_links_to_the_notice_publish_page(personas, client_for):
    from jingzhun.workflows import services

    h = make_household(area=personas.tree.village_a1, actor=personas.county_admin)
    p = services.procedure_start(actor=personas.county_admin, kind="removal", household=h)
    services.step_complete(actor=personas.county_admin, procedure=p, data={})
    services.batch_complete(
        actor=personas.county_admin,
        procedures=[p],
        meeting={"representatives": 30, "present": 25},
        results={p.pk: {"votes_for": 25}},
    )
    page = client_for(personas.village_a1).get(BATCH, choose(personas.tree.village_a1, "notice", "removal"))
    page = page.content.decode()
    assert 'data-testid="notice-link"' in page and "publish/?kind=removal&amp;step=notice" in page
    assert 'data-testid="batch-form"' not in page


def test_start_page_creates_a_list_and_reports_refusals_per_household(personas, client_for):
    t = personas.tree
    plain = [make_household(area=t.village_a1, actor=personas.county_admin) for _ in range(2)]
    poor = make_household(area=t.village_a1, actor=personas.county_admin, status="poor", year_identified=2016)
    elsewhere = make_household(area=t.village_b1, actor=personas.county_admin)
    client = client_for(personas.village_a1)
    params = {"area": t.village_a1.code, "kind": "identification", "year": "2026"}
    page = client.get(START, params).content.decode()
    assert plain[0].household_no in page and poor.household_no not in page
    assert elsewhere.household_no not in page
    response = client.post(START, {**params, "households": [plain[0].pk, plain[1].pk, elsewhere.pk]})
    assert response.status_code == 200
    batch = ProcedureBatch.objects.get()
    assert batch.area == t.village_a1 and batch.year == 2026
    assert set(Procedure.objects.values_list("household_id", flat=True)) == {plain[0].pk, plain[1].pk}
    assert all(p.batch_id == batch.pk and p.year == 2026 for p in Procedure.objects.all())
    assert "已发起 2 户" in response.content.decode()
    # a household already in a running procedure is no longer a candidate
    page = client.get(START, params).content.decode()
    assert plain[0].household_no not in page


def test_start_page_refused_to_users_who_cannot_start(personas, client_for):
    assert client_for(personas.cadre).get(START).status_code == 403
    t = personas.tree
    h = make_household(area=t.village_a1, actor=personas.county_admin)
    response = client_for(personas.township_a).get(START)
    assert response.status_code == 403
    assert not StepRecord.objects.exists() and not Procedure.objects.filter(household=h).exists()


def test_batch_page_evidence_upload_is_checked(personas, client_for):
    procs = at_appraisal(personas, 1)
    data = {
        **choose(personas.tree.village_a1, "appraisal"),
        "procedures": [procs[0].pk],
        "representatives": "30",
        "present": "25",
        f"votes_for_{procs[0].pk}": "25",
        "files": [SimpleUploadedFile("x.exe", PNG)],
    }
    response = client_for(personas.village_a1).post(BATCH, data)
    assert response.status_code == 400 and "类型不支持" in response.content.decode()
    assert not BatchAct.objects.exists()
