"""Procedure pages: scoped list and detail, the actions on the detail page (the services decide), evidence."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jingzhun.core.models import AuditEvent
from jingzhun.workflows.choices import ProcedureStatus
from jingzhun.workflows.models import Evidence, Procedure, StepRecord

from .wfui_factories import PNG, at_appraisal, at_township_review, started

pytestmark = pytest.mark.django_db

LIST = reverse("workflows:procedure-list")


def detail(p):
    return reverse("workflows:procedure-detail", args=[p.pk])


def test_list_shows_only_procedures_in_the_users_area(personas, client_for):
    (a,) = started(personas, 1)
    (b,) = started(personas, 1, area=personas.tree.village_b1)
    page = client_for(personas.village_a1).get(LIST).content.decode()
    assert a.household.household_no in page and b.household.household_no not in page
    page = client_for(personas.village_b1).get(LIST).content.decode()
    assert b.household.household_no in page and a.household.household_no not in page
    page = client_for(personas.township_a).get(LIST).content.decode()
    assert a.household.household_no in page and b.household.household_no not in page
    page = client_for(personas.county_admin).get(LIST).content.decode()
    assert a.household.household_no in page and b.household.household_no in page


@pytest.mark.parametrize("who", ["no_role", "department"])
def test_users_without_the_view_capability_are_refused_every_page(personas, client_for, who):
    (p,) = started(personas, 1)
    client = client_for(getattr(personas, who))
    for url in (
        LIST,
        detail(p),
        reverse("workflows:batch"),
        reverse("workflows:procedure-start"),
        reverse("workflows:template-list"),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("workflows:procedure-pass", args=[p.pk]), {})
    assert response.status_code == 403
    assert not StepRecord.objects.exists()


def test_detail_of_another_villages_procedure_is_not_found(personas, client_for):
    (p,) = started(personas, 1)
    client = client_for(personas.village_b1)
    assert client.get(detail(p)).status_code == 404
    response = client.post(reverse("workflows:procedure-pass", args=[p.pk]), {"pass-comment": "x"})
    assert response.status_code == 404
    assert not StepRecord.objects.exists()


def test_filters_and_step_counts(personas, client_for):
    procs = at_appraisal(personas, 2) + started(personas, 1)
    old = procs[2]
    Procedure.objects.filter(pk=old.pk).update(step_since=timezone.now() - datetime.timedelta(days=20))
    client = client_for(personas.village_a1)
    page = client.get(LIST, {"kind": "reappraisal"}).content.decode()
    assert 'data-step="appraisal"' in page and "民主评议 2" in page and "入户核实 1" in page
    page = client.get(LIST, {"step": "verify"}).content.decode()
    assert old.household.household_no in page and procs[0].household.household_no not in page
    page = client.get(LIST, {"overdue": "1"}).content.decode()
    assert old.household.household_no in page and procs[0].household.household_no not in page
    assert "超期" in page
    page = client.get(LIST, {"q": procs[1].household.head_name}).content.decode()
    assert procs[1].household.household_no in page and procs[0].household.household_no not in page
    page = client.get(LIST, {"area": personas.tree.village_b1.code}).content.decode()
    assert "没有符合条件的办理程序" in page


def test_detail_shows_timeline_with_the_current_step_and_the_records(personas, client_for):
    (p,) = at_appraisal(personas, 1)
    page = client_for(personas.village_a1).get(detail(p)).content.decode()
    assert 'data-step="appraisal" data-state="current"' in page
    assert 'data-step="verify" data-state="done"' in page
    assert 'data-step="county_review" data-state="pending"' in page
    assert 'data-testid="household-link"' in page
    assert reverse("register:household-detail", args=[p.household_id]) in page
    # a batch step: no single pass form, a link to the batch page instead
    assert 'data-testid="pass-form"' not in page and 'data-testid="batch-link"' in page


def test_village_officer_passes_a_step_with_comment_and_evidence(personas, client_for):
    (p,) = started(personas, 1)
    client = client_for(personas.village_a1)
    page = client.get(detail(p)).content.decode()
    assert 'data-testid="pass-form"' in page
    response = client.post(
        reverse("workflows:procedure-pass", args=[p.pk]),
        {
            "step_code": "verify",
            "pass-comment": "已入户核实",
            "pass-acted_on": str(timezone.localdate()),
            "pass-file_kind": "photo",
            "pass-files": [SimpleUploadedFile("门前.png", PNG, content_type="image/png")],
        },
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.current_step.code == "appraisal"
    record = StepRecord.objects.get(procedure=p)
    assert record.comment == "已入户核实" and record.actor == personas.village_a1
    evidence = Evidence.objects.get(record=record)
    assert evidence.kind == "photo"
    page = client.get(detail(p)).content.decode()
    url = reverse("workflows:evidence-download", args=[evidence.pk])
    assert url in page and "已入户核实" in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "inline" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PNG
    assert client_for(personas.village_b1).get(url).status_code == 404
    assert client_for(personas.township_a).get(url).status_code == 200


def test_bad_upload_is_shown_on_the_form_and_writes_nothing(personas, client_for):
    (p,) = started(personas, 1)
    response = client_for(personas.village_a1).post(
        reverse("workflows:procedure-pass", args=[p.pk]),
        {"step_code": "verify", "pass-files": [SimpleUploadedFile("a.png", b"not a png at all")]},
    )
    assert response.status_code == 400
    assert "内容与扩展名不符" in response.content.decode()
    p.refresh_from_db()
    assert p.current_step.code == "verify" and not StepRecord.objects.exists()
    assert not Evidence.objects.exists()


def test_a_village_officer_cannot_pass_a_township_step_through_the_page(personas, client_for):
    (p,) = at_township_review(personas, 1)
    client = client_for(personas.village_a1)
    page = client.get(detail(p)).content.decode()
    assert 'data-testid="pass-form"' not in page and 'data-testid="send-back-form"' not in page
    assert 'data-testid="cancel-form"' in page  # the village level may still withdraw it
    before = StepRecord.objects.count()
    response = client.post(
        reverse("workflows:procedure-pass", args=[p.pk]),
        {"step_code": "township_review", "pass-comment": "同意"},
    )
    assert response.status_code == 403
    assert "无权办理" in response.content.decode() and "乡镇" in response.content.decode()
    assert StepRecord.objects.count() == before
    p.refresh_from_db()
    assert p.current_step.code == "township_review"


def test_send_back_needs_a_reason_and_an_earlier_target(personas, client_for):
    (p,) = at_township_review(personas, 1)
    client = client_for(personas.township_a)
    url = reverse("workflows:procedure-send-back", args=[p.pk])
    response = client.post(url, {"back-to_step": "verify", "back-reason": ""})
    assert response.status_code == 400 and "请填写退回理由" in response.content.decode()
    response = client.post(url, {"back-to_step": "verify", "back-reason": "收入数据需复核"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.current_step.code == "verify"
    page = client.get(detail(p)).content.decode()
    assert "收入数据需复核" in page and "退回至" in page and "入户核实" in page


def test_reject_and_cancel_through_the_page(personas, client_for):
    a, b = at_appraisal(personas, 2)
    client = client_for(personas.village_a1)
    response = client.post(reverse("workflows:procedure-reject", args=[a.pk]), {"reject-reason": ""})
    assert response.status_code == 400 and "请填写不通过理由" in response.content.decode()
    response = client.post(
        reverse("workflows:procedure-reject", args=[a.pk]), {"reject-reason": "不符合条件"}
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == ProcedureStatus.REJECTED and a.outcome_reason == "不符合条件"
    # the cadre sees the procedure but may not cancel it
    response = client_for(personas.cadre).post(
        reverse("workflows:procedure-cancel", args=[b.pk]), {"cancel-reason": "撤回"}
    )
    assert response.status_code == 403 and "只有发起人或村级经办人" in response.content.decode()
    client = client_for(personas.village_a1)  # the same test client, logged in again
    response = client.post(reverse("workflows:procedure-cancel", args=[b.pk]), {"cancel-reason": "农户撤回"})
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.status == ProcedureStatus.CANCELLED
    assert AuditEvent.objects.filter(action="procedure.cancelled", target_id=str(b.pk)).exists()
    page = client.get(detail(b)).content.decode()
    assert 'data-testid="actions"' not in page and "农户撤回" in page


def test_override_is_offered_to_the_county_only_and_needs_a_reason(personas, client_for, monkeypatch):
    from jingzhun.workflows import engine

    (p,) = started(personas, 1)
    hit = {"code": "car", "name": "拥有小轿车", "message": "成员名下有小轿车", "overridden": False}
    monkeypatch.setitem(
        engine.KINDS, "reappraisal", engine.KindSpec(kind="reappraisal", findings=lambda proc, step: [hit])
    )
    page = client_for(personas.village_a1).get(detail(p)).content.decode()
    assert "成员名下有小轿车" in page and 'data-testid="override-form"' not in page
    response = client_for(personas.village_a1).post(
        reverse("workflows:procedure-override", args=[p.pk]),
        {"override-codes": ["car"], "override-reason": "x"},
    )
    assert response.status_code == 403
    client = client_for(personas.county_admin)
    assert 'data-testid="override-form"' in client.get(detail(p)).content.decode()
    url = reverse("workflows:procedure-override", args=[p.pk])
    response = client.post(url, {"override-codes": ["car"], "override-reason": ""})
    assert response.status_code == 400 and "请填写批准理由" in response.content.decode()
    response = client.post(url, {"override-codes": ["car"], "override-reason": "车辆为残疾人代步车"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.data["overrides"]["car"]["reason"] == "车辆为残疾人代步车"


def test_the_kinds_step_form_is_rendered_and_its_errors_shown(personas, client_for, monkeypatch):
    from django import forms

    from jingzhun.workflows import engine

    class VerifyForm(forms.Form):
        house_grade = forms.ChoiceField(label="住房等级", choices=[("A", "A"), ("B", "B"), ("C", "C")])

    def step_check(procedure, step, actor, data):
        if data.get("house_grade") == "C":
            from jingzhun.core.errors import DomainError

            raise DomainError("C级住房须先改造", field="house_grade")

    monkeypatch.setitem(
        engine.KINDS,
        "reappraisal",
        engine.KindSpec(
            kind="reappraisal",
            form_for=lambda step: VerifyForm if step.code == "verify" else None,
            step_check=step_check,
        ),
    )
    (p,) = started(personas, 1)
    client = client_for(personas.village_a1)
    assert "住房等级" in client.get(detail(p)).content.decode()
    url = reverse("workflows:procedure-pass", args=[p.pk])
    response = client.post(url, {"step_code": "verify"})
    assert response.status_code == 400 and 'data-field="house_grade"' in response.content.decode()
    response = client.post(url, {"step_code": "verify", "data-house_grade": "C"})
    assert response.status_code == 400 and "C级住房须先改造" in response.content.decode()
    response = client.post(url, {"step_code": "verify", "data-house_grade": "B"})
    assert response.status_code == 302
    record = StepRecord.objects.get(procedure=p)
    assert record.data == {"house_grade": "B"}
    assert "住房等级" in client.get(detail(p)).content.decode()


def test_identification_steps_use_the_kinds_forms(personas, client_for):
    from jingzhun.identification.tests.factories import application_data, survey_data
    from jingzhun.register.tests.factories import make_household
    from jingzhun.workflows import services

    h = make_household(area=personas.tree.village_a1, actor=personas.county_admin)
    p = services.procedure_start(actor=personas.village_a1, kind="identification", household=h)
    client = client_for(personas.village_a1)
    page = client.get(detail(p)).content.decode()
    assert page.count("已签署家庭经济状况核查") == 1  # the kind's form asks; the engine's box is not repeated
    url = reverse("workflows:procedure-pass", args=[p.pk])
    response = client.post(
        url, {"step_code": "apply", **{f"data-{k}": v for k, v in application_data(authorised="").items()}}
    )
    assert response.status_code == 400 and "授权书" in response.content.decode()
    response = client.post(
        url, {"step_code": "apply", **{f"data-{k}": v for k, v in application_data().items()}}
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.current_step.code == "survey"
    form = {f"data-{k}": v for k, v in survey_data().items()}
    form = {k: ("on" if v is True else v) for k, v in form.items()}
    response = client.post(url, {"step_code": "survey", **form})
    assert response.status_code == 302, response.content.decode()[:3000]
    p.refresh_from_db()
    assert p.current_step.code == "appraisal" and p.data["survey"]["look_house"] == "C"
