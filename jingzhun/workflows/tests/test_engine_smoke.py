import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.identification.tests.factories import survey_data
from jingzhun.register.tests.factories import make_household
from jingzhun.workflows import notices, services
from jingzhun.workflows.choices import ProcedureStatus

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


@pytest.mark.django_db
def test_smoke_identification_flow(personas):
    t = personas.tree
    hh = [make_household(area=t.village_a1, actor=personas.county_admin) for _ in range(3)]
    v = personas.village_a1
    procs = [services.procedure_start(actor=v, kind="identification", household=h) for h in hh]
    for p in procs:
        with pytest.raises(DomainError):
            services.step_complete(actor=v, procedure=p, data=survey_data())
        services.step_complete(actor=v, procedure=p, data={"authorised": True})
        services.step_complete(actor=v, procedure=p, data=survey_data())
    out = services.batch_complete(
        actor=v,
        procedures=procs,
        meeting={"representatives": 30, "present": 21},
        results={
            procs[0].pk: {"votes_for": 20, "votes_against": 1},
            procs[1].pk: {"votes_for": 14},
            procs[2].pk: {"votes_for": 5},
        },
    )
    assert [o["result"] for o in out] == ["passed", "passed", "failed"]
    with pytest.raises(AccessDenied):
        services.batch_complete(actor=personas.village_b1, procedures=procs[:2])
    n = notices.notice_publish(
        actor=v, procedures=procs[:2], start_date=timezone.localdate() - datetime.timedelta(days=8)
    )
    assert notices.close_blockers(n)
    notices.notice_add_evidence(actor=v, notice=n, upload=SimpleUploadedFile("a.png", PNG))
    o = notices.objection_record(
        actor=v, channel="phone", notice=n, entry=n.entries.first(), content="该户有小轿车，不符合条件"
    )
    with pytest.raises(DomainError):
        notices.notice_close(actor=v, notice=n)
    notices.objection_answer(actor=v, objection=o, outcome="dismissed", answer="经核实车辆已于去年报废")
    passed = notices.notice_close(actor=v, notice=n)
    assert len(passed) == 2
    procs[0].refresh_from_db()
    assert procs[0].current_step.code == "township_review"
    assert procs[2].__class__.objects.get(pk=procs[2].pk).status == ProcedureStatus.REJECTED
