"""The demo county's closed 预评估 (mock sample evaluation of 三率一度) for the last income year.

Everything goes through the evaluation services as the demo users: xian_admin creates the evaluation with
the default design (policy values) and draws the sample with a seed derived from the demo seed; the
township logins (xiang_a, xiang_b) enter the surveys of their townships' sampled households, xian_admin
those of the other townships; xian_admin closes it, which freezes the results shown on the county exit
page (/assessment/county/).

The answers come from the data where it exists, the household's assessment of the evaluated year:

* an exited household whose assessment fails (income below the line, or a 两不愁三保障 criterion) is
  answered 错退, with the assessment's reasons;
* a household outside the register whose income per head is below the poverty line is answered 漏评
  (meets the identification criteria), with the assessment's reason; one below the monitoring threshold
  but above the line is not, and the survey's note suggests monitoring it;
* approval is drawn from a seeded random stream (about 94 % approve, fewer where the survey found 错退 or
  漏评), with the same number of draws for every household so that the answers of one household do not
  shift those of the next.

Every active sampled household is surveyed (closing would accept fewer, but a closed evaluation with
households left unvisited is not what a county reports). Survey dates lie in December of the evaluated
year (never after today).
"""

from __future__ import annotations

import datetime
import hashlib
import random

from django.utils import timezone

from jingzhun.accounts.models import User
from jingzhun.areas.models import Area
from jingzhun.assessment.choices import Period
from jingzhun.assessment.models import HouseholdAssessment
from jingzhun.evaluation.choices import EvaluationKind, HouseholdGroup
from jingzhun.evaluation.models import Evaluation, SampledHousehold, SampledVillage, Survey
from jingzhun.evaluation.services import (
    SEED_MAX,
    evaluation_close,
    evaluation_create,
    sample_draw,
    survey_submit,
)
from jingzhun.register.choices import REGISTERED

from .exits import LAST_YEAR
from .users import persona_areas

APPROVE = 0.94  # share of households that approve overall
APPROVE_WITH_FINDING = 0.55  # … where the survey found 错退 or 漏评
# income-derived criteria: not measured when the household's income is not recorded
INCOME_CODES = ("income", "food", "clothing")
NOTE = "县级组织的第三方评估前预评估（演示数据）：按默认抽样设计抽取，由乡镇扶贫专干入户调查录入。"


def evaluation_seed(seed: int) -> int:
    """The sample seed for a demo seed: stable across machines, inside the evaluation's seed range."""
    digest = hashlib.sha256(f"jingzhun-demo:{seed}:evaluation".encode()).hexdigest()
    return int(digest, 16) % SEED_MAX


def demo_evaluation(county: Area, seed: int, year: int = LAST_YEAR) -> str:
    """Create, draw, survey and close the county's 预评估 of ``year``; returns the summary line."""
    admin = User.objects.filter(username="xian_admin").first()
    if admin is None:
        return ""
    ev = evaluation_create(actor=admin, county=county, year=year, kind=EvaluationKind.PRE, note=NOTE)
    ev = sample_draw(actor=admin, evaluation=ev, seed=evaluation_seed(seed))
    samples = list(
        SampledHousehold.objects.filter(evaluation=ev, is_active=True)
        .select_related("sampled_village__village")
        .order_by("sampled_village__seq", "seq")
    )
    assessments = {
        a.household_id: a
        for a in HouseholdAssessment.objects.filter(
            household_id__in=[s.household_id for s in samples], year=year, period=Period.YEAR
        )
    }
    surveyors = _Surveyors(county, admin)
    rng = random.Random(f"{seed}:evaluation:{year}")
    today = timezone.localdate()
    for sh in samples:
        village = sh.sampled_village
        data = answers(sh, assessments.get(sh.household_id), rng)
        data["surveyed_on"] = survey_date(year, village.seq, today)
        data["surveyor"] = surveyors.team(village.township_id)
        survey_submit(actor=surveyors.actor(village.township_id), sampled=sh, data=data)
    ev = evaluation_close(actor=admin, evaluation=ev)
    return summary(ev)


def summary(ev: Evaluation) -> str:
    rates = ev.results["rates"]

    def pct(key: str) -> str:
        rate = rates[key]["rate"]
        return "—" if rate is None else f"{rate:.2f}%"

    return (
        f"{ev.get_kind_display()} {ev.year} 年：抽样 {ev.results['villages']} 村 {ev.results['surveys']} 户，"
        f"错退率 {pct('wrong_exit')}，漏评率 {pct('missed')}，群众认可度 {pct('approval')}。"
    )


