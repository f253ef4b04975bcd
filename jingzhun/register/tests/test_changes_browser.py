"""Browser journey: the A1 village officer files a birth, fixes a Chinese error, the township approves it
in the queue, and the B1 village officer sees none of it."""

import pytest

from jingzhun.browser import browser_page, login, screenshot  # noqa: F401 - fixture
from jingzhun.core.testing import PASSWORD, build_personas
from jingzhun.register.models import ChangeRequest

from .changes_factories import newborn, registered, today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_birth_request_is_filed_fixed_approved_and_hidden_from_other_village(browser_page):  # noqa: F811
    personas = build_personas()
    h = registered(personas)
    baby = newborn()
    page = browser_page
    login(page, "village_a1", PASSWORD)
    page.wait_for_url(page.base_url + "/")

    page.goto(page.base_url + f"/register/changes/new/{h.pk}/add_member/")
    page.select_option("#id_event", "birth")
    page.fill("#id_date", str(today()))
    page.fill("#id_name", baby["name"])
    page.fill("#id_id_number", baby["id_number"][:-1] + ("0" if baby["id_number"][-1] != "0" else "1"))
    page.select_option("#id_relation", "03")
    page.fill("#id_reason", "张小军之子出生")
    page.click("[data-testid=change-form] button[type=submit]")
    error = page.locator("ul.errorlist[data-field=id_number]")
    assert "校验位" in error.inner_text()
    screenshot(page, "change-form-error")

    page.fill("#id_id_number", baby["id_number"])
    page.click("[data-testid=change-form] button[type=submit]")
    page.wait_for_selector("[data-testid=change-status]")
    assert "待审核" in page.inner_text("[data-testid=change-status]")
    assert baby["name"] in page.inner_text("main")
    screenshot(page, "change-detail-pending")
    change = ChangeRequest.objects.get()

    page.context.clear_cookies()
    login(page, "township_a", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + "/register/changes/")
    row = page.locator(f"[data-testid=change-row][data-pk='{change.pk}']")
    assert "新增成员" in row.inner_text()
    screenshot(page, "change-queue")
    row.locator("input[name=comment]").fill("情况属实")
    row.locator("[data-testid=approve]").click()
    page.wait_for_selector(".alert-success")
    assert page.locator("[data-testid=change-row]").count() == 0
    assert h.members.filter(name=baby["name"]).exists()

    page.context.clear_cookies()
    login(page, "village_b1", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + "/register/changes/?status=")
    assert page.locator("[data-testid=change-row]").count() == 0
    page.goto(page.base_url + f"/register/changes/{change.pk}/")
    assert "不存在" in page.inner_text("main") or "404" in page.title()
