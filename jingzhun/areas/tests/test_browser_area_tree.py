"""Browser journey: the village A1 officer logs in and sees only its own area in the tree."""

import pytest

from jingzhun.browser import browser_page, login, screenshot  # noqa: F401 - fixture
from jingzhun.core.testing import PASSWORD, build_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_village_officer_sees_only_own_village_in_tree(browser_page):  # noqa: F811
    personas = build_personas()
    page = browser_page
    login(page, "village_a1", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    assert "甲一村" in page.inner_text("[data-testid=user-scope]")

    page.goto(page.base_url + "/areas/")
    tree = page.locator("[data-testid=area-tree]")
    assert tree.locator("li[data-code]").count() == 1
    assert "甲一村" in tree.inner_text()
    # Expanding the village loads its groups through htmx; nothing of the other township appears.
    tree.locator(f"li[data-code='{personas.tree.village_a1.code}'] .toggle").first.click()
    page.wait_for_selector(f"li[data-code='{personas.tree.group_a1_1.code}']")
    text = tree.inner_text()
    assert "一组" in text
    assert "乙" not in text and "甲二村" not in text

    # The search box offers only areas in scope.
    page.fill("[data-testid=area-search]", "村")
    page.wait_for_selector("#area-search-results a")
    results = page.inner_text("#area-search-results")
    assert "甲一村" in results and "乙一村" not in results and "甲二村" not in results
    screenshot(page, "village-a1-area-tree")

    # Another township's village is a 404 page in Chinese, not a leak.
    page.goto(page.base_url + f"/areas/{personas.tree.village_b1.code}/")
    assert "不存在" in page.inner_text("main")


def test_login_shows_chinese_error_for_wrong_password(browser_page):  # noqa: F811
    build_personas()
    page = browser_page
    login(page, "village_a1", "wrong-password")
    assert "用户名或密码错误" in page.inner_text("main")
    screenshot(page, "login-error")


def test_county_admin_home_chart_renders_from_vendored_echarts(browser_page):  # noqa: F811
    build_personas()
    page = browser_page
    failed, foreign = [], []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on(
        "request",
        lambda r: None if r.url.startswith((page.base_url, "data:", "blob:")) else foreign.append(r.url),
    )
    login(page, "county_admin", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.wait_for_selector("[data-testid=chart-townships] canvas")
    # Every asset came from the local server: nothing was requested from anywhere else.
    assert failed == [] and foreign == []
    screenshot(page, "county-admin-home")
