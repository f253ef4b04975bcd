"""The engine's rules in one place: which kinds exist, who may act at a step, what each step action needs.

Apps plug their procedure kinds in with ``register_kind`` (from ``AppConfig.ready``): identification checks
exclusion rules and the quota, monitoring opens cases, register applies change requests. The engine owns
the transitions (services.py) and calls the kind's hooks at fixed points; a hook raises ``DomainError`` to
refuse a step.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.scoping import user_can

from .choices import Level, ProcedureStatus, StepAction


@dataclass
class KindSpec:
    """Hooks of one procedure kind. Every hook is optional."""

    kind: str
    # (actor, household, data) → None; refuse starting (e.g. identification of a registered household)
    start_check: Callable | None = None
    # (procedure, step, actor, data) → None; refuse passing a step (exclusion rules, assessments)
    step_check: Callable | None = None
    # (procedure, step, record) → None; after a step passed (keep survey results on the procedure)
    on_step: Callable | None = None
    # (procedures, step, actor) → None; before a batch passes a step together (quota)
    batch_check: Callable | None = None
    # (procedure, actor) → None; the last step passed: change the register
    on_complete: Callable | None = None
    # (procedure, actor, status) → None; rejected or cancelled
    on_end: Callable | None = None
    # (procedure) → str; the 事由 column of a notice
    notice_reason: Callable | None = None
    # (step) → a Django Form class for the step's own inputs (survey items…) or None; its cleaned_data
    # becomes the step record's ``data``. Pages and the API use it; services validate again.
    form_for: Callable | None = None
    # (procedure, step) → list of {"code", "name", "message", "overridden"}: rule hits to show reviewers
    findings: Callable | None = None


KINDS: dict[str, KindSpec] = {}


def register_kind(spec: KindSpec) -> None:
    KINDS[spec.kind] = spec


def spec_for(kind: str) -> KindSpec:
    return KINDS.get(kind) or KindSpec(kind=kind)


def call(hook: Callable | None, *args) -> None:
    if hook is not None:
        hook(*args)


# --- guards ----------------------------------------------------------------------------------------


def require_running(procedure) -> None:
    if procedure.status != ProcedureStatus.RUNNING:
        raise DomainError(
            _("该程序%(status)s，不能再办理。") % {"status": procedure.get_status_display()},
            field="status",
            code="not_running",
        )


def require_at(procedure, step_code: str | None) -> None:
    require_running(procedure)
    if step_code and procedure.current_step.code != step_code:
        raise DomainError(
            _("该户当前处于“%(current)s”环节，不能办理“%(step)s”。")
            % {"current": procedure.current_step.name, "step": step_code},
            field="step",
            code="wrong_step",
        )


def require_actor(actor, procedure, step) -> None:
    """The one check of who may act: the step's capability held at the procedure's area."""
    if not user_can(actor, step.capability, procedure.area):
        raise AccessDenied(
            _("您无权办理“%(area)s”的“%(step)s”环节（需%(level)s权限）。")
            % {"area": procedure.area.name, "step": step.name, "level": Level(step.level).label}
        )


def ratio(value, default: str = "2/3") -> Fraction:
    try:
        return Fraction(str(value or default))
    except (ValueError, ZeroDivisionError):
        return Fraction(default)


def _int(data: dict, key: str, label: str, who: str = "") -> int:
    raw = data.get(key)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise DomainError(who + _("请填写%(label)s（整数）。") % {"label": label}, field=key) from None
    if value < 0:
        raise DomainError(who + _("%(label)s不能为负数。") % {"label": label}, field=key)
    return value


def check_meeting(step, meeting: dict) -> dict:
    """A 民主评议 meeting: representatives present must reach the quorum (policy value, default 2/3)."""
    total = _int(meeting, "representatives", _("村民代表总数"))
    present = _int(meeting, "present", _("到会代表人数"))
    if total == 0:
        raise DomainError(_("村民代表总数必须大于 0。"), field="representatives")
    if present > total:
        raise DomainError(_("到会代表人数不能多于代表总数。"), field="present")
    quorum = ratio(step.config.get("quorum"))
    needed = math.ceil(total * quorum)
    if present < needed:
        raise DomainError(
            _("到会代表 %(present)s 人，不足代表总数的 %(quorum)s（至少 %(needed)s 人），评议无效。")
            % {"present": present, "quorum": str(quorum), "needed": needed},
            field="present",
            code="no_quorum",
        )
    return {"representatives": total, "present": present, "quorum": str(quorum)}


def appraisal_vote(step, meeting: dict, votes: dict, who: str = "") -> tuple[bool, dict]:
    """One household's votes: passes with at least ``pass_ratio`` of the representatives present.

    ``who`` prefixes messages (“张三户：”) when a batch reports per household."""
    present = meeting["present"]
    votes_for = _int(votes, "votes_for", _("赞成票"), who)
    votes_against = _int(
        {"votes_against": votes.get("votes_against") or 0}, "votes_against", _("反对票"), who
    )
    if votes_for + votes_against > present:
        raise DomainError(
            who
            + _("赞成票与反对票之和（%(sum)s）不能超过到会代表人数（%(present)s）。")
            % {"sum": votes_for + votes_against, "present": present},
            field="votes_for",
        )
    pass_ratio = ratio(step.config.get("pass_ratio"))
    needed = math.ceil(present * pass_ratio)
    passed = votes_for >= needed
    return passed, {
        "votes_for": votes_for,
        "votes_against": votes_against,
        "abstain": present - votes_for - votes_against,
        "needed": needed,
        "pass_ratio": str(pass_ratio),
    }


def check_inputs(step, data: dict) -> None:
    """What apply/survey steps require whatever the kind (signed authorisation, household agreement)."""
    if (
        step.action == StepAction.APPLY
        and step.config.get("require_authorisation")
        and not data.get("authorised")
    ):
        raise DomainError(
            _("请确认农户已签署家庭经济状况核查（数据比对）授权书。"),
            field="authorised",
            code="no_authorisation",
        )
    if (
        step.action == StepAction.SURVEY
        and step.config.get("require_agreement")
        and not data.get("household_agrees")
    ):
        raise DomainError(_("农户签字认可后才能继续。"), field="household_agrees", code="no_agreement")
