"""Change requests (动态调整): a village submits a typed change, the township approves or rejects it.

Nothing changes in the register until approval. At submission the change is checked in full and even
carried out inside a savepoint that is rolled back, so the reviewer sees the exact before/after and
knows it can apply. At approval it is checked again against the register as it is then, applied in the
same transaction, and every household it touched gets a new HouseholdVersion: the past (last year's
composition, HouseholdIncome rows) is never rewritten.

Payload keys per kind (JSON; dates "YYYY-MM-DD"; members by id; every kind also takes
``override_reason`` for soft warnings):
- add_member: reason (birth / marriage_in / move_in), date, member {name, id_number, relation, …}
- remove_member: member, reason (deceased / married_out / moved_out / imprisoned / cancelled), date
- transfer_member: member, target (id or 户编号), relation (to the target's head), date
- split: members [ids], head (one of them), relations {id: code} for the others, area (code), date
- merge: target (id or 户编号), relations {id: code} for every active member of this household, date
- change_head: new_head, old_head_relation, relations {id: code} (optional, other members)
- correct_info: household {field: value}, members {id: {field: value}}
- move_household: area (code of a village or group)
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.masking import mask_account, mask_id_number, mask_phone
from jingzhun.core.scoping import user_can
from jingzhun.core.services import audit_record
from jingzhun.workflows import services as workflow

from . import changes_kinds as members
from . import changes_kinds_household as whole
from .changes_rules import Ctx
from .choices import ChangeKind, ChangeStatus, MemberStatus
from .models import ChangeRequest, Household
from .services import refresh_summary, write_version

REASON_MAX = 1000
# kind → (prepare, apply): prepare checks the payload against the register as it is now and returns a
# plan; apply carries the plan out and says which households it touched.
KINDS = {
    ChangeKind.ADD_MEMBER: (members.prepare_add_member, members.apply_add_member),
    ChangeKind.REMOVE_MEMBER: (members.prepare_remove_member, members.apply_remove_member),
    ChangeKind.TRANSFER_MEMBER: (members.prepare_transfer_member, members.apply_transfer_member),
    ChangeKind.SPLIT: (members.prepare_split, members.apply_split),
    ChangeKind.MERGE: (members.prepare_merge, members.apply_merge),
    ChangeKind.CHANGE_HEAD: (whole.prepare_change_head, whole.apply_change_head),
    ChangeKind.CORRECT_INFO: (whole.prepare_correct_info, whole.apply_correct_info),
    ChangeKind.MOVE_HOUSEHOLD: (whole.prepare_move_household, whole.apply_move_household),
}


def _require(actor, capability: str, area, message: str) -> None:
    if not user_can(actor, capability, area):
        raise AccessDenied(message)


def _locked_household(household: Household) -> Household:
    return Household.objects.select_for_update().select_related("area").get(pk=household.pk)


def household_summary(h: Household) -> dict:
    """What the reviewer compares: number, place, head, size, every member with relation and status."""
    return {
        "id": h.pk,
        "household_no": h.household_no,
        "area": h.area.code,
        "area_name": h.area.name,
        "head_name": h.head_name,
        "size": h.size,
        "members": [
            {"id": m.pk, "member_no": m.member_no, "name": m.name, "relation": m.relation, "status": m.status}
            for m in sorted(
                h.members.order_by("relation", "birth_date", "id"),
                key=lambda m: m.status != MemberStatus.ACTIVE,
            )
        ],
    }


def _involved(plan: dict, household: Household) -> list[Household]:
    extra = [plan[k] for k in ("target",) if isinstance(plan.get(k), Household)]
    return [household, *extra]


def _run(ctx: Ctx, kind: str, payload: dict) -> tuple[dict, list[dict], dict, list[Household]]:
    """Prepare and apply; returns (plan, summaries before, outcome, touched households refreshed)."""
    prepare, apply = KINDS[kind]
    plan = prepare(ctx, payload)
    before = [household_summary(h) for h in _involved(plan, ctx.household)]
    outcome = apply(ctx, plan)
    touched = []
    for h in outcome["households"]:
        refresh_summary(h)
        touched.append(h)
    return plan, before, outcome, touched


class _Preview(Exception):
    pass


@transaction.atomic
def change_submit(*, actor, household: Household, kind: str, payload: dict, reason: str) -> ChangeRequest:
    """A village officer asks for a change; it is checked in full now and applied only on approval."""
    _require(actor, "register.change", household.area, f"您无权为“{household.area.name}”的农户提交变更申请。")
    if kind not in ChangeKind.values:
        raise DomainError("变更类型无效。", field="kind")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写申请理由。", field="reason", code="required")
    if len(reason) > REASON_MAX:
        raise DomainError(f"申请理由不能超过 {REASON_MAX} 个字。", field="reason")
    if not isinstance(payload, dict):
        raise DomainError("变更内容格式错误。", field="payload")
    household = _locked_household(household)
    if ChangeRequest.objects.filter(household=household, kind=kind, status=ChangeStatus.PENDING).exists():
        raise DomainError(
            f"该户已有一条待审核的“{ChangeKind(kind).label}”申请，请等待审核或撤回后再提交。",
            field="kind",
            code="pending_exists",
        )
    payload = {k: v for k, v in payload.items() if k != "preview"}
    area, area_path = household.area, household.area_path
    # Opened before the trial run below, which moves the household object in memory for a 户迁移.
    procedure = workflow.procedure_start(
        actor=actor, kind="change_request", household=household, data={"change_kind": kind}
    )
    workflow.step_complete(actor=actor, procedure=procedure, step_code="submit", comment=reason)
    ctx = Ctx(actor=actor, household=household, stage="submit")
    # Carry the change out in a savepoint and roll it back: proves it applies and yields the preview.
    sid = transaction.savepoint()
    try:
        plan, before, outcome, touched = _run(ctx, kind, payload)
        preview = {
            "before": before,
            "after": [household_summary(h) for h in touched],
            "message": outcome["message"],
        }
    finally:
        transaction.savepoint_rollback(sid)
    request = ChangeRequest.objects.create(
        kind=kind,
        household=household,
        area_path=area_path,
        payload={**plan["payload"], "preview": preview},
        reason=reason,
        submitted_by=actor,
        procedure=procedure,
    )
    audit_record(
        actor=actor,
        action="change.submit",
        target=request,
        area=area,
        after={"kind": kind, "household_no": household.household_no, "payload": masked(plan["payload"])},
        reason=reason,
    )
    return request


def _pending(request: ChangeRequest) -> ChangeRequest:
    locked = ChangeRequest.objects.select_for_update().select_related("household__area").get(pk=request.pk)
    if locked.status != ChangeStatus.PENDING:
        raise DomainError(
            f"该申请{locked.get_status_display()}，不能再处理。", field="status", code="not_pending"
        )
    return locked


def _review_guard(actor, request: ChangeRequest) -> None:
    area = request.household.area
    _require(actor, "register.review", area, f"您无权审核“{area.name}”的变更申请。")
    if request.submitted_by_id == getattr(actor, "pk", None):
        raise AccessDenied("不能审核自己提交的申请。")


@transaction.atomic
def change_approve(*, actor, request: ChangeRequest, comment: str = "") -> ChangeRequest:
    """Approve and apply in one transaction, after checking everything again."""
    request = _pending(request)
    _review_guard(actor, request)
    # The engine checks the transition (running, at 乡镇审核, reviewer's capability) and records it.
    workflow.step_complete(actor=actor, procedure=request.procedure, step_code="review", comment=comment)
    household = _locked_household(request.household)
    ctx = Ctx(actor=actor, household=household, stage="apply", request_pk=request.pk)
    payload = {k: v for k, v in request.payload.items() if k != "preview"}
    _plan, before, outcome, touched = _run(ctx, request.kind, payload)
    after = []
    for h in touched:
        write_version(h, action=f"change.{request.kind}", actor=actor)
        summary = household_summary(h)
        after.append(summary)
        prior = next((b for b in before if b["id"] == h.pk), None)
        audit_record(
            actor=actor,
            action=f"change.{request.kind}",
            target=h,
            area=h.area,
            before=prior,
            after=summary,
            reason=f"变更申请 #{request.pk}：{request.reason}"[:500],
        )
    request.area_path = household.area_path  # a moved household takes its requests along
    request.status = ChangeStatus.APPLIED
    request.reviewed_by = actor
    request.reviewed_at = timezone.now()
    request.review_comment = (comment or "").strip()[:REASON_MAX]
    request.result = {
        "message": outcome["message"],
        "households": [h.pk for h in touched],
        "before": before,
        "after": after,
        **{k: v for k, v in outcome.items() if k not in ("households", "message")},
    }
    request.save()
    audit_record(
        actor=actor,
        action="change.approve",
        target=request,
        area=request.household.area,
        before={"status": ChangeStatus.PENDING},
        after={"status": ChangeStatus.APPLIED, "message": outcome["message"]},
        reason=request.review_comment,
    )
    return request


@transaction.atomic
def change_reject(*, actor, request: ChangeRequest, comment: str) -> ChangeRequest:
    request = _pending(request)
    _review_guard(actor, request)
    comment = (comment or "").strip()
    if not comment:
        raise DomainError("驳回时必须填写审核意见（驳回理由）。", field="comment", code="required")
    workflow.procedure_reject(actor=actor, procedure=request.procedure, reason=comment[:REASON_MAX])
    request.status = ChangeStatus.REJECTED
    request.reviewed_by = actor
    request.reviewed_at = timezone.now()
    request.review_comment = comment[:REASON_MAX]
    request.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "updated_at"])
    audit_record(
        actor=actor,
        action="change.reject",
        target=request,
        area=request.household.area,
        before={"status": ChangeStatus.PENDING},
        after={"status": ChangeStatus.REJECTED},
        reason=request.review_comment,
    )
    return request


@transaction.atomic
def change_withdraw(*, actor, request: ChangeRequest) -> ChangeRequest:
    request = _pending(request)
    if request.submitted_by_id != getattr(actor, "pk", None):
        raise AccessDenied("只有申请人本人可以撤回申请。")
    workflow.procedure_cancel(actor=actor, procedure=request.procedure, reason="申请人撤回")
    request.status = ChangeStatus.WITHDRAWN
    request.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="change.withdraw",
        target=request,
        area=request.household.area,
        before={"status": ChangeStatus.PENDING},
        after={"status": ChangeStatus.WITHDRAWN},
    )
    return request


# --- display ---------------------------------------------------------------------------------------

SENSITIVE = {
    "id_number": mask_id_number,
    "bank_account": mask_account,
    "phone": mask_phone,
    "health": lambda v: "***" if v else "",
    "disability_type": lambda v: "***" if v else "",
    "disability_grade": lambda v: "***" if v not in (None, "") else "",
    "disability_cert_no": lambda v: "***" if v else "",
}


def masked(payload: dict) -> dict:
    """The payload with ID numbers, accounts, phones and health details masked (pages, API, audit)."""

    def walk(value, key=None):
        if isinstance(value, dict):
            if key in SENSITIVE and set(value) <= {"before", "after"}:
                return {k: SENSITIVE[key](v) for k, v in value.items()}
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if key in SENSITIVE and not isinstance(value, (dict, list)):
            return SENSITIVE[key](value)
        return value

    return walk(payload)


def payload_for(user, request: ChangeRequest) -> dict:
    """The payload as pages and the API show it: always masked. Full values are revealed (and audited)
    on the member once the change has applied, through core.sensitive.reveal on the household page."""
    return masked(request.payload)
