"""The "identification" procedure kind: the hooks the workflows engine calls at fixed points.

Registered from IdentificationConfig.ready(). The engine owns the transitions; these hooks refuse a
start or a step (DomainError), keep the application and survey on the procedure, check exclusion rules
and the quota, and register the household when the announcement ends.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.register.choices import MemberStatus, PovertyStatus
from jingzhun.register.models import Household
from jingzhun.workflows.choices import StepAction
from jingzhun.workflows.engine import KindSpec, register_kind

from .choices import KIND
from .rules import evaluate
from .selectors import effective_rules
from .survey import clean_application, clean_survey

REFUSED_STATUS = {
    PovertyStatus.POOR: gettext_lazy("该户已是建档立卡贫困户（未脱贫），不能重复识别。"),
    PovertyStatus.EXITED: gettext_lazy("该户是已脱贫户，不能重新识别；如有返贫风险，请走防返贫监测程序。"),
    PovertyStatus.RETURNED: gettext_lazy("该户是返贫户，已在建档立卡范围内，不能重复识别。"),
}


def start_check(actor, household, data: dict) -> None:
    if not Household.objects.for_user(actor, "view").filter(pk=household.pk).exists():
        raise AccessDenied(_("该户不在您的管辖范围内。"))
    if household.poverty_status != PovertyStatus.NOT_POOR:
        message = REFUSED_STATUS.get(household.poverty_status) or _("该户不是非贫困户，不能识别。")
        raise DomainError(str(message), field="household", code="registered")
    if not household.members.filter(status=MemberStatus.ACTIVE).exists():
        raise DomainError(_("该户没有在册成员，不能识别。"), field="household", code="no_members")
    if data is not None and "application" in data:
        # Normalised in place: the engine stores this dict as the procedure's data.
        data["application"] = clean_application(data["application"])


def form_for(step):
    from .forms import ApplyForm, SurveyForm

    if step.action == StepAction.APPLY:
        return ApplyForm
    if step.action == StepAction.SURVEY:
        return SurveyForm
    return None


def _replace(data: dict, cleaned: dict) -> None:
    # The engine stores ``data`` as the step record after this hook: normalise it in place so the record
    # holds the validated values (per-capita income computed, never typed).
    data.clear()
    data.update(cleaned)


def blocking_hits(procedure, step, survey=None) -> list:
    if not (step.config or {}).get("exclusion_check"):
        return []
    hits = evaluate(procedure, effective_rules(procedure.area), survey=survey)
    return [h for h in hits if not h.overridden]


def step_check(procedure, step, actor, data: dict) -> None:
    survey = None
    if step.action == StepAction.APPLY:
        _replace(data, clean_application({**(procedure.data or {}).get("application", {}), **data}))
    elif step.action == StepAction.SURVEY:
        survey = clean_survey(data, procedure.household, year=procedure.year)
        _replace(data, survey)
    hits = blocking_hits(procedure, step, survey)
    if hits:
        raise DomainError(
            _("%(name)s户命中不予识别规则：%(rules)s。如确需识别，须由县级批准例外并说明理由。")
            % {"name": procedure.household.head_name, "rules": "；".join(h.message for h in hits)},
            field="exclusion",
            code="exclusion_hit",
        )


def on_step(procedure, step, record) -> None:
    data = dict(procedure.data or {})
    if step.action == StepAction.APPLY:
        data["application"] = dict(record.data)
    elif step.action == StepAction.SURVEY:
        data["survey"] = dict(record.data)
        data.pop("survey_draft", None)
    if (step.config or {}).get("exclusion_check"):
        used = sorted(set(data.get("overrides") or {}))
        if used:
            data.setdefault("overrides_used", {})[step.code] = used
    procedure.data = data


def batch_check(procedures, step, actor) -> None:
    from .services import check_quota

    if (step.config or {}).get("quota_check"):
        check_quota(procedures, step, actor)


def on_complete(procedure, actor) -> None:
    from .services import register_household

    register_household(procedure, actor)


def notice_reason(procedure) -> str:
    survey = (procedure.data or {}).get("survey") or {}
    name = survey.get("main_cause_name")
    if not name:
        from jingzhun.register.models import CodeItem

        code = survey.get("main_cause") or procedure.household.main_cause
        name = (
            CodeItem.objects.filter(kind="cause", code=code).values_list("name", flat=True).first()
            if code
            else ""
        )
    return _("主要致贫原因：%(cause)s") % {"cause": name} if name else ""


def findings(procedure, step=None) -> list[dict]:
    return [h.as_dict() for h in evaluate(procedure, effective_rules(procedure.area))]


def register() -> None:
    register_kind(
        KindSpec(
            kind=KIND,
            start_check=start_check,
            step_check=step_check,
            on_step=on_step,
            batch_check=batch_check,
            on_complete=on_complete,
            notice_reason=notice_reason,
            form_for=form_for,
            findings=findings,
        )
    )
