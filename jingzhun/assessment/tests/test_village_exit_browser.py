"""贫困村退出 in real Chromium, with a public objection on the portal.

Village A1 (township A) is a poor village whose incidence is below the western limit and whose checklist is
met except for the road. Its officer sees that the road blocks exit, records it as met with evidence and
proposes exit; the township verifies and puts the notice up (three days ago). A member of the public, not
logged in, finds the notice from the portal, sees the incidence and the checklist but nobody's name or ID
number, and objects. After the notice period the county cannot announce while the objection is unanswered;
the township answers it on the village exit page; the county announces, the village's exit year is set and
the county exit page counts it.
"""

import datetime

import pytest
from django.db.models import F
from django.utils import timezone

from jingzhun.areas.models import Area
from jingzhun.areas.services import area_stat_save, area_update
from jingzhun.assessment import services
from jingzhun.assessment.models import VillageExit
from jingzhun.browser import browser_page, login, screenshot, submit  # noqa: F401 - fixture
from jingzhun.core.models import AuditEvent
from jingzhun.core.testing import PASSWORD, build_personas
from jingzhun.policy.selectors import checklist
from jingzhun.public.models import PublicSubmission
from jingzhun.public.tests.factories import clear_limits
from jingzhun.register.models import Member

from .helpers import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2019
ROAD = "road"
ROAD_EVIDENCE = "通村硬化路 4.5 公里已于 2019 年 10 月竣工验收，验收单号 JZ-2019-031"
OBJECTION = "三组到村委会的路还是泥巴路，下雨天娃娃上学走不了"
OBJECTOR_PHONE = "13800005555"
ANSWER = "经乡镇现场核实，三组通组路已列入 2019 年项目并于 11 月硬化完工，异议不成立"


def _poor_village(personas):
    """A1 as a poor village not yet exited: 4 poor persons of 1,000 rural residents (0.40%), every
    checklist item met with evidence except the road."""
    t, county = personas.tree, personas.county_admin
    village = area_update(
        actor=county, area=t.village_a1, is_poor_village=True, poor_listed_year=2014, poor_exited_year=None
    )
    area_stat_save(actor=county, area=village, year=YEAR, rural_population=1000)
    for _ in range(2):
        build(area=village, actor=county, status="poor", income=False)
    for item in checklist(YEAR, village):
        if item["code"] != ROAD:
            services.checklist_item_save(
                actor=personas.village_a1,
                village=village,
                year=YEAR,
                code=item["code"],
                met=True,
                evidence="现场核查：已达标",
            )
    return village


def _as(page, username):
    page.context.clear_cookies()
    login(page, username, PASSWORD)
    page.wait_for_url(page.base_url + "/")


def _exit_page(page, village):
    page.goto(page.base_url + f"/assessment/villages/{village.pk}/?year={YEAR}")
    page.wait_for_selector("[data-testid=checklist-table]")


