"""The demo county's exit work: household assessments, poor-village exits and this year's task list.

* Assessments: the batch assessment of every household for the demo's last two income years, by the
  same set-based pass the background job runs (``assessment.batch.assess``).
* Village exits: the poor villages' checklists and exit procedures go through the assessment services
  as the demo users. Most villages are proposed, verified, noticed and announced for their historical
  exit year (2016–2018, or the first later year whose incidence is below the limit), so the services set
  ``poor_exited_year`` again; one is at its township notice and one waits for the township's check (both
  for the last income year), and one is blocked by a checklist item not met. The services stamp their
  step log and audit events with the time of the run (only the notice dates are historical); the step
  comment says the record was entered from the village's exit files.
* Task list: the county's 工作任务清单 for this year (targets, units, deadlines, responsible units) with
  dated progress; two items are past their deadline and unfinished, so the "late" flags show. Dates are
  placed relative to today so that the list looks the same whenever the demo is built.
"""

from __future__ import annotations

import calendar
import datetime
import random
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from jingzhun.accounts.models import User
from jingzhun.areas.choices import AreaLevel
from jingzhun.areas.models import Area
from jingzhun.assessment.batch import assess
from jingzhun.assessment.choices import ExitStatus
from jingzhun.assessment.incidence import incidence
from jingzhun.assessment.models import AssessmentRun, ChecklistItem, HouseholdAssessment, VillageExit
from jingzhun.assessment.services import checklist_item_save
from jingzhun.assessment.services_village import (
    village_exit_announce,
    village_exit_notice,
    village_exit_propose,
    village_exit_verify,
)
from jingzhun.policy.selectors import checklist, incidence_limit
from jingzhun.register.choices import REGISTERED
from jingzhun.register.models import Household
from jingzhun.reports.models import TaskList
from jingzhun.reports.services import task_item_save, task_list_create, task_progress_add

from .incomes import INCOME_YEARS
from .users import persona_areas

LAST_YEAR = INCOME_YEARS[-1]  # the demo's last income year (2025)
ASSESSED_YEARS = (LAST_YEAR - 1, LAST_YEAR)
LAST_EXIT_YEAR = 2020  # every poor village had to exit by the end of 2020

# checklist code → a short evidence note (format fields filled per village); unknown codes get GENERIC
EVIDENCE = {
    "road": "村委会至各村民小组硬化路 {km} 公里，已通客车（乡镇交通站验收记录）",
    "water": "集中供水工程覆盖 {groups} 个村民小组，水质检测合格",
    "power": "农网改造完成，生活、生产用电户户通",
    "tv": "直播卫星户户通已安装到户，抽查收视正常",
    "broadband": "光纤宽带通达村委会和集中居住点",
    "culture": "文化广场 {square}㎡、活动室 {room}㎡，篮球场 1 个，乒乓球台 2 张，健身器材 1 套",
    "clinic": "标准化卫生室 {clinic}㎡，村医 1 名持乡村医生执业证书",
    "collective": "村集体经济收入 {income} 元（村务公开账目）",
    "radio": "村村响广播抽查 {speakers} 处，通响率 {coverage}%",
}
GENERIC = "已达标，见乡镇验收记录"
BLOCKING_CODE = "radio"
BLOCKING_NOTE = "广播设备老化，抽查通响率 {coverage}%，未达到 95%；设备更新已列入今年县级任务清单"


def demo_exits(county: Area, rng: random.Random) -> str:
    """Assessments, village exits and the task list; returns the summary line of load_demo."""
    admin = User.objects.filter(username="xian_admin").first()
    if admin is None:
        return ""
    runs = [assess(area=county, year=year, actor=admin) for year in ASSESSED_YEARS]
    villages = village_exits(county, rng, admin)
    tasks = task_list(county, rng, admin)
    last = runs[-1].counts
    return (
        f"退出评估 {ASSESSED_YEARS[0]}–{ASSESSED_YEARS[-1]} 年各 {last['households']} 户"
        f"（{LAST_YEAR} 年达到退出标准 {last['passed']} 户，监测预警 {last['unstable'] + last['marginal']} 户）；"
        f"贫困村退出 {villages['announced']} 个（进行中 {villages['open']}，受阻 {villages['blocked']}）；"
        f"工作任务 {tasks['items']} 项（逾期 {tasks['late']} 项）。"
    )


