"""Abuse resistance without CAPTCHA: honeypot, signed form time, rate limits, duplicates."""

import time

import pytest
from django.test import override_settings
from django.urls import reverse

from jingzhun.public import guard
from jingzhun.public.models import PublicSubmission
from jingzhun.workflows.models import Objection

from .factories import objection_post, old_stamp, published_notice

pytestmark = pytest.mark.django_db


def post(client, notice, **extra):
    return client.post(reverse("public:notice", args=[notice.public_id]), objection_post(**extra))


def test_honeypot_filled_is_refused_and_nothing_stored(client, personas):
    notice = published_notice(personas)
    response = post(client, notice, website="http://spam.example")
    assert response.status_code == 400
    assert "提交未成功" in response.content.decode()
    assert not Objection.objects.exists()


def test_form_sent_back_within_three_seconds_is_refused(client, personas):
    notice = published_notice(personas)
    response = post(client, notice, stamp=guard.stamp_issue())
    assert response.status_code == 400
    assert "提交太快了" in response.content.decode()
    assert not Objection.objects.exists()


def test_stale_or_forged_or_missing_stamp_is_refused(client, personas):
    notice = published_notice(personas)
    stale = post(client, notice, stamp=old_stamp(2 * 3600 + 5))
    assert stale.status_code == 400 and "表单已失效" in stale.content.decode()
    forged = post(client, notice, stamp=old_stamp(10)[:-3] + "abc")
    assert forged.status_code == 400 and "表单已失效" in forged.content.decode()
    missing = post(client, notice, stamp="")
    assert missing.status_code == 400
    assert not Objection.objects.exists()


def test_stamp_check_bounds():
    now = time.time()
    guard.stamp_check(guard.stamp_issue(now - 3.5), now=now)
    guard.stamp_check(guard.stamp_issue(now - 7100), now=now)
    with pytest.raises(guard.DomainError):
        guard.stamp_check(guard.stamp_issue(now - 1), now=now)
    with pytest.raises(guard.DomainError):
        guard.stamp_check(guard.stamp_issue(now - 7300), now=now)


def test_same_content_from_same_source_within_a_day_is_refused(client, personas):
    notice = published_notice(personas)
    assert post(client, notice).status_code == 302
    again = post(client, notice, content=" 该户家里有小轿车，\n不符合条件 ")
    assert again.status_code == 400
    assert "请勿重复提交" in again.content.decode()
    assert Objection.objects.count() == 1
    # the same words from another device are a different source
    other = client.post(
        reverse("public:notice", args=[notice.public_id]), objection_post(), HTTP_USER_AGENT="Other phone"
    )
    assert other.status_code == 302
    assert Objection.objects.count() == 2


def test_more_than_five_posts_an_hour_from_one_ip_are_refused(client, personas):
    notice = published_notice(personas)
    for i in range(5):
        assert post(client, notice, content=f"第{i}条异议：该户情况不实").status_code == 302
    sixth = post(client, notice, content="第六条异议：该户情况不实")
    assert sixth.status_code == 400
    assert "提交得太频繁" in sixth.content.decode()
    assert Objection.objects.count() == 5


def test_ip_limit_holds_even_when_the_cache_is_empty(client, personas):
    """Another worker process has its own cache: the stored rows still count."""
    notice = published_notice(personas)
    for i in range(5):
        assert post(client, notice, content=f"第{i}条异议：该户情况不实").status_code == 302
    guard._cache().clear()
    assert post(client, notice, content="第六条异议：该户情况不实").status_code == 400


def test_notice_daily_limit_applies_across_ips(client, personas):
    notice = published_notice(personas)
    with override_settings(JINGZHUN_PUBLIC_LIMITS={"per_target_day": 3}):
        for i in range(3):
            response = client.post(
                reverse("public:notice", args=[notice.public_id]),
                objection_post(content=f"异议内容第{i}条，请核实"),
                REMOTE_ADDR=f"10.0.0.{i + 1}",
            )
            assert response.status_code == 302
        fourth = client.post(
            reverse("public:notice", args=[notice.public_id]),
            objection_post(content="异议内容第四条，请核实"),
            REMOTE_ADDR="10.0.0.9",
        )
    assert fourth.status_code == 400
    assert "今天收到的网上反映已达上限" in fourth.content.decode()


def test_submission_form_is_guarded_too(client, personas):
    published_notice(personas)
    url = reverse("public:submit", args=[personas.tree.village_a1.code])
    data = {"kind": "self_report", "content": "家里老人生病住院，花了很多钱", "stamp": guard.stamp_issue()}
    assert client.post(url, data).status_code == 400
    assert client.post(url, data | {"stamp": old_stamp(), "website": "x"}).status_code == 400
    assert not PublicSubmission.objects.exists()
    assert client.post(url, data | {"stamp": old_stamp()}).status_code == 302
    assert PublicSubmission.objects.count() == 1


def test_csrf_stays_on(personas):
    from django.test import Client

    notice = published_notice(personas)
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("public:notice", args=[notice.public_id]), objection_post())
    assert response.status_code == 403
    assert not Objection.objects.exists()


def test_messages_the_system_records_neither_use_nor_meet_the_portal_limits(personas):
    """The demo records sample messages from a fixed source: they bypass the limits and leave the counters
    as they were, so the next real visitor from that source is still counted from zero."""
    from jingzhun.public.services import submission_create

    village = personas.tree.village_a1
    source = guard.Source(ip_hash="0" * 24, key="0" * 48)
    for i in range(guard._limits()["per_ip_hour"] + 2):
        submission_create(
            area=village, kind="appeal", content=f"第 {i} 条留言内容", source=source, rate_limited=False
        )
    assert (
        PublicSubmission.objects.filter(source_key=source.key).count() == guard._limits()["per_ip_hour"] + 2
    )
    assert all(
        guard._cache().get(key, 0) == 0 for key, _limit, _ttl in guard._keys(source, f"area:{village.path}")
    )
