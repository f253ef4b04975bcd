"""Write services of the evaluation app: create, draw the sample, replace a village or household, enter a
survey, close. Each checks the actor's capability at the area it acts on and writes its AuditEvent."""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.areas.choices import AreaLevel
from jingzhun.areas.models import Area
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.scoping import user_can
from jingzhun.core.services import audit_record
from jingzhun.policy.selectors import policy_value
from jingzhun.register.models import Household

from . import results, sampling
from .choices import DESIGN_KEYS, MANAGE, SURVEY, EvaluationKind, EvaluationStatus, HouseholdGroup
from .models import Evaluation, SampledHousehold, SampledVillage, Survey

OPEN = (EvaluationStatus.SAMPLING, EvaluationStatus.SURVEYING)
SEED_MAX = 2**53  # seeds stay exact in JSON and JavaScript


def _need(actor, capability: str, area: Area) -> None:
    if not user_can(actor, capability, area):
        raise AccessDenied()


def design_defaults(county: Area, year: int) -> dict:
    return {name: policy_value(key, year, county) for name, key in DESIGN_KEYS.items()}


def _check_design(design: dict) -> dict:
    out = {}
    for name in ("village_share", "registered_share"):
        value = Decimal(str(design[name]))
        if not (0 <= value <= 100):
            raise DomainError(_("比例应在 0 到 100 之间。"), field=name)
        out[name] = value
    for name in ("poor_villages_min", "nonpoor_villages_min"):
        value = int(design[name])
        if not (0 <= value <= 100):
            raise DomainError(_("村数应在 0 到 100 之间。"), field=name)
        out[name] = value
    per = int(design["households_per_village"])
    if not (1 <= per <= 200):
        raise DomainError(_("每村抽取农户数应在 1 到 200 之间。"), field="households_per_village")
    out["households_per_village"] = per
    if out["village_share"] == 0 and out["poor_villages_min"] == 0 and out["nonpoor_villages_min"] == 0:
        raise DomainError(_("抽取比例和最少村数不能都为 0。"), field="village_share")
    return out


@transaction.atomic
def evaluation_create(
    *, actor, county: Area, year: int, kind: str, title: str = "", note: str = "", design: dict | None = None
) -> Evaluation:
    if county.level != AreaLevel.COUNTY:
        raise DomainError(_("抽样评估以县为单位组织，请选择县。"), field="county")
    _need(actor, MANAGE, county)
    if kind not in EvaluationKind.values:
        raise DomainError(_("请选择评估类型。"), field="kind")
    this_year = timezone.localdate().year
    if not (2014 <= int(year) <= this_year):
        raise DomainError(_("评估年度应在 2014 年到 %(y)s 年之间。") % {"y": this_year}, field="year")
    merged = design_defaults(county, year)
    merged.update({k: v for k, v in (design or {}).items() if v is not None and v != ""})
    missing = [k for k in DESIGN_KEYS if merged.get(k) is None]
    if missing:
        raise DomainError(_("缺少抽样设计参数，请在政策参数中设置。"), field=missing[0])
    title = (title or "").strip() or _("%(county)s%(year)s年%(kind)s") % {
        "county": county.name,
        "year": year,
        "kind": EvaluationKind(kind).label,
    }
    ev = Evaluation.objects.create(
        area=county, area_path=county.path, year=year, kind=kind, title=title[:100], note=note[:300],
        created_by=actor, **_check_design(merged),
    )  # fmt: skip
    audit_record(actor=actor, action="evaluation.create", target=ev, area=county,
                 after={"year": year, "kind": kind, "design": _check_design(merged)})  # fmt: skip
    return ev


def _new_village(
    ev: Evaluation, village: Area, size: int, seq: int, replaces=None, reason=""
) -> SampledVillage:
    sv = SampledVillage.objects.create(
        evaluation=ev, village=village, township_id=village.parent_id, area_path=village.path,
        stratum=sampling_stratum(village), stratum_size=size, seq=seq, replaces=replaces, replace_reason=reason,
    )  # fmt: skip
    picked = sampling.draw_households(village, ev.seed, ev.households_per_village, ev.registered_share)
    _add_households(ev, sv, picked)
    return sv


