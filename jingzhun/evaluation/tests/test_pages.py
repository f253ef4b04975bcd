"""Pages: the sample and its scope, survey entry (with bad input), results, and the county exit page."""

import pytest

from jingzhun.core.models import AuditEvent
from jingzhun.evaluation import services
from jingzhun.evaluation.models import SampledHousehold, Survey

from .conftest import answers

pytestmark = pytest.mark.django_db


def _post_answers(**extra) -> dict:
    d = answers(**extra)
    return {k: ("1" if v is True else "0" if v is False else v) for k, v in d.items()}


def test_township_officer_sees_only_its_townships_sample(personas, client_for, small_design):
    t = personas.tree
    page = client_for(personas.township_a).get(f"/evaluation/{small_design.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-village="{t.village_a1.code}"' in html and f'data-village="{t.village_b1.code}"' not in html
    b_household = SampledHousehold.objects.filter(
        evaluation=small_design, sampled_village__village=t.village_b1
    )[0]
    assert b_household.household.household_no not in html
    assert client_for(personas.township_a).get(f"/evaluation/{small_design.pk}/households/{b_household.pk}/survey/").status_code == 404  # fmt: skip
    # the county admin sees both, with masked ID numbers of the heads
    html = client_for(personas.county_admin).get(f"/evaluation/{small_design.pk}/").content.decode()
    assert f'data-village="{t.village_b1.code}"' in html and "********" in html


def test_village_officer_cannot_see_or_manage_evaluations(personas, client_for, small_design):
    client = client_for(personas.village_a1)
    assert client.get("/evaluation/").status_code == 403
    assert client.get(f"/evaluation/{small_design.pk}/").status_code == 403
    assert client.post(f"/evaluation/{small_design.pk}/draw/", {"seed": "1"}).status_code == 403
    sv = small_design.villages.first()
    assert (
        client.post(f"/evaluation/{small_design.pk}/village/{sv.pk}/replace/", {"reason": "x"}).status_code
        == 403
    )
    # the township officer may view and survey but not redraw
    client = client_for(personas.township_a)
    client.post(f"/evaluation/{small_design.pk}/draw/", {"seed": "99"})
    small_design.refresh_from_db()
    assert small_design.seed == 20200101
    assert client.get("/evaluation/new/").status_code == 403


def test_bad_survey_input_gives_chinese_field_errors_and_writes_nothing(personas, client_for, small_design):
    t = personas.tree
    sh = SampledHousehold.objects.filter(evaluation=small_design, sampled_village__village=t.village_a1,
                                         poverty_status="exited")[0]  # fmt: skip
    url = f"/evaluation/{small_design.pk}/households/{sh.pk}/survey/"
    client = client_for(personas.township_a)
    events = AuditEvent.objects.count()
    html = client.post(url, {"surveyed_on": "", "surveyor": "", "persons": "0"}).content.decode()
    assert "该字段是必填项" in html and 'data-field="income_stable"' in html
    assert 'data-field="persons"' in html
    # wrongly exited without a reason: the service's error, on its field
    html = client.post(url, _post_answers(income_stable=False)).content.decode()
    assert "判定为错退或漏评时请填写原因" in html and 'data-field="finding_reason"' in html
    html = client.post(url, _post_answers(surveyor="<script>" + "x" * 60)).content.decode()
    assert 'data-field="surveyor"' in html and "<script>xxx" not in html
    assert Survey.objects.count() == 0 and AuditEvent.objects.count() == events
    # a complete answer is saved, the sample moves to 入户调查
    response = client.post(url, _post_answers(income_stable=False, finding_reason="务工中断"))
    assert response.status_code == 302
    survey = Survey.objects.get(sample=sh)
    assert survey.wrongly_exited and survey.entered_by == personas.township_a
    small_design.refresh_from_db()
    assert small_design.status == "surveying"


def test_survey_form_prefills_from_the_register(personas, client_for, small_design):
    sh = SampledHousehold.objects.filter(evaluation=small_design, group="outside")[0]
    html = client_for(personas.county_admin).get(f"/evaluation/{small_design.pk}/households/{sh.pk}/survey/").content.decode()  # fmt: skip
    assert sh.household.household_no in html and 'name="persons"' in html and 'value="4"' in html
    assert 'name="meets_criteria"' in html and 'name="income_stable"' not in html
    assert "没有该户的退出评估结果" in html


def _survey_all(personas, ev, wrong_first=True):
    rows = SampledHousehold.objects.filter(evaluation=ev).order_by("area_path", "household_id")
    for i, sh in enumerate(rows):
        extra = {"income_stable": False, "finding_reason": "收入不稳定"} if (i == 0 and wrong_first) else {}
        services.survey_submit(actor=personas.county_admin, sampled=sh, data=answers(**extra))


def test_county_page_shows_the_latest_closed_evaluation(personas, client_for, small_design):
    client = client_for(personas.county_admin)
    html = client.get("/assessment/county/").content.decode()
    assert html.count("待评估") >= 3 and "暂按登记口径" in html
    _survey_all(personas, small_design)
    services.evaluation_close(actor=personas.county_admin, evaluation=small_design)
    html = client.get("/assessment/county/").content.decode()
    # 错退: 4 of 16 sampled exited persons = 25 %; 漏评 0; 认可 100 %
    assert 'data-testid="wrong-exit">25.00%' in html and 'data-testid="missed">0.00%' in html
    assert 'data-testid="approval">100.00%' in html and f"/evaluation/{small_design.pk}/results/" in html
    assert "含漏评、错退估计" in html and "待评估" not in html


def test_results_page_drills_down_within_the_users_scope(personas, client_for, small_design):
    t = personas.tree
    _survey_all(personas, small_design)
    services.evaluation_close(actor=personas.county_admin, evaluation=small_design)
    wrong = Survey.objects.get(wrongly_exited=True).sample
    html = client_for(personas.county_admin).get(f"/evaluation/{small_design.pk}/results/?drill=wrong_exit").content.decode()  # fmt: skip
    assert "25.00%" in html and wrong.household.household_no in html and "收入不稳定" in html
    in_a = wrong.area_path.startswith(t.township_a.path)
    html = client_for(personas.township_a).get(f"/evaluation/{small_design.pk}/results/?drill=wrong_exit").content.decode()  # fmt: skip
    assert (wrong.household.household_no in html) == in_a
    assert "25.00%" in html  # the county figures themselves are the same for every viewer


def test_county_admin_creates_and_draws_through_the_pages(personas, client_for, county_two_villages):
    from jingzhun.evaluation.models import Evaluation

    client = client_for(personas.county_admin)
    html = client.get("/evaluation/new/").content.decode()
    assert 'name="households_per_village"' in html and 'value="10"' in html  # policy default
    form = {"county": county_two_villages.county.pk, "year": "2025", "kind": "pre", "title": "", "note": "",
            "village_share": "5", "poor_villages_min": "1", "nonpoor_villages_min": "1",
            "households_per_village": "-1", "registered_share": "50"}  # fmt: skip
    html = client.post("/evaluation/new/", form).content.decode()
    assert 'data-field="households_per_village"' in html and not Evaluation.objects.exists()
    response = client.post("/evaluation/new/", {**form, "households_per_village": "4"})
    ev = Evaluation.objects.get()
    assert response.status_code == 302 and ev.title == "测试县2025年预评估"
    client.post(f"/evaluation/{ev.pk}/draw/", {"seed": "123"})
    ev.refresh_from_db()
    assert ev.seed == 123 and ev.villages.count() == 2 and ev.households.count() == 8
    html = client.get(f"/evaluation/{ev.pk}/").content.decode()
    assert 'data-testid="seed">123<' in html and "0 / 8" in html
    html = client.get(f"/evaluation/{ev.pk}/results/").content.decode()
    assert "评估尚未结束" in html and 'data-testid="row-approval"' in html
    assert "抽样评估" in client.get("/evaluation/").content.decode()


def test_replacing_through_the_page_keeps_the_original(personas, client_for, small_design):
    sh = SampledHousehold.objects.filter(evaluation=small_design)[0]
    client = client_for(personas.county_admin)
    url = f"/evaluation/{small_design.pk}/household/{sh.pk}/replace/"
    client.post(url, {"reason": ""})
    sh.refresh_from_db()
    assert sh.is_active  # no reason: refused
    assert (
        client.post(f"/evaluation/{small_design.pk}/other/{sh.pk}/replace/", {"reason": "x"}).status_code
        == 404
    )
    client.post(url, {"reason": "户主外出务工"})
    sh.refresh_from_db()
    # 甲一村 and 乙一村 have exactly two households per group, all drawn: nothing left to draw
    assert sh.is_active
    messages = [str(m) for m in client.get(f"/evaluation/{small_design.pk}/").context["messages"]]
    assert any("没有可替换的农户" in m for m in messages)
