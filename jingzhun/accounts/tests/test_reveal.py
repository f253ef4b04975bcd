"""Masked phone numbers are revealed only with core.reveal_sensitive, and every reveal is audited."""

import pytest

from jingzhun.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_phone_is_masked_on_user_page(client_for, personas):
    personas.village_a1.phone = "13912345678"
    personas.village_a1.save()
    html = (
        client_for(personas.county_admin).get(f"/accounts/users/{personas.village_a1.pk}/").content.decode()
    )
    assert "139****5678" in html and "13912345678" not in html
    assert 'data-testid="reveal-phone"' in html


def test_county_admin_reveal_is_audited(client_for, personas):
    personas.village_a1.phone = "13912345678"
    personas.village_a1.save()
    client = client_for(personas.county_admin)
    response = client.post(f"/accounts/users/{personas.village_a1.pk}/reveal-phone/", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200 and "13912345678" in response.content.decode()
    event = AuditEvent.objects.get(action="sensitive.view")
    assert event.actor == personas.county_admin
    assert event.target_id == str(personas.village_a1.pk) and event.after == {"field": "phone"}
    assert event.ip == "10.1.2.3"
    assert event.area_path == personas.tree.village_a1.path


def test_inspector_without_reveal_capability_is_refused(client_for, personas):
    from jingzhun.core.testing import make_user

    personas.village_a1.phone = "13912345678"
    personas.village_a1.save()
    client = client_for(make_user("inspector", "inspector", personas.tree.county))
    html = client.get(f"/accounts/users/{personas.village_a1.pk}/").content.decode()
    assert 'data-testid="reveal-phone"' not in html
    response = client.post(f"/accounts/users/{personas.village_a1.pk}/reveal-phone/")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="sensitive.view").exists()


def test_out_of_scope_user_cannot_be_revealed(client_for, personas):
    client = client_for(personas.township_a)
    assert client.post(f"/accounts/users/{personas.village_b1.pk}/reveal-phone/").status_code == 404
