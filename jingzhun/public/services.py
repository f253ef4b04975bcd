"""Writes of the public portal: objections to a notice or to a village exit notice and appeals/complaints/
self-reports from the public (no actor), the public face of a village exit notice (opened by the township's
notice step), and the official's handling (answer) of a submission."""

from __future__ import annotations

import datetime
import re
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.areas.choices import AreaLevel
from jingzhun.assessment.models import VillageExit
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.scoping import user_can
from jingzhun.core.services import audit_record
from jingzhun.workflows import notices
from jingzhun.workflows.choices import NoticeStatus, ObjectionChannel
from jingzhun.workflows.models import Notice, NoticeEntry, Objection

from . import guard, selectors
from .choices import PORTAL_KINDS, SubmissionKind, SubmissionStatus
from .models import PublicSubmission, PublicVillageNotice

CONTENT_MIN = 5
CONTENT_MAX = 1000
PHONE_RE = re.compile(r"^[0-9+\- ]{7,20}$")
RECEIPT_PREFIX = {
    SubmissionKind.APPEAL: "SS",
    SubmissionKind.COMPLAINT: "TS",
    SubmissionKind.SELF_REPORT: "SB",
    SubmissionKind.OBJECTION: "YC",  # 异议（村）: household notice objections are YY + date + pk
}


def _content(value: str) -> str:
    value = (value or "").strip()
    if len(value) < CONTENT_MIN:
        raise DomainError(
            _("请具体说明情况（至少 %(n)s 个字）。") % {"n": CONTENT_MIN}, field="content", code="too_short"
        )
    if len(value) > CONTENT_MAX:
        raise DomainError(
            _("内容不能超过 %(n)s 个字。") % {"n": CONTENT_MAX}, field="content", code="too_long"
        )
    return value


def _contact(name: str, phone: str) -> tuple[str, str]:
    name = (name or "").strip()
    phone = (phone or "").strip()
    if len(name) > 50:
        raise DomainError(_("姓名不能超过 50 个字。"), field="name")
    if phone and not PHONE_RE.match(phone):
        raise DomainError(_("联系电话格式不正确（7–20 位数字）。"), field="phone")
    return name, phone


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _since(hours: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=hours)


def _check_duplicate(source: guard.Source, content: str) -> None:
    """The same content from the same source within a day is refused."""
    day = _since(24)
    wanted = _normal(content)
    earlier = list(
        Objection.objects.filter(source_key=source.key, created_at__gte=day).values_list("content", flat=True)
    ) + list(
        PublicSubmission.objects.filter(source_key=source.key, created_at__gte=day).values_list(
            "content", flat=True
        )
    )
    if any(_normal(c) == wanted for c in earlier):
        raise DomainError(
            _("您今天已提交过相同的内容，我们会尽快处理，请勿重复提交。"), field="content", code="duplicate"
        )


def _stored_ip(source: guard.Source) -> int:
    hour = _since(1)
    return (
        Objection.objects.filter(source_key__startswith=source.ip_hash, created_at__gte=hour).count()
        + PublicSubmission.objects.filter(source_key__startswith=source.ip_hash, created_at__gte=hour).count()
    )


def objection_receipt(objection: Objection) -> str:
    return f"YY{timezone.localtime(objection.created_at):%Y%m%d}{objection.pk:06d}"


@transaction.atomic
def public_objection_submit(
    *,
    notice: Notice,
    content: str,
    entry: NoticeEntry | None = None,
    name: str = "",
    phone: str = "",
    source: guard.Source,
) -> Objection:
    """An objection from the public page (no login): checked against abuse, then recorded through the
    notices service with channel “网上提交”."""
    if notice.status != NoticeStatus.PUBLISHED:
        raise DomainError(_("公示期已结束，请拨打监督电话反映。"), field="content", code="closed")
    content = _content(content)
    name, phone = _contact(name, phone)
    stored_notice = Objection.objects.filter(
        notice=notice, channel=ObjectionChannel.WEB, created_at__gte=_since(24)
    ).count()
    guard.rate_check(source, f"notice:{notice.pk}", stored_ip=_stored_ip(source), stored_target=stored_notice)
    _check_duplicate(source, content)
    objection = notices.objection_record(
        actor=None,
        notice=notice,
        content=content,
        entry=entry,
        channel=ObjectionChannel.WEB,
        submitter_name=name,
        submitter_phone=phone,
        source_key=source.key,
    )
    guard.rate_count(source, f"notice:{notice.pk}")
    return objection


