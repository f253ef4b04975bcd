"""Services of comparison runs and suspects (疑点户): run, verify, decide, sign off.

Data set services live in services_batches.py, relatives in services_relatives.py.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.scoping import user_can
from jingzhun.core.services import audit_record, job_enqueue, snapshot
from jingzhun.monitoring.services import case_propose
from jingzhun.register.models import Household
from jingzhun.workflows.services import procedure_start

from . import matching
from .choices import (
    DECISION_PROCEDURE,
    OPEN_STATUSES,
    SUSPECT_DAYS,
    AlertStatus,
    Decision,
    RunStatus,
    Strength,
    SuspectStatus,
)
from .models import AlertProposal, ComparisonRun, DatasetBatch, Suspect, SuspectVisit

RUN_KIND = "comparison.run"


# --- runs ------------------------------------------------------------------------------------------


@transaction.atomic
def run_start(*, actor, area, full: bool = False) -> ComparisonRun:
    """Queue a matching run over the area's loaded batches (only new ones unless ``full``)."""
    from .tasks import comparison_run_task

    if not user_can(actor, "comparison.run", area):
        raise AccessDenied()
    batches = matching.runnable_batches(area.path, full=full)
    if not batches:
        raise DomainError(_("没有需要比对的数据批次（新入库的批次才会参加增量比对）。"), field="batches")
    if ComparisonRun.objects.filter(
        area_path=area.path, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    ).exists():
        raise DomainError(_("本区域已有正在进行的比对，请等待其完成。"), field="batches")
    run = ComparisonRun.objects.create(area=area, area_path=area.path, started_by=actor, full=full)
    run.batches.set(batches)
    job = job_enqueue(
        actor=actor,
        kind=RUN_KIND,
        title=_("数据比对：%(area)s（%(count)s 个批次）") % {"area": area.name, "count": len(batches)},
        task=comparison_run_task,
        area=area,
        params={"run_id": run.pk},
    )
    run.job = job
    run.save(update_fields=["job", "updated_at"])
    audit_record(
        actor=actor,
        action="comparison.run_start",
        target=run,
        area=area,
        after={"batches": [b.pk for b in batches], "full": full},
    )
    return run


def run_execute(*, run: ComparisonRun, progress=None) -> ComparisonRun:
    """The job body: match (outside any transaction), then write suspects and alerts in one transaction."""
    report = progress or (lambda pct, msg: None)
    ComparisonRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    batches = list(run.batches.select_related("dataset_type", "area"))
    try:
        result = matching.match_batches(
            run.area_path, batches, progress=lambda p, m: report(p * 0.8, _phase(m))
        )
        report(85, _("正在生成疑点户…"))
        _write_results(run=run, batches=batches, result=result)
    except Exception:
        ComparisonRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, finished_at=timezone.now())
        raise
    run.refresh_from_db()
    return run


def _phase(code: str) -> str:
    return {
        "persons": _("正在导出农户成员…"),
        "rows": _("正在导出部门数据…"),
        "match": _("正在比对…"),
    }.get(code, code)


@transaction.atomic
def _write_results(*, run: ComparisonRun, batches: list[DatasetBatch], result: matching.MatchResult) -> None:
    by_id = {b.pk: b for b in batches}
    grouped = matching.group_hits(result.hits, by_id)
    households = Household.objects.in_bulk(sorted({h for h, _b in grouped}))
    new = withdrawn = alerts = 0
    due = matching.today() + datetime.timedelta(days=SUSPECT_DAYS)
    for batch in batches:
        keys = {h for (h, b) in grouped if b == batch.pk}
        if batch.dataset_type.raises_suspect:
            existing = {s.household_id: s for s in Suspect.objects.filter(batch=batch)}
            for household_id in sorted(keys):
                entries = grouped[(household_id, batch.pk)]
                new += _upsert_suspect(
                    run, batch, households[household_id], entries, existing.get(household_id), due
                )
            gone = [
                s.pk for hid, s in existing.items() if hid not in keys and s.status == SuspectStatus.PENDING
            ]
            withdrawn += Suspect.objects.filter(pk__in=gone).update(
                status=SuspectStatus.WITHDRAWN, updated_at=timezone.now()
            )
        if batch.dataset_type.alert_risk:
            for household_id in sorted(keys):
                alerts += _propose_alert(
                    run, batch, households[household_id], grouped[(household_id, batch.pk)]
                )
    now = timezone.now()
    DatasetBatch.objects.filter(pk__in=list(by_id)).update(matched_run=run, matched_at=now)
    ComparisonRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        persons=result.persons,
        rows=result.rows,
        hits=len(result.hits),
        suspects_new=new,
        suspects_withdrawn=withdrawn,
        alerts=alerts,
        seconds=round(result.seconds, 2),
        finished_at=now,
    )
    audit_record(
        actor=run.started_by,
        action="comparison.run_finish",
        target=run,
        area=run.area,
        after={"hits": len(result.hits), "suspects_new": new, "withdrawn": withdrawn, "alerts": alerts},
    )


