"""Issue 3's whole journey in one browser session: the A1 village officer adds a household with members,
sees a Chinese validation error, fixes it and files a change request on the new household; the township
officer approves it in the queue; the B1 village officer can see none of it (list, page, queue, search)."""

import datetime

import pytest

from jingzhun.browser import browser_page, login, screenshot  # noqa: F401 - fixture
from jingzhun.core.testing import PASSWORD, build_personas
from jingzhun.register.codes import sync_code_lists
from jingzhun.register.models import ChangeRequest, Household

from .changes_factories import newborn
from .factories import id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_add_household_fix_error_change_request_approved_and_hidden_from_b1(browser_page):  # noqa: F811
    sync_code_lists()
    personas = build_personas()
    y = datetime.date.today().year
    head_id = id_number(datetime.date(y - 38, 2, 14), male=True)
    wife_id = id_number(datetime.date(y - 36, 9, 3), male=False)
    page = browser_page

    # 1. The village officer registers a household; a mistyped ID gives a Chinese error, nothing is saved.
    login(page, "village_a1", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + "/register/new/")
    page.select_option("#id_area", str(personas.tree.village_a1.pk))
    page.fill("#id_address", "二组 3 号")
    page.fill("#id_members-0-name", "王建国")
    page.fill("#id_members-0-id_number", head_id)
    page.select_option("#id_members-0-relation", "01")
    page.fill("#id_members-1-name", "陈芳")
    page.fill("#id_members-1-id_number", wife_id[:-1] + ("0" if wife_id[-1] != "0" else "1"))
    page.select_option("#id_members-1-relation", "02")
    page.click("[data-testid=household-save]")
    assert "校验位错误" in page.inner_text("ul.errorlist[data-field='members-1-id_number']")
    assert Household.objects.count() == 0

    # 2. Fixed, it saves; the household page shows two members and no full ID number.
    page.fill("#id_members-1-id_number", wife_id)
    page.click("[data-testid=household-save]")
    page.wait_for_selector("[data-testid=household-title]")
    household = Household.objects.get()
    assert household.size == 2 and head_id not in page.content()

    # 3. A change request on it: a birth, first with a bad ID (Chinese error), then right.
    baby = newborn("王小宝")
    page.goto(page.base_url + f"/register/changes/new/{household.pk}/add_member/")
    page.select_option("#id_event", "birth")
    page.fill("#id_date", str(datetime.date.today()))
    page.fill("#id_name", baby["name"])
    page.fill("#id_id_number", "51340120250101001")
    page.select_option("#id_relation", "03")
    page.fill("#id_reason", "王建国之子出生")
    page.click("[data-testid=change-form] button[type=submit]")
    assert page.locator("ul.errorlist[data-field=id_number]").count() == 1
    page.fill("#id_id_number", baby["id_number"])
    page.click("[data-testid=change-form] button[type=submit]")
    page.wait_for_selector("[data-testid=change-status]")
    assert "待审核" in page.inner_text("[data-testid=change-status]")
    change = ChangeRequest.objects.get()
    screenshot(page, "journey-change-pending")

    # 4. The township officer approves it in the review queue; the member is added.
    page.context.clear_cookies()
    login(page, "township_a", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + "/register/changes/")
    row = page.locator(f"[data-testid=change-row][data-pk='{change.pk}']")
    row.locator("input[name=comment]").fill("出生证明已核")
    row.locator("[data-testid=approve]").click()
    page.wait_for_selector(".alert-success")
    household.refresh_from_db()
    assert household.size == 3
    assert household.members.filter(name="王小宝", status="active").exists()

    # 5. The other township's village officer sees nothing of it anywhere.
    page.context.clear_cookies()
    login(page, "village_b1", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.goto(page.base_url + "/register/?q=wjg")
    assert page.locator("[data-testid=household-table] tbody tr[data-household]").count() == 0
    page.goto(page.base_url + f"/register/{household.pk}/")
    assert "不存在" in page.inner_text("main")
    page.goto(page.base_url + "/register/changes/?status=")
    assert page.locator("[data-testid=change-row]").count() == 0
    page.goto(page.base_url + f"/register/changes/{change.pk}/")
    assert "不存在" in page.inner_text("main")
    screenshot(page, "journey-b1-sees-nothing")
