"""Template revision: validation rules, versions, running procedures keep theirs, audit, the pages."""

import pytest
from django.urls import reverse

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.models import AuditEvent
from jingzhun.register.tests.factories import make_household
from jingzhun.workflows import services
from jingzhun.workflows.models import ProcedureTemplate
from jingzhun.workflows.templates_admin import steps_of, template_revise

pytestmark = pytest.mark.django_db

KIND = "reappraisal"


def national():
    return ProcedureTemplate.objects.get(kind=KIND, area_key="", is_current=True)


def revise(personas, steps, **kw):
    return template_revise(
        actor=personas.county_admin, kind=KIND, county_area=personas.tree.county, steps=steps, **kw
    )


def with_change(index, **change):
    steps = steps_of(national())
    steps[index] = {**steps[index], **change}
    return steps


@pytest.mark.parametrize(
    ("steps", "field", "text"),
    [
        ([], "steps", "至少要有一个环节"),
        (lambda s: s + [dict(s[0])], "code", "重复"),
        (
            lambda s: [{**s[0], "action": "notice", "notice_kind": "publicity"}] + s[1:],
            "action",
            "第一个环节不能是公示",
        ),
        (
            lambda s: s[:1] + [{**s[1], "action": "notice", "notice_kind": ""}] + s[2:],
            "notice_kind",
            "须选择公示类型",
        ),
        (lambda s: s[:1] + [{**s[1], "capability": "workflows.nothing"}] + s[2:], "capability", "不存在"),
        (lambda s: [{**s[0], "send_back_to": "appraisal"}] + s[1:], "send_back_to", "之前的环节"),
        (lambda s: s[:1] + [{**s[1], "config": {"quorum": "3/2"}}] + s[2:], "quorum", "比例"),
        (lambda s: [{**s[0], "code": "Bad Code"}] + s[1:], "code", "小写字母"),
        (lambda s: [{**s[0], "period_days": 400}] + s[1:], "period_days", "0–365"),
    ],
)
def test_revision_rules(personas, steps, field, text):
    steps = steps(steps_of(national())) if callable(steps) else steps
    with pytest.raises(DomainError) as err:
        revise(personas, steps)
    assert err.value.field == field and text in err.value.message
    assert not ProcedureTemplate.objects.filter(area_key=personas.tree.county.path[:6]).exists()


def test_only_county_level_template_holders_may_revise(personas):
    steps = steps_of(national())
    for user in (personas.township_a, personas.village_a1, personas.department):
        with pytest.raises(AccessDenied):
            template_revise(actor=user, kind=KIND, county_area=personas.tree.county, steps=steps)
    with pytest.raises(DomainError):
        template_revise(
            actor=personas.county_admin, kind=KIND, county_area=personas.tree.township_a, steps=steps
        )
    with pytest.raises(AccessDenied):  # another county
        template_revise(
            actor=personas.county_admin, kind=KIND, county_area=personas.tree.other_county, steps=steps
        )


def test_revision_makes_a_new_current_version_and_running_procedures_keep_theirs(personas):
    t = personas.tree
    old_h = make_household(area=t.village_a1, actor=personas.county_admin)
    old = services.procedure_start(actor=personas.county_admin, kind=KIND, household=old_h)
    steps = with_change(0, period_days=3)
    steps.insert(1, {**steps[0], "code": "second_visit", "name": "二次核实", "period_days": 5})
    v1 = revise(personas, steps, name="重新评议（本县）")
    assert v1.version == 1 and v1.is_current and v1.area_key == t.county.path[:6]
    v2 = revise(personas, with_change(0, period_days=4))
    v1.refresh_from_db()
    assert v2.version == 2 and v2.is_current and not v1.is_current
    assert national().is_current  # the national default is untouched
    assert AuditEvent.objects.filter(action="procedure.template_revise", target_id=str(v2.pk)).exists()
    # the procedure started before walks the national steps
    services.step_complete(actor=personas.county_admin, procedure=old, data={})
    old.refresh_from_db()
    assert old.template == national() and old.current_step.code == "appraisal"
    # a new one gets the county's current version
    new = services.procedure_start(
        actor=personas.county_admin,
        kind=KIND,
        household=make_household(area=t.village_a1, actor=personas.county_admin),
    )
    assert new.template == v2 and new.current_step.period_days == 4
    # a procedure in another county still gets the national default
    assert services.template_for(KIND, t.other_county) == national()