def delete_exits(county: Area) -> None:
    """Remove the county's assessments, checklists, village exits and task lists (before its households
    and areas go: these rows reference both)."""
    path = county.path
    # One row per household and year: a plain DELETE (nothing references them).
    assessments = HouseholdAssessment.objects.filter(area_path__startswith=path)
    assessments._raw_delete(assessments.db)
    # Few rows: the collector also removes what hangs on them (the portal's notice of a village exit
    # and its objections, task items and their progress).
    for model in (AssessmentRun, ChecklistItem, VillageExit, TaskList):
        model.objects.filter(area_path__startswith=path).delete()


# --- village exits ------------------------------------------------------------------------------------


class _Actors:
    """Who acts for a village: its officer (if a demo login has one) or the county admin proposes and
    fills the checklist, its township's login (or the county admin) verifies and posts the notice."""

    def __init__(self, county: Area, admin):
        self.admin = admin
        areas = persona_areas(county)
        users = {
            u.username: u
            for u in User.objects.filter(username__in=["xiang_a", "xiang_b", "cun_a1", "cun_b1"])
        }
        self.village = {
            getattr(areas["village_a1"], "pk", None): users.get("cun_a1"),
            getattr(areas["village_b1"], "pk", None): users.get("cun_b1"),
        }
        self.township = {
            areas["township_a"].pk: users.get("xiang_a"),
            areas["township_b"].pk: users.get("xiang_b"),
        }

    def of_village(self, village: Area):
        return self.village.get(village.pk) or self.admin

    def of_township(self, village: Area):
        return self.township.get(village.parent_id) or self.admin


def village_exits(county: Area, rng: random.Random, admin) -> dict:
    """Checklists and exit procedures of the poor villages; returns counts by outcome."""
    poor = list(
        Area.objects.filter(path__startswith=county.path, level=AreaLevel.VILLAGE, is_poor_village=True)
        .select_related("parent")
        .order_by("code")
    )
    counts = {"announced": 0, "open": 0, "blocked": 0}
    if not poor:
        return counts
    history = {v.pk: v.poor_exited_year for v in poor}
    # The generator drew each village's exit year; the exit procedure below is what records it.
    Area.objects.filter(pk__in=list(history)).update(poor_exited_year=None)
    for v in poor:
        v.poor_exited_year = None
    years = sorted(
        {*range(min(y or LAST_EXIT_YEAR for y in history.values()), LAST_EXIT_YEAR + 1), LAST_YEAR}
    )
    rates = {y: incidence(poor, y) for y in years}
    limits = {y: incidence_limit(poor[0], y, "village") for y in years}

    def qualifies(village: Area, year: int) -> bool:
        rate = rates[year][village.pk]["rate"]
        return rate is not None and (limits[year] is None or rate < limits[year])

    actors = _Actors(county, admin)
    township_a = persona_areas(county)["township_a"]
    # Work in progress where the township A logins see it: its villages first, then the rest at random.
    order = [v for v in poor if v.parent_id == township_a.pk]
    rest = [v for v in poor if v.parent_id != township_a.pk]
    rng.shuffle(rest)
    order += rest
    roles = ["noticed"] if len(poor) >= 2 else []
    roles += ["blocked"] if len(poor) >= 3 else []
    roles += ["proposed"] if len(poor) >= 6 else []
    special: dict[int, str] = {}
    for village in order:
        if not roles:
            break
        role = roles[0]
        if role == "blocked" or qualifies(village, LAST_YEAR):
            special[village.pk] = roles.pop(0)
    for village in poor:
        role = special.get(village.pk)
        if role == "blocked":
            _fill_checklist(village, LAST_YEAR, rng, actors.of_village(village), blocking=True)
            counts["blocked"] += 1
        elif role:
            _open_exit(village, role, rng, actors)
            counts["open"] += 1
        else:
            start = history[village.pk] or LAST_EXIT_YEAR
            year = next((y for y in range(start, LAST_EXIT_YEAR + 1) if qualifies(village, y)), None)
            if year is None:  # still above the limit by 2020: its checklist shows what blocks it
                _fill_checklist(village, LAST_YEAR, rng, actors.of_village(village))
                counts["blocked"] += 1
                continue
            _announced_exit(village, year, rng, actors)
            counts["announced"] += 1
    return counts


