"""Browser journeys on the household pages (real Chromium): register a household with members, fix a
Chinese error, find it by pinyin initials, reveal an ID as the township; B1 sees none of it."""

import datetime

import pytest

from jingzhun.browser import browser_page, login, screenshot  # noqa: F401 - fixture
from jingzhun.core.models import AuditEvent
from jingzhun.core.testing import PASSWORD, build_personas
from jingzhun.register.codes import sync_code_lists
from jingzhun.register.models import Household
from jingzhun.register.services import income_save

from .factories import id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_member(page, index: int, name: str, number: str, relation: str) -> None:
    page.fill(f"#id_members-{index}-name", name)
    page.fill(f"#id_members-{index}-id_number", number)
    page.select_option(f"#id_members-{index}-relation", relation)


def test_village_officer_registers_household_and_township_reveals_id(browser_page):  # noqa: F811
    sync_code_lists()
    personas = build_personas()
    y = datetime.date.today().year
    head_id = id_number(datetime.date(y - 52, 3, 8), male=True)
    wife_id = id_number(datetime.date(y - 50, 7, 1), male=False)
    page = browser_page
    login(page, "village_a1", PASSWORD)
    page.wait_for_url(page.base_url + "/")

    page.goto(page.base_url + "/register/new/")
    page.select_option("#id_area", str(personas.tree.village_a1.pk))
    page.fill("#id_address", "三组 6 号")
    fill_member(page, 0, "张三丰", head_id, "01")
    fill_member(page, 1, "李秀英", wife_id[:-1] + ("0" if wife_id[-1] != "0" else "1"), "02")
    page.click("[data-testid=add-member]")  # a fifth row appears and stays empty
    assert page.locator("#member-rows [data-testid=member-row]").count() == 5
    page.click("[data-testid=household-save]")
    error = page.locator("ul.errorlist[data-field='members-1-id_number']")
    assert "校验位错误" in error.inner_text()
    assert Household.objects.count() == 0
    screenshot(page, "household-create-error")

    page.fill("#id_members-1-id_number", wife_id)
    page.click("[data-testid=household-save]")
    page.wait_for_selector("[data-testid=household-title]")
    assert "张三丰户" in page.inner_text("[data-testid=household-title]")
    assert page.locator("[data-testid=member-table] tbody tr").count() == 2
    assert head_id not in page.content()
    h = Household.objects.get()
    income_save(actor=personas.village_a1, household=h, year=y - 1, wages=18000, business=2400)
    page.reload()
    screenshot(page, "household-detail-village")

    page.goto(page.base_url + "/register/?q=zsf")
    assert page.locator("[data-testid=household-table] tbody tr[data-household]").count() == 1
    screenshot(page, "household-list-search")

    page.goto(page.base_url + f"/register/{h.pk}/handbook/")
    assert "扶贫手册" in page.inner_text("[data-testid=handbook]")
    page.emulate_media(media="print")
    assert not page.locator("nav.navbar").is_visible()
    screenshot(page, "household-handbook-print")
    page.emulate_media(media="screen")

    page.context.clear_cookies()
    login(page, "township_a", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + f"/register/{h.pk}/")
    page.locator("[data-testid=reveal-id]").first.click()
    page.wait_for_selector("[data-testid=id-full]")
    assert head_id in page.inner_text("[data-testid=id-full]")
    assert AuditEvent.objects.filter(action="sensitive.view", actor=personas.township_a).count() == 1
    screenshot(page, "household-detail-township-revealed")

    page.context.clear_cookies()
    login(page, "village_b1", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + "/register/?q=zsf")
    assert page.locator("[data-testid=household-empty]").is_visible()
    page.goto(page.base_url + f"/register/{h.pk}/")
    assert "不存在" in page.inner_text("main") or "404" in page.title()
