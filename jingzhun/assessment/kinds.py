"""Procedure hooks: household exit (贫困户退出) and the risk-elimination check (风险消除).

Exit: a household may exit only when the assessment of the procedure's year passes (income above the
line and 两不愁三保障 + water), unless the county approved an exception ("assessment" override, with a
reason). The assessment is run for the household on the fly at each checked step, so it reads the
register as it is now, and is stored (with its parameter snapshot) like any other.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jingzhun.core.errors import DomainError, join_list
from jingzhun.core.forms import StyledFormMixin
from jingzhun.policy.selectors import monitoring_threshold, policy_value
from jingzhun.register.choices import MemberStatus, PovertyStatus
from jingzhun.register.models import Member
from jingzhun.workflows.choices import StepAction

from .batch import assess_household, preview_household
from .choices import LABOUR_CODES
from .models import HouseholdAssessment

OVERRIDE = "assessment"


def _overridden(procedure) -> set[str]:
    from jingzhun.workflows.services import overridden

    return overridden(procedure)


# --- exit -----------------------------------------------------------------------------------------


def exit_start_check(actor, household, data) -> None:
    if household.poverty_status not in (PovertyStatus.POOR, PovertyStatus.RETURNED):
        raise DomainError(_("只有未脱贫或返贫户可以办理退出。"), field="household", code="not_poor")


def failing_text(result: HouseholdAssessment) -> str:
    return "；".join(f"{c['label']}：{c['reason']}" for c in result.criteria() if not c["ok"])


def exit_step_check(procedure, step, actor, data) -> None:
    if step.action == StepAction.NOTICE or OVERRIDE in _overridden(procedure):
        return
    result = assess_household(procedure.household, procedure.year, actor=actor)
    if not result.passed:
        raise DomainError(
            _("该户未达到 %(year)s 年退出标准：%(reasons)s。如确需退出，须由县级批准例外并说明理由。")
            % {"year": procedure.year, "reasons": failing_text(result)},
            field="assessment",
            code="assessment_failed",
        )


def exit_findings(procedure, step) -> list[dict]:
    if step is None or step.action == StepAction.NOTICE:
        return []
    result = preview_household(procedure.household, procedure.year)
    if result.passed:
        return []
    return [
        {
            "code": OVERRIDE,
            "name": _("退出评估未达标"),
            "message": failing_text(result),
            "overridden": OVERRIDE in _overridden(procedure),
        }
    ]


def exit_completed(procedure, actor) -> None:
    from jingzhun.register.services import household_set_poverty_status

    household_set_poverty_status(
        actor=actor,
        household=procedure.household,
        status=PovertyStatus.EXITED,
        year_exited=procedure.year,
        reason=_("贫困户退出程序办结"),
    )


def exit_notice_reason(procedure) -> str:
    result = HouseholdAssessment.objects.filter(
        household=procedure.household, year=procedure.year, period="year"
    ).first()
    if result is None or result.per_capita is None:
        return _("两不愁三保障达标")
    return _("人均纯收入 %(pc)s 元，两不愁三保障达标") % {"pc": result.per_capita}


class ExitVerifyForm(StyledFormMixin, forms.Form):
    """核实: the village committee and work team confirm, and the household signs its agreement."""

    household_agrees = forms.BooleanField(label=gettext_lazy("农户已签字认可退出"))
    note = forms.CharField(
        label=gettext_lazy("核实情况"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def exit_step_form(step):
    return ExitVerifyForm if step.code == "verify" else None


# --- risk elimination -------------------------------------------------------------------------------


def no_labour(household) -> tuple[bool, bool]:
    """(has no member able to work, has a member with 低保 or 特困) among active members."""
    members = Member.objects.filter(household=household, status=MemberStatus.ACTIVE)
    able = members.filter(labour__in=LABOUR_CODES).exists()
    assured = members.filter(dibao=True).exists() or members.filter(tekun=True).exists()
    return not able, assured


def _decimal(data: dict, key: str):
    try:
        return Decimal(str(data.get(key)))
    except (InvalidOperation, TypeError, ValueError):
        return None


def elimination_step_check(procedure, step, actor, data) -> None:
    """风险消除: ≥ N months of stable income above the year's threshold (at the 入户核查 step); households
    without labour capacity only with 低保/特困 in place (at every step before the notice)."""
    if step.action == StepAction.NOTICE:
        return
    problems = []
    if step.code == "verify":
        months_needed = int(policy_value("stable_income_months", procedure.year, procedure.area, 6))
        months = data.get("stable_months")
        if months is None or int(months) < months_needed:
            problems.append(
                _("收入稳定 %(m)s 个月，不足 %(need)s 个月")
                % {"m": months if months is not None else 0, "need": months_needed}
            )
        threshold = monitoring_threshold(procedure.year, procedure.area)
        income = _decimal(data, "income_12m_per_capita")
        if income is None:
            problems.append(_("未填写近12个月人均纯收入"))
        elif threshold is not None and income < threshold:
            problems.append(
                _("近12个月人均纯收入 %(i)s 元，低于 %(year)s 年监测范围 %(t)s 元")
                % {"i": income, "year": procedure.year, "t": threshold}
            )
    lacking, assured = no_labour(procedure.household)
    if lacking and not assured:
        problems.append(_("该户无劳动能力，须落实低保或特困供养等兜底保障后才能消除风险"))
    if problems:
        raise DomainError(
            _("暂不能消除风险：%(p)s。") % {"p": join_list(problems)},
            field="risk",
            code="elimination_refused",
        )
