"""Notices (公示/公告) and objections (异议).

A notice step is passed by publishing the list, posting it (photo), letting the period run and answering
every objection; ``notice_close`` then passes the step for every household still on the list. An upheld
objection takes its household off the list and sends its procedure back.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.masking import mask_id_number
from jingzhun.core.scoping import user_can
from jingzhun.core.services import audit_record

from . import engine
from .choices import (
    EvidenceKind,
    NoticeKind,
    NoticeStatus,
    ObjectionChannel,
    ObjectionOutcome,
    ObjectionStatus,
    StepAction,
)
from .evidence import evidence_attach
from .models import Notice, NoticeEntry, Objection, Procedure
from .services import _clean_text, _locked, advance, common_area, send_back

DEFAULT_PHONES = "12317"
TEXT_MAX = 2000


def _step_actor(actor, notice: Notice) -> None:
    if not user_can(actor, notice.step.capability, notice.area):
        raise AccessDenied(_("您无权办理“%(area)s”的公示。") % {"area": notice.area.name})


def _head_id(household) -> str:
    head = household.members.filter(relation="01", status="active").only("id_number").first()
    return mask_id_number(head.id_number if head else "")


def _village_name(area) -> str:
    parent = area.parent if area.level == "group" else None
    return f"{parent.name}{area.name}" if parent else area.name


@transaction.atomic
def notice_publish(
    *,
    actor,
    procedures,
    title: str = "",
    start_date=None,
    place: str = "",
    issuing_unit: str = "",
    phones: str = "",
    body: str = "",
) -> Notice:
    """Publish the list of households waiting at the same notice step (a 公示 or a 公告)."""
    locked = [_locked(p) for p in sorted(procedures, key=lambda p: p.pk)]
    if not locked:
        raise DomainError(_("请至少选择一户。"), field="procedures", code="required")
    for p in locked:
        engine.require_running(p)
    steps = {(p.kind, p.current_step.code) for p in locked}
    step = locked[0].current_step
    if len(steps) != 1 or step.action != StepAction.NOTICE:
        raise DomainError(_("所选农户须处于同一程序的同一公示环节。"), field="procedures")
    for p in locked:
        engine.require_actor(actor, p, p.current_step)
    already = NoticeEntry.objects.filter(
        procedure__in=locked,
        notice__status=NoticeStatus.PUBLISHED,
        notice__step__code=step.code,
        withdrawn=False,
    ).select_related("procedure__household")
    if already:
        names = "、".join(e.procedure.household.head_name for e in already)
        raise DomainError(_("以下农户已在公示中：%(names)s。") % {"names": names}, field="procedures")
    today = timezone.localdate()
    start = start_date or today
    if isinstance(start, str):
        try:
            start = datetime.date.fromisoformat(start)
        except ValueError:
            raise DomainError(_("开始日期格式应为 YYYY-MM-DD。"), field="start_date") from None
    if abs((start - today).days) > 30:
        raise DomainError(_("公示开始日期应在今天前后 30 天内。"), field="start_date")
    period = step.period_days
    end = start + datetime.timedelta(days=max(period, 1) - 1)
    area = common_area([p.area for p in locked])
    kind_label = NoticeKind(step.notice_kind).label
    spec = engine.spec_for(step.template.kind)
    notice = Notice.objects.create(
        kind=step.notice_kind,
        procedure_kind=locked[0].kind,
        step=step,
        area=area,
        area_path=area.path,
        title=_clean_text(title, _("标题"), "title", required=False)[:120]
        or f"{area.name}{locked[0].year}年{step.template.name}{step.name}",
        body=_clean_text(body, _("正文"), "body", required=False),
        issuing_unit=_clean_text(issuing_unit, _("发布单位"), "issuing_unit", required=False)[:100]
        or (f"{area.name}村民委员会" if step.level == "village" else _("县乡村振兴局")),
        place=_clean_text(place, _("张贴地点"), "place", required=False)[:100] or _("村务公开栏"),
        phones=_clean_text(phones, _("监督电话"), "phones", required=False)[:100] or DEFAULT_PHONES,
        start_date=start,
        end_date=end,
        published_by=actor,
    )
    NoticeEntry.objects.bulk_create(
        NoticeEntry(
            notice=notice,
            procedure=p,
            seq=i,
            head_name=p.household.head_name,
            village_name=_village_name(p.area),
            masked_id=_head_id(p.household),
            size=p.household.size,
            reason=(spec.notice_reason(p) if spec.notice_reason else "")[:100] or step.template.name,
        )
        for i, p in enumerate(locked, start=1)
    )
    audit_record(
        actor=actor,
        action="notice.publish",
        target=notice,
        area=area,
        after={
            "kind": kind_label,
            "households": [p.household_id for p in locked],
            "start": start,
            "end": end,
        },
    )
    return notice


@transaction.atomic
def notice_add_evidence(*, actor, notice: Notice, upload, description: str = "") -> None:
    """Proof the notice was posted (a photo of the board)."""
    _step_actor(actor, notice)
    if notice.status != NoticeStatus.PUBLISHED:
        raise DomainError(_("公示已结束，不能再上传张贴照片。"), field="files")
    evidence = evidence_attach(
        actor=actor,
        upload=upload,
        kind=EvidenceKind.PHOTO,
        area_path=notice.area_path,
        description=description,
        notice=notice,
    )
    audit_record(
        actor=actor,
        action="notice.evidence",
        target=notice,
        area=notice.area,
        after={"file": evidence.original_name},
    )


@transaction.atomic
def objection_record(
    *,
    actor=None,
    notice: Notice,
    content: str,
    entry: NoticeEntry | None = None,
    channel: str = "",
    submitter_name: str = "",
    submitter_phone: str = "",
    source_key: str = "",
) -> Objection:
    """Record an objection: by an official (any channel) or from the public page (actor None, channel web)."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if actor is not None:
        _step_actor(actor, notice)
        if channel not in ObjectionChannel.values:
            raise DomainError(_("请选择反映方式。"), field="channel", code="required")
    else:
        channel = ObjectionChannel.WEB
        if notice.status != NoticeStatus.PUBLISHED or timezone.localdate() > notice.end_date:
            raise DomainError(_("公示期已结束，请拨打监督电话反映。"), field="content", code="closed")
    if notice.status == NoticeStatus.WITHDRAWN:
        raise DomainError(_("该公示已撤回。"), field="content")
    content = _clean_text(content, _("异议内容"), "content", required=True)
    if len(content) < 5:
        raise DomainError(_("请具体说明异议内容（至少 5 个字）。"), field="content")
    if entry is not None and entry.notice_id != notice.pk:
        raise DomainError(_("所选农户不在该公示名单中。"), field="entry")
    objection = Objection.objects.create(
        notice=notice,
        entry=entry,
        area_path=notice.area_path,
        channel=channel,
        submitter_name=(submitter_name or "").strip()[:50],
        submitter_phone=(submitter_phone or "").strip()[:20],
        content=content,
        recorded_by=actor,
        source_key=source_key[:64],
    )
    audit_record(
        actor=actor,
        action="objection.record",
        target=objection,
        area=notice.area,
        after={"notice": notice.pk, "entry": entry.pk if entry else None, "channel": channel},
    )
    return objection


