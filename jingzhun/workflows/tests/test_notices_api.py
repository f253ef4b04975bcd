"""Notices and objections API: scoped reads, publish/evidence/close actions, objections and answers."""

import datetime
import json

import pytest

from jingzhun.public.tests.factories import PNG, at_first_notice, head_id, published_notice
from jingzhun.workflows.models import Notice, Objection

pytestmark = pytest.mark.django_db
BASE = "/api/v1/procedures/notices/"
OBJ = "/api/v1/procedures/objections/"


def rows(response):
    data = response.json()
    return data["results"] if isinstance(data, dict) and "results" in data else data


def test_notice_list_is_scoped_and_masked(client_for, personas):
    a = published_notice(personas)
    b = published_notice(personas, area=personas.tree.village_b1)
    api = client_for(personas.village_a1)
    listed = api.get(BASE)
    assert [n["id"] for n in rows(listed)] == [a.pk]
    assert head_id(a) not in listed.content.decode()
    assert rows(listed)[0]["entries"][0]["masked_id"] == a.entries.get(seq=1).masked_id
    assert api.get(f"{BASE}{b.pk}/").status_code == 404
    detail = api.get(f"{BASE}{a.pk}/").json()
    assert detail["public_url"].endswith(f"/gs/n/{a.public_id}/")
    assert any("照片" in x for x in detail["close_blockers"])
    assert client_for(personas.no_role).get(BASE).status_code == 403
    assert len(rows(client_for(personas.county_admin).get(BASE))) == 2


def test_publish_through_api(client_for, personas):
    procs = at_first_notice(personas, n=2)
    b_procs = at_first_notice(personas, area=personas.tree.village_b1, n=1)
    api = client_for(personas.village_a1)
    empty = api.post(f"{BASE}publish/", {"procedures": []}, content_type="application/json")
    assert empty.status_code == 400 and "procedures" in empty.json()
    foreign = api.post(
        f"{BASE}publish/", {"procedures": [procs[0].pk, b_procs[0].pk]}, content_type="application/json"
    )
    assert foreign.status_code == 400 and "不在您的区域范围内" in foreign.json()["procedures"][0]
    ok = api.post(
        f"{BASE}publish/",
        {"procedures": [p.pk for p in procs], "title": "接口公示"},
        content_type="application/json",
    )
    assert ok.status_code == 201
    assert ok.json()["title"] == "接口公示" and len(ok.json()["entries"]) == 2
    twice = api.post(f"{BASE}publish/", {"procedures": [procs[0].pk]}, content_type="application/json")
    assert twice.status_code == 400 and "已在公示中" in twice.json()["procedures"][0]
    cadre = client_for(personas.cadre)
    refused = cadre.post(
        f"{BASE}publish/", {"procedures": [b.pk for b in procs]}, content_type="application/json"
    )
    assert refused.status_code == 403


def test_evidence_objection_answer_close_through_api(client_for, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    notice = published_notice(personas, days_ago=6)
    api = client_for(personas.village_a1)
    bad = api.post(f"{BASE}{notice.pk}/evidence/", {"file": SimpleUploadedFile("a.png", b"not a png")})
    assert bad.status_code == 400 and "files" in bad.json()
    ok = api.post(f"{BASE}{notice.pk}/evidence/", {"file": SimpleUploadedFile("a.png", PNG)})
    assert ok.status_code == 200
    entry = notice.entries.first()
    created = api.post(
        OBJ,
        {"notice": notice.pk, "entry": entry.pk, "channel": "in_person", "content": "该户有经营性车辆"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["status"] == "open"
    no_channel = api.post(
        OBJ, {"notice": notice.pk, "content": "内容内容内容"}, content_type="application/json"
    )
    assert no_channel.status_code == 400 and "channel" in no_channel.json()
    Notice.objects.filter(pk=notice.pk).update(end_date=notice.end_date - datetime.timedelta(days=1))
    blocked = api.post(f"{BASE}{notice.pk}/close/", {}, content_type="application/json")
    assert blocked.status_code == 400 and "异议未答复" in json.dumps(blocked.json(), ensure_ascii=False)
    oid = created.json()["id"]
    assert [o["id"] for o in rows(api.get(OBJ, {"notice": notice.pk}))] == [oid]
    b = client_for(personas.village_b1)
    assert rows(b.get(OBJ)) == []
    assert b.post(f"{OBJ}{oid}/answer/", {"outcome": "dismissed", "answer": "x"}).status_code == 404
    api = client_for(personas.village_a1)
    missing = api.post(f"{OBJ}{oid}/answer/", {"outcome": "dismissed"}, content_type="application/json")
    assert missing.status_code == 400 and "answer" in missing.json()
    answered = api.post(
        f"{OBJ}{oid}/answer/",
        {"outcome": "dismissed", "answer": "车辆已过户"},
        content_type="application/json",
    )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    closed = api.post(f"{BASE}{notice.pk}/close/", {"comment": "期满"}, content_type="application/json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert Objection.objects.get().answered_by == personas.village_a1


def test_cadre_may_read_but_not_act(client_for, personas):
    notice = published_notice(personas)
    cadre = client_for(personas.cadre)
    assert cadre.get(f"{BASE}{notice.pk}/").status_code == 200
    r = cadre.post(
        OBJ,
        {"notice": notice.pk, "channel": "phone", "content": "内容内容内容"},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert cadre.post(f"{BASE}{notice.pk}/close/", {}, content_type="application/json").status_code == 403