def delete_evaluations(county: Area) -> None:
    """Remove the county's sample evaluations (their sampled villages and households PROTECT areas and
    households). Replacement links PROTECT the replaced rows, so they are cut first."""
    evaluations = Evaluation.objects.filter(area_path__startswith=county.path)
    SampledHousehold.objects.filter(evaluation__in=evaluations, replaces__isnull=False).update(replaces=None)
    SampledVillage.objects.filter(evaluation__in=evaluations, replaces__isnull=False).update(replaces=None)
    for qs in (
        Survey.objects.filter(sample__evaluation__in=evaluations),
        SampledHousehold.objects.filter(evaluation__in=evaluations),
        SampledVillage.objects.filter(evaluation__in=evaluations),
    ):
        qs._raw_delete(qs.db)
    evaluations.delete()


class _Surveyors:
    """Who enters a township's surveys: its demo township login where there is one, else xian_admin."""

    def __init__(self, county: Area, admin):
        areas = persona_areas(county)
        users = {u.username: u for u in User.objects.filter(username__in=["xiang_a", "xiang_b"])}
        self.admin = admin
        self.by_township = {
            areas["township_a"].pk: users.get("xiang_a"),
            areas["township_b"].pk: users.get("xiang_b"),
        }
        townships = Area.objects.filter(parent=county).order_by("code").values_list("pk", flat=True)
        self.number = {pk: i for i, pk in enumerate(townships, start=1)}

    def actor(self, township_id: int):
        return self.by_township.get(township_id) or self.admin

    def team(self, township_id: int) -> str:
        return f"县预评估工作组第 {self.number.get(township_id, 0)} 组"


def survey_date(year: int, village_seq: int, today: datetime.date) -> datetime.date:
    """A day in December of the evaluated year by the village's draw order (never after today)."""
    day = datetime.date(year, 12, 1) + datetime.timedelta(days=(village_seq - 1) % 20)
    return max(datetime.date(year, 1, 1), min(day, today))


def _failing(a: HouseholdAssessment | None) -> list[dict]:
    """The assessment's failing criteria; income and what follows from it only when income is recorded."""
    if a is None:
        return []
    return [
        c for c in a.criteria() if not c["ok"] and (a.per_capita is not None or c["code"] not in INCOME_CODES)
    ]


def _reason(failing: list[dict]) -> str:
    text = "；".join(f"{c['label']}：{c['reason'].rstrip('。')}" for c in failing) + "（据退出评估）"
    return text if len(text) <= 300 else text[:299] + "…"


def answers(sh: SampledHousehold, a: HouseholdAssessment | None, rng: random.Random) -> dict:
    """The survey answers of one sampled household (without date and surveyor)."""
    draws = [rng.random() for _ in range(5)]  # the same number for every household
    d = {"persons": sh.size, "finding_reason": "", "note": ""}
    finding = False
    if sh.is_exited:
        failing = _failing(a)
        d["income_stable"] = not any(c["code"] == "income" for c in failing)
        d["needs_met"] = not any(c["code"] != "income" for c in failing)
        if failing:
            finding = True
            d["finding_reason"] = _reason(failing)
    if sh.group == HouseholdGroup.OUTSIDE:
        known = a is not None and a.per_capita is not None and a.poverty_status not in REGISTERED
        below_line = known and a.per_capita < a.line
        d["meets_criteria"] = below_line
        if below_line:
            finding = True
            d["finding_reason"] = _reason([c for c in _failing(a) if c["code"] == "income"])
        elif known and a.threshold is not None and a.per_capita < a.threshold:
            d["note"] = (
                f"年人均纯收入 {a.per_capita} 元，高于贫困线 {a.line} 元、低于监测范围 {a.threshold} 元，"
                "不符合识别标准，建议纳入防返贫监测。"
            )
    approves = draws[0] < (APPROVE_WITH_FINDING if finding else APPROVE)
    # the partial questions: a household that approves overall is mostly satisfied with each
    d["approves"] = approves
    d["fair_identification"] = draws[1] < (0.97 if approves else 0.5)
    d["measures"] = draws[2] < (0.96 if approves else 0.4)
    d["cadres"] = draws[3] < (0.98 if approves else 0.6)
    if sh.is_exited:
        d["exit_recognised"] = not finding and draws[4] < (0.98 if approves else 0.5)
    return d
