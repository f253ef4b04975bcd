"""Transitions of the procedures engine: start, pass a step (alone or as a batch), send back, reject, cancel,
approve an exception. Notices live in notices.py, templates in templates_admin.py.

Every transition locks the procedure row, checks (engine.py) that the procedure is running, at that
step, and that the actor holds the step's capability at the procedure's area, then writes a StepRecord and
an audit event in the same transaction. Illegal transitions are refused here and nowhere else.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.scoping import user_can
from jingzhun.core.services import audit_record, jsonable

from . import engine
from .choices import ProcedureStatus, StepAction, StepResult
from .evidence import evidence_attach
from .models import BatchAct, Procedure, ProcedureBatch, ProcedureTemplate, StepRecord, StepTemplate

REASON_MAX = 1000


def template_for(kind: str, area) -> ProcedureTemplate:
    """The current template for ``area``'s county, else the national default."""
    county_key = area.path[:6] if area is not None else ""
    found = {
        t.area_key: t
        for t in ProcedureTemplate.objects.filter(kind=kind, is_current=True, area_key__in=[county_key, ""])
    }
    template = found.get(county_key) or found.get("")
    if template is None:
        raise DomainError(_("系统中没有“%(kind)s”的程序模板。") % {"kind": kind}, field="kind")
    return template


def _steps(template_id: int) -> list[StepTemplate]:
    return list(StepTemplate.objects.filter(template_id=template_id).order_by("order"))


def _clean_text(value: str, label: str, field: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("请填写%(label)s。") % {"label": label}, field=field, code="required")
    if len(value) > REASON_MAX:
        raise DomainError(
            _("%(label)s不能超过 %(max)s 个字。") % {"label": label, "max": REASON_MAX}, field=field
        )
    return value


def _acted_on(value) -> datetime.date:
    today = timezone.localdate()
    if value in (None, ""):
        return today
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            raise DomainError(_("办理日期格式应为 YYYY-MM-DD。"), field="acted_on") from None
    if value > today:
        raise DomainError(_("办理日期不能晚于今天。"), field="acted_on")
    if value < today - datetime.timedelta(days=366):
        raise DomainError(_("办理日期不能早于一年前。"), field="acted_on")
    return value


def _locked(procedure: Procedure) -> Procedure:
    return (
        # of=self: PostgreSQL refuses FOR UPDATE on the nullable side of the current_step join
        Procedure.objects.select_for_update(of=("self",))
        .select_related("current_step", "household", "area", "template")
        .get(pk=procedure.pk)
    )


@transaction.atomic
def procedure_start(
    *, actor, kind: str, household, year: int | None = None, data: dict | None = None, batch=None
) -> Procedure:
    """Open a procedure for a household at its template's first step."""
    template = template_for(kind, household.area)
    steps = _steps(template.pk)
    if not steps:
        raise DomainError(_("程序模板没有任何环节。"), field="kind")
    first = steps[0]
    if not user_can(actor, first.capability, household.area):
        raise AccessDenied(
            _("您无权为“%(area)s”的农户发起“%(name)s”。")
            % {"area": household.area.name, "name": template.name}
        )
    if (
        kind != "change_request"
        and Procedure.objects.filter(household=household, kind=kind, status=ProcedureStatus.RUNNING).exists()
    ):
        raise DomainError(
            _("该户已有一个办理中的“%(name)s”程序。") % {"name": template.name},
            field="household",
            code="running",
        )
    spec = engine.spec_for(kind)
    engine.call(spec.start_check, actor, household, data or {})
    if batch is not None and (batch.kind != kind or not household.area_path.startswith(batch.area_path)):
        raise DomainError(_("该户不属于所选名单的区域或程序类型。"), field="batch")
    procedure = Procedure.objects.create(
        template=template,
        kind=kind,
        household=household,
        area=household.area,
        area_path=household.area_path,
        year=year or timezone.localdate().year,
        current_step=first,
        step_since=timezone.now(),
        batch=batch,
        data=jsonable(dict(data or {})),
        started_by=actor,
    )
    audit_record(
        actor=actor,
        action="procedure.start",
        target=procedure,
        area=household.area,
        after={"kind": kind, "template": template.pk, "version": template.version, "step": first.code},
    )
    return procedure


@transaction.atomic
def batch_create(*, actor, kind: str, area, year: int, title: str = "") -> ProcedureBatch:
    """A named list (a village's candidates of a year) that batch steps act on together."""
    template = template_for(kind, area)
    first = _steps(template.pk)[0]
    if not user_can(actor, first.capability, area):
        raise AccessDenied(_("您无权在“%(area)s”建立办理名单。") % {"area": area.name})
    title = _clean_text(title, _("名单名称"), "title", required=False)[:100] or _(
        "%(area)s%(year)s年%(name)s名单"
    ) % {"area": area.name, "year": year, "name": template.name}
    batch = ProcedureBatch.objects.create(
        kind=kind, area=area, area_path=area.path, year=year, title=title, created_by=actor
    )
    audit_record(
        actor=actor, action="procedure.batch_create", target=batch, area=area, after={"title": title}
    )
    return batch


