"""Browser journey: a county officer opens the dashboard, clicks a figure and a chart's data point, and
lands on the list of households behind it, whose count equals the figure."""

import pytest

from jingzhun.browser import browser_page, login  # noqa: F401 - fixture
from jingzhun.core.testing import PASSWORD, build_personas
from jingzhun.indicators.services import indicators_refresh

from .builders import small_county

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clicking_a_dashboard_figure_opens_the_matching_list(browser_page):  # noqa: F811
    personas = build_personas()
    small_county(personas)
    indicators_refresh(actor=personas.county_admin, area=personas.tree.county, years=[2016])
    page = browser_page
    login(page, "county_admin", PASSWORD)
    page.wait_for_url(page.base_url + "/")
    page.click("nav >> text=统计分析")
    page.click("nav >> text=统计驾驶舱")
    page.select_option("select[name=year]", "2016")
    page.wait_for_url("**year=2016**")
    page.wait_for_selector("[data-testid=chart-cause][data-ready='1']")
    assert page.inner_text("[data-testid=figure-remaining_hh]") == "4"
    page.click("[data-testid=figure-remaining_hh]")
    page.wait_for_selector("[data-testid=drill-table]")
    assert "未脱贫户数" in page.inner_text("[data-testid=drill-title]")
    assert page.inner_text("[data-testid=drill-count]") == "4"
    assert page.locator("[data-testid=drill-table] tbody tr").count() == 4
    page.go_back()
    page.click("[data-testid=chart-cause] >> xpath=following-sibling::details/summary")
    page.click("[data-testid=point-cause-0]")  # 因病: 3 households
    page.wait_for_selector("[data-testid=drill-table]")
    assert "因病" in page.inner_text("[data-testid=drill-title]")
    assert page.inner_text("[data-testid=drill-count]") == "3"
