"""贫困村退出公示 on the portal: current and past on the area pages without login, only published figures,
objections from the public under the same guard as the other forms."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jingzhun.assessment import services_village
from jingzhun.assessment.models import VillageExit
from jingzhun.core.errors import DomainError
from jingzhun.core.models import AuditEvent
from jingzhun.public import guard, services
from jingzhun.public.choices import SubmissionKind, SubmissionStatus
from jingzhun.public.models import PublicSubmission, PublicVillageNotice
from jingzhun.register.models import Household

from .factories import CHECK_EVIDENCE, noticed_village_exit, old_stamp, village_objection_post

pytestmark = pytest.mark.django_db


def page_url(exit_):
    return reverse("public:village-notice", args=[exit_.public_notice.public_id])


def sections(html: str) -> tuple[str, str]:
    """(current, past) parts of an area page."""
    current, _sep, past = html.partition("往期公示")
    return current, past


def move_period(exit_, days_back: int) -> None:
    VillageExit.objects.filter(pk=exit_.pk).update(
        notice_start=exit_.notice_start - datetime.timedelta(days=days_back),
        notice_end=exit_.notice_end - datetime.timedelta(days=days_back),
    )


def test_notice_step_opens_the_portal_notice_with_public_figures_only(personas):
    exit_ = noticed_village_exit(personas)
    notice = PublicVillageNotice.objects.get(exit=exit_)
    assert notice.title == "关于乙乡乙一村2019年贫困村退出的公示"
    assert notice.issuing_unit == "乙乡人民政府" and notice.area == personas.tree.village_b1
    assert notice.figures["rate"] == "0.20" and notice.figures["numerator"] == 2
    assert notice.figures["checklist"] and all(c["met"] for c in notice.figures["checklist"])
    assert set(notice.figures["checklist"][0]) == {"name", "met"}  # no evidence, no files, no names
    assert AuditEvent.objects.filter(action="public.village_notice", target_id=str(notice.pk)).exists()


def test_current_village_exit_notice_is_on_the_portal_without_login(client, personas):
    exit_ = noticed_village_exit(personas)
    title = exit_.public_notice.title
    t = personas.tree
    home = client.get(reverse("public:home"))
    assert home.status_code == 200 and title in home.content.decode()
    for area in (t.county, t.township_b, t.village_b1):
        current, past = sections(client.get(reverse("public:area", args=[area.code])).content.decode())
        assert title in current and title not in past, area.name
    assert title not in client.get(reverse("public:area", args=[t.village_a1.code])).content.decode()
    detail = client.get(page_url(exit_))
    html = detail.content.decode()
    assert detail.status_code == 200
    assert title in html and 'data-testid="notice-open"' in html and 'data-testid="objection-form"' in html
    assert "未脱贫人口 2 人 ÷ 户籍农业人口 1000 人 = 0.20%" in html
    assert exit_.public_notice.figures["checklist"][0]["name"] in html
    assert "乙乡政务公开栏" in html and "12317" in html
    assert "退出登录" not in html


def test_village_exit_portal_shows_nothing_personal(client, personas):
    exit_ = noticed_village_exit(personas)
    household = Household.objects.get(area=personas.tree.village_b1)
    head = household.members.get(relation="01")
    pages = [
        client.get(reverse("public:home")),
        client.get(reverse("public:area", args=[personas.tree.village_b1.code])),
        client.get(page_url(exit_)),
    ]
    for response in pages:
        html = response.content.decode()
        assert head.name not in html and head.id_number not in html and head.id_number[6:14] not in html
        assert household.household_no not in html
        assert CHECK_EVIDENCE not in html  # checklist evidence stays inside
        assert personas.village_b1.username not in html and str(personas.county_admin) not in html


def test_portal_never_reads_households_members_or_evidence(client, personas):
    exit_ = noticed_village_exit(personas)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("public:home"))
        client.get(reverse("public:area", args=[personas.tree.township_b.code]))
        client.get(page_url(exit_))
        client.post(page_url(exit_), village_objection_post())
    sql = " ".join(q["sql"] for q in ctx.captured_queries).lower()
    assert "register_household" not in sql and "register_member" not in sql
    assert "assessment_checklistitem" not in sql
    assert '"steps"' not in sql  # the exit's log (who did what) is never loaded


def test_past_and_announced_village_exit_notices_are_listed_as_past(client, personas):
    exit_ = noticed_village_exit(personas)
    title = exit_.public_notice.title
    move_period(exit_, 10)
    url = reverse("public:area", args=[personas.tree.village_b1.code])
    current, past = sections(client.get(url).content.decode())
    assert title in past and title not in current
    assert title not in client.get(reverse("public:home")).content.decode()  # home lists current only
    html = client.get(page_url(exit_)).content.decode()
    assert 'data-testid="notice-closed"' in html and "objection-form" not in html
    refused = client.post(page_url(exit_), village_objection_post())
    assert refused.status_code == 400 and "公示期已结束" in refused.content.decode()
    assert not PublicSubmission.objects.exists()

    services_village.village_exit_announce(actor=personas.county_admin, exit_=exit_)
    current, past = sections(client.get(url).content.decode())
    assert title in past and "已公告退出" in past and title not in current
    assert 'data-testid="notice-announced"' in client.get(page_url(exit_)).content.decode()


def test_rejected_village_exit_leaves_the_portal(client, personas):
    exit_ = noticed_village_exit(personas)
    public_id = exit_.public_notice.public_id
    services_village.village_exit_reject(
        actor=personas.county_admin, exit_=exit_, reason="核查发现道路未硬化"
    )
    assert client.get(reverse("public:village-notice", args=[public_id])).status_code == 404
    html = client.get(reverse("public:area", args=[personas.tree.village_b1.code]))
    assert html.status_code == 404 or exit_.public_notice.title not in html.content.decode()
    assert client.get(reverse("public:village-notice", args=[uuid.uuid4()])).status_code == 404


def test_anonymous_objection_gets_a_receipt_and_waits_for_the_township(client, personas):
    exit_ = noticed_village_exit(personas)
    response = client.post(page_url(exit_), village_objection_post(phone="13800002222"))
    assert response.status_code == 302 and "/gs/receipt/" in response["Location"]
    receipt = client.get(response["Location"]).content.decode()
    objection = PublicSubmission.objects.get()
    assert objection.receipt_no in receipt and objection.receipt_no.startswith("YC")
    assert "县级不能公告该村退出" in receipt and page_url(exit_) in receipt
    assert objection.kind == SubmissionKind.OBJECTION and objection.status == SubmissionStatus.NEW
    assert objection.village_notice.exit_id == exit_.pk and objection.area == personas.tree.village_b1
    assert objection.contact_phone == "13800002222" and len(objection.source_key) == 48
    assert AuditEvent.objects.filter(action="public.village_objection", actor__isnull=True).exists()


def test_objection_bad_input_is_refused_in_chinese(client, personas):
    exit_ = noticed_village_exit(personas)
    for post, message in [
        (village_objection_post(content="太短"), "至少 5 个字"),
        (village_objection_post(content="长" * 1001), "不能超过 1000 个字"),
        (village_objection_post(phone="abc"), "联系电话格式不正确"),
        (village_objection_post(website="http://spam.example"), "提交未成功"),
        (village_objection_post(stamp=guard.stamp_issue()), "提交太快了"),
        (village_objection_post(stamp=old_stamp(2 * 3600 + 5)), "表单已失效"),
    ]:
        response = client.post(page_url(exit_), post)
        assert response.status_code == 400, post
        assert message in response.content.decode(), message
    assert not PublicSubmission.objects.exists()


def test_objection_rate_limits_and_duplicates(client, personas):
    exit_ = noticed_village_exit(personas)
    url = page_url(exit_)
    assert client.post(url, village_objection_post()).status_code == 302
    again = client.post(url, village_objection_post(content=" 该村通组路还没有硬化，\n雨天无法通行 "))
    assert again.status_code == 400 and "请勿重复提交" in again.content.decode()
    for i in range(4):
        assert client.post(url, village_objection_post(content=f"第{i}条：村里饮水不达标")).status_code == 302
    sixth = client.post(url, village_objection_post(content="第六条：村里饮水不达标"))
    assert sixth.status_code == 400 and "提交得太频繁" in sixth.content.decode()
    guard._cache().clear()  # another worker process: the stored rows still count
    assert client.post(url, village_objection_post(content="第七条：村里饮水不达标")).status_code == 400
    assert PublicSubmission.objects.count() == 5


def test_objection_daily_limit_per_notice_applies_across_ips(client, personas):
    exit_ = noticed_village_exit(personas)
    with override_settings(JINGZHUN_PUBLIC_LIMITS={"per_target_day": 2}):
        for i in range(2):
            ok = client.post(
                page_url(exit_),
                village_objection_post(content=f"异议第{i}条，请核实"),
                REMOTE_ADDR=f"10.0.0.{i}",
            )
            assert ok.status_code == 302
        third = client.post(
            page_url(exit_), village_objection_post(content="异议第三条，请核实"), REMOTE_ADDR="10.0.0.9"
        )
    assert third.status_code == 400 and "今天收到的网上反映已达上限" in third.content.decode()


def test_csrf_stays_on_for_village_objections(personas):
    from django.test import Client

    exit_ = noticed_village_exit(personas)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(page_url(exit_), village_objection_post()).status_code == 403
    assert not PublicSubmission.objects.exists()


def test_objection_kind_only_through_a_village_notice(client, personas):
    exit_ = noticed_village_exit(personas)
    source = guard.Source(ip_hash="a" * 24, key="a" * 48)
    with pytest.raises(DomainError) as exc:
        services.submission_create(
            area=personas.tree.village_b1, kind="objection", content="该村不符合退出条件", source=source
        )
    assert exc.value.field == "kind"
    form = client.get(reverse("public:submit", args=[personas.tree.village_b1.code])).content.decode()
    assert 'value="objection"' not in form
    services.village_objection_submit(notice=exit_.public_notice, content="该村不符合退出条件", source=source)
    VillageExit.objects.filter(pk=exit_.pk).update(
        notice_end=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(DomainError) as exc:
        services.village_objection_submit(notice=exit_.public_notice, content="另一条异议内容", source=source)
    assert exc.value.code == "closed"