@transaction.atomic
def objection_answer(*, actor, objection: Objection, outcome: str, answer: str, upload=None) -> Objection:
    """Answer after checking. Upheld about a listed household: it leaves the list and goes back a step."""
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("notice__step", "notice__area", "entry")
        .get(pk=objection.pk)
    )
    _step_actor(actor, objection.notice)
    if objection.status != ObjectionStatus.OPEN:
        raise DomainError(_("该异议已答复。"), field="answer", code="answered")
    if outcome not in ObjectionOutcome.values:
        raise DomainError(_("请选择核实结论。"), field="outcome", code="required")
    answer = _clean_text(answer, _("答复内容"), "answer", required=True)
    objection.status = ObjectionStatus.ANSWERED
    objection.outcome = outcome
    objection.answer = answer
    objection.answered_by = actor
    objection.answered_at = timezone.now()
    objection.save()
    if upload is not None:
        evidence_attach(
            actor=actor,
            upload=upload,
            kind=EvidenceKind.OTHER,
            area_path=objection.area_path,
            objection=objection,
        )
    if outcome == ObjectionOutcome.UPHELD and objection.entry is not None:
        procedure = objection.entry.procedure
        if procedure.is_running and procedure.current_step_id == objection.notice.step_id:
            send_back(
                actor=actor,
                procedure=procedure,
                reason=_("公示异议经核实成立：%(answer)s") % {"answer": answer},
            )
        NoticeEntry.objects.filter(pk=objection.entry_id).update(withdrawn=True)
    audit_record(
        actor=actor,
        action="objection.answer",
        target=objection,
        area=objection.notice.area,
        before={"status": ObjectionStatus.OPEN},
        after={"status": ObjectionStatus.ANSWERED, "outcome": outcome},
        reason=answer[:500],
    )
    return objection