def _fill_checklist(village: Area, year: int, rng: random.Random, actor, blocking: bool = False) -> None:
    figures = {
        "km": round(rng.uniform(4, 18), 1),
        "groups": village.children.count() or rng.randint(3, 6),
        "square": rng.randrange(200, 420, 10),
        "room": rng.randrange(90, 160, 5),
        "clinic": rng.randrange(60, 120, 5),
        "income": rng.randrange(12_000, 85_000, 500),
        "speakers": rng.randint(8, 20),
        "coverage": rng.randint(95, 100),
    }
    for entry in checklist(year, village):
        code = entry["code"]
        if blocking and code == BLOCKING_CODE:
            note = BLOCKING_NOTE.format(coverage=rng.randint(62, 88))
            checklist_item_save(actor=actor, village=village, year=year, code=code, met=False, evidence=note)
            continue
        note = EVIDENCE.get(code, GENERIC).format(**figures)
        checklist_item_save(actor=actor, village=village, year=year, code=code, met=True, evidence=note)


def _place(village: Area) -> str:
    return f"{village.parent.name}政务公开栏、{village.name}村务公开栏"


def _announced_exit(village: Area, year: int, rng: random.Random, actors: _Actors) -> None:
    _fill_checklist(village, year, rng, actors.of_village(village))
    comment = f"{year} 年度退出，按村级退出档案在系统中补录"
    exit_ = village_exit_propose(
        actor=actors.of_village(village), village=village, year=year, comment=comment
    )
    exit_ = village_exit_verify(
        actor=actors.of_township(village), exit_=exit_, comment="经乡镇入村核实，指标属实"
    )
    start = datetime.date(year, rng.choice([10, 11]), rng.randint(1, 20))
    exit_ = village_exit_notice(
        actor=actors.of_township(village), exit_=exit_, start=start, place=_place(village)
    )
    village_exit_announce(actor=actors.admin, exit_=exit_, comment="公示无异议，县级公告退出")


def _open_exit(village: Area, stage: str, rng: random.Random, actors: _Actors) -> None:
    _fill_checklist(village, LAST_YEAR, rng, actors.of_village(village))
    exit_ = village_exit_propose(
        actor=actors.of_village(village),
        village=village,
        year=LAST_YEAR,
        comment="村民代表大会通过，申请退出",
    )
    if stage == ExitStatus.NOTICED:
        exit_ = village_exit_verify(
            actor=actors.of_township(village), exit_=exit_, comment="入村核实，指标属实"
        )
        start = timezone.localdate() - datetime.timedelta(days=3)
        village_exit_notice(
            actor=actors.of_township(village), exit_=exit_, start=start, place=_place(village)
        )


# --- the task list --------------------------------------------------------------------------------------


def _month_end(today: datetime.date, months: int) -> datetime.date:
    """The last day of the month ``months`` away from today's."""
    index = today.year * 12 + today.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


