"""Identification services: start candidates, keep a blocked survey, adjust rules, set the quota.

The transitions themselves are the engine's (jingzhun.workflows.services); the kind's hooks (kind.py)
call into this module. Every write checks the actor's capability at the county and writes an audit event
in the same transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.scoping import user_can
from jingzhun.core.services import audit_record
from jingzhun.register.choices import PovertyStatus
from jingzhun.workflows import engine
from jingzhun.workflows import services as workflow
from jingzhun.workflows.models import Procedure

from .choices import KIND
from .models import ExclusionRule, Quota, QuotaOverride
from .rules import PREDICATES
from .selectors import county_of, quota_status
from .survey import clean_application, clean_survey

REASON_MAX = 1000


def _reason(value: str, label: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("请填写%(label)s。") % {"label": label}, field="reason", code="required")
    if len(value) > REASON_MAX:
        raise DomainError(
            _("%(label)s不能超过 %(n)s 个字。") % {"label": label, "n": REASON_MAX}, field="reason"
        )
    return value


def _county(area):
    county = county_of(area)
    if county is None:
        raise DomainError(_("请选择一个县。"), field="county")
    return county


# --- candidates --------------------------------------------------------------------------------------


@transaction.atomic
def identification_start(
    *, actor, area, year: int, households, application: dict | None = None, batch=None, title: str = ""
):
    """Start identification for several households of a village into one list (办理名单).

    Households that may not start (already registered, no members, out of scope…) are reported one by
    one; the others start. Returns (batch or None, [{"household", "procedure", "error"}]).
    """
    households = list(households)
    if not households:
        raise DomainError(_("请至少选择一户。"), field="households", code="required")
    this_year = timezone.localdate().year
    if not this_year - 1 <= int(year) <= this_year + 1:
        raise DomainError(
            _("识别年度应为 %(a)s 至 %(b)s 年。") % {"a": this_year - 1, "b": this_year + 1}, field="year"
        )
    app = clean_application(application)
    sid = transaction.savepoint()
    if batch is None:
        batch = workflow.batch_create(actor=actor, kind=KIND, area=area, year=int(year), title=title)
    results = []
    for h in households:
        try:
            p = workflow.procedure_start(
                actor=actor, kind=KIND, household=h, year=int(year), data={"application": app}, batch=batch
            )
        except DomainError as exc:  # AccessDenied included: that household is not the actor's
            results.append({"household": h, "procedure": None, "error": exc.message})
        else:
            results.append({"household": h, "procedure": p, "error": ""})
    if not any(r["procedure"] for r in results):
        transaction.savepoint_rollback(sid)
        return None, results
    transaction.savepoint_commit(sid)
    return batch, results


@transaction.atomic
def survey_keep(*, actor, procedure: Procedure, data: dict) -> Procedure:
    """Keep a validated survey on the procedure without passing the step.

    Used when the survey step is blocked by an exclusion-rule hit: the county reviewer then sees the
    declarations behind the hit, may approve an exception, and the village completes the step.
    """
    procedure = (
        Procedure.objects.select_for_update(of=("self",))
        .select_related("current_step", "household", "area")
        .get(pk=procedure.pk)
    )
    engine.require_at(procedure, "survey")
    engine.require_actor(actor, procedure, procedure.current_step)
    survey = clean_survey(data, procedure.household, year=procedure.year)
    procedure.data = {**procedure.data, "survey_draft": survey}
    procedure.save(update_fields=["data", "updated_at"])
    audit_record(
        actor=actor,
        action="identification.survey_keep",
        target=procedure,
        area=procedure.area,
        after={"main_cause": survey["main_cause"], "per_capita": survey["income"]["per_capita"]},
    )
    return procedure


# --- registration (on_complete) -----------------------------------------------------------------------


def register_household(procedure: Procedure, actor) -> None:
    """The announcement ended: the household is registered (建档立卡) with the survey's attributes."""
    from jingzhun.register.services import household_set_poverty_status

    survey = (procedure.data or {}).get("survey") or {}
    household = procedure.household
    if household.poverty_status != PovertyStatus.NOT_POOR:
        raise DomainError(
            _("%(name)s户已是建档立卡户，不能重复识别。") % {"name": household.head_name}, field="household"
        )
    fields = {
        k: survey[k]
        for k in ("standard", "attribute", "main_cause", "other_causes")
        if survey.get(k) is not None
    }
    household = household_set_poverty_status(
        actor=actor,
        household=household,
        status=PovertyStatus.POOR,
        year_identified=procedure.year,
        reason=_("贫困户识别（办理程序 #%(pk)s）公告期满，建档立卡。") % {"pk": procedure.pk},
        fields=fields,
    )
    procedure.data = {
        **procedure.data,
        "registration": {
            "household_no": household.household_no,
            "status": household.poverty_status,
            "year_identified": household.year_identified,
            "main_cause": household.main_cause,
            "attribute": household.attribute,
            "at": timezone.now().isoformat(),
        },
    }
    procedure.save(update_fields=["data", "updated_at"])