def _next_step(procedure: Procedure, step: StepTemplate) -> StepTemplate | None:
    return (
        StepTemplate.objects.filter(template_id=procedure.template_id, order__gt=step.order)
        .order_by("order")
        .first()
    )


def advance(procedure: Procedure, actor, *, data: dict, comment: str, acted_on, batch_act=None) -> StepRecord:
    """Record the current step as passed and move on (or complete). Callers have run every guard."""
    step = procedure.current_step
    record = StepRecord.objects.create(
        procedure=procedure,
        step=step,
        result=StepResult.PASSED,
        comment=comment,
        data=data,
        actor=actor,
        acted_on=acted_on,
        batch_act=batch_act,
    )
    spec = engine.spec_for(procedure.kind)
    engine.call(spec.on_step, procedure, step, record)
    following = _next_step(procedure, step)
    if following is not None:
        procedure.current_step = following
        procedure.step_since = timezone.now()
        procedure.save(update_fields=["current_step", "step_since", "data", "updated_at"])
    else:
        procedure.status = ProcedureStatus.COMPLETED
        procedure.current_step = None
        procedure.completed_at = timezone.now()
        procedure.save(update_fields=["status", "current_step", "completed_at", "data", "updated_at"])
        engine.call(spec.on_complete, procedure, actor)
    audit_record(
        actor=actor,
        action="procedure.step_pass",
        target=procedure,
        area=procedure.area,
        before={"step": step.code},
        after={"step": following.code if following else None, "status": procedure.status},
        reason=comment[:500],
    )
    return record


def _end(procedure: Procedure, actor, *, status: str, result: str, reason: str, data=None, acted_on=None):
    step = procedure.current_step
    record = StepRecord.objects.create(
        procedure=procedure,
        step=step,
        result=result,
        comment=reason,
        data=data or {},
        actor=actor,
        acted_on=acted_on or timezone.localdate(),
    )
    procedure.status = status
    procedure.outcome_reason = reason
    procedure.completed_at = timezone.now()
    procedure.save(update_fields=["status", "outcome_reason", "completed_at", "updated_at"])
    _withdraw_from_open_notices(procedure)
    engine.call(engine.spec_for(procedure.kind).on_end, procedure, actor, status)
    audit_record(
        actor=actor,
        action=f"procedure.{status}",
        target=procedure,
        area=procedure.area,
        before={"step": step.code, "status": ProcedureStatus.RUNNING},
        after={"status": status},
        reason=reason[:500],
    )
    return record


def _withdraw_from_open_notices(procedure: Procedure) -> None:
    from .choices import NoticeStatus
    from .models import NoticeEntry

    NoticeEntry.objects.filter(
        procedure=procedure, notice__status=NoticeStatus.PUBLISHED, withdrawn=False
    ).update(withdrawn=True)


def _pass_one(procedure, actor, *, data, comment, acted_on, batch_act=None, meeting=None, who=""):
    """The checks of one household at its current step, then advance or (failed appraisal) reject."""
    step = procedure.current_step
    if step.action == StepAction.NOTICE:
        raise DomainError(
            _("“%(step)s”在公示期满、异议处理完毕后结束公示时办结。") % {"step": step.name},
            field="step",
            code="notice_step",
        )
    engine.check_inputs(step, data)
    if step.action == StepAction.APPRAISAL:
        passed, votes = engine.appraisal_vote(step, meeting, data, who)
        data = {**data, **votes}
        if not passed:
            reason = _("民主评议赞成票 %(for)s 票，未达到到会代表的 %(ratio)s（%(needed)s 票）。") % {
                "for": votes["votes_for"],
                "ratio": votes["pass_ratio"],
                "needed": votes["needed"],
            }
            _end(
                procedure,
                actor,
                status=ProcedureStatus.REJECTED,
                result=StepResult.FAILED,
                reason=reason,
                data=data,
                acted_on=acted_on,
            )
            return "failed", reason
    engine.call(engine.spec_for(procedure.kind).step_check, procedure, step, actor, data)
    advance(procedure, actor, data=data, comment=comment, acted_on=acted_on, batch_act=batch_act)
    return "passed", ""