# (task, unit, responsible unit, department, deadline in months from now, progress as shares of the
# target at the month ends before today: the last share < 1 with a past deadline makes the item late)
TASKS = [
    ("脱贫村综合文化服务中心补齐短板（文化广场、活动室、体育器材按新标准配齐）", "个", "县文化广播电视和旅游局",
     "公共服务股", -2, (0.2, 0.45, 0.6, 0.75, 0.8)),
    ("脱贫村“村村响”应急广播设备更新，通响率达到 95% 以上", "个", "县文化广播电视和旅游局", "广电股", -1,
     (0.1, 0.3, 0.5, 0.65, 0.7)),
    ("全县农村公益电影放映", "场", "县文化广播电视和旅游局", "电影放映管理站", 1, (0.3, 0.52, 0.7, 0.86, 0.93)),
    ("其中在脱贫村放映公益电影", "场", "县文化广播电视和旅游局", "电影放映管理站", 1, (0.25, 0.5, 0.72, 0.9, 1)),
    ("脱贫户和监测对象入户走访排查全覆盖", "户", "县乡村振兴局", "各乡镇", -4, (0.55, 1)),
    ("防返贫监测对象帮扶措施落实到户", "户", "县乡村振兴局", "监测帮扶股", 1, (0.4, 0.6, 0.75, 0.85)),
    ("“雨露计划”职业教育补助发放", "人", "县教育局", "学生资助管理中心", -1, (0.5, 0.8, 1)),
    ("脱贫人口小额信贷新增发放", "万元", "县农业农村局", "人民银行县支行", 1, (0.35, 0.55, 0.7, 0.8)),
    ("乡村公益性岗位安置脱贫劳动力", "人", "县人力资源和社会保障局", "就业服务中心", -3, (0.6, 0.9, 1)),
    ("农村低收入人口住房安全动态监测（鉴定到户）", "户", "县住房和城乡建设局", "村镇建设股", 0,
     (0.3, 0.6, 0.85, 1)),
]  # fmt: skip


def _targets(county: Area) -> list[int]:
    """Targets in the county's own numbers, so they fit the demo at any scale."""
    path = county.path
    villages = Area.objects.filter(path__startswith=path, level=AreaLevel.VILLAGE, urban_rural_class="220")
    n_villages = villages.count()
    n_poor = villages.filter(is_poor_village=True).count()
    households = Household.objects.filter(area_path__startswith=path)
    registered = households.filter(poverty_status__in=REGISTERED).count()
    monitored = households.filter(is_monitored=True).count()
    to_visit = households.filter(Q(poverty_status__in=REGISTERED) | Q(is_monitored=True)).count()
    return [
        n_poor,
        n_poor,
        n_villages * 45,
        n_poor * 7,
        to_visit,
        monitored,
        round(registered * 0.05),
        round(registered * 0.7),
        round(registered * 0.12),
        registered,
    ]


def task_list(county: Area, rng: random.Random, admin) -> dict:
    """One county task list for this year with dated cumulative progress."""
    today = timezone.localdate()
    department = User.objects.filter(username="bumen_jy").first()
    tl = task_list_create(
        actor=admin,
        area=county,
        year=today.year,
        title=f"{county.name}{today.year}年巩固拓展脱贫攻坚成果工作任务清单",
        issuer="县巩固拓展脱贫攻坚成果同乡村振兴领导小组办公室",
        note="按月填报累计完成数；逾期未完成的任务在县级调度会上通报。",
    )
    late = 0
    for (name, unit, unit_name, dept, months, shares), target in zip(TASKS, _targets(county), strict=True):
        target = max(1, target)
        item = task_item_save(
            actor=admin,
            task_list=tl,
            name=name,
            target=Decimal(target),
            unit=unit,
            deadline=_month_end(today, months),
            responsible_unit=unit_name,
            department=dept,
            note="",
        )
        reporter = department if department is not None and unit_name == "县教育局" else admin
        finished = shares[-1] >= 1
        # Monthly entries up to last month's end (a finished task: up to its deadline at the latest).
        last = min(months, -1) if finished else -1
        done = 0
        for k, share in enumerate(shares):
            reported_on = _month_end(today, last - (len(shares) - 1 - k))
            if share >= 1:
                now = target
            else:  # never the whole target before the last entry of a finished task
                now = min(target - 1, round(target * (share + rng.uniform(-0.02, 0.02))))
            done = max(done, now)
            note = f"截至 {reported_on.month} 月 {reported_on.day} 日累计完成 {done} {unit}"
            task_progress_add(
                actor=reporter,
                item=item,
                reported_on=reported_on,
                completed=Decimal(done),
                note=note + ("，任务完成" if done >= target else ""),
            )
        item.refresh_from_db()
        late += item.is_late
    return {"items": len(TASKS), "late": late}
