"""Browser journey: a member of the public, not logged in, opens a notice from the portal, objects to one
household, gets a receipt, and never sees a full ID number; the village officer then sees the objection."""

import pytest

from jingzhun.browser import browser_page, login, screenshot  # noqa: F401 - fixture
from jingzhun.core.testing import PASSWORD, build_personas
from jingzhun.workflows.models import Objection

from .factories import clear_limits, head_id, published_notice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_objection_without_login(browser_page):  # noqa: F811
    clear_limits()
    personas = build_personas()
    notice = published_notice(personas)
    full_id = head_id(notice)
    entry = notice.entries.get(seq=2)
    page = browser_page

    page.goto(page.base_url + "/gs/")
    page.click(f"text={notice.title}")
    page.wait_for_selector("[data-testid=public-entries]")
    text = page.inner_text("main")
    assert entry.head_name in text and entry.masked_id in text
    assert full_id not in page.content()
    assert "退出登录" not in page.content()
    screenshot(page, "public-notice")

    page.select_option("#id_entry", str(entry.pk))
    page.fill("#id_content", "该户儿子在县城有商品房和小轿车，不符合条件")
    page.wait_for_timeout(3200)  # a person reads before sending; faster posts are refused
    page.click("[data-testid=objection-submit]")
    page.wait_for_selector("[data-testid=receipt]")
    number = page.inner_text("[data-testid=receipt-no]")
    assert number.startswith("YY")
    assert full_id not in page.content()
    screenshot(page, "public-receipt")

    objection = Objection.objects.get()
    assert objection.entry_id == entry.pk and objection.recorded_by is None
    assert number.endswith(f"{objection.pk:06d}")

    login(page, "village_a1", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + f"/procedures/notices/{notice.pk}/")
    row = page.locator(f"[data-testid=objection][data-pk='{objection.pk}']")
    assert "商品房" in row.inner_text() and "网上提交" in row.inner_text()
    assert "1 条异议未答复" in page.inner_text("[data-testid=close-blockers]")
    assert page.locator("[data-testid=close-button]").is_disabled()
    screenshot(page, "notice-detail-objection")
    page.goto(page.base_url + f"/procedures/notices/{notice.pk}/poster/")
    assert page.locator("[data-testid=poster-qr] svg").count() == 1
    assert full_id not in page.content()
    screenshot(page, "notice-poster")
    clear_limits()
