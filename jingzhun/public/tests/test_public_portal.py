"""The public portal: no login, only what a notice publishes, objections that reach the officials."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jingzhun.core.models import AuditEvent
from jingzhun.workflows import notices
from jingzhun.workflows.choices import NoticeStatus, ObjectionChannel, ObjectionStatus
from jingzhun.workflows.models import Notice, Objection

from .factories import (
    DISABILITY_CERT,
    HOUSEHOLD_PHONE,
    head_id,
    objection_post,
    photo,
    published_notice,
)

pytestmark = pytest.mark.django_db


def notice_url(notice):
    return reverse("public:notice", args=[notice.public_id])


def test_public_pages_work_without_login(client, personas):
    notice = published_notice(personas)
    a1 = personas.tree.village_a1
    home = client.get(reverse("public:home"))
    assert home.status_code == 200
    html = home.content.decode()
    assert notice.title in html and a1.name in html
    area = client.get(reverse("public:area", args=[a1.code]))
    assert area.status_code == 200 and notice.title in area.content.decode()
    detail = client.get(notice_url(notice))
    assert detail.status_code == 200
    assert "/accounts/login/" in detail.content.decode()  # only the small staff link
    assert 'data-testid="objection-form"' in detail.content.decode()


def test_public_notice_shows_only_notice_fields(client, personas):
    notice = published_notice(personas)
    entry = notice.entries.first()
    full_id = head_id(notice)
    html = client.get(notice_url(notice)).content.decode()
    assert entry.head_name in html and entry.masked_id in html
    assert full_id not in html
    assert full_id[6:14] not in html  # not even the birth date part
    assert HOUSEHOLD_PHONE not in html
    assert DISABILITY_CERT not in html
    household = entry.procedure.household
    assert household.household_no not in html
    spouse = household.members.get(relation="02")
    assert spouse.name not in html


def test_public_views_never_read_households_or_members(client, personas):
    notice = published_notice(personas)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("public:home"))
        client.get(reverse("public:area", args=[personas.tree.village_a1.code]))
        client.get(notice_url(notice))
        client.post(notice_url(notice), objection_post())
    sql = " ".join(q["sql"] for q in ctx.captured_queries).lower()
    assert "register_household" not in sql
    assert "register_member" not in sql


def test_withdrawn_notice_is_not_public(client, personas):
    notice = published_notice(personas)
    Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.WITHDRAWN)
    assert client.get(notice_url(notice)).status_code == 404
    area_html = client.get(reverse("public:area", args=[personas.tree.village_a1.code]))
    assert area_html.status_code == 404 or notice.title not in area_html.content.decode()
    assert notice.title not in client.get(reverse("public:home")).content.decode()


def test_unknown_notice_and_area_are_404(client, personas):
    published_notice(personas)
    assert client.get(reverse("public:notice", args=[uuid.uuid4()])).status_code == 404
    assert client.get(reverse("public:area", args=["999999999999"])).status_code == 404
    # a county without any notice is not offered
    assert client.get(reverse("public:area", args=[personas.tree.other_county.code])).status_code == 404


def test_closed_notice_is_listed_as_past_and_refuses_objections(client, personas):
    notice = published_notice(personas, days_ago=10)
    notices.notice_add_evidence(actor=personas.village_a1, notice=notice, upload=photo())
    notices.notice_close(actor=personas.village_a1, notice=notice)
    html = client.get(notice_url(notice)).content.decode()
    assert 'data-testid="notice-closed"' in html and "objection-form" not in html
    response = client.post(notice_url(notice), objection_post())
    assert response.status_code == 400
    assert not Objection.objects.exists()


def test_public_objection_reaches_the_official_and_blocks_close(client, client_for, personas):
    notice = published_notice(personas, days_ago=6)  # last day of the 7-day period
    notices.notice_add_evidence(actor=personas.village_a1, notice=notice, upload=photo())
    entry = notice.entries.first()
    response = client.post(notice_url(notice), objection_post(entry=str(entry.pk), phone="13800001111"))
    assert response.status_code == 302 and "/gs/receipt/" in response["Location"]
    receipt = client.get(response["Location"]).content.decode()
    objection = Objection.objects.get()
    assert f"YY{timezone.localdate():%Y%m%d}{objection.pk:06d}" in receipt
    assert objection.channel == ObjectionChannel.WEB and objection.entry == entry
    assert objection.recorded_by is None and len(objection.source_key) == 48
    assert AuditEvent.objects.filter(action="objection.record", actor__isnull=True).exists()

    officer = client_for(personas.village_a1)
    detail = officer.get(reverse("workflows:notice-detail", args=[notice.pk])).content.decode()
    assert "该户家里有小轿车" in detail and "13800001111" in detail
    assert "还有 1 条异议未答复" in detail
    Notice.objects.filter(pk=notice.pk).update(end_date=notice.end_date - datetime.timedelta(days=1))
    refused = officer.post(reverse("workflows:notice-close", args=[notice.pk]), {"comment": ""}, follow=True)
    assert "还有 1 条异议未答复" in refused.content.decode()
    Notice.objects.filter(pk=notice.pk).update(end_date=notice.end_date)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PUBLISHED

    officer.post(
        reverse("workflows:notice-objection-answer", args=[notice.pk, objection.pk]),
        {f"o{objection.pk}-outcome": "dismissed", f"o{objection.pk}-answer": "经核实车辆已报废"},
    )
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.ANSWERED
    Notice.objects.filter(pk=notice.pk).update(  # the period has run out
        start_date=notice.start_date - datetime.timedelta(days=2),
        end_date=notice.end_date - datetime.timedelta(days=2),
    )
    officer.post(reverse("workflows:notice-close", args=[notice.pk]), {"comment": "期满无异议"})
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED


def test_objection_to_the_whole_list_is_allowed_anonymously(client, personas):
    notice = published_notice(personas)
    response = client.post(notice_url(notice), objection_post(content="名单漏了困难户王五，请核实"))
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.entry is None and objection.submitter_name == "" and objection.submitter_phone == ""


def test_public_objection_bad_input_is_refused_in_chinese(client, personas):
    notice = published_notice(personas)
    for post, message in [
        (objection_post(content="太短"), "至少 5 个字"),
        (objection_post(content="长" * 1001), "不能超过 1000 个字"),
        (objection_post(phone="abc"), "联系电话格式不正确"),
        (objection_post(entry="999999"), "选择一个有效的选项"),
    ]:
        response = client.post(notice_url(notice), post)
        assert response.status_code == 400, post
        assert message in response.content.decode(), message
    assert not Objection.objects.exists()


def test_public_objection_after_the_period_is_refused(client, personas):
    notice = published_notice(personas)
    Notice.objects.filter(pk=notice.pk).update(
        start_date=timezone.localdate() - datetime.timedelta(days=10),
        end_date=timezone.localdate() - datetime.timedelta(days=3),
    )
    response = client.post(notice_url(notice), objection_post())
    assert response.status_code == 400
    assert not Objection.objects.exists()
