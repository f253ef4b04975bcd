"""The demo's exit work: assessments, poor-village exits (announced, in progress, blocked) and the task list.

The demo is built once for the module at ``--scale 0.08`` (~2,000 households, 4 poor villages: two
announced, one at its notice, one blocked) inside a transaction rolled back at the end.
"""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from jingzhun.accounts.models import User
from jingzhun.areas.models import Area
from jingzhun.assessment.models import AssessmentRun, ChecklistItem, HouseholdAssessment, VillageExit
from jingzhun.assessment.services_village import exit_indicators
from jingzhun.core.models import AuditEvent
from jingzhun.demo.exits import ASSESSED_YEARS, LAST_YEAR
from jingzhun.indicators.models import IndicatorValue
from jingzhun.register.models import Household
from jingzhun.reports.models import TaskItem, TaskList
from jingzhun.reports.selectors import late_q

from .small_demo import SCALE, SEED, county, load  # noqa: F401 - not all used in every module


def poor_villages():
    return Area.objects.filter(level="village", is_poor_village=True)


def exits_fingerprint() -> list:
    return list(
        VillageExit.objects.order_by("area__code").values_list("area__code", "year", "status", "notice_start")
    )


def test_every_household_is_assessed_for_the_last_two_income_years_as_the_county_admin(demo):
    households = Household.objects.count()
    by_year = dict(HouseholdAssessment.objects.values_list("year").annotate(n=Count("pk")))
    assert by_year == dict.fromkeys(ASSESSED_YEARS, households)
    runs = AssessmentRun.objects.filter(area=county(), household__isnull=True)
    assert sorted(runs.values_list("year", flat=True)) == list(ASSESSED_YEARS)
    assert {r.started_by.username for r in runs} == {"xian_admin"}
    last = runs.get(year=LAST_YEAR)
    assert last.counts["households"] == households and last.counts["passed"] > 0
    assert last.params["_year"] == LAST_YEAR and "poverty_line" in last.params
    flagged = HouseholdAssessment.objects.filter(year=LAST_YEAR, flag_marginal=True) | (
        HouseholdAssessment.objects.filter(year=LAST_YEAR, flag_unstable=True)
    )
    assert flagged.exists()
    assert f"退出评估 {ASSESSED_YEARS[0]}–{LAST_YEAR} 年各 {households} 户" in demo


def test_announced_villages_went_through_every_step_and_carry_their_exit_year(demo):
    announced = VillageExit.objects.filter(status="announced").select_related("area")
    assert announced.count() == 2 == poor_villages().count() - 2
    for e in announced:
        assert 2016 <= e.year <= 2020
        assert e.area.poor_exited_year == e.year
        assert [s["step"] for s in e.steps] == ["propose", "verify", "notice", "announce"]
        assert e.notice_start.year == e.year and e.notice_end > e.notice_start
        items = ChecklistItem.objects.filter(area=e.area, year=e.year)
        assert items.count() == 9 and not items.filter(met=False).exists()
        assert all(i.evidence for i in items)
    actions = set(
        AuditEvent.objects.filter(action__startswith="village_exit.").values_list("action", flat=True)
    )
    assert actions == {
        "village_exit.propose",
        "village_exit.verify",
        "village_exit.notice",
        "village_exit.announce",
    }
    assert AuditEvent.objects.filter(action="village_exit.announce").count() == 2


def test_one_village_is_at_its_notice_and_one_is_blocked_by_its_checklist(demo):
    today = timezone.localdate()
    noticed = VillageExit.objects.select_related("area").get(status="noticed")
    assert noticed.year == LAST_YEAR and noticed.notice_start < today < noticed.notice_end
    assert noticed.area.poor_exited_year is None
    exited = poor_villages().filter(poor_exited_year__isnull=False).count()
    blocked = poor_villages().filter(poor_exited_year__isnull=True).exclude(pk=noticed.area_id).get()
    assert exited == 2 and not VillageExit.objects.filter(area=blocked).exists()
    unmet = ChecklistItem.objects.get(area=blocked, year=LAST_YEAR, met=False)
    assert unmet.code == "radio" and "通响率" in unmet.evidence
    blockers = exit_indicators(blocked, LAST_YEAR)["blockers"]
    assert any(unmet.name in b for b in blockers)
    assert "贫困村退出 2 个（进行中 1，受阻 1）" in demo