def sampling_stratum(village: Area) -> str:
    return "poor" if village.is_poor_village else "non_poor"


def _add_households(
    ev, sv, picked: list[tuple[int, str]], replaces=None, reason=""
) -> list[SampledHousehold]:
    households = Household.objects.in_bulk([pk for pk, _g in picked])
    start = SampledHousehold.objects.filter(sampled_village=sv).count()
    rows = [
        SampledHousehold(
            evaluation=ev,
            sampled_village=sv,
            household_id=pk,
            area_path=households[pk].area_path,
            group=group,
            poverty_status=households[pk].poverty_status,
            year_exited=households[pk].year_exited,
            size=households[pk].size,
            seq=start + i + 1,
            replaces=replaces,
            replace_reason=reason,
        )  # fmt: skip
        for i, (pk, group) in enumerate(picked)
    ]
    return SampledHousehold.objects.bulk_create(rows)


@transaction.atomic
def sample_draw(*, actor, evaluation: Evaluation, seed: int | None = None) -> Evaluation:
    """Draw (or redraw, before any survey) the whole sample with ``seed`` (a fresh random one if None)."""
    ev = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    _need(actor, MANAGE, ev.area)
    if ev.status not in (EvaluationStatus.DRAFT, EvaluationStatus.SAMPLING):
        raise DomainError(_("已开始入户调查或已结束的评估不能重新抽样。"), field="seed")
    if Survey.objects.filter(sample__evaluation=ev).exists():
        raise DomainError(_("已录入调查结果，不能重新抽样。"), field="seed")
    if seed is None:
        seed = secrets.randbelow(SEED_MAX)
    if not (0 <= int(seed) < SEED_MAX):
        raise DomainError(_("随机数种子应为 0 到 %(max)s 之间的整数。") % {"max": SEED_MAX - 1}, field="seed")
    SampledHousehold.objects.filter(evaluation=ev, replaces__isnull=False).update(replaces=None)
    SampledHousehold.objects.filter(evaluation=ev).delete()
    SampledVillage.objects.filter(evaluation=ev, replaces__isnull=False).update(replaces=None)
    SampledVillage.objects.filter(evaluation=ev).delete()
    ev.seed, ev.drawn_at, ev.status = int(seed), timezone.now(), EvaluationStatus.SAMPLING
    ev.save(update_fields=["seed", "drawn_at", "status", "updated_at"])
    strata = sampling.strata(ev.area)
    villages = Area.objects.in_bulk([pk for ids in strata.values() for pk in ids])
    codes = dict(Area.objects.filter(pk__in={t for t, _s in strata}).values_list("pk", "code"))
    seq = 0
    for (township_id, stratum), ids in sorted(strata.items()):
        minimum = ev.poor_villages_min if stratum == "poor" else ev.nonpoor_villages_min
        n = sampling.villages_to_draw(len(ids), ev.village_share, minimum)
        for pk in sampling.draw(ids, n, ev.seed, sampling.stratum_key(codes[township_id], stratum)):
            seq += 1
            _new_village(ev, villages[pk], len(ids), seq)
    if seq == 0:
        raise DomainError(_("该县没有可抽取的村。"), field="seed")
    audit_record(actor=actor, action="evaluation.draw", target=ev, area=ev.area,
                 after={"seed": ev.seed, "villages": seq,
                        "households": SampledHousehold.objects.filter(evaluation=ev).count()})  # fmt: skip
    return ev


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写更换原因。"), field="reason")
    if len(reason) > 200:
        raise DomainError(_("更换原因不能超过 200 个字。"), field="reason")
    return reason


