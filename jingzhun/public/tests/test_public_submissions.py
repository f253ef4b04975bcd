"""Appeals, complaints and self-reports: public form, receipt, officials' scoped list, handling, to-do."""

import pytest
from django.urls import reverse

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.models import AuditEvent
from jingzhun.public import selectors, services
from jingzhun.public.choices import SubmissionStatus
from jingzhun.public.models import PublicSubmission

from .factories import old_stamp, published_notice

pytestmark = pytest.mark.django_db


def submit(client, area, **extra):
    data = {
        "kind": "self_report",
        "content": "家里老人生病住院，花了很多钱，生活困难",
        "name": "",
        "phone": "",
        "website": "",
        "stamp": old_stamp(),
        **extra,
    }
    return client.post(
        reverse("public:submit", args=[area.code]), data, REMOTE_ADDR=extra.pop("ip", "127.0.0.1")
    )


@pytest.fixture
def two_villages(personas):
    published_notice(personas)  # the county now has a notice: its villages are on the portal
    return personas.tree.village_a1, personas.tree.village_b1


def test_anonymous_self_report_gets_a_receipt(client, two_villages):
    a1, _b1 = two_villages
    page = client.get(reverse("public:submit", args=[a1.code]))
    assert page.status_code == 200 and "农户自主申报" in page.content.decode()
    response = submit(client, a1)
    assert response.status_code == 302
    receipt = client.get(response["Location"]).content.decode()
    s = PublicSubmission.objects.get()
    assert s.receipt_no in receipt and s.receipt_no.startswith("SB")
    assert s.area == a1 and s.area_path == a1.path and s.status == SubmissionStatus.NEW
    assert s.contact_name == "" and len(s.source_key) == 48
    assert AuditEvent.objects.filter(action="public.submission", actor__isnull=True).exists()


def test_submission_for_a_group_goes_to_its_village(client, personas, two_villages):
    response = client.get(reverse("public:submit", args=[personas.tree.group_a1_1.code]))
    assert response.status_code == 302
    assert response["Location"].endswith(reverse("public:submit", args=[personas.tree.village_a1.code]))


def test_submission_needs_a_village_on_the_portal(client, personas, two_villages):
    assert client.get(reverse("public:submit", args=[personas.tree.township_a.code])).status_code == 404
    assert client.get(reverse("public:submit", args=["999999999999"])).status_code == 404


def test_submission_bad_input_refused(client, two_villages):
    a1, _ = two_villages
    for extra, message in [
        ({"kind": "nonsense"}, "选择一个有效的选项"),
        ({"content": "难"}, "至少 5 个字"),
        ({"phone": "12"}, "联系电话格式不正确"),
    ]:
        response = submit(client, a1, **extra)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not PublicSubmission.objects.exists()


def test_officials_see_submissions_of_their_area_only(client, client_for, personas, two_villages):
    a1, b1 = two_villages
    submit(client, a1, content="甲一村的困难申报，请上门")
    submit(client, b1, content="乙一村的投诉内容，请核实", kind="complaint")
    url = reverse("public:submission-list")
    a_html = client_for(personas.village_a1).get(url).content.decode()
    assert "甲一村的困难申报" in a_html and "乙一村的投诉内容" not in a_html
    b_html = client_for(personas.village_b1).get(url).content.decode()
    assert "乙一村的投诉内容" in b_html and "甲一村的困难申报" not in b_html
    t_html = client_for(personas.township_a).get(url).content.decode()
    assert "甲一村的困难申报" in t_html and "乙一村的投诉内容" not in t_html
    assert client_for(personas.no_role).get(url).status_code == 403
    assert client_for(personas.cadre).get(url).status_code == 403
    assert {s.area_path for s in selectors.submissions_for(personas.village_a1)} == {a1.path}
    assert selectors.submissions_for(personas.county_admin).count() == 2
    assert not selectors.submissions_for(personas.department).exists()


def test_handling_a_submission(client, client_for, personas, two_villages):
    a1, _ = two_villages
    submit(client, a1)
    s = PublicSubmission.objects.get()
    assert selectors.todo_items(personas.village_a1)[0]["count"] == 1
    assert selectors.todo_items(personas.village_b1) == []
    assert selectors.todo_items(personas.no_role) == []
    other = client_for(personas.village_b1)
    assert (
        other.post(
            reverse("public:submission-handle", args=[s.pk]),
            {f"s{s.pk}-status": "handled", f"s{s.pk}-note": "x"},
        ).status_code
        == 404
    )
    officer = client_for(personas.village_a1)
    officer.post(
        reverse("public:submission-handle", args=[s.pk]),
        {f"s{s.pk}-status": "converted", f"s{s.pk}-note": "已上门核实，纳入监测预警"},
    )
    s.refresh_from_db()
    assert s.status == SubmissionStatus.CONVERTED and s.handled_by == personas.village_a1
    assert AuditEvent.objects.filter(action="public.submission_handle", target_id=str(s.pk)).exists()
    assert selectors.todo_items(personas.village_a1) == []


def test_submission_handle_rules(client, personas, two_villages):
    a1, _ = two_villages
    submit(client, a1)
    s = PublicSubmission.objects.get()
    with pytest.raises(AccessDenied):
        services.submission_handle(actor=personas.village_b1, submission=s, note="处理", status="handled")
    with pytest.raises(DomainError, match="处理情况"):
        services.submission_handle(actor=personas.village_a1, submission=s, note=" ", status="handled")
    with pytest.raises(DomainError, match="处理结果"):
        services.submission_handle(actor=personas.village_a1, submission=s, note="处理", status="new")
    services.submission_handle(actor=personas.village_a1, submission=s, note="转监测", status="converted")
    with pytest.raises(DomainError):
        services.submission_handle(actor=personas.village_a1, submission=s, note="改", status="handled")


def test_submission_api_is_scoped(client, client_for, personas, two_villages):
    a1, b1 = two_villages
    submit(client, a1, phone="13911112222")
    submit(client, b1, content="乙一村的投诉内容，请核实")
    api = client_for(personas.village_a1)
    data = api.get("/api/v1/public/submissions/").json()
    rows = data["results"] if isinstance(data, dict) and "results" in data else data
    assert [r["area_code"] for r in rows] == [a1.code]
    assert rows[0]["contact_phone"] == "13911112222"
    b_pk = PublicSubmission.objects.get(area=b1).pk
    assert api.get(f"/api/v1/public/submissions/{b_pk}/").status_code == 404
    assert client_for(personas.no_role).get("/api/v1/public/submissions/").status_code == 403
    a_pk = rows[0]["id"]
    api = client_for(personas.village_a1)  # the same test client: log the officer in again
    bad = api.post(
        f"/api/v1/public/submissions/{a_pk}/handle/", {"status": "handled"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "note" in bad.json()
    ok = api.post(
        f"/api/v1/public/submissions/{a_pk}/handle/",
        {"status": "handled", "note": "已电话回复"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "handled"