def test_village_exit_page_shows_what_blocks_the_blocked_village(demo, client_for):
    blocked = (
        poor_villages()
        .filter(poor_exited_year__isnull=True)
        .exclude(pk__in=VillageExit.objects.values("area_id"))
        .get()
    )
    client = client_for(User.objects.get(username="xian_admin"))
    page = client.get(reverse("assessment:village-detail", args=[blocked.pk])).content.decode()
    assert 'data-testid="blockers"' in page and "村村响" in page
    listing = client.get(reverse("assessment:village-list")).content.decode()
    assert "乡镇公示中" in listing


def test_late_tasks_and_assessment_results_show_on_their_pages(demo, client_for):
    client = client_for(User.objects.get(username="xian_admin"))
    page = client.get(reverse("reports:task-list"), {"late": "1"}).content.decode()
    for item in TaskItem.objects.filter(late_q()):
        assert item.name in page
    assert TaskItem.objects.exclude(late_q()).first().name not in page
    household = HouseholdAssessment.objects.filter(year=LAST_YEAR, flag_marginal=True).first().household
    results = client.get(reverse("assessment:result-list"), {"year": LAST_YEAR, "flag": "marginal"})
    assert results.status_code == 200 and household.household_no in results.content.decode()


def test_task_list_of_this_year_has_dated_progress_and_two_late_items(demo):
    today = timezone.localdate()
    tl = TaskList.objects.get(area=county(), year=today.year)
    items = list(tl.items.order_by("seq"))
    assert 8 <= len(items) <= 12
    assert tl.items.filter(late_q()).count() == 2
    assert sum(i.is_late for i in items) == 2
    assert any(i.is_done for i in items) and any(not i.is_done and i.deadline > today for i in items)
    for item in items:
        progress = list(item.progress.order_by("reported_on"))
        assert progress and all(p.reported_on <= today for p in progress)
        assert [p.completed for p in progress] == sorted(p.completed for p in progress)
        assert item.completed == progress[-1].completed and item.completed_on == progress[-1].reported_on
        assert item.target > 0 and item.responsible_unit and item.unit
    assert TaskItem.objects.filter(progress__recorded_by__username="bumen_jy").exists()
    assert f"工作任务 {len(items)} 项（逾期 2 项）" in demo


def test_villages_exited_indicator_counts_the_announced_villages(demo):
    value = IndicatorValue.objects.get(
        indicator="poor_villages_exited", area_path=county().path, year=LAST_YEAR, dim=""
    )
    assert value.numerator == VillageExit.objects.filter(status="announced").count() == 2
    remaining = IndicatorValue.objects.get(
        indicator="poor_villages_remaining", area_path=county().path, year=LAST_YEAR, dim=""
    )
    assert remaining.numerator == 2


def test_reset_replaces_the_exit_rows_and_the_same_seed_gives_the_same_exits(demo):
    before = exits_fingerprint()
    counts = (HouseholdAssessment.objects.count(), ChecklistItem.objects.count(), TaskItem.objects.count())
    load("--reset", "--seed", SEED)
    assert exits_fingerprint() == before
    assert (
        HouseholdAssessment.objects.count(),
        ChecklistItem.objects.count(),
        TaskItem.objects.count(),
    ) == counts
    assert not HouseholdAssessment.objects.exclude(household_id__in=Household.objects.values("pk")).exists()
    assert TaskList.objects.count() == 1
