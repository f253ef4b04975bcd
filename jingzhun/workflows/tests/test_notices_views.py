"""Notice pages for officials: scoping, publishing a list, posting photo, objections, answers, close."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jingzhun.public.tests.factories import (
    KIND,
    NOTICE_STEP,
    at_first_notice,
    head_id,
    photo,
    published_notice,
)
from jingzhun.workflows.choices import NoticeStatus, ObjectionStatus
from jingzhun.workflows.models import Evidence, Notice, Objection

pytestmark = pytest.mark.django_db


def detail(notice):
    return reverse("workflows:notice-detail", args=[notice.pk])


def test_village_officer_sees_own_notices_only(client_for, personas):
    a = published_notice(personas)
    b = published_notice(personas, area=personas.tree.village_b1)
    c = client_for(personas.village_a1)
    html = c.get(reverse("workflows:notice-list")).content.decode()
    assert f'data-pk="{a.pk}"' in html and f'data-pk="{b.pk}"' not in html
    assert c.get(detail(a)).status_code == 200
    assert c.get(detail(b)).status_code == 404
    assert c.get(reverse("workflows:notice-poster", args=[b.pk])).status_code == 404
    county = client_for(personas.county_admin).get(reverse("workflows:notice-list")).content.decode()
    assert f'data-pk="{a.pk}"' in county and f'data-pk="{b.pk}"' in county


def test_no_role_is_refused(client_for, personas):
    a = published_notice(personas)
    c = client_for(personas.no_role)
    assert c.get(reverse("workflows:notice-list")).status_code == 403
    assert c.get(detail(a)).status_code == 403
    assert c.get(reverse("workflows:notice-publish")).status_code == 403


def test_list_filters(client_for, personas):
    a = published_notice(personas)
    c = client_for(personas.county_admin)
    url = reverse("workflows:notice-list")
    assert f'data-pk="{a.pk}"' in c.get(url, {"status": "published", "period": "current"}).content.decode()
    assert f'data-pk="{a.pk}"' not in c.get(url, {"status": "closed"}).content.decode()
    assert f'data-pk="{a.pk}"' not in c.get(url, {"period": "ended"}).content.decode()
    assert f'data-pk="{a.pk}"' in c.get(url, {"area": personas.tree.village_a1.code}).content.decode()
    assert f'data-pk="{a.pk}"' not in c.get(url, {"area": personas.tree.village_b1.code}).content.decode()
    assert f'data-pk="{a.pk}"' not in c.get(url, {"procedure_kind": "identification"}).content.decode()
    head = a.entries.first().head_name
    assert f'data-pk="{a.pk}"' in c.get(url, {"q": head}).content.decode()


def test_publish_page_lists_waiting_households_and_publishes(client_for, personas):
    procs = at_first_notice(personas, n=3)
    at_first_notice(personas, area=personas.tree.village_b1, n=1)
    c = client_for(personas.village_a1)
    listing = c.get(reverse("workflows:notice-list")).content.decode()
    assert 'data-testid="publish-link"' in listing
    url = (
        reverse("workflows:notice-publish")
        + f"?kind={KIND}&step={NOTICE_STEP}&area={personas.tree.village_a1.code}"
    )
    page = c.get(url)
    html = page.content.decode()
    assert html.count('data-testid="publish-row"') == 3
    assert "村务公开栏" in html and "12317" in html
    response = c.post(
        url,
        {
            "procedures": [procs[0].pk, procs[1].pk],
            "title": "甲一村清退公示",
            "start_date": timezone.localdate().isoformat(),
            "place": "村务公开栏",
            "issuing_unit": "甲一村村民委员会",
            "phones": "12317, 0834-1234567",
            "body": "现予公示",
        },
    )
    notice = Notice.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(notice)
    assert notice.entries.count() == 2 and notice.end_date == notice.start_date + datetime.timedelta(days=6)
    again = c.get(url).content.decode()
    assert again.count('data-testid="publish-row"') == 1  # the two listed ones are not offered again


def test_publish_refuses_empty_selection_and_other_village(client_for, personas):
    at_first_notice(personas, n=1)
    c = client_for(personas.village_b1)
    url = (
        reverse("workflows:notice-publish")
        + f"?kind={KIND}&step={NOTICE_STEP}&area={personas.tree.village_a1.code}"
    )
    html = c.get(url).content.decode()
    assert 'data-testid="publish-row"' not in html  # out of scope: nothing listed, no form
    a = client_for(personas.village_a1)
    url_a = (
        reverse("workflows:notice-publish")
        + f"?kind={KIND}&step={NOTICE_STEP}&area={personas.tree.village_a1.code}"
    )
    response = a.post(
        url_a,
        {
            "title": "x",
            "start_date": timezone.localdate().isoformat(),
            "place": "p",
            "issuing_unit": "u",
            "phones": "12317",
        },
    )
    assert response.status_code == 200 and "请至少选择一户" in response.content.decode()
    assert not Notice.objects.exists()


def test_detail_shows_masked_ids_and_never_the_full_id(client_for, personas):
    notice = published_notice(personas)
    html = client_for(personas.county_admin).get(detail(notice)).content.decode()
    entry = notice.entries.first()
    assert entry.masked_id in html and head_id(notice) not in html
    assert 'id="audit-panel"' in html and "notice.publish" in html


def test_official_records_and_answers_objection_then_closes(client_for, personas):
    notice = published_notice(personas, days_ago=6)
    c = client_for(personas.village_a1)
    bad = c.post(reverse("workflows:notice-evidence", args=[notice.pk]), {"file": photo("x.exe")})
    assert bad.status_code == 400 and "类型不支持" in bad.content.decode()
    c.post(reverse("workflows:notice-evidence", args=[notice.pk]), {"file": photo()})
    ev = Evidence.objects.get(notice=notice)
    assert c.get(reverse("workflows:notice-evidence-file", args=[notice.pk, ev.pk])).status_code == 200
    other = client_for(personas.village_b1)
    assert other.get(reverse("workflows:notice-evidence-file", args=[notice.pk, ev.pk])).status_code == 404
    c = client_for(personas.village_a1)
    entry = notice.entries.first()
    c.post(
        reverse("workflows:notice-objection", args=[notice.pk]),
        {
            "channel": "phone",
            "entry": entry.pk,
            "submitter_name": "王五",
            "submitter_phone": "",
            "content": "该户在城里有商品房",
        },
    )
    o = Objection.objects.get()
    assert o.recorded_by == personas.village_a1 and o.channel == "phone"
    Notice.objects.filter(pk=notice.pk).update(end_date=notice.end_date - datetime.timedelta(days=1))
    html = c.get(detail(notice)).content.decode()
    assert "还有 1 条异议未答复" in html and 'data-testid="answer-form"' in html
    empty = c.post(
        reverse("workflows:notice-objection-answer", args=[notice.pk, o.pk]), {f"o{o.pk}-outcome": "upheld"}
    )
    assert empty.status_code == 400
    c.post(
        reverse("workflows:notice-objection-answer", args=[notice.pk, o.pk]),
        {f"o{o.pk}-outcome": "upheld", f"o{o.pk}-answer": "经核实属实，退回重新核实"},
    )
    o.refresh_from_db()
    entry.refresh_from_db()
    assert o.status == ObjectionStatus.ANSWERED and entry.withdrawn
    c.post(reverse("workflows:notice-close", args=[notice.pk]), {"comment": "期满"})
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED
    remaining = notice.entries.get(withdrawn=False).procedure
    remaining.refresh_from_db()
    assert remaining.current_step.code == "township_review"


def test_other_village_and_cadre_cannot_act(client_for, personas):
    notice = published_notice(personas)
    b = client_for(personas.village_b1)
    assert b.post(reverse("workflows:notice-close", args=[notice.pk])).status_code == 404
    cadre = client_for(personas.cadre)  # may view A1, may not act
    assert cadre.get(detail(notice)).status_code == 200
    assert 'data-testid="record-form"' not in cadre.get(detail(notice)).content.decode()
    assert (
        cadre.post(
            reverse("workflows:notice-objection", args=[notice.pk]),
            {"channel": "phone", "content": "内容内容内容"},
        ).status_code
        == 403
    )
    assert not Objection.objects.exists()