def close_blockers(notice: Notice, today: datetime.date | None = None) -> list[str]:
    """Why the notice cannot end yet (empty when it can): period, posting photo, open objections."""
    today = today or timezone.localdate()
    problems = []
    if notice.status != NoticeStatus.PUBLISHED:
        problems.append(_("公示不在进行中。"))
        return problems
    if notice.kind == NoticeKind.PUBLICITY and today <= notice.end_date:
        problems.append(_("公示期至 %(end)s，期满后才能结束。") % {"end": notice.end_date.isoformat()})
    if not notice.evidence.exists():
        problems.append(_("请先上传张贴公示的照片。"))
    open_count = notice.objections.filter(status=ObjectionStatus.OPEN).count()
    if open_count:
        problems.append(_("还有 %(n)s 条异议未答复。") % {"n": open_count})
    return problems


@transaction.atomic
def notice_close(*, actor, notice: Notice, comment: str = "") -> list[Procedure]:
    """End the notice and pass its step for every household still listed and still waiting there."""
    notice = (
        Notice.objects.select_for_update(of=("self",))
        .select_related("step__template", "area")
        .get(pk=notice.pk)
    )
    _step_actor(actor, notice)
    problems = close_blockers(notice)
    if problems:
        raise DomainError(" ".join(problems), field="notice", code="cannot_close")
    entries = list(notice.entries.filter(withdrawn=False).select_related("procedure"))
    waiting = [_locked(e.procedure) for e in entries]
    waiting = [p for p in waiting if p.is_running and p.current_step_id == notice.step_id]
    spec = engine.spec_for(notice.procedure_kind)
    engine.call(spec.batch_check, waiting, notice.step, actor)
    comment = _clean_text(comment, _("意见"), "comment", required=False)
    for p in waiting:
        engine.require_actor(actor, p, p.current_step)
        engine.call(spec.step_check, p, p.current_step, actor, {"notice": notice.pk})
        advance(
            p,
            actor,
            data={"notice": notice.pk, "objections": notice.objections.count()},
            comment=comment,
            acted_on=timezone.localdate(),
        )
    notice.status = NoticeStatus.CLOSED
    notice.closed_by = actor
    notice.closed_at = timezone.now()
    notice.save(update_fields=["status", "closed_by", "closed_at", "updated_at"])
    audit_record(
        actor=actor,
        action="notice.close",
        target=notice,
        area=notice.area,
        before={"status": NoticeStatus.PUBLISHED},
        after={"status": NoticeStatus.CLOSED, "passed": [p.household_id for p in waiting]},
        reason=comment[:500],
    )
    return waiting