@transaction.atomic
def step_complete(
    *,
    actor,
    procedure: Procedure,
    data: dict | None = None,
    comment: str = "",
    acted_on=None,
    meeting: dict | None = None,
    files=(),
    step_code: str | None = None,
) -> StepRecord:
    """Pass the current step of one procedure (appraisal: with its meeting and votes)."""
    procedure = _locked(procedure)
    engine.require_at(procedure, step_code)
    step = procedure.current_step
    engine.require_actor(actor, procedure, step)
    comment = _clean_text(comment, _("意见"), "comment", required=False)
    acted = _acted_on(acted_on)
    meeting_clean = engine.check_meeting(step, meeting or {}) if step.action == StepAction.APPRAISAL else None
    data = jsonable(dict(data or {}))
    if meeting_clean:
        data["meeting"] = meeting_clean
    # A batch step passed for one household still answers the list-wide checks (the quota).
    engine.call(engine.spec_for(procedure.kind).batch_check, [procedure], step, actor)
    _pass_one(procedure, actor, data=data, comment=comment, acted_on=acted, meeting=meeting_clean)
    record = procedure.records.order_by("-id").first()
    for upload, kind in files:
        evidence_attach(actor=actor, upload=upload, kind=kind, area_path=procedure.area_path, record=record)
    return record


@transaction.atomic
def batch_complete(
    *,
    actor,
    procedures,
    results: dict | None = None,
    meeting: dict | None = None,
    acted_on=None,
    comment: str = "",
    files=(),
    batch=None,
) -> list[dict]:
    """Pass a batch step for a list of procedures at once, with per-household outcomes.

    ``results``: procedure pk → {"result": "pass" | "send_back" | "reject", "comment": str, "votes_for": n,
    "votes_against": n, …}. A household whose checks refuse it (an exclusion-rule hit, a missing field)
    stays at the step with the reason ("blocked"); the others go on. Errors about the sitting itself
    (quorum, dates, access) refuse the whole batch.
    """
    locked = [_locked(p) for p in sorted(procedures, key=lambda p: p.pk)]
    if not locked:
        raise DomainError(_("请至少选择一户。"), field="procedures", code="required")
    results = results or {}
    codes = {(p.kind, p.current_step.code) if p.is_running else None for p in locked}
    for p in locked:
        engine.require_running(p)
    if len(codes) != 1:
        raise DomainError(_("所选农户不在同一程序的同一环节，不能一起办理。"), field="procedures")
    step = locked[0].current_step
    if not step.is_batch:
        raise DomainError(_("“%(step)s”须逐户办理。") % {"step": step.name}, field="procedures")
    for p in locked:
        engine.require_actor(actor, p, p.current_step)
    acted = _acted_on(acted_on)
    comment = _clean_text(comment, _("意见"), "comment", required=False)
    meeting_clean = engine.check_meeting(step, meeting or {}) if step.action == StepAction.APPRAISAL else None
    passing = [
        p
        for p in locked
        if (results.get(p.pk) or results.get(str(p.pk)) or {}).get("result", "pass") == "pass"
    ]
    engine.call(engine.spec_for(step.template.kind).batch_check, passing, step, actor)
    area = common_area([p.area for p in locked])
    act = BatchAct.objects.create(
        step=step,
        batch=batch,
        area=area,
        area_path=area.path,
        actor=actor,
        acted_on=acted,
        data=meeting_clean or {},
        comment=comment,
    )
    for upload, kind in files:
        evidence_attach(actor=actor, upload=upload, kind=kind, area_path=area.path, batch_act=act)
    outcomes = []
    for p in locked:
        wanted = jsonable(dict(results.get(p.pk) or results.get(str(p.pk)) or {}))
        choice = wanted.pop("result", "pass")
        note = _clean_text(wanted.pop("comment", ""), _("意见"), "comment", required=False)
        who = _("%(name)s户：") % {"name": p.household.head_name}
        sid = transaction.savepoint()
        try:
            if choice == "send_back":
                send_back(actor=actor, procedure=p, reason=note or comment, _locked_already=True)
                outcome, message = "sent_back", note or comment
            elif choice == "reject":
                procedure_reject(actor=actor, procedure=p, reason=note or comment, _locked_already=True)
                outcome, message = "rejected", note or comment
            else:
                data = {**wanted}
                if meeting_clean:
                    data["meeting"] = meeting_clean
                outcome, message = _pass_one(
                    p,
                    actor,
                    data=data,
                    comment=note or comment,
                    acted_on=acted,
                    batch_act=act,
                    meeting=meeting_clean,
                    who=who,
                )
            transaction.savepoint_commit(sid)
        except AccessDenied:
            transaction.savepoint_rollback(sid)
            raise
        except DomainError as exc:
            transaction.savepoint_rollback(sid)
            outcome, message = "blocked", exc.message
        outcomes.append({"procedure": p, "result": outcome, "message": message})
    act.data = {**act.data, "outcomes": {str(o["procedure"].pk): o["result"] for o in outcomes}}
    act.save(update_fields=["data"])
    audit_record(
        actor=actor,
        action="procedure.batch",
        target=act,
        area=area,
        after={"step": step.code, "outcomes": act.data["outcomes"]},
        reason=comment[:500],
    )
    return outcomes