def _receipt_no(kind: str) -> str:
    day = timezone.localdate().strftime("%Y%m%d")
    for _attempt in range(10):
        candidate = f"{RECEIPT_PREFIX[kind]}{day}{secrets.randbelow(10**6):06d}"
        if not PublicSubmission.objects.filter(receipt_no=candidate).exists():
            return candidate
    raise DomainError(_("系统繁忙，请稍后再试。"))  # pragma: no cover - a million numbers a day


@transaction.atomic
def submission_create(
    *,
    area,
    kind: str,
    content: str,
    name: str = "",
    phone: str = "",
    source: guard.Source,
    rate_limited: bool = True,
) -> PublicSubmission:
    """An appeal, complaint or self-report about a village, from the public portal (anonymous allowed).

    ``rate_limited=False`` is for messages the system itself records (the demo county's sample messages):
    they are not a client of the portal and must not use up, or be refused by, the portal's limits."""
    if area is None or area.level != AreaLevel.VILLAGE:
        raise DomainError(_("请选择所在的村。"), field="area")
    if kind not in PORTAL_KINDS:
        raise DomainError(_("请选择反映类型。"), field="kind", code="required")
    content = _content(content)
    name, phone = _contact(name, phone)
    stored_area = PublicSubmission.objects.filter(area_path=area.path, created_at__gte=_since(24)).count()
    if rate_limited:
        guard.rate_check(source, f"area:{area.path}", stored_ip=_stored_ip(source), stored_target=stored_area)
    _check_duplicate(source, content)
    submission = PublicSubmission.objects.create(
        receipt_no=_receipt_no(kind),
        area=area,
        area_path=area.path,
        kind=kind,
        content=content,
        contact_name=name,
        contact_phone=phone,
        source_key=source.key,
    )
    audit_record(
        actor=None,
        action="public.submission",
        target=submission,
        area=area,
        after={"kind": kind, "receipt": submission.receipt_no, "anonymous": not (name or phone)},
    )
    if rate_limited:
        guard.rate_count(source, f"area:{area.path}")
    return submission


@transaction.atomic
def submission_handle(*, actor, submission: PublicSubmission, note: str, status: str) -> PublicSubmission:
    """Record how a submission was dealt with: handled (answered, settled) or converted (a monitoring case
    or procedure was opened from it)."""
    submission = PublicSubmission.objects.select_for_update().select_related("area").get(pk=submission.pk)
    if not user_can(actor, "public.handle", submission.area):
        raise AccessDenied(_("您无权处理“%(area)s”的群众反映。") % {"area": submission.area.name})
    if status not in (SubmissionStatus.HANDLED, SubmissionStatus.CONVERTED):
        raise DomainError(_("请选择处理结果。"), field="status", code="required")
    if submission.kind == SubmissionKind.OBJECTION:
        # The township published the village exit notice: it (or the county) answers, as for a notice
        # of the procedures engine only the notice step's level does.
        if not selectors.may_answer_objection(actor, submission.area):
            raise AccessDenied(_("贫困村退出公示的异议由乡镇或县级答复。"))
        if status != SubmissionStatus.HANDLED:
            raise DomainError(_("对异议请选择“已处理”并填写答复。"), field="status", code="objection_status")
    note = (note or "").strip()
    if not note:
        raise DomainError(_("请填写处理情况。"), field="note", code="required")
    if len(note) > CONTENT_MAX:
        raise DomainError(_("处理情况不能超过 %(n)s 个字。") % {"n": CONTENT_MAX}, field="note")
    if submission.status == SubmissionStatus.CONVERTED and status == SubmissionStatus.HANDLED:
        raise DomainError(_("该反映已转入监测或办理程序，不能改为“已处理”。"), field="status")
    before = {"status": submission.status, "note": submission.handling_note}
    submission.status = status
    submission.handling_note = note
    submission.handled_by = actor
    submission.handled_at = timezone.now()
    submission.save(update_fields=["status", "handling_note", "handled_by", "handled_at", "updated_at"])
    audit_record(
        actor=actor,
        action="public.submission_handle",
        target=submission,
        area=submission.area,
        before=before,
        after={"status": status, "note": note},
        reason=note[:500],
    )
    return submission


