"""Browser journey on the procedure pages (real Chromium): the village officer follows the to-do item to
the batch page, holds the appraisal (one household fails its vote), and reads the meeting on a
household's procedure page; the officer of another village sees nothing of it."""

import pytest

from jingzhun.browser import browser_page, login, screenshot  # noqa: F401 - fixture
from jingzhun.core.testing import PASSWORD, build_personas
from jingzhun.workflows.choices import ProcedureStatus
from jingzhun.workflows.models import Procedure

from .wfui_factories import at_appraisal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_village_officer_holds_an_appraisal_from_the_todo_queue(browser_page):  # noqa: F811
    personas = build_personas()
    a, b, c = at_appraisal(personas, 3)
    page = browser_page
    login(page, "village_a1", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    assert page.locator("[data-testid=todo-badge]").inner_text() == "3"
    page.click("text=待办事项 >> nth=0")
    page.click("[data-testid=todo-item] a")
    page.wait_for_selector("[data-testid=batch-form]")
    page.fill("#id_representatives", "30")
    page.fill("#id_present", "22")
    page.fill(f"input[name=votes_for_{a.pk}]", "20")
    page.fill(f"input[name=votes_for_{b.pk}]", "18")
    page.fill(f"input[name=votes_for_{c.pk}]", "6")
    page.fill(f"input[name=votes_against_{c.pk}]", "14")
    screenshot(page, "workflows-batch-appraisal")
    page.click("[data-testid=batch-submit]")
    page.wait_for_selector("[data-testid=outcomes]")
    assert page.locator("tr[data-result=passed]").count() == 2
    assert page.locator("tr[data-result=failed]").count() == 1
    screenshot(page, "workflows-batch-result")
    c.refresh_from_db()
    assert c.status == ProcedureStatus.REJECTED
    page.click(f"tr[data-procedure='{a.pk}'] a")
    page.wait_for_selector("[data-testid=timeline]")
    assert "到会 22 人" in page.locator("[data-testid=records]").inner_text()
    assert page.locator("li[data-state=current]").get_attribute("data-step") == "township_review"
    screenshot(page, "workflows-procedure-detail")
    page.goto(page.base_url + "/procedures/")
    assert page.locator("[data-testid=procedure-table] tbody tr[data-procedure]").count() == 3

    page.context.clear_cookies()
    login(page, "village_b1", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + "/procedures/")
    assert page.locator("tr[data-procedure]").count() == 0
    assert Procedure.objects.count() == 3
