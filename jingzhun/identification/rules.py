"""Exclusion rules (不予识别, procedures.md §7): a registry of predicates and the evaluation of rules.

A rule row (models.ExclusionRule) names a predicate from ``PREDICATES`` and gives its parameters; the
predicate looks at the facts of one household — the survey's declarations, the register (members, house,
change requests) and the cross-department comparison (``jingzhun.comparison.selectors.household_facts``,
when that app provides it) — and returns the evidence it found (empty: no hit). Adding a local rule that
reuses a predicate with other parameters is data; a new kind of check is a new predicate here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jingzhun.register.choices import MemberStatus


@dataclass
class Facts:
    """Everything the predicates may look at for one household."""

    household: object
    members: list
    survey: dict
    comparison: list[dict]
    main_cause: str
    today: datetime.date


@dataclass
class Param:
    label: str
    kind: str  # "int" | "money" | "year"
    default: object
    minimum: int = 0


@dataclass
class Predicate:
    label: str
    fn: Callable[[Facts, dict], list[str]]
    params: dict[str, Param] = field(default_factory=dict)


@dataclass
class Hit:
    code: str
    name: str
    message: str
    evidence: list[str]
    overridden: bool = False
    override_reason: str = ""

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "evidence": self.evidence,
            "overridden": self.overridden,
            "override_reason": self.override_reason,
        }


PREDICATES: dict[str, Predicate] = {}


def predicate(key: str, label, **params: Param):
    def register(fn):
        PREDICATES[key] = Predicate(label=label, fn=fn, params=params)
        return fn

    return register


def _money(value) -> Decimal:
    try:
        return Decimal(str(value or 0))
    except (InvalidOperation, ValueError):
        return Decimal(0)


def _declared(facts: Facts, key: str) -> bool:
    return bool((facts.survey or {}).get(key))


def evidence_text(value) -> str:
    """A comparison fact's evidence (a dict of the department row's columns, or text) as one line."""
    if isinstance(value, dict):
        return "，".join(f"{k}：{v}" for k, v in value.items() if v not in (None, ""))
    return str(value or "")


def fact_text(f: dict) -> str:
    who = f.get("member_name") or _("家庭成员")
    source = f.get("dataset_name") or f.get("dataset_type") or ""
    return _("%(who)s（%(source)s）%(detail)s") % {
        "who": who,
        "source": source,
        "detail": evidence_text(f.get("evidence_labelled") or f.get("evidence")),
    }


def _compared(facts: Facts, *codes: str) -> list[str]:
    return [
        _("数据比对：%(fact)s") % {"fact": fact_text(f)} for f in facts.comparison if f.get("fact") in codes
    ]


def _declaration(label) -> str:
    return _("入户调查申报：%(label)s") % {"label": label}


# --- predicates ------------------------------------------------------------------------------------


@predicate("public_payroll", gettext_lazy("家庭成员为财政供养人员"))
def _public_payroll(facts: Facts, params: dict) -> list[str]:
    found = _compared(facts, "public_payroll")
    if _declared(facts, "public_payroll"):
        found.insert(0, _declaration(_("家庭成员中有财政供养人员")))
    return found


@predicate("village_cadre", gettext_lazy("家庭成员为现任村干部"))
def _village_cadre(facts: Facts, params: dict) -> list[str]:
    found = _compared(facts, "village_cadre")
    if _declared(facts, "village_cadre"):
        found.insert(0, _declaration(_("家庭成员中有现任村干部")))
    return found


@predicate(
    "vehicle",
    gettext_lazy("拥有车辆或工程机械"),
    min_value=Param(gettext_lazy("价值不低于（元，0 表示不限）"), "money", 0),
)
def _vehicle(facts: Facts, params: dict) -> list[str]:
    threshold = _money(params.get("min_value"))
    found = []
    if _declared(facts, "vehicle"):
        value = _money(facts.survey.get("vehicle_value"))
        if value >= threshold:
            found.append(_declaration(_("拥有车辆/机械，价值 %(v)s 元") % {"v": value}))
    return found + _compared(facts, "vehicle")


@predicate("real_estate", gettext_lazy("在城镇拥有商品房或商铺"))
def _real_estate(facts: Facts, params: dict) -> list[str]:
    found = _compared(facts, "real_estate")
    if _declared(facts, "urban_property"):
        found.insert(0, _declaration(_("在城镇拥有商品房或商铺")))
    return found


@predicate(
    "house_standard",
    gettext_lazy("近年新建、购买或高标准装修住房"),
    within_years=Param(gettext_lazy("建房年限（近 N 年）"), "int", 3, 1),
    area_per_person=Param(gettext_lazy("人均住房面积超过（㎡）"), "int", 50, 1),
)
def _house_standard(facts: Facts, params: dict) -> list[str]:
    found = []
    if _declared(facts, "high_standard_house"):
        found.append(_declaration(_("近年新建、购买住房或高标准装修")))
    h = facts.household
    years = int(params.get("within_years") or 3)
    limit = _money(params.get("area_per_person") or 50)
    size = len(facts.members) or 1
    if h.house_year and h.house_area and h.house_year >= facts.today.year - years:
        per_person = (Decimal(h.house_area) / size).quantize(Decimal("0.1"))
        if per_person > limit:
            found.append(
                _("农户档案：%(year)s 年建房，人均住房面积 %(area)s ㎡，超过 %(limit)s ㎡")
                % {"year": h.house_year, "area": per_person, "limit": limit}
            )
    return found


@predicate("business", gettext_lazy("经营实体、雇工或缴纳经营性税收"))
def _business(facts: Facts, params: dict) -> list[str]:
    found = []
    for key, label in (
        ("business_registered", _("家庭成员注册或投资经营实体")),
        ("business_hires", _("经营中长期雇用他人")),
        ("business_tax", _("缴纳经营性税收")),
    ):
        if _declared(facts, key):
            found.append(_declaration(label))
    return found + _compared(facts, "business", "tax")


@predicate(
    "away",
    gettext_lazy("全家长期外出"),
    months=Param(gettext_lazy("外出务工月数不少于"), "int", 12, 1),
)
def _away(facts: Facts, params: dict) -> list[str]:
    found = []
    if _declared(facts, "family_away"):
        found.append(_declaration(_("全家外出一年以上")))
    months = int(params.get("months") or 12)
    if facts.members and all((m.migrant_months or 0) >= months for m in facts.members):
        found.append(
            _("农户档案：全部 %(n)s 名在册成员外出务工均满 %(m)s 个月")
            % {"n": len(facts.members), "m": months}
        )
    return found


@predicate("nominal", gettext_lazy("空挂户"))
def _nominal(facts: Facts, params: dict) -> list[str]:
    return (
        [_declaration(_("空挂户（户籍在本村但不在本村居住）"))]
        if _declared(facts, "nominal_household")
        else []
    )


@predicate(
    "split_merge",
    gettext_lazy("近年分户或合户"),
    years=Param(gettext_lazy("分户/合户后年限（年）"), "int", 3, 1),
)
def _split_merge(facts: Facts, params: dict) -> list[str]:
    from django.db.models import Q

    from jingzhun.register.choices import ChangeKind, ChangeStatus
    from jingzhun.register.models import ChangeRequest

    years = int(params.get("years") or 3)
    since = timezone.now() - datetime.timedelta(days=365 * years)
    pk = facts.household.pk
    rows = ChangeRequest.objects.filter(
        status=ChangeStatus.APPLIED, kind__in=[ChangeKind.SPLIT, ChangeKind.MERGE], reviewed_at__gte=since
    ).filter(Q(household_id=pk) | Q(result__new_household=pk) | Q(result__target=pk))
    out = []
    for r in rows.order_by("reviewed_at"):
        out.append(
            _("农户档案：%(date)s %(kind)s（变更申请 #%(pk)s）")
            % {"date": r.reviewed_at.date().isoformat(), "kind": r.get_kind_display(), "pk": r.pk}
        )
    return out


@predicate("study_abroad", gettext_lazy("子女自费出国留学"))
def _study_abroad(facts: Facts, params: dict) -> list[str]:
    return [_declaration(_("子女自费出国留学"))] if _declared(facts, "study_abroad") else []


@predicate(
    "insurance",
    gettext_lazy("商业保险保费较高"),
    threshold=Param(gettext_lazy("年缴保费超过（元）"), "money", 10000),
)
def _insurance(facts: Facts, params: dict) -> list[str]:
    premium = _money((facts.survey or {}).get("insurance_premium"))
    threshold = _money(params.get("threshold") or 10000)
    if premium > threshold:
        return [_declaration(_("商业保险年缴保费 %(p)s 元，超过 %(t)s 元") % {"p": premium, "t": threshold})]
    return []


@predicate("refuses_explain", gettext_lazy("拒不说明群众反映的问题"))
def _refuses(facts: Facts, params: dict) -> list[str]:
    return [_declaration(_("对群众反映的问题拒不说明"))] if _declared(facts, "refuses_explain") else []


@predicate("illegal_activity", gettext_lazy("有违法行为"))
def _illegal(facts: Facts, params: dict) -> list[str]:
    return [_declaration(_("有违法行为（涉毒、赌博等）"))] if _declared(facts, "illegal_activity") else []


# --- evaluation ------------------------------------------------------------------------------------


def comparison_facts(household_ids: list[int]) -> dict[int, list[dict]]:
    """Comparison results per household, once the comparison app provides them (else nothing)."""
    try:
        from jingzhun.comparison.selectors import household_facts
    except ImportError:
        return {}
    return household_facts(list(household_ids)) or {}


def facts_for(household, *, survey: dict | None = None, comparison: list[dict] | None = None) -> Facts:
    members = [m for m in household.members.all() if m.status == MemberStatus.ACTIVE]
    survey = survey or {}
    if comparison is None:
        comparison = comparison_facts([household.pk]).get(household.pk, [])
    return Facts(
        household=household,
        members=members,
        survey=survey,
        comparison=list(comparison),
        main_cause=str(survey.get("main_cause") or household.main_cause or ""),
        today=timezone.localdate(),
    )


def rule_params(rule) -> dict:
    """The rule's parameters over the predicate's defaults."""
    spec = PREDICATES.get(rule.predicate)
    defaults = {k: p.default for k, p in (spec.params if spec else {}).items()}
    return {**defaults, **(rule.params or {})}


def evaluate(target, rules, *, survey: dict | None = None, comparison: list[dict] | None = None) -> list[Hit]:
    """Hits of ``rules`` on a procedure or a household (a procedure brings its survey and overrides).

    A rule whose exemption names the household's main cause (e.g. 因病/因残) does not hit.
    """
    from jingzhun.workflows.models import Procedure

    overrides: dict = {}
    if isinstance(target, Procedure):
        household = target.household
        data = target.data or {}
        if survey is None:
            survey = data.get("survey") or data.get("survey_draft") or {}
        overrides = data.get("overrides") or {}
    else:
        household = target
    facts = facts_for(household, survey=survey, comparison=comparison)
    hits = []
    for rule in rules:
        spec = PREDICATES.get(rule.predicate)
        if spec is None or not rule.active:
            continue
        if facts.main_cause and facts.main_cause in (rule.exempt_causes or []):
            continue
        evidence = spec.fn(facts, rule_params(rule))
        if not evidence:
            continue
        override = overrides.get(rule.code) or {}
        hits.append(
            Hit(
                code=rule.code,
                name=rule.name,
                message=_("命中“%(name)s”：%(evidence)s")
                % {"name": rule.name, "evidence": "；".join(evidence)},
                evidence=evidence,
                overridden=bool(override),
                override_reason=override.get("reason", ""),
            )
        )
    return hits