# --- village exit notice (贫困村退出公示) ----------------------------------------------------------------


def _public_figures(indicators: dict) -> dict:
    """What the notice publishes of the exit's frozen indicators: incidence and checklist items only."""
    return {
        "rate": indicators.get("rate"),
        "limit": indicators.get("limit"),
        "numerator": indicators.get("numerator"),
        "denominator": indicators.get("denominator"),
        "checklist": [
            {"name": str(c.get("name", ""))[:200], "met": bool(c.get("met"))}
            for c in indicators.get("checklist") or []
        ],
    }


@transaction.atomic
def village_notice_open(*, actor, exit_: VillageExit, phones: str = "") -> PublicVillageNotice:
    """Put a village exit notice on the portal (called by the township's notice step, same transaction)."""
    village = exit_.area
    township = village.parent if village.parent_id else None
    township_name = township.name if township and township.level == AreaLevel.TOWNSHIP else ""
    notice = PublicVillageNotice.objects.create(
        exit=exit_,
        area=village,
        area_path=village.path,
        title=(
            _("关于%(place)s%(year)s年贫困村退出的公示")
            % {"place": township_name + village.name, "year": exit_.year}
        )[:120],
        village_name=village.name,
        township_name=township_name,
        issuing_unit=(_("%(township)s人民政府") % {"township": township_name} if township_name else "")
        or _("乡镇人民政府"),
        phones=(phones or "").strip()[:100] or notices.DEFAULT_PHONES,
        figures=_public_figures(exit_.indicators or {}),
    )
    audit_record(
        actor=actor,
        action="public.village_notice",
        target=notice,
        area=village,
        after={"public_id": str(notice.public_id), "exit": exit_.pk, "year": exit_.year},
    )
    return notice


@transaction.atomic
def village_objection_submit(
    *, notice: PublicVillageNotice, content: str, name: str = "", phone: str = "", source: guard.Source
) -> PublicSubmission:
    """An objection to a village exit notice from the portal (no login, anonymous allowed): the same abuse
    checks as the other public forms; it blocks the county's announcement until it is answered."""
    # Lock the exit: an objection and the announcement must not pass each other.
    exit_ = (
        VillageExit.objects.select_for_update()
        .only("id", "status", "notice_start", "notice_end")
        .get(pk=notice.exit_id)
    )
    if not selectors.village_exit_is_current(exit_):
        raise DomainError(_("公示期已结束，请拨打监督电话反映。"), field="content", code="closed")
    content = _content(content)
    name, phone = _contact(name, phone)
    target = f"vnotice:{notice.pk}"
    stored = PublicSubmission.objects.filter(village_notice=notice, created_at__gte=_since(24)).count()
    guard.rate_check(source, target, stored_ip=_stored_ip(source), stored_target=stored)
    _check_duplicate(source, content)
    submission = PublicSubmission.objects.create(
        receipt_no=_receipt_no(SubmissionKind.OBJECTION),
        area_id=notice.area_id,
        area_path=notice.area_path,
        kind=SubmissionKind.OBJECTION,
        village_notice=notice,
        content=content,
        contact_name=name,
        contact_phone=phone,
        source_key=source.key,
    )
    audit_record(
        actor=None,
        action="public.village_objection",
        target=submission,
        area=notice.area,
        after={"receipt": submission.receipt_no, "exit": notice.exit_id, "anonymous": not (name or phone)},
    )
    guard.rate_count(source, target)
    return submission