@transaction.atomic
def village_replace(*, actor, sampled: SampledVillage, reason: str) -> SampledVillage:
    """临时换村: a fresh draw from the same stratum; the original stays in the record, inactive."""
    sv = (
        SampledVillage.objects.select_for_update()
        .select_related("evaluation", "village", "township")
        .get(pk=sampled.pk)
    )
    ev = sv.evaluation
    _need(actor, MANAGE, ev.area)
    reason = _check_reason(reason)
    if ev.status not in OPEN or not sv.is_active:
        raise DomainError(_("只能更换进行中评估的有效样本村。"), field="reason")
    if Survey.objects.filter(sample__sampled_village=sv).exists():
        raise DomainError(_("该村已录入调查结果，不能更换。"), field="reason")
    key = sampling.stratum_key(sv.township.code, sv.stratum)
    ids = sampling.strata(ev.area).get((sv.township_id, sv.stratum), [])
    used = set(SampledVillage.objects.filter(evaluation=ev).values_list("village_id", flat=True))
    n_before = SampledVillage.objects.filter(
        evaluation=ev, township_id=sv.township_id, stratum=sv.stratum, replaces__isnull=False
    ).count()
    fresh = sampling.draw([i for i in ids if i not in used], 1, ev.seed, f"{key}:r{n_before + 1}")
    if not fresh:
        raise DomainError(_("该乡镇同类村已全部抽取，没有可替换的村。"), field="reason")
    sv.is_active = False
    sv.save(update_fields=["is_active"])
    SampledHousehold.objects.filter(sampled_village=sv).update(is_active=False)
    seq = SampledVillage.objects.filter(evaluation=ev).count() + 1
    new = _new_village(ev, Area.objects.get(pk=fresh[0]), sv.stratum_size, seq, replaces=sv, reason=reason)
    audit_record(actor=actor, action="evaluation.village_replace", target=ev, area=sv.village, reason=reason,
                 before={"village": sv.village_id}, after={"village": new.village_id})  # fmt: skip
    return new


@transaction.atomic
def household_replace(*, actor, sampled: SampledHousehold, reason: str) -> SampledHousehold:
    """换户: a fresh draw from the same village and group; the original stays in the record, inactive."""
    sh = SampledHousehold.objects.select_for_update().select_related("evaluation", "sampled_village__village")
    sh = sh.get(pk=sampled.pk)
    ev, sv = sh.evaluation, sh.sampled_village
    _need(actor, MANAGE, ev.area)
    reason = _check_reason(reason)
    if ev.status not in OPEN or not sh.is_active:
        raise DomainError(_("只能更换进行中评估的有效样本户。"), field="reason")
    if Survey.objects.filter(sample=sh).exists():
        raise DomainError(_("该户已录入调查结果，不能更换。"), field="reason")
    used = set(SampledHousehold.objects.filter(evaluation=ev).values_list("household_id", flat=True))
    ids = [i for i in sampling.household_candidates(sv.village)[sh.group] if i not in used]
    n_before = SampledHousehold.objects.filter(
        sampled_village=sv, group=sh.group, replaces__isnull=False
    ).count()
    key = f"{sampling.household_key(sv.village.code, sh.group)}:r{n_before + 1}"
    fresh = sampling.draw(ids, 1, ev.seed, key)
    if not fresh:
        raise DomainError(_("该村同类农户已全部抽取，没有可替换的农户。"), field="reason")
    sh.is_active = False
    sh.save(update_fields=["is_active"])
    (new,) = _add_households(ev, sv, [(fresh[0], sh.group)], replaces=sh, reason=reason)
    audit_record(actor=actor, action="evaluation.household_replace", target=ev, area=sv.village, reason=reason,
                 before={"household": sh.household_id}, after={"household": new.household_id})  # fmt: skip
    return new


SURVEY_TEXT = {"surveyor": 50, "finding_reason": 300, "note": 300}
APPROVAL = ("fair_identification", "measures", "cadres", "approves")