def test_village_exit_with_a_public_objection(browser_page):  # noqa: F811
    clear_limits()
    personas = build_personas()
    village = _poor_village(personas)
    road_name = next(x["name"] for x in checklist(YEAR, village) if x["code"] == ROAD)
    personal = list(
        Member.objects.filter(household__area=village).values_list(
            "name", "id_number", "household__household_no"
        )
    )
    assert len(personal) == 4
    page = browser_page

    # The village officer finds the village in the list and sees what blocks exit: only the road.
    _as(page, "village_a1")
    page.goto(page.base_url + f"/assessment/villages/?year={YEAR}")
    page.click(f"[data-testid=village-table] tr[data-village='{village.code}'] a")
    page.wait_for_selector("[data-testid=blockers]")
    blockers = page.locator("[data-testid=blockers] li")
    assert blockers.count() == 1 and road_name in blockers.inner_text()
    assert "0.40%" in page.inner_text("[data-testid=incidence]")
    assert page.locator("[data-testid=exit-propose]").count() == 0
    screenshot(page, "village-exit-blocked")

    # It records the road as met, with its evidence; nothing blocks exit any more, so it proposes.
    row = page.locator(f"[data-testid=checklist-table] tr[data-item={ROAD}]")
    row.locator("summary").click()
    row.locator(f"#id_{ROAD}-met").check()
    row.locator(f"#id_{ROAD}-evidence").fill(ROAD_EVIDENCE)
    submit(page, row.locator("button"))
    page.wait_for_selector("[data-testid=blockers-none]")
    row = page.locator(f"[data-testid=checklist-table] tr[data-item={ROAD}]")
    assert "✓" in row.inner_text() and ROAD_EVIDENCE in row.inner_text()
    page.fill("#id_comment", "村两委会议讨论通过，申请退出")
    submit(page, "[data-testid=exit-propose]")
    page.wait_for_selector("[data-testid=exit-status]")
    exit_ = VillageExit.objects.get(area=village)
    assert exit_.status == "proposed" and exit_.year == YEAR
    screenshot(page, "village-exit-proposed")

    # The township verifies and puts the notice up, posted three days ago.
    _as(page, "township_a")
    _exit_page(page, village)
    page.fill("#id_comment", "乡镇入村核实，情况属实")
    submit(page, "[data-testid=exit-verify]")
    page.wait_for_selector("[data-testid=exit-notice]")
    start = timezone.localdate() - datetime.timedelta(days=3)
    page.fill("#id_start", start.isoformat())
    page.fill("#id_place", "甲镇政务公开栏")
    submit(page, "[data-testid=exit-notice]")
    page.wait_for_selector("[data-testid=village-notice-links]")
    exit_.refresh_from_db()
    assert exit_.status == "noticed" and exit_.notice_start == start
    notice = exit_.public_notice
    screenshot(page, "village-exit-noticed")

    # A member of the public finds the notice from the portal: figures and checklist, nothing personal.
    page.context.clear_cookies()
    page.goto(page.base_url + "/gs/")
    page.locator("[data-testid=picker-county] .card-header a").filter(
        has_text=personas.tree.county.name
    ).click()
    page.click(f"[data-testid=public-village-notice] >> text={notice.title}")
    page.wait_for_selector("[data-testid=public-village-notice-detail]")
    assert "0.40%" in page.inner_text("[data-testid=village-incidence]")
    items = page.locator("[data-testid=village-checklist] tbody tr")
    assert items.count() == len(checklist(YEAR, village))
    assert road_name in page.inner_text("[data-testid=village-checklist]")
    assert "未达标" not in page.inner_text("[data-testid=village-checklist]")
    content = page.content()
    for name, id_number, household_no in personal:
        assert name not in content and id_number not in content and household_no not in content
    assert ROAD_EVIDENCE not in content and "退出登录" not in content
    screenshot(page, "village-exit-public-notice")
    page.fill("#id_content", OBJECTION)
    page.fill("#id_phone", OBJECTOR_PHONE)
    page.wait_for_timeout(3200)  # a person reads before sending; faster posts are refused
    page.click("[data-testid=objection-submit]")
    page.wait_for_selector("[data-testid=receipt]")
    number = page.inner_text("[data-testid=receipt-no]")
    objection = PublicSubmission.objects.get(village_notice=notice)
    assert number == objection.receipt_no and objection.status == "new"
    screenshot(page, "village-exit-public-receipt")

    # The notice period is over; the county may not announce while the objection is unanswered.
    VillageExit.objects.filter(pk=exit_.pk).update(
        notice_start=F("notice_start") - datetime.timedelta(days=7),
        notice_end=F("notice_end") - datetime.timedelta(days=7),
    )
    _as(page, "county_admin")
    _exit_page(page, village)
    assert "还有 1 条群众异议未答复" in page.inner_text("[data-testid=objection-blockers]")
    assert page.locator("[data-testid=exit-announce]").is_disabled()
    assert OBJECTION in page.inner_text("[data-testid=village-objections]")
    screenshot(page, "village-exit-announce-blocked")

    # The township answers the objection on the village exit page.
    _as(page, "township_a")
    _exit_page(page, village)
    item = page.locator(f"[data-testid=objection][data-pk='{objection.pk}']")
    assert OBJECTION in item.inner_text() and OBJECTOR_PHONE in item.inner_text()
    form = item.locator("[data-testid=objection-answer-form]")
    form.locator("[name$=note]").fill(ANSWER)
    submit(page, form.locator("button[type=submit]"))
    page.wait_for_selector("[data-testid=checklist-table]")
    item = page.locator(f"[data-testid=objection][data-pk='{objection.pk}']")
    assert item.get_attribute("data-status") == "handled" and ANSWER in item.inner_text()
    assert page.locator("[data-testid=objection-blockers]").count() == 0

    # The county announces: the village has exited in 2019 and the county page counts it.
    _as(page, "county_admin")
    _exit_page(page, village)
    assert page.locator("[data-testid=exit-announce]").is_enabled()
    page.fill("#id_comment", "公示期满，异议已核实答复，同意退出")
    submit(page, "[data-testid=exit-announce]")
    page.wait_for_selector("[data-testid=blockers]")
    assert f"该村已于 {YEAR} 年退出" in page.inner_text("[data-testid=blockers]")
    exit_.refresh_from_db()
    assert exit_.status == "announced"
    assert Area.objects.get(pk=village.pk).poor_exited_year == YEAR
    assert AuditEvent.objects.filter(action="village_exit.announce", target_id=str(exit_.pk)).exists()
    screenshot(page, "village-exit-announced")

    page.goto(page.base_url + "/assessment/county/")
    row = page.locator(f"[data-testid=exit-table] tr[data-year='{YEAR}']")
    assert row.locator("td").nth(1).inner_text().strip() == "1"
    screenshot(page, "village-exit-county")

    # The public page now says the county has announced the exit, and takes no more objections.
    page.context.clear_cookies()
    page.goto(page.base_url + f"/gs/v/{notice.public_id}/")
    page.wait_for_selector("[data-testid=notice-announced]")
    assert page.locator("[data-testid=objection-form]").count() == 0
    clear_limits()
