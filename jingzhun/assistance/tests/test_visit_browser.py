"""Browser journey: a cadre opens its household, records a visit, fixes a refused file, attaches a
real photo, and sees the visit with the picture served through the scoped view."""

import struct
import zlib

import pytest

from jingzhun.assistance.models import Visit, VisitPhoto
from jingzhun.browser import browser_page, login, screenshot  # noqa: F401 - fixture
from jingzhun.core.testing import PASSWORD, build_personas

from .builders import cadre, pair, registered

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def png(width=4, height=3) -> bytes:
    """A small valid RGB PNG (no Pillow needed)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\xc0\x20\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_cadre_records_a_visit_with_a_photo(browser_page):  # noqa: F811
    personas = build_personas()
    h = registered(personas)
    me = cadre(personas, name="王帮扶", user=personas.cadre)
    pair(personas, me, h)
    page = browser_page
    login(page, "cadre", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.click("nav >> text=监测帮扶")  # the menu holding 防返贫监测 and 帮扶工作
    page.click("nav >> text=帮扶工作")
    page.wait_for_selector("[data-testid=gap-counts]")

    page.goto(page.base_url + f"/assistance/households/{h.pk}/")
    assert "王帮扶" in page.inner_text("[data-testid=pairing]")
    page.click("[data-testid=visit-create]")
    page.fill("#id_content", "了解孩子上学情况，宣讲雨露计划")
    page.fill("#id_problems", "屋顶漏雨")
    page.set_input_files(
        "#id_photos", files=[{"name": "门前.jpg", "mimeType": "image/jpeg", "buffer": b"not a picture"}]
    )
    page.click("[data-testid=assistance-form] button[type=submit]")
    error = page.locator("ul.errorlist[data-field=photos], .alert-danger").first
    assert "不是 JPG" in error.inner_text()
    assert not Visit.objects.exists()
    screenshot(page, "visit-form-error")

    page.set_input_files("#id_photos", files=[{"name": "门前.png", "mimeType": "image/png", "buffer": png()}])
    page.click("[data-testid=assistance-form] button[type=submit]")
    page.wait_for_selector("[data-testid=visit-detail]")
    assert "了解孩子上学情况" in page.inner_text("[data-testid=visit-detail]")
    img = page.locator("[data-testid=visit-photo]")
    img.wait_for()
    # The photo is served by a scoped view; wait until the browser has decoded it, then check its width.
    handle = img.element_handle()
    page.wait_for_function("(el) => el.complete", arg=handle)
    assert page.evaluate("(el) => el.naturalWidth", handle) == 4
    screenshot(page, "visit-detail")
    visit = Visit.objects.get()
    assert (visit.cadre_id, visit.household_id, visit.recorded_by_id) == (me.pk, h.pk, personas.cadre.pk)
    assert VisitPhoto.objects.get().content_type == "image/png"

    page.goto(page.base_url + "/assistance/visits/?mine=1")
    assert page.locator("[data-testid=visit-row]").count() == 1

    page.context.clear_cookies()
    login(page, "village_b1", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    response = page.goto(page.base_url + f"/assistance/photos/{VisitPhoto.objects.get().pk}/")
    assert response.status == 404
