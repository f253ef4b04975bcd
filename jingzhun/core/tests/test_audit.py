"""The audit trail: what audit_record writes, that it shares the service's transaction, the IP taken
from the request, the scoped search page with its filters, and the 变更记录 panel."""

import datetime
import re

import pytest
from django.db import transaction
from django.utils import timezone

from jingzhun.areas.services import area_update
from jingzhun.core.errors import DomainError
from jingzhun.core.models import AuditEvent
from jingzhun.core.services import audit_record, changed, snapshot

pytestmark = pytest.mark.django_db


def actions_listed(html: str) -> set[str]:
    return set(re.findall(r"<td><code>([\w.]+)</code></td>", html))


# --- audit_record ---------------------------------------------------------------------------------------


def test_audit_record_writes_actor_action_target_area_and_before_after(personas):
    t = personas.tree
    event = audit_record(
        actor=personas.township_a,
        action="area.update",
        target=t.village_a1,
        before={"name": "甲一村", "year": datetime.date(2020, 1, 2)},
        after={"name": "新甲一村"},
        reason="更名",
    )
    event.refresh_from_db()
    assert event.actor == personas.township_a
    assert event.actor_name == "township_a"
    assert event.action == "area.update"
    assert (event.target_type, event.target_id, event.target_label) == (
        "areas.area",
        str(t.village_a1.pk),
        "甲一村",
    )
    assert event.area == t.village_a1
    assert event.area_path == t.village_a1.path
    assert event.before == {"name": "甲一村", "year": "2020-01-02"}
    assert event.after == {"name": "新甲一村"}
    assert event.reason == "更名"
    assert event.ip is None  # no request: management commands and workers have no IP


def test_audit_record_uses_the_full_name_and_system_for_no_actor(personas):
    personas.township_a.full_name = "张三"
    assert audit_record(actor=personas.township_a, action="x.y").actor_name == "张三"
    event = audit_record(actor=None, action="area.load_national")
    assert event.actor is None and event.actor_name == "系统"
    assert event.area is None and event.area_path == ""


def test_snapshot_and_changed_keep_only_differences(tree):
    before = snapshot(tree.village_a1, ["name", "poor_listed_year", "parent"])
    assert before == {"name": "甲一村", "poor_listed_year": 2014, "parent": tree.township_a.pk}
    after = {**before, "name": "新村"}
    assert changed(before, after) == ({"name": "甲一村"}, {"name": "新村"})
    assert changed(before, before) == ({}, {})


def test_event_written_inside_a_rolled_back_transaction_is_gone(personas):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        audit_record(actor=personas.township_a, action="test.rolled_back", target=personas.tree.village_a1)
        assert AuditEvent.objects.filter(action="test.rolled_back").exists()
        raise Boom
    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()


def test_failed_service_leaves_neither_change_nor_event(personas):
    area = personas.tree.township_a
    with pytest.raises(DomainError):
        area_update(actor=personas.township_a, area=area, name="改名", is_poor_village=True)
    area.refresh_from_db()
    assert area.name == "甲镇"
    assert not AuditEvent.objects.filter(action="area.update").exists()


# --- IP from the request --------------------------------------------------------------------------------


def test_editing_an_area_through_the_page_records_the_client_ip(client_for, personas):
    a1 = personas.tree.village_a1
    response = client_for(personas.township_a).post(
        f"/areas/{a1.code}/edit/",
        {
            "name": "青石村",
            "urban_rural_class": "220",
            "is_poor_village": "on",
            "poor_listed_year": 2014,
            "poor_exited_year": 2018,
            "note": "",
            "reason": "村名更正",
        },
        REMOTE_ADDR="10.20.30.40",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="area.update")
    assert event.ip == "10.20.30.40"
    assert event.actor == personas.township_a
    assert event.before == {"name": "甲一村"} and event.after == {"name": "青石村"}
    assert event.reason == "村名更正"


def test_forwarded_for_is_trusted_only_behind_a_configured_proxy(client_for, personas, settings):
    a1 = personas.tree.village_a1
    client = client_for(personas.township_a)
    # The client forged "6.6.6.6"; our proxy appended the address it saw.
    forged = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 192.168.7.8"}
    client.post(
        f"/areas/{a1.code}/edit/", {"name": "龙溪村", "urban_rural_class": "220", "note": ""}, **forged
    )
    assert AuditEvent.objects.get(action="area.update").ip == "127.0.0.1"
    settings.JINGZHUN_TRUST_X_FORWARDED_FOR = True
    client.post(
        f"/areas/{a1.code}/edit/", {"name": "虎溪村", "urban_rural_class": "220", "note": ""}, **forged
    )
    assert AuditEvent.objects.filter(action="area.update").order_by("-id").first().ip == "192.168.7.8"


def test_request_ip_does_not_leak_into_events_written_after_the_request(client_for, personas):
    client_for(personas.township_a).get("/", REMOTE_ADDR="10.9.9.9")
    assert audit_record(actor=None, action="after.request").ip is None


# --- the audit search page ------------------------------------------------------------------------------


