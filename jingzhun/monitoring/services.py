"""Monitoring services: leads (线索) become cases; the entry and elimination procedures run on the engine.

The engine calls the hooks at the bottom (registered in apps.py): completing the 9-step entry makes the
household a monitored one; completing risk elimination closes the case; a rejected or withdrawn
procedure returns the case to what it was.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.scoping import user_can
from jingzhun.core.services import audit_record
from jingzhun.register.models import Household
from jingzhun.register.services import write_version
from jingzhun.workflows import services as workflow
from jingzhun.workflows.choices import ProcedureStatus

from .choices import OPEN_STATUSES, RISK_ALIASES, CaseSource, CaseStatus, MonitoringType, RiskType
from .models import MonitoringCase

TEXT_MAX = 2000


def _require(actor, capability: str, area, message: str) -> None:
    if not user_can(actor, capability, area):
        raise AccessDenied(message)


def clean_risks(risk_types) -> list[str]:
    out = []
    for code in risk_types or []:
        code = RISK_ALIASES.get(code, code)
        if code not in RiskType.values:
            raise DomainError(_("风险类型“%(code)s”无效。") % {"code": code}, field="risk_types")
        if code not in out:
            out.append(str(code))
    if not out:
        raise DomainError(_("请至少选择一种风险类型。"), field="risk_types", code="required")
    return out


def _text(value: str, label: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(_("请填写%(label)s。") % {"label": label}, field=field, code="required")
    if len(value) > TEXT_MAX:
        raise DomainError(_("%(label)s不能超过 %(n)s 个字。") % {"label": label, "n": TEXT_MAX}, field=field)
    return value


def suggested_type(household: Household) -> str:
    """Exited households are 脱贫不稳定户, never-registered ones 边缘易致贫户 (sudden hardship is chosen by hand)."""
    if household.poverty_status in ("exited", "returned"):
        return MonitoringType.UNSTABLE
    if household.poverty_status == "not_poor":
        return MonitoringType.MARGINAL
    return ""


@transaction.atomic
def case_propose(
    *,
    actor,
    household: Household,
    source: str,
    risk_types,
    detail: str,
    monitoring_type: str = "",
    opened_on: datetime.date | None = None,
    source_ref: str = "",
) -> MonitoringCase:
    """Record a lead. A household with an open case gets no second one (the existing case is named)."""
    _require(
        actor,
        "monitoring.report",
        household.area,
        _("您无权为“%(area)s”的农户上报风险线索。") % {"area": household.area.name},
    )
    if source not in CaseSource.values:
        raise DomainError(_("请选择线索来源。"), field="source", code="required")
    if household.poverty_status == "poor":
        raise DomainError(_("该户是未脱贫户，按贫困户帮扶，不纳入防返贫监测。"), field="household")
    if monitoring_type and monitoring_type not in MonitoringType.values:
        raise DomainError(_("监测对象类型无效。"), field="monitoring_type")
    existing = MonitoringCase.objects.filter(household=household, status__in=OPEN_STATUSES).first()
    if existing is not None:
        raise DomainError(
            _("该户已有监测记录（%(status)s），请在原记录中办理。")
            % {"status": existing.get_status_display()},
            field="household",
            code="open_case",
        )
    opened_on = opened_on or timezone.localdate()
    if opened_on > timezone.localdate():
        raise DomainError(_("发现日期不能晚于今天。"), field="opened_on")
    case = MonitoringCase.objects.create(
        household=household,
        area=household.area,
        area_path=household.area_path,
        monitoring_type=monitoring_type or suggested_type(household),
        risk_types=clean_risks(risk_types),
        source=source,
        detail=_text(detail, _("风险情况"), "detail"),
        opened_on=opened_on,
        source_ref=(source_ref or "")[:64],
        proposed_by=actor,
    )
    audit_record(
        actor=actor,
        action="monitoring.propose",
        target=case,
        area=household.area,
        after={"source": source, "risk_types": case.risk_types, "type": case.monitoring_type},
    )
    return case


@transaction.atomic
def case_propose_from(*, actor, submission=None, **values) -> MonitoringCase:
    """A lead, possibly from a public self-report, which is then marked as converted (same transaction)."""
    case = case_propose(actor=actor, source_ref=f"public:{submission.pk}" if submission else "", **values)
    if submission is not None:
        from jingzhun.public.services import submission_handle

        submission_handle(
            actor=actor,
            submission=submission,
            status="converted",
            note=_("已登记为监测风险线索（%(no)s）。") % {"no": case.household.household_no},
        )
    return case


def _locked(case: MonitoringCase) -> MonitoringCase:
    return MonitoringCase.objects.select_for_update().select_related("household", "area").get(pk=case.pk)


@transaction.atomic
def case_start_entry(*, actor, case: MonitoringCase, monitoring_type: str = "", risk_types=None, batch=None):
    """The village checked the lead and starts the 9-step entry procedure (风险预警 … 录入系统)."""
    case = _locked(case)
    _require(actor, "monitoring.manage", case.area, _("您无权办理该监测线索。"))
    if case.status != CaseStatus.PROPOSED:
        raise DomainError(_("只有待核实的线索可以发起识别程序。"), field="status", code="wrong_status")
    monitoring_type = monitoring_type or case.monitoring_type
    if monitoring_type not in MonitoringType.values:
        raise DomainError(_("请选择监测对象类型。"), field="monitoring_type", code="required")
    if risk_types is not None:
        case.risk_types = clean_risks(risk_types)
    procedure = workflow.procedure_start(
        actor=actor,
        kind="monitoring_entry",
        household=case.household,
        batch=batch,
        data={"case": case.pk, "monitoring_type": monitoring_type, "risk_types": case.risk_types},
    )
    case.monitoring_type = monitoring_type
    case.status = CaseStatus.IN_PROCEDURE
    case.entry_procedure = procedure
    case.save()
    audit_record(
        actor=actor,
        action="monitoring.start_entry",
        target=case,
        area=case.area,
        before={"status": CaseStatus.PROPOSED},
        after={"status": case.status, "procedure": procedure.pk},
    )
    return case


@transaction.atomic
def case_dismiss(*, actor, case: MonitoringCase, reason: str) -> MonitoringCase:
    """After checking, the lead does not qualify: keep it with the reason (it can be reported again)."""
    case = _locked(case)
    _require(actor, "monitoring.manage", case.area, _("您无权办理该监测线索。"))
    if case.status != CaseStatus.PROPOSED:
        raise DomainError(_("只有待核实的线索可以作不纳入处理。"), field="status", code="wrong_status")
    case.status = CaseStatus.NOT_INCLUDED
    case.closed_on = timezone.localdate()
    case.close_reason = _text(reason, _("不纳入理由"), "reason")
    case.save()
    audit_record(
        actor=actor,
        action="monitoring.dismiss",
        target=case,
        area=case.area,
        before={"status": CaseStatus.PROPOSED},
        after={"status": case.status},
        reason=case.close_reason,
    )
    return case


@transaction.atomic
def case_start_elimination(*, actor, case: MonitoringCase, batch=None) -> MonitoringCase:
    """Start 风险消除 for a monitored household (the criteria are checked by the assessment at its steps)."""
    case = _locked(case)
    _require(actor, "monitoring.manage", case.area, _("您无权办理该监测对象。"))
    if case.status != CaseStatus.MONITORED:
        raise DomainError(_("只有监测帮扶中的对象可以启动风险消除。"), field="status", code="wrong_status")
    procedure = workflow.procedure_start(
        actor=actor, kind="risk_elimination", household=case.household, batch=batch, data={"case": case.pk}
    )
    case.status = CaseStatus.ELIMINATING
    case.elimination_procedure = procedure
    case.save()
    audit_record(
        actor=actor,
        action="monitoring.start_elimination",
        target=case,
        area=case.area,
        before={"status": CaseStatus.MONITORED},
        after={"status": case.status},
    )
    return case


def _set_monitored(household: Household, actor, monitored: bool, reason: str) -> None:
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.is_monitored == monitored:
        return
    household.is_monitored = monitored
    household.save(update_fields=["is_monitored", "updated_at"])
    write_version(household, action="monitoring.enter" if monitored else "monitoring.eliminate", actor=actor)
    audit_record(
        actor=actor,
        action="household.monitored",
        target=household,
        area=household.area,
        before={"is_monitored": not monitored},
        after={"is_monitored": monitored},
        reason=reason,
    )


# --- engine hooks ------------------------------------------------------------------------------------


def _case_of(procedure) -> MonitoringCase | None:
    pk = (procedure.data or {}).get("case")
    return MonitoringCase.objects.select_for_update().filter(pk=pk).first() if pk else None


def entry_start_check(actor, household, data) -> None:
    if not data.get("case"):
        raise DomainError(_("监测对象识别须从一条风险线索发起。"), field="household")


def entry_completed(procedure, actor) -> None:
    case = _case_of(procedure)
    if case is None:
        return
    case.status = CaseStatus.MONITORED
    case.entered_on = timezone.localdate()
    case.save(update_fields=["status", "entered_on", "updated_at"])
    _set_monitored(case.household, actor, True, _("监测对象识别程序办结"))


def entry_ended(procedure, actor, status) -> None:
    case = _case_of(procedure)
    if case is None:
        return
    if status == ProcedureStatus.CANCELLED:
        case.status = CaseStatus.PROPOSED
        case.entry_procedure = None
    else:
        case.status = CaseStatus.NOT_INCLUDED
        case.closed_on = timezone.localdate()
        case.close_reason = procedure.outcome_reason
    case.save()


def elimination_completed(procedure, actor) -> None:
    case = _case_of(procedure)
    if case is None:
        return
    case.status = CaseStatus.ELIMINATED
    case.closed_on = timezone.localdate()
    case.close_reason = _("风险消除程序办结")
    case.save()
    _set_monitored(case.household, actor, False, _("风险消除程序办结"))


def elimination_ended(procedure, actor, status) -> None:
    case = _case_of(procedure)
    if case is None:
        return
    case.status = CaseStatus.MONITORED
    case.elimination_procedure = None
    case.save()


def notice_reason(procedure) -> str:
    data = procedure.data or {}
    kind = dict(MonitoringType.choices).get(data.get("monitoring_type"), "")
    risks = dict(RiskType.choices)
    names = "、".join(str(risks.get(r, r)) for r in data.get("risk_types") or [])
    return f"{kind}（{names}）" if kind else names