def _clean_survey(sh: SampledHousehold, data: dict) -> dict:
    d = {k: data.get(k) for k in (*SURVEY_TEXT, *APPROVAL, "surveyed_on", "persons", "income_stable",
                                  "needs_met", "meets_criteria", "exit_recognised")}  # fmt: skip
    for name, limit in SURVEY_TEXT.items():
        d[name] = (d[name] or "").strip()
        if len(d[name]) > limit:
            raise DomainError(_("不能超过 %(n)s 个字。") % {"n": limit}, field=name)
    if not d["surveyor"]:
        raise DomainError(_("请填写调查员。"), field="surveyor")
    day = d["surveyed_on"]
    if not isinstance(day, datetime.date):
        raise DomainError(_("请填写调查日期。"), field="surveyed_on")
    if day > timezone.localdate() or day.year < sh.evaluation.year:
        raise DomainError(_("调查日期不能晚于今天，也不能早于评估年度。"), field="surveyed_on")
    try:
        persons = int(d["persons"])
    except (TypeError, ValueError):
        persons = 0
    if not (1 <= persons <= 50):
        raise DomainError(_("家庭人口应为 1 到 50 之间的整数。"), field="persons")
    d["persons"] = persons
    required = list(APPROVAL)
    if sh.is_exited:
        required += ["income_stable", "needs_met", "exit_recognised"]
    else:
        d.update(income_stable=None, needs_met=None, exit_recognised=None)
    if sh.group == HouseholdGroup.OUTSIDE:
        required.append("meets_criteria")
    else:
        d["meets_criteria"] = None
    for name in required:
        if d[name] not in (True, False):
            raise DomainError(_("请选择“是”或“否”。"), field=name)
    d["wrongly_exited"] = sh.is_exited and not (d["income_stable"] and d["needs_met"])
    d["missed"] = bool(d["meets_criteria"])
    if (d["wrongly_exited"] or d["missed"]) and not d["finding_reason"]:
        raise DomainError(_("判定为错退或漏评时请填写原因。"), field="finding_reason")
    return d


@transaction.atomic
def survey_submit(*, actor, sampled: SampledHousehold, data: dict) -> Survey:
    """Enter (or correct, before closing) the survey of one sampled household."""
    sh = SampledHousehold.objects.select_related("evaluation", "sampled_village__village").get(pk=sampled.pk)
    ev = Evaluation.objects.select_for_update().get(pk=sh.evaluation_id)
    _need(actor, SURVEY, sh.sampled_village.village)
    if ev.status not in OPEN:
        raise DomainError(_("评估未在进行中，不能录入调查结果。"))
    if not sh.is_active:
        raise DomainError(_("该户已被更换，不能录入调查结果。"))
    d = _clean_survey(sh, data)
    existing = Survey.objects.filter(sample=sh).first()
    before = None if existing is None else {k: getattr(existing, k) for k in d}
    survey, _created = Survey.objects.update_or_create(
        sample=sh, defaults={**d, "area_path": sh.area_path, "entered_by": actor}
    )
    if ev.status == EvaluationStatus.SAMPLING:
        ev.status = EvaluationStatus.SURVEYING
        ev.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="evaluation.survey_submit", target=survey, area=sh.sampled_village.village,
                 before=before, after=d)  # fmt: skip
    return survey


@transaction.atomic
def evaluation_close(*, actor, evaluation: Evaluation) -> Evaluation:
    """Freeze the four indicators (and the policy values used) into the evaluation."""
    ev = Evaluation.objects.select_for_update().select_related("area").get(pk=evaluation.pk)
    _need(actor, MANAGE, ev.area)
    if ev.status not in OPEN:
        raise DomainError(_("只能结束进行中的评估。"))
    if not Survey.objects.filter(sample__evaluation=ev, sample__is_active=True).exists():
        raise DomainError(_("还没有录入任何调查结果，不能结束评估。"))
    ev.results = results.compute(ev)
    ev.status, ev.closed_at = EvaluationStatus.CLOSED, timezone.now()
    ev.save(update_fields=["results", "status", "closed_at", "updated_at"])
    audit_record(actor=actor, action="evaluation.close", target=ev, area=ev.area,
                 after={"passed": ev.results["passed"], "surveys": ev.results["surveys"]})  # fmt: skip
    return ev
