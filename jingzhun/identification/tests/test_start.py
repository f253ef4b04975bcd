import pytest
from django.utils import timezone

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.identification import services
from jingzhun.register.choices import MemberStatus
from jingzhun.workflows import services as workflow

from . import helpers
from .factories import application_data

pytestmark = pytest.mark.django_db


def _start(personas, household, **kw):
    return workflow.procedure_start(
        actor=personas.village_a1, kind="identification", household=household, **kw
    )


@pytest.mark.parametrize(("status", "text"), [("poor", "未脱贫"), ("exited", "已脱贫"), ("returned", "返贫")])
def test_registered_households_are_refused(personas, status, text):
    (h,) = helpers.households(
        personas, 1, status=status, year_identified=2016, year_exited=2019 if status != "poor" else None
    )
    with pytest.raises(DomainError) as exc:
        _start(personas, h)
    assert exc.value.code == "registered" and text in exc.value.message


def test_household_without_active_members_is_refused(personas):
    (h,) = helpers.households(personas, 1)
    h.members.update(status=MemberStatus.DECEASED)
    with pytest.raises(DomainError) as exc:
        _start(personas, h)
    assert exc.value.code == "no_members" and "在册成员" in exc.value.message


def test_household_out_of_scope_is_refused(personas):
    (h,) = helpers.households(personas, 1, area=personas.tree.village_b1)
    with pytest.raises(AccessDenied):
        _start(personas, h)


def test_bad_application_is_refused_and_good_one_normalised(personas):
    h1, h2 = helpers.households(personas, 2)
    with pytest.raises(DomainError) as exc:
        _start(personas, h1, data={"application": {"method": "phone"}})
    assert "申请方式" in exc.value.message
    future = (timezone.localdate().replace(year=timezone.localdate().year + 1)).isoformat()
    with pytest.raises(DomainError) as exc:
        _start(personas, h1, data={"application": {"applied_on": future}})
    assert "申请日期" in exc.value.message
    p = _start(personas, h2, data={"application": {"method": "village", "authorised": "on"}})
    assert p.data["application"]["method"] == "village" and p.data["application"]["authorised"] is True


def test_apply_step_needs_the_signed_authorisation(personas):
    (h,) = helpers.households(personas, 1)
    p = _start(personas, h)
    with pytest.raises(DomainError) as exc:
        workflow.step_complete(
            actor=personas.village_a1, procedure=p, data=application_data(authorised=False)
        )
    assert exc.value.code == "no_authorisation"
    workflow.step_complete(actor=personas.village_a1, procedure=p, data=application_data())
    p.refresh_from_db()
    assert p.current_step.code == "survey" and p.data["application"]["authorised"] is True


def test_candidate_start_reports_each_household(personas):
    ok, poor = helpers.households(personas, 1) + helpers.households(
        personas, 1, status="poor", year_identified=2016
    )
    batch, results = services.identification_start(
        actor=personas.village_a1,
        area=personas.tree.village_a1,
        year=timezone.localdate().year,
        households=[ok, poor],
    )
    assert batch is not None
    assert results[0]["procedure"] is not None and results[0]["error"] == ""
    assert results[1]["procedure"] is None and "不能重复识别" in results[1]["error"]
    # a second start of the same household is refused (one running procedure per kind)
    batch2, results2 = services.identification_start(
        actor=personas.village_a1,
        area=personas.tree.village_a1,
        year=timezone.localdate().year,
        households=[ok],
    )
    assert batch2 is None and "办理中" in results2[0]["error"]
    from jingzhun.workflows.models import ProcedureBatch

    assert ProcedureBatch.objects.count() == 1  # the list of a failed start is not kept
