"""The whole 两公示一公告 in real Chromium (issue 4's acceptance journey).

Five candidates of village A1 have applied and been surveyed. The village officer holds the appraisal (one
household fails its vote) and publishes the first notice; a member of the public objects on the public page
without logging in and sees no full ID; the officer answers; the township reviews; the second notice runs;
a department's vehicle list arrives, so at county review one household is blocked by the exclusion rule;
the county approves the exception with a reason (in the audit log), passes it, and announces: four
households are registered for this year.
"""

import datetime

import pytest
from django.db.models import F
from django.utils import timezone

from jingzhun.browser import browser_page, login, screenshot, submit  # noqa: F401 - fixture
from jingzhun.comparison.tests.builders import load_batch, run_now
from jingzhun.core.models import AuditEvent
from jingzhun.core.testing import PASSWORD, build_personas
from jingzhun.identification.services import identification_start
from jingzhun.identification.tests.factories import application_data, survey_data
from jingzhun.public.tests.factories import clear_limits
from jingzhun.register.models import Household, Member
from jingzhun.register.tests.factories import make_household
from jingzhun.workflows import services
from jingzhun.workflows.models import Notice, Procedure

from .helpers import PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _candidates(personas):
    v = personas.village_a1
    households = [
        make_household(area=personas.tree.village_a1, actor=personas.county_admin) for _ in range(5)
    ]
    year = timezone.localdate().year
    _batch, results = identification_start(
        actor=v,
        area=personas.tree.village_a1,
        year=year,
        households=households,
        application=application_data(),
    )
    procs = [r["procedure"] for r in results]
    for p in procs:
        services.step_complete(actor=v, procedure=p, data=application_data())
        services.step_complete(actor=v, procedure=p, data=survey_data())
    return households, procs


def _as(page, username):
    page.context.clear_cookies()
    login(page, username, PASSWORD)
    page.wait_for_url(page.base_url + "/")


def _batch(page, step, area):
    page.goto(page.base_url + f"/procedures/batch/?kind=identification&step={step}&area={area.code}")
    page.wait_for_selector("[data-testid=batch-form]")


def _publish(page, step, area, start: datetime.date, tmp_path):
    page.goto(
        page.base_url + f"/procedures/notices/publish/?kind=identification&step={step}&area={area.code}"
    )
    page.wait_for_selector("[data-testid=publish-form]")
    page.fill("[data-testid=publish-form] #id_start_date", start.isoformat())
    page.click("[data-testid=publish-submit]")
    page.wait_for_selector("[data-testid=notice-entries]")
    photo = tmp_path / f"{step}.png"
    photo.write_bytes(PNG)
    page.set_input_files("[data-testid=evidence-form] input[type=file]", str(photo))
    submit(page, "[data-testid=evidence-form] button[type=submit]")
    page.wait_for_selector("[data-testid=notice-entries]")
    return Notice.objects.filter(step__code=step).latest("id")


def _close(page, notice):
    page.goto(page.base_url + f"/procedures/notices/{notice.pk}/")
    submit(page, "[data-testid=close-button]")
    page.wait_for_selector("[data-testid=notice-status]")
    notice.refresh_from_db()
    assert notice.status == "closed", page.inner_text("main")