@pytest.fixture
def events(personas):
    t = personas.tree
    return {
        "a": audit_record(actor=personas.township_a, action="test.in_a", target=t.village_a1),
        "b": audit_record(actor=personas.county_admin, action="test.in_b", target=t.village_b1),
        "county": audit_record(actor=personas.county_admin, action="test.county", target=t.county),
        "system": audit_record(actor=None, action="test.system"),
    }


def test_township_admin_sees_only_events_in_its_township(client_for, personas, events):
    response = client_for(personas.township_a).get("/audit/")
    assert response.status_code == 200
    assert actions_listed(response.content.decode()) == {"test.in_a"}


def test_county_admin_sees_county_events_but_not_arealess_ones(client_for, personas, events):
    html = client_for(personas.county_admin).get("/audit/").content.decode()
    assert actions_listed(html) == {"test.in_a", "test.in_b", "test.county"}


def test_superuser_also_sees_events_without_an_area(client_for, personas, events):
    from jingzhun.accounts.models import User

    root = User.objects.create_superuser("root", password="x" * 12)
    html = client_for(root).get("/audit/").content.decode()
    assert "test.system" in actions_listed(html)


def test_user_without_audit_capability_gets_403(client_for, personas, events):
    assert client_for(personas.village_a1).get("/audit/").status_code == 403


def test_audit_api_is_scoped_the_same_way(client_for, personas, events):
    data = client_for(personas.township_a).get("/api/v1/audit-events/").json()
    assert [e["action"] for e in data["results"]] == ["test.in_a"]
    assert client_for(personas.village_a1).get("/api/v1/audit-events/").json()["count"] == 0


def test_filter_by_actor_name_or_username(client_for, personas, events):
    client = client_for(personas.county_admin)
    assert actions_listed(client.get("/audit/", {"actor": "TOWNSHIP_A"}).content.decode()) == {"test.in_a"}
    assert actions_listed(client.get("/audit/", {"actor": "county"}).content.decode()) == {
        "test.in_b",
        "test.county",
    }


def test_filter_by_action_prefix(client_for, personas, events):
    html = client_for(personas.county_admin).get("/audit/", {"action": "test.in"}).content.decode()
    assert actions_listed(html) == {"test.in_a", "test.in_b"}


def test_filter_by_area_code_covers_the_subtree(client_for, personas, events):
    client = client_for(personas.county_admin)
    html = client.get("/audit/", {"area": personas.tree.township_b.code}).content.decode()
    assert actions_listed(html) == {"test.in_b"}


def test_filter_by_area_outside_scope_is_a_form_error(client_for, personas, events):
    html = (
        client_for(personas.township_a)
        .get("/audit/", {"area": personas.tree.township_b.code})
        .content.decode()
    )
    assert "区域代码不存在或不在您的范围内。" in html
    assert "test.in_b" not in actions_listed(html)


def test_filter_by_date_range(client_for, personas, events):
    tz = timezone.get_current_timezone()
    AuditEvent.objects.filter(pk=events["a"].pk).update(
        created_at=datetime.datetime(2024, 3, 1, 9, tzinfo=tz)
    )
    AuditEvent.objects.filter(pk=events["b"].pk).update(
        created_at=datetime.datetime(2024, 3, 5, 23, 30, tzinfo=tz)
    )
    client = client_for(personas.county_admin)
    html = client.get("/audit/", {"date_from": "2024-03-01", "date_to": "2024-03-05"}).content.decode()
    assert actions_listed(html) == {"test.in_a", "test.in_b"}
    html = client.get("/audit/", {"date_from": "2024-03-02", "date_to": "2024-03-05"}).content.decode()
    assert actions_listed(html) == {"test.in_b"}
    html = client.get("/audit/", {"date_to": "2024-03-04"}).content.decode()
    assert actions_listed(html) == {"test.in_a"}


def test_end_date_before_start_date_is_a_chinese_form_error(client_for, personas, events):
    response = client_for(personas.county_admin).get(
        "/audit/", {"date_from": "2024-03-05", "date_to": "2024-03-01"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "结束日期不能早于开始日期。" in html
    assert 'name="date_to" id="id_date_to"' in html and "is-invalid" in html


def test_invalid_date_is_a_chinese_form_error(client_for, personas, events):
    html = client_for(personas.county_admin).get("/audit/", {"date_from": "2024-13-45"}).content.decode()
    assert "输入一个有效的日期。" in html


# --- the 变更记录 panel ------------------------------------------------------------------------------------


def test_area_page_panel_shows_the_change(client_for, personas):
    a1 = personas.tree.village_a1
    area_update(actor=personas.township_a, area=a1, name="青石村", reason="村名更正")
    html = client_for(personas.township_a).get(f"/areas/{a1.code}/").content.decode()
    panel = html[html.index('id="audit-panel"') :]
    assert "变更记录" in panel
    assert "area.update" in panel
    assert "甲一村" in panel and "青石村" in panel and "村名更正" in panel


def test_area_page_panel_is_empty_for_users_without_audit_capability(client_for, personas):
    a1 = personas.tree.village_a1
    area_update(actor=personas.township_a, area=a1, name="青石村", reason="村名更正")
    html = client_for(personas.village_a1).get(f"/areas/{a1.code}/").content.decode()
    panel = html[html.index('id="audit-panel"') :]
    assert "area.update" not in panel
    assert "暂无变更记录" in panel