def test_revision_with_a_step_added_is_walked_by_new_procedures(personas):
    steps = steps_of(national())
    steps.insert(1, {**steps[0], "code": "second_visit", "name": "二次核实"})
    revise(personas, steps)
    p = services.procedure_start(
        actor=personas.county_admin,
        kind=KIND,
        household=make_household(area=personas.tree.village_a1, actor=personas.county_admin),
    )
    services.step_complete(actor=personas.county_admin, procedure=p, data={})
    p.refresh_from_db()
    assert p.current_step.code == "second_visit"


def test_template_pages(personas, client_for):
    client = client_for(personas.county_admin)
    page = client.get(reverse("workflows:template-list")).content.decode()
    assert "重新评议" in page and f'data-testid="revise-{KIND}"' in page
    page = client.get(reverse("workflows:template-detail", args=[national().pk])).content.decode()
    assert "township_review" in page
    # a township admin may read but not revise
    client = client_for(personas.township_a)
    page = client.get(reverse("workflows:template-list")).content.decode()
    assert "revise-" not in page
    assert client.get(reverse("workflows:template-revise", args=[KIND])).status_code == 403


def _formset_data(personas, steps, **extra):
    data = {
        "county": personas.tree.county.code,
        "t-name": "重新评议（本县）",
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": str(len(steps)),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "30",
    }
    for i, s in enumerate(steps):
        for key in (
            "code",
            "name",
            "level",
            "capability",
            "action",
            "notice_kind",
            "period_days",
            "send_back_to",
        ):
            data[f"steps-{i}-{key}"] = s.get(key) or ""
        if s.get("is_batch"):
            data[f"steps-{i}-is_batch"] = "on"
        data[f"steps-{i}-config"] = "{}"
        data[f"steps-{i}-quorum"] = (s.get("config") or {}).get("quorum", "")
        data[f"steps-{i}-pass_ratio"] = (s.get("config") or {}).get("pass_ratio", "")
        data[f"steps-{i}-ORDER"] = str(s.get("ORDER", i + 1))
    data.update(extra)
    return data


def test_revise_page_reorders_removes_and_reports_errors(personas, client_for):
    client = client_for(personas.county_admin)
    url = reverse("workflows:template-revise", args=[KIND])
    page = client.get(url).content.decode()
    assert 'value="township_review"' in page and "到会比例" in page
    steps = steps_of(national())
    # swap the two reviews, drop nothing: township must stay before county, so put county first → fine for
    # the service (no rule on levels) — instead remove the county review and change a period
    data = _formset_data(personas, steps, **{"steps-3-DELETE": "on", "steps-0-period_days": "9"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    template = ProcedureTemplate.objects.get(kind=KIND, area_key=personas.tree.county.path[:6])
    assert [s["code"] for s in steps_of(template)] == ["verify", "appraisal", "township_review"]
    assert steps_of(template)[0]["period_days"] == 9
    assert steps_of(template)[1]["config"]["quorum"] == "2/3"
    # reorder: township review before appraisal, whose send-back target (verify) stays earlier
    data = _formset_data(personas, steps[:3], **{"steps-2-ORDER": "2", "steps-1-ORDER": "3"})
    response = client.post(url, data)
    assert response.status_code == 302
    template = ProcedureTemplate.objects.get(
        kind=KIND, area_key=personas.tree.county.path[:6], is_current=True
    )
    assert [s["code"] for s in steps_of(template)] == ["verify", "township_review", "appraisal"]
    # an error from the service is shown, nothing saved
    data = _formset_data(personas, steps, **{"steps-0-send_back_to": "appraisal"})
    response = client.post(url, data)
    assert response.status_code == 400 and "之前的环节" in response.content.decode()
    assert ProcedureTemplate.objects.filter(kind=KIND, area_key=personas.tree.county.path[:6]).count() == 2