def _persons_label(entries: list[dict]) -> str:
    names = []
    for e in entries:
        if e["person_name"] and e["person_name"] not in names:
            names.append(e["person_name"])
    return "、".join(names)[:200]


def _upsert_suspect(run, batch, household, entries, suspect, due) -> int:
    strength = Strength.ID if any(e["strength"] == Strength.ID for e in entries) else Strength.NAME_BIRTH
    if suspect is None:
        Suspect.objects.create(
            household=household,
            area_path=household.area_path,
            batch=batch,
            dataset_type=batch.dataset_type,
            fact=batch.dataset_type.fact,
            run=run,
            strength=strength,
            evidence=entries,
            persons=_persons_label(entries),
            due_date=due,
        )
        return 1
    if suspect.status in (*OPEN_STATUSES, SuspectStatus.WITHDRAWN):
        suspect.evidence, suspect.strength, suspect.persons = entries, strength, _persons_label(entries)
        if suspect.status == SuspectStatus.WITHDRAWN:
            suspect.status, suspect.due_date = SuspectStatus.PENDING, due
        suspect.area_path = household.area_path
        suspect.save(
            update_fields=["evidence", "strength", "persons", "status", "due_date", "area_path", "updated_at"]
        )
    return 0


def _propose_alert(run, batch, household, entries) -> int:
    """A department alert becomes a monitoring proposal (once per household and batch)."""
    if AlertProposal.objects.filter(household=household, batch=batch).exists():
        return 0
    risk = batch.dataset_type.alert_risk
    detail = _("%(type)s（%(department)s，截至 %(date)s）：%(persons)s") % {
        "type": batch.dataset_type.name,
        "department": batch.department,
        "date": batch.as_of.isoformat(),
        "persons": _persons_label(entries),
    }
    alert = AlertProposal(
        household=household,
        area_path=household.area_path,
        batch=batch,
        run=run,
        risk_types=[risk],
        detail=detail,
    )
    try:
        with transaction.atomic():
            case = case_propose(
                actor=run.started_by,
                household=household,
                source="department_alert",
                risk_types=[risk],
                detail=detail,
                source_ref=f"comparison.batch:{batch.pk}",
            )
        alert.status, alert.case_id = AlertStatus.PROPOSED, case.pk
    except DomainError as exc:  # e.g. the household already has an open case, or is still poor
        alert.status, alert.message = AlertStatus.SKIPPED, exc.message[:300]
    alert.save()
    return 1


# --- suspects --------------------------------------------------------------------------------------


def _require(actor, capability: str, suspect: Suspect) -> None:
    area = suspect.household.area
    if not user_can(actor, capability, area):
        raise AccessDenied()


@transaction.atomic
def suspect_visit_record(
    *,
    actor,
    suspect: Suspect,
    visited_on: datetime.date,
    visitors: str,
    findings: str,
    confirmed: bool,
    file=None,
) -> SuspectVisit:
    """Record a verification visit (入户核实); the suspect then awaits the village's decision."""
    _require(actor, "comparison.decide", suspect)
    if suspect.status not in OPEN_STATUSES:
        raise DomainError(_("该疑点户已处理，不能再登记核实。"), field="visited_on")
    if visited_on > timezone.localdate():
        raise DomainError(_("核实日期不能晚于今天。"), field="visited_on")
    if not visitors.strip():
        raise DomainError(_("请填写核实人员。"), field="visitors")
    if len(findings.strip()) < 4:
        raise DomainError(_("请具体填写核实情况（至少 4 个字）。"), field="findings")
    visit = SuspectVisit(
        suspect=suspect,
        visited_on=visited_on,
        visitors=visitors.strip()[:200],
        findings=findings.strip(),
        confirmed=confirmed,
        recorded_by=actor,
    )
    if file:
        visit.file = file
    visit.save()
    Suspect.objects.filter(pk=suspect.pk).update(status=SuspectStatus.VERIFIED, updated_at=timezone.now())
    suspect.status = SuspectStatus.VERIFIED
    audit_record(
        actor=actor,
        action="comparison.suspect_visit",
        target=suspect,
        area=suspect.household.area,
        after={"visited_on": visited_on, "confirmed": confirmed},
    )
    return visit