# --- quota --------------------------------------------------------------------------------------------


def _require_quota(actor, county) -> None:
    if not user_can(actor, "identification.quota", county):
        raise AccessDenied(_("只有县级可以设定“%(area)s”的识别规模。") % {"area": county.name})


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise DomainError(_("请填写年度。"), field="year") from None
    if not 2014 <= year <= timezone.localdate().year + 1:
        raise DomainError(
            _("年度应在 2014 至 %(y)s 年之间。") % {"y": timezone.localdate().year + 1}, field="year"
        )
    return year


@transaction.atomic
def quota_set(*, actor, county, year: int, quota: int, note: str = "") -> Quota:
    """Set (or change) a county's identification quota of a year."""
    county = _county(county)
    _require_quota(actor, county)
    year = _year(year)
    try:
        quota = int(quota)
    except (TypeError, ValueError):
        raise DomainError(_("“识别规模”应为整数。"), field="quota") from None
    if quota < 0:
        raise DomainError(_("“识别规模”不能为负数。"), field="quota")
    note = (note or "").strip()[:200]
    row = Quota.objects.select_for_update().filter(area=county, year=year).first()
    before = {"quota": row.quota, "note": row.note} if row else None
    if row is None:
        row = Quota(area=county, area_path=county.path, year=year)
    row.quota, row.note, row.updated_by = quota, note, actor
    row.save()
    audit_record(
        actor=actor,
        action="identification.quota_set",
        target=row,
        area=county,
        before=before,
        after={"year": year, "quota": quota, "note": note},
    )
    return row


@transaction.atomic
def quota_override_add(
    *, actor, county, year: int, extra: int = 0, allow_exceed: bool = False, reason: str
) -> QuotaOverride:
    """The county approves more households than its quota (extra), or lifts the limit, with a reason."""
    county = _county(county)
    _require_quota(actor, county)
    year = _year(year)
    try:
        extra = int(extra or 0)
    except (TypeError, ValueError):
        raise DomainError(_("“增加规模”应为整数。"), field="extra") from None
    if extra < 0:
        raise DomainError(_("“增加规模”不能为负数。"), field="extra")
    if extra == 0 and not allow_exceed:
        raise DomainError(_("请填写增加的户数，或选择“不受规模限制”。"), field="extra", code="required")
    reason = _reason(reason, _("理由"))
    row = QuotaOverride.objects.create(
        area=county,
        area_path=county.path,
        year=year,
        extra=extra,
        allow_exceed=bool(allow_exceed),
        reason=reason,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="identification.quota_override",
        target=row,
        area=county,
        after={"year": year, "extra": extra, "allow_exceed": bool(allow_exceed)},
        reason=reason,
    )
    return row