def common_area(areas):
    """The lowest area containing all of ``areas`` (their longest common path prefix that is an area)."""
    from jingzhun.areas.models import Area

    paths = [a.path for a in areas]
    prefix = paths[0]
    for p in paths[1:]:
        while not p.startswith(prefix):
            prefix = prefix[:-1]
    if prefix == paths[0]:
        return areas[0]
    candidates = [prefix[:n] for n in (12, 9, 6, 4, 2) if n <= len(prefix)]
    found = {a.path: a for a in Area.objects.filter(path__in=candidates)}
    for c in candidates:
        if c in found:
            return found[c]
    return areas[0]


@transaction.atomic
def send_back(*, actor, procedure: Procedure, reason: str, to_step: str | None = None, _locked_already=False):
    """Return a procedure to an earlier step (default: the step's own send-back target, else the one before)."""
    if not _locked_already:
        procedure = _locked(procedure)
    engine.require_running(procedure)
    step = procedure.current_step
    engine.require_actor(actor, procedure, step)
    reason = _clean_text(reason, _("退回理由"), "reason", required=True)
    earlier = [s for s in _steps(procedure.template_id) if s.order < step.order]
    if not earlier:
        raise DomainError(_("第一个环节不能退回。"), field="to_step", code="first_step")
    code = to_step or step.send_back_to or earlier[-1].code
    target = next((s for s in earlier if s.code == code), None)
    if target is None:
        raise DomainError(_("只能退回到之前的环节。"), field="to_step", code="bad_target")
    StepRecord.objects.create(
        procedure=procedure,
        step=step,
        result=StepResult.SENT_BACK,
        comment=reason,
        data={"to": target.code},
        actor=actor,
        acted_on=timezone.localdate(),
    )
    procedure.current_step = target
    procedure.step_since = timezone.now()
    procedure.save(update_fields=["current_step", "step_since", "updated_at"])
    _withdraw_from_open_notices(procedure)
    audit_record(
        actor=actor,
        action="procedure.send_back",
        target=procedure,
        area=procedure.area,
        before={"step": step.code},
        after={"step": target.code},
        reason=reason[:500],
    )
    return procedure


@transaction.atomic
def procedure_reject(*, actor, procedure: Procedure, reason: str, _locked_already=False):
    """End a procedure as not passed (the household is not identified / does not exit)."""
    if not _locked_already:
        procedure = _locked(procedure)
    engine.require_running(procedure)
    engine.require_actor(actor, procedure, procedure.current_step)
    reason = _clean_text(reason, _("不通过理由"), "reason", required=True)
    _end(procedure, actor, status=ProcedureStatus.REJECTED, result=StepResult.FAILED, reason=reason)
    return procedure


@transaction.atomic
def procedure_cancel(*, actor, procedure: Procedure, reason: str):
    """Withdraw a procedure: by whoever started it, or by anyone who may act at its first step."""
    procedure = _locked(procedure)
    engine.require_running(procedure)
    first = _steps(procedure.template_id)[0]
    if procedure.started_by_id != getattr(actor, "pk", None) and not user_can(
        actor, first.capability, procedure.area
    ):
        raise AccessDenied(_("只有发起人或村级经办人可以撤销该程序。"))
    reason = _clean_text(reason, _("撤销理由"), "reason", required=True)
    _end(procedure, actor, status=ProcedureStatus.CANCELLED, result=StepResult.CANCELLED, reason=reason)
    return procedure


@transaction.atomic
def procedure_override(*, actor, procedure: Procedure, codes: list[str], reason: str):
    """The county approves an exception (an exclusion-rule hit, an assessment failure) with a reason."""
    procedure = _locked(procedure)
    engine.require_running(procedure)
    if not user_can(actor, "workflows.county", procedure.area):
        raise AccessDenied(_("只有县级可以批准例外。"))
    reason = _clean_text(reason, _("批准理由"), "reason", required=True)
    codes = [c for c in dict.fromkeys(codes or []) if c]
    if not codes:
        raise DomainError(_("请选择要批准例外的规则。"), field="codes", code="required")
    overrides = dict(procedure.data.get("overrides") or {})
    for code in codes:
        overrides[code] = {
            "reason": reason,
            "by": actor.pk,
            "by_name": str(actor),
            "at": timezone.now().isoformat(),
        }
    procedure.data = {**procedure.data, "overrides": overrides}
    procedure.save(update_fields=["data", "updated_at"])
    audit_record(
        actor=actor,
        action="procedure.override",
        target=procedure,
        area=procedure.area,
        after={"codes": codes},
        reason=reason,
    )
    return procedure


def overridden(procedure: Procedure) -> set[str]:
    return set((procedure.data or {}).get("overrides") or {})
