"""The A4 poster: QR code to the public page, masked IDs only, phones with 12317."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from jingzhun.public.tests.factories import head_id, published_notice
from jingzhun.workflows import poster
from jingzhun.workflows.models import Notice

pytestmark = pytest.mark.django_db


def test_poster_has_qr_svg_masked_ids_and_hotline(client_for, personas):
    notice = published_notice(personas)
    response = client_for(personas.village_a1).get(reverse("workflows:notice-poster", args=[notice.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<svg class="jz-qr"[^>]*viewBox', html) and "<path" in html
    public = "http://testserver" + reverse("public:notice", args=[notice.public_id])
    assert f'data-qr="{public}"' in html
    for e in notice.entries.all():
        assert e.masked_id in html and e.head_name in html
    assert head_id(notice) not in html
    assert "12317" in html and notice.issuing_unit in html
    assert "@page" in html and "A4" in html


@override_settings(JINGZHUN_PUBLIC_BASE_URL="https://gs.example.gov.cn/")
def test_poster_qr_uses_configured_public_address(client_for, personas):
    notice = published_notice(personas)
    html = (
        client_for(personas.village_a1)
        .get(reverse("workflows:notice-poster", args=[notice.pk]))
        .content.decode()
    )
    assert f'data-qr="https://gs.example.gov.cn/gs/n/{notice.public_id}/"' in html


def test_withdrawn_notice_has_no_poster(client_for, personas):
    notice = published_notice(personas)
    Notice.objects.filter(pk=notice.pk).update(status="withdrawn")
    assert (
        client_for(personas.village_a1).get(reverse("workflows:notice-poster", args=[notice.pk])).status_code
        == 404
    )


def test_phone_lines_always_include_the_hotline():
    assert poster.phone_lines("0834-1234567") == ["0834-1234567", "12317"]
    assert poster.phone_lines("12317、0834-1234567") == ["12317", "0834-1234567"]
    assert poster.phone_lines("") == ["12317"]


def test_qr_svg_encodes_and_escapes():
    svg = poster.qr_svg('https://x/gs/n/"<a>/')
    assert svg.startswith("<svg") and 'width="40mm"' in svg
    assert "&quot;&lt;a&gt;" in svg and '"<a>' not in svg