def check_quota(procedures, step, actor) -> None:
    """Before the announcement passes a list: registered this year + this list ≤ quota (+ approved extra)."""
    groups: dict[tuple, list] = {}
    for p in procedures:
        groups.setdefault((p.area_path[:6], p.year), []).append(p)
    for (_county_path, year), items in groups.items():
        county = county_of(items[0].area)
        if county is None:
            continue
        status = quota_status(county, year)
        if status["limit"] is None or status["allow_exceed"]:
            continue
        if status["used"] + len(items) > status["limit"]:
            raise DomainError(
                _(
                    "%(county)s%(year)s年识别规模 %(limit)s 户，已识别 %(used)s 户，剩余 %(remaining)s 户，"
                    "本次公告 %(n)s 户超出规模。请县级调整规模或批准例外。"
                )
                % {
                    "county": county.name,
                    "year": year,
                    "limit": status["limit"],
                    "used": status["used"],
                    "remaining": max(status["remaining"], 0),
                    "n": len(items),
                },
                field="quota",
                code="quota_exceeded",
            )


# --- rules --------------------------------------------------------------------------------------------


def clean_params(predicate: str, params: dict | None) -> dict:
    spec = PREDICATES.get(predicate)
    if spec is None:
        raise DomainError(_("未知的判定方法。"), field="predicate")
    params = dict(params or {})
    unknown = set(params) - set(spec.params)
    if unknown:
        raise DomainError(_("未知的参数：%(p)s。") % {"p": "、".join(sorted(unknown))}, field="params")
    out = {}
    for key, p in spec.params.items():
        raw = params.get(key, p.default)
        try:
            value = int(str(raw).strip()) if p.kind != "money" else float(str(raw).strip())
        except (TypeError, ValueError):
            raise DomainError(
                _("参数“%(label)s”应为数字。") % {"label": p.label}, field=f"params.{key}"
            ) from None
        if value < p.minimum:
            raise DomainError(
                _("参数“%(label)s”不能小于 %(min)s。") % {"label": p.label, "min": p.minimum},
                field=f"params.{key}",
            )
        out[key] = int(value) if float(value).is_integer() else value
    return out


def _clean_causes(codes) -> list[str]:
    from jingzhun.register.models import CodeItem

    codes = [str(c) for c in (codes or []) if str(c).strip()]
    known = set(CodeItem.objects.filter(kind="cause", code__in=codes).values_list("code", flat=True))
    bad = [c for c in codes if c not in known]
    if bad:
        raise DomainError(_("无效的致贫原因代码：%(c)s。") % {"c": "、".join(bad)}, field="exempt_causes")
    return sorted(set(codes), key=codes.index)


@transaction.atomic
def rule_update(
    *,
    actor,
    county,
    code: str,
    active: bool | None = None,
    params: dict | None = None,
    exempt_causes: list | None = None,
    reason: str = "",
) -> ExclusionRule:
    """Adjust a rule for one county: switch it on/off, change parameters or the exemption.

    A national rule is copied to the county on its first change (the national row stays for the others).
    """
    county = _county(county)
    if not user_can(actor, "identification.rules", county):
        raise AccessDenied(_("只有县级可以调整“%(area)s”的不予识别规则。") % {"area": county.name})
    rows = {r.area_key: r for r in ExclusionRule.objects.select_for_update().filter(code=code)}
    rule = rows.get(county.path) or rows.get("")
    if rule is None:
        raise DomainError(_("没有代码为“%(code)s”的规则。") % {"code": code}, field="code")
    before = {"active": rule.active, "params": rule.params, "exempt_causes": rule.exempt_causes}
    if rule.is_national:
        rule = ExclusionRule(
            code=rule.code,
            name=rule.name,
            description=rule.description,
            predicate=rule.predicate,
            params=dict(rule.params),
            active=rule.active,
            applies_to=list(rule.applies_to),
            exempt_causes=list(rule.exempt_causes),
            sort=rule.sort,
            area=county,
            area_key=county.path,
        )
    if active is not None:
        rule.active = bool(active)
    if params is not None:
        rule.params = clean_params(rule.predicate, {**rule.params, **params})
    if exempt_causes is not None:
        rule.exempt_causes = _clean_causes(exempt_causes)
    rule.updated_by = actor
    rule.save()
    after = {"active": rule.active, "params": rule.params, "exempt_causes": rule.exempt_causes}
    audit_record(
        actor=actor,
        action="identification.rule_update",
        target=rule,
        area=county,
        before=before,
        after=after,
        reason=(reason or "").strip()[:500],
    )
    return rule
