"""Village exit (贫困村退出): what blocks it, and its steps — village proposes → township verifies →
township notice → county announces (which sets the village's exit year through the areas service).

The engine's templates are per household, so a village exit is its own small record (VillageExit) whose
``steps`` log keeps who did what and when; every step is a service with an audit event.

The township's notice also puts the 公示 on the public portal (``public.services.village_notice_open``);
objections sent there must all be answered before the county can announce the exit.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.areas.choices import AreaLevel
from jingzhun.areas.services import area_update
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.scoping import user_can
from jingzhun.core.services import audit_record
from jingzhun.policy.selectors import checklist, incidence_limit, policy_value, snapshot
from jingzhun.public.selectors import open_village_objections
from jingzhun.public.services import village_notice_open

from .choices import OPEN_EXIT, ExitStatus
from .incidence import incidence
from .models import ChecklistItem, VillageExit


def exit_indicators(village, year: int) -> dict:
    """Incidence against its limit, each checklist item, and the list of what blocks exit."""
    inc = incidence([village], year)[village.pk]
    limit = incidence_limit(village, year, "village")
    items = {x.code: x for x in ChecklistItem.objects.filter(area=village, year=year)}
    rows = []
    for entry in checklist(year, village):
        rec = items.get(entry["code"])
        rows.append(
            {"code": entry["code"], "name": entry["name"], "record": rec, "met": bool(rec and rec.met)}
        )
    blockers = []
    if village.level != AreaLevel.VILLAGE or not village.is_poor_village:
        blockers.append(_("该村不是建档立卡贫困村。"))
    elif village.poor_exited_year:
        blockers.append(_("该村已于 %(year)s 年退出。") % {"year": village.poor_exited_year})
    if inc["rate"] is None:
        blockers.append(_("缺少 %(year)s 年户籍农业人口统计，无法计算贫困发生率。") % {"year": year})
    elif limit is not None and inc["rate"] >= limit:
        blockers.append(
            _("贫困发生率 %(rate)s%%（%(n)s ÷ %(d)s），未低于 %(limit)s%%。")
            % {"rate": inc["rate"], "n": inc["numerator"], "d": inc["denominator"], "limit": limit}
        )
    for row in rows:
        if not row["met"]:
            blockers.append(_("清单项目未达标或未填报：%(name)s。") % {"name": row["name"]})
    return {"incidence": inc, "limit": limit, "checklist": rows, "blockers": blockers}


def _frozen(ind: dict, village, year: int) -> dict:
    inc = ind["incidence"]
    return {
        "numerator": inc["numerator"],
        "denominator": inc["denominator"],
        "rate": str(inc["rate"]) if inc["rate"] is not None else None,
        "limit": str(ind["limit"]) if ind["limit"] is not None else None,
        "checklist": [{"code": r["code"], "name": r["name"], "met": r["met"]} for r in ind["checklist"]],
        "params": snapshot(
            ["village_incidence_max", "village_incidence_max_west", "western_provinces", "village_checklist"],
            year,
            village,
        ),
    }


def _log(exit_: VillageExit, actor, step: str, comment: str = "", **extra) -> None:
    exit_.steps = [
        *exit_.steps,
        {
            "step": step,
            "by": actor.pk,
            "by_name": str(actor),
            "at": timezone.now().isoformat(),
            "comment": comment,
            **extra,
        },
    ]


def _require(actor, capability: str, village, message: str) -> None:
    if not user_can(actor, capability, village):
        raise AccessDenied(message)


def _locked(exit_: VillageExit) -> VillageExit:
    return VillageExit.objects.select_for_update().select_related("area").get(pk=exit_.pk)


def _at(exit_: VillageExit, status: str) -> None:
    if exit_.status != status:
        raise DomainError(
            _("该村退出当前为“%(status)s”，不能办理此环节。") % {"status": exit_.get_status_display()},
            field="status",
            code="wrong_step",
        )


def _still_qualifies(exit_: VillageExit) -> dict:
    ind = exit_indicators(exit_.area, exit_.year)
    if ind["blockers"]:
        raise DomainError(" ".join(ind["blockers"]), field="indicators", code="blocked")
    return ind


@transaction.atomic
def village_exit_propose(*, actor, village, year: int, comment: str = "") -> VillageExit:
    _require(actor, "workflows.village", village, _("您无权为“%(area)s”申请退出。") % {"area": village.name})
    if VillageExit.objects.filter(area=village, status__in=OPEN_EXIT).exists():
        raise DomainError(_("该村已有办理中的退出申请。"), field="village", code="running")
    ind = exit_indicators(village, int(year))
    if ind["blockers"]:
        raise DomainError(" ".join(ind["blockers"]), field="indicators", code="blocked")
    exit_ = VillageExit(
        area=village,
        area_path=village.path,
        year=int(year),
        indicators=_frozen(ind, village, int(year)),
        proposed_by=actor,
    )
    _log(exit_, actor, "propose", comment)
    exit_.save()
    audit_record(
        actor=actor,
        action="village_exit.propose",
        target=exit_,
        area=village,
        after={"year": exit_.year, **{k: exit_.indicators[k] for k in ("rate", "limit")}},
        reason=comment,
    )
    return exit_


@transaction.atomic
def village_exit_verify(*, actor, exit_: VillageExit, comment: str = "") -> VillageExit:
    exit_ = _locked(exit_)
    _require(actor, "workflows.township", exit_.area, _("只有乡镇可以核实贫困村退出。"))
    _at(exit_, ExitStatus.PROPOSED)
    ind = _still_qualifies(exit_)
    exit_.indicators = _frozen(ind, exit_.area, exit_.year)
    exit_.status = ExitStatus.VERIFIED
    _log(exit_, actor, "verify", comment)
    exit_.save()
    audit_record(
        actor=actor,
        action="village_exit.verify",
        target=exit_,
        area=exit_.area,
        after={"status": exit_.status},
        reason=comment,
    )
    return exit_


@transaction.atomic
def village_exit_notice(
    *, actor, exit_: VillageExit, start: datetime.date | None = None, place: str = ""
) -> VillageExit:
    exit_ = _locked(exit_)
    _require(actor, "workflows.township", exit_.area, _("只有乡镇可以发布贫困村退出公示。"))
    _at(exit_, ExitStatus.VERIFIED)
    start = start or timezone.localdate()
    if start > timezone.localdate():
        raise DomainError(_("公示开始日期不能晚于今天。"), field="start")
    days = policy_value("notice_days", exit_.year, exit_.area, 7)
    # A 7-day notice posted on the 1st runs to the 7th (as household notices do); the county announces after it.
    exit_.notice_start, exit_.notice_end = start, start + datetime.timedelta(days=int(days) - 1)
    exit_.notice_place = (place or "").strip()[:100] or _("乡镇政务公开栏")
    exit_.status = ExitStatus.NOTICED
    _log(exit_, actor, "notice", "", start=start.isoformat(), end=exit_.notice_end.isoformat())
    exit_.save()
    village_notice_open(actor=actor, exit_=exit_)
    audit_record(
        actor=actor,
        action="village_exit.notice",
        target=exit_,
        area=exit_.area,
        after={"start": start, "end": exit_.notice_end},
    )
    return exit_


@transaction.atomic
def village_exit_announce(*, actor, exit_: VillageExit, comment: str = "") -> VillageExit:
    exit_ = _locked(exit_)
    _require(actor, "workflows.county", exit_.area, _("只有县级可以公告贫困村退出。"))
    _at(exit_, ExitStatus.NOTICED)
    if timezone.localdate() <= exit_.notice_end:
        raise DomainError(
            _("公示期至 %(end)s 结束，期满后才能公告退出。") % {"end": exit_.notice_end},
            field="notice_end",
            code="notice_running",
        )
    waiting = open_village_objections(exit_)
    if waiting:
        raise DomainError(
            _("该村退出公示还有 %(n)s 条群众异议未答复，全部答复后才能公告退出。") % {"n": waiting},
            field="objections",
            code="objections_open",
        )
    _still_qualifies(exit_)
    area_update(actor=actor, area=exit_.area, poor_exited_year=exit_.year, reason=_("贫困村退出公告"))
    exit_.status = ExitStatus.ANNOUNCED
    _log(exit_, actor, "announce", comment)
    exit_.save()
    audit_record(
        actor=actor,
        action="village_exit.announce",
        target=exit_,
        area=exit_.area,
        after={"status": exit_.status, "year": exit_.year},
        reason=comment,
    )
    return exit_


@transaction.atomic
def village_exit_reject(*, actor, exit_: VillageExit, reason: str) -> VillageExit:
    exit_ = _locked(exit_)
    if not exit_.is_open:
        raise DomainError(_("该退出申请已办结。"), field="status")
    capability = (
        "workflows.village"
        if exit_.status == ExitStatus.PROPOSED and exit_.proposed_by_id == actor.pk
        else "workflows.township"
    )
    _require(actor, capability, exit_.area, _("您无权退回该村的退出申请。"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写理由。"), field="reason", code="required")
    exit_.status = ExitStatus.CANCELLED if capability == "workflows.village" else ExitStatus.REJECTED
    exit_.outcome_reason = reason[:1000]
    _log(exit_, actor, "reject", reason)
    exit_.save()
    audit_record(
        actor=actor,
        action="village_exit.reject",
        target=exit_,
        area=exit_.area,
        after={"status": exit_.status},
        reason=reason,
    )
    return exit_
