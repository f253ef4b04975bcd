"""Validation of the application and survey inputs — the authority, whatever page or API sent them.

Both return JSON-safe dicts (money as strings "1234.50", dates ISO) that the engine stores in step
records and in ``procedure.data``. Messages name the field in Chinese. Per-capita income is computed here
from the components and the number of active members, never typed.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.core.errors import DomainError
from jingzhun.register.choices import MemberStatus
from jingzhun.register.validation import check_household, income_figures

from .choices import DECLARATIONS, DECLARED_AMOUNTS, FIVE_LOOKS, INCOME_FIELDS, ApplyMethod

NOTE_MAX = 200
MONEY_MAX = Decimal("100000000")


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes", "是")
    return bool(value)


def _text(data: dict, key: str, label, limit: int = NOTE_MAX) -> str:
    value = str(data.get(key) or "").strip()
    if len(value) > limit:
        raise DomainError(_("“%(label)s”不能超过 %(n)s 个字。") % {"label": label, "n": limit}, field=key)
    return value


def _money(data: dict, key: str, label, *, required: bool) -> Decimal:
    raw = data.get(key)
    if raw in (None, ""):
        if required:
            raise DomainError(
                _("请填写“%(label)s”（没有请填 0）。") % {"label": label}, field=key, code="required"
            )
        return Decimal(0)
    try:
        value = Decimal(str(raw).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_("“%(label)s”应为金额数字。") % {"label": label}, field=key) from None
    if not value.is_finite() or value < 0:
        raise DomainError(_("“%(label)s”不能为负数。") % {"label": label}, field=key)
    if value >= MONEY_MAX:
        raise DomainError(_("“%(label)s”数额过大，请核对。") % {"label": label}, field=key)
    return value.quantize(Decimal("0.01"))


def _date(data: dict, key: str, label) -> datetime.date:
    raw = data.get(key)
    today = timezone.localdate()
    if raw in (None, ""):
        return today
    if isinstance(raw, datetime.date):
        value = raw
    else:
        try:
            value = datetime.date.fromisoformat(str(raw).strip())
        except ValueError:
            raise DomainError(_("“%(label)s”格式应为 YYYY-MM-DD。") % {"label": label}, field=key) from None
    if value > today:
        raise DomainError(_("“%(label)s”不能晚于今天。") % {"label": label}, field=key)
    if value < today - datetime.timedelta(days=366 * 2):
        raise DomainError(_("“%(label)s”不能早于两年前。") % {"label": label}, field=key)
    return value


def clean_application(data: dict | None) -> dict:
    """申请日期 (default today), 申请方式 (农户申请/村级推荐), 申请人, 已签署授权书."""
    data = data or {}
    method = str(data.get("method") or ApplyMethod.HOUSEHOLD)
    if method not in ApplyMethod.values:
        raise DomainError(_("请选择“申请方式”（农户申请或村级推荐）。"), field="method")
    return {
        "applied_on": _date(data, "applied_on", _("申请日期")).isoformat(),
        "method": method,
        "applicant": _text(data, "applicant", _("申请人"), 50),
        "authorised": _flag(data.get("authorised")),
    }


def _codes(kind: str) -> dict[str, str]:
    from jingzhun.register.models import CodeItem

    return dict(CodeItem.objects.filter(kind=kind, active=True).values_list("code", "name"))


def _member_dicts(household) -> list[dict]:
    return [
        {
            "relation": m.relation,
            "health": m.health,
            "disability_type": m.disability_type,
            "in_school": m.in_school,
            "status": m.status,
            "id_number": m.id_number,
            "birth_date": m.birth_date,
        }
        for m in household.members.filter(status=MemberStatus.ACTIVE)
    ]


def _causes(data: dict, household) -> dict:
    attributes, standards, causes = _codes("attribute"), _codes("standard"), _codes("cause")
    attribute = str(data.get("attribute") or "")
    if attribute not in attributes:
        raise DomainError(_("请选择“拟定贫困户属性”。"), field="attribute", code="required")
    standard = str(data.get("standard") or "1")
    if standard not in standards:
        raise DomainError(_("请选择“识别标准”。"), field="standard")
    main = str(data.get("main_cause") or "")
    if main not in causes:
        raise DomainError(_("请选择“主要致贫原因”。"), field="main_cause", code="required")
    others = data.get("other_causes") or []
    if isinstance(others, str):
        others = [x for x in others.replace("，", ",").split(",") if x.strip()]
    others = [str(x).strip() for x in others]
    unknown = [x for x in others if x not in causes]
    if unknown:
        raise DomainError(
            _("“其他致贫原因”中有无效代码：%(c)s。") % {"c": "、".join(unknown)}, field="other_causes"
        )
    members = _member_dicts(household)
    issues = check_household({"main_cause": main, "other_causes": others}, members, registered=True)
    issues = [x for x in issues if x.field in ("main_cause", "other_causes")]
    errors = [x for x in issues if x.is_error]
    if errors:
        raise DomainError(errors[0].message, field=errors[0].field)
    note = _text(data, "cause_note", _("致贫原因说明"))
    warnings = [x.message for x in issues]
    if warnings and not note:
        raise DomainError(
            _("%(w)s如确认无误，请填写“致贫原因说明”。") % {"w": "".join(warnings)},
            field="cause_note",
            code="needs_note",
        )
    return {
        "attribute": attribute,
        "standard": standard,
        "main_cause": main,
        "main_cause_name": causes[main],
        "other_causes": others,
        "cause_note": note,
        "cause_warnings": warnings,
    }


def clean_survey(data: dict | None, household, *, year: int | None = None) -> dict:
    """The survey (入户调查): 五看, declarations for exclusion rules, last year's income, proposed causes."""
    data = data or {}
    out: dict = {}
    for key, (label, choices) in FIVE_LOOKS.items():
        value = str(data.get(key) or "")
        if value not in choices.values:
            raise DomainError(_("请选择“%(label)s”情况。") % {"label": label}, field=key, code="required")
        out[key] = value
        out[f"{key}_note"] = _text(data, f"{key}_note", _("%(label)s说明") % {"label": label})
    for key in DECLARATIONS:
        out[key] = _flag(data.get(key))
    for key, label in DECLARED_AMOUNTS.items():
        out[key] = str(_money(data, key, label, required=False))
    if out["vehicle"] and Decimal(out["vehicle_value"]) <= 0:
        raise DomainError(_("申报拥有车辆或机械时，请填写“车辆/机械价值（元）”。"), field="vehicle_value")
    this_year = timezone.localdate().year
    default_year = (year or this_year) - 1
    try:
        income_year = int(data.get("income_year") or default_year)
    except (TypeError, ValueError):
        raise DomainError(_("“收入年度”应为年份。"), field="income_year") from None
    if not 2010 <= income_year <= this_year:
        raise DomainError(_("“收入年度”应在 2010 至 %(y)s 年之间。") % {"y": this_year}, field="income_year")
    parts = {key: _money(data, key, label, required=True) for key, label in INCOME_FIELDS.items()}
    size = household.members.filter(status=MemberStatus.ACTIVE).count()
    if size < 1:
        raise DomainError(_("该户没有在册成员，不能计算人均纯收入。"), field="members")
    net, per_capita = income_figures(**parts, size=size)
    out["income"] = {
        "year": income_year,
        **{k: str(v) for k, v in parts.items()},
        "size": size,
        "net_income": str(net),
        "per_capita": str(per_capita),
    }
    out.update(_causes(data, household))
    out["note"] = _text(data, "note", _("调查说明"), 1000)
    return out


def survey_flat(survey: dict) -> dict:
    """A stored survey back as form initial values (income components at the top level)."""
    flat = {k: v for k, v in (survey or {}).items() if k != "income"}
    income = (survey or {}).get("income") or {}
    for key in INCOME_FIELDS:
        if key in income:
            flat[key] = income[key]
    if "year" in income:
        flat["income_year"] = income["year"]
    return flat