@transaction.atomic
def suspect_decide(
    *, actor, suspect: Suspect, decision: str, reason: str, file=None, fact_disproved: bool = False
) -> Suspect:
    """剔除 / 保留 / 重新评议. 剔除 and 重新评议 start the removal / re-appraisal procedure."""
    suspect = Suspect.objects.select_for_update().select_related("household__area").get(pk=suspect.pk)
    _require(actor, "comparison.decide", suspect)
    if suspect.status != SuspectStatus.VERIFIED:
        raise DomainError(_("请先登记入户核实情况，再作处理决定。"), field="decision")
    if decision not in Decision.values:
        raise DomainError(_("请选择处理决定。"), field="decision")
    if len(reason.strip()) < 4:
        raise DomainError(_("请填写处理理由（至少 4 个字）。"), field="reason")
    if decision == Decision.KEEP and not file:
        raise DomainError(_("决定保留时须上传佐证材料。"), field="file")
    before = snapshot(suspect, ["status", "decision"])
    suspect.status, suspect.decision = SuspectStatus.DECIDED, decision
    suspect.decision_reason = reason.strip()
    suspect.fact_disproved = bool(fact_disproved) and decision == Decision.KEEP
    suspect.decided_by, suspect.decided_at = actor, timezone.now()
    if file:
        suspect.decision_file = file
    kind = DECISION_PROCEDURE.get(decision)
    if kind:
        suspect.procedure_id = _start_procedure(actor, suspect, kind)
    suspect.save()
    audit_record(
        actor=actor,
        action="comparison.suspect_decide",
        target=suspect,
        area=suspect.household.area,
        before=before,
        after=snapshot(suspect, ["status", "decision", "procedure_id", "fact_disproved"]),
        reason=suspect.decision_reason,
    )
    return suspect


def _start_procedure(actor, suspect: Suspect, kind: str) -> int | None:
    """Start the workflows procedure; its DomainError (e.g. one already running) aborts the decision."""
    procedure = procedure_start(
        actor=actor,
        kind=kind,
        household=suspect.household,
        data={"suspect_id": suspect.pk, "reason": suspect.decision_reason},
    )
    return procedure.pk


@transaction.atomic
def suspect_signoff(*, actor, suspect: Suspect, approve: bool, comment: str = "") -> Suspect:
    """County sign-off of a decided suspect; refusing sends it back to the village for a new decision."""
    suspect = Suspect.objects.select_for_update().select_related("household__area").get(pk=suspect.pk)
    _require(actor, "comparison.signoff", suspect)
    if suspect.status != SuspectStatus.DECIDED:
        raise DomainError(_("只能确认已处理的疑点户。"), field="approve")
    if not approve and len(comment.strip()) < 4:
        raise DomainError(_("退回时请填写县级意见（至少 4 个字）。"), field="comment")
    if not approve and suspect.procedure_id:
        raise DomainError(_("该决定已启动程序，请在程序中退回或终止。"), field="approve")
    before = snapshot(suspect, ["status", "decision"])
    suspect.signoff_comment = comment.strip()
    if approve:
        suspect.status, suspect.signed_off_by, suspect.signed_off_at = (
            SuspectStatus.SIGNED_OFF,
            actor,
            timezone.now(),
        )
    else:
        suspect.status, suspect.decision, suspect.fact_disproved = SuspectStatus.VERIFIED, "", False
    suspect.save()
    audit_record(
        actor=actor,
        action="comparison.suspect_signoff" if approve else "comparison.suspect_return",
        target=suspect,
        area=suspect.household.area,
        before=before,
        after=snapshot(suspect, ["status", "decision"]),
        reason=suspect.signoff_comment,
    )
    return suspect