def test_two_notices_and_an_announcement_register_four_households(browser_page, tmp_path):  # noqa: F811
    clear_limits()
    personas = build_personas()
    village = personas.tree.village_a1
    households, procs = _candidates(personas)
    loser, flagged = procs[4], procs[1]
    page = browser_page

    # 民主评议 for the list: 22 of 30 representatives present; one household gets 6 votes.
    _as(page, "village_a1")
    _batch(page, "appraisal", village)
    page.fill("#id_representatives", "30")
    page.fill("#id_present", "22")
    for p in procs:
        page.fill(f"input[name=votes_for_{p.pk}]", "6" if p is loser else "19")
    page.fill(f"input[name=votes_against_{loser.pk}]", "15")
    page.click("[data-testid=batch-submit]")
    page.wait_for_selector("[data-testid=outcomes]")
    assert page.locator("tr[data-result=passed]").count() == 4
    assert page.locator("tr[data-result=failed]").count() == 1
    screenshot(page, "journey-appraisal")

    # 第一次公示, posted six days ago (a 7-day period: today is its last day), photo of the board.
    notice = _publish(page, "notice1", village, timezone.localdate() - datetime.timedelta(days=6), tmp_path)
    assert notice.entries.count() == 4
    heads = {
        m.household_id: m.id_number for m in Member.objects.filter(relation="01", household__in=households)
    }

    # A member of the public objects on the public page, without logging in.
    page.context.clear_cookies()
    page.goto(page.base_url + f"/gs/n/{notice.public_id}/")
    page.wait_for_selector("[data-testid=public-entries]")
    content = page.content()
    assert all(full not in content for full in heads.values())
    entry = notice.entries.get(procedure=procs[0])
    assert entry.masked_id in content
    page.select_option("#id_entry", str(entry.pk))
    page.fill("#id_content", "该户家里新买了一辆货车，请核实")
    page.wait_for_timeout(3200)
    page.click("[data-testid=objection-submit]")
    page.wait_for_selector("[data-testid=receipt]")
    assert all(full not in page.content() for full in heads.values())
    screenshot(page, "journey-public-objection")

    # The officer answers it (unfounded); a week has passed by the time the notice is closed.
    _as(page, "village_a1")
    page.goto(page.base_url + f"/procedures/notices/{notice.pk}/")
    assert page.locator("[data-testid=close-button]").is_disabled()
    form = page.locator("[data-testid=answer-form]")
    form.locator("select").first.select_option("dismissed")
    form.locator("[name$=answer]").fill("经入户核实，该车为邻居所有，异议不成立")
    submit(page, form.locator("button[type=submit]"))
    page.wait_for_selector("[data-testid=notice-status]")
    Notice.objects.filter(pk=notice.pk).update(
        start_date=F("start_date") - datetime.timedelta(days=2),
        end_date=F("end_date") - datetime.timedelta(days=2),
    )
    _close(page, notice)

    # 乡镇审核
    _as(page, "township_a")
    _batch(page, "township_review", village)
    page.click("[data-testid=batch-submit]")
    page.wait_for_selector("[data-testid=outcomes]")
    assert page.locator("tr[data-result=passed]").count() == 4

    # 第二次公示 (already a full week ago), closed by the village.
    _as(page, "village_a1")
    second = _publish(page, "notice2", village, timezone.localdate() - datetime.timedelta(days=8), tmp_path)
    _close(page, second)

    # The traffic police's vehicle list names the head of one candidate household.
    head = Member.objects.get(household=flagged.household, relation="01")
    load_batch(
        personas.department,
        tmp_path,
        "vehicle",
        ["证件号码", "车主姓名", "号牌号码"],
        [[head.id_number, head.name, "川W12345"]],
    )
    run_now(personas.county_admin, personas.tree.county)

    # 县级复审: the vehicle rule blocks that household; the others pass.
    _as(page, "county_admin")
    _batch(page, "county_review", village)
    page.click("[data-testid=batch-submit]")
    page.wait_for_selector("[data-testid=outcomes]")
    assert page.locator("tr[data-result=passed]").count() == 3
    blocked = page.locator(f"tr[data-procedure='{flagged.pk}']")
    assert blocked.get_attribute("data-result") == "blocked"
    screenshot(page, "journey-county-blocked")

    # The county approves the exception with a reason, then passes the household.
    page.goto(page.base_url + f"/procedures/{flagged.pk}/")
    override = page.locator("[data-testid=override-form]")
    override.locator("input[type=checkbox]").first.check()
    override.locator("[name$=reason]").fill("经核实该货车为农用运输车，价值低于 3 万元，准予例外")
    submit(page, override.locator("button[type=submit]"))
    page.wait_for_selector("[data-testid=timeline]")
    _batch(page, "county_review", village)
    page.click("[data-testid=batch-submit]")
    page.wait_for_selector("[data-testid=outcomes]")
    assert page.locator("tr[data-result=passed]").count() == 1

    # 公告 by the county: the households are registered.
    announcement = _publish(page, "announce", village, timezone.localdate(), tmp_path)
    assert announcement.kind == "announcement"
    _close(page, announcement)
    screenshot(page, "journey-announced")

    year = timezone.localdate().year
    registered = Household.objects.filter(pk__in=[h.pk for h in households], poverty_status="poor")
    assert registered.count() == 4 and set(registered.values_list("year_identified", flat=True)) == {year}
    assert Household.objects.get(pk=loser.household_id).poverty_status == "not_poor"
    assert Procedure.objects.filter(kind="identification", status="completed").count() == 4

    event = AuditEvent.objects.get(action="procedure.override", target_id=str(flagged.pk))
    assert "农用运输车" in event.reason
    page.goto(page.base_url + "/audit/?action=procedure.override")
    assert "农用运输车" in page.inner_text("main")
    clear_limits()
