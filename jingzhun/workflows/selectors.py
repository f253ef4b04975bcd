"""Procedure reads. Every function starts from ``Model.objects.for_user`` (procedures, evidence, areas).

Who may *act* is decided by the engine (``engine.require_actor``: the step's capability at the
procedure's area); the helpers here only mirror it to decide which buttons a page shows.
"""

from __future__ import annotations

import datetime
import inspect
import logging
from collections.abc import Mapping

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.areas.models import Area
from jingzhun.core.scoping import user_can, user_paths

from . import engine
from .choices import ProcedureStatus, StepAction, StepResult
from .models import Evidence, Procedure, ProcedureBatch, ProcedureTemplate, StepRecord, StepTemplate

SEARCH_MAX = 50
logger = logging.getLogger(__name__)


# --- areas -----------------------------------------------------------------------------------------


def area_by_code(user, code: str) -> Area | None:
    """An area in the user's scope by its code (None when unknown or out of scope)."""
    code = (code or "").strip()
    if not code.isdigit():
        return None
    return Area.objects.for_user(user, "view").filter(code=code).first()


def work_areas(user, levels=("township", "village")) -> list[Area]:
    """Townships and villages in the user's scope, for the area selectors of the batch and start pages."""
    return list(
        Area.objects.for_user(user, "view")
        .filter(level__in=levels)
        .only("id", "code", "path", "name", "level")
        .order_by("path")[:2000]
    )


# --- procedures ------------------------------------------------------------------------------------


def procedures_for(user):
    return Procedure.objects.for_user(user, "view")


def overdue_q(now=None) -> Q:
    """Running procedures past their current step's period (notice steps and steps without one excluded).

    Periods differ per step, so the condition is an OR over the (few) distinct periods in use."""
    now = now or timezone.now()
    periods = (
        StepTemplate.objects.exclude(action=StepAction.NOTICE)
        .filter(period_days__gt=0)
        .order_by()  # the model's ordering would make DISTINCT return one row per step
        .values_list("period_days", flat=True)
        .distinct()
    )
    q = Q(pk__in=[])
    for days in periods:
        q |= Q(current_step__period_days=days, step_since__lt=now - datetime.timedelta(days=days))
    return (
        Q(status=ProcedureStatus.RUNNING)
        & ~Q(current_step__action=StepAction.NOTICE)
        & Q(current_step__period_days__gt=0)
        & q
    )


def filter_procedures(user, params: Mapping) -> tuple:
    """The procedure list: (queryset, counts per step) after the filters in ``params``.

    Filters: kind, step (code), status, area (code), year, q (head name or 户编号), overdue=1.
    The step counts are taken before the step filter, so the chips show where the list stands."""
    qs = procedures_for(user)
    if params.get("kind"):
        qs = qs.filter(kind=params["kind"])
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    if params.get("area"):
        area = area_by_code(user, params["area"])
        qs = qs.filter(area_path__startswith=area.path) if area else qs.none()
    year = str(params.get("year") or "")
    if year.isdigit():
        qs = qs.filter(year=int(year))
    q = str(params.get("q") or "").strip()[:SEARCH_MAX]
    if q:
        qs = qs.filter(Q(household__household_no__startswith=q) | Q(household__head_name__contains=q))
    if str(params.get("overdue") or "") in ("1", "true", "on"):
        qs = qs.filter(overdue_q())
    counts = list(
        qs.filter(status=ProcedureStatus.RUNNING)
        .order_by()
        .values("kind", "current_step__code", "current_step__name")
        .annotate(n=Count("id"))
        .order_by("kind", "current_step__code")
    )
    if params.get("step"):
        qs = qs.filter(current_step__code=params["step"])
    qs = qs.select_related("household", "area", "current_step").order_by("-updated_at", "-id")
    return qs, counts


def step_choices(kind: str | None = None, *, batch_only: bool = False) -> list[tuple[str, str]]:
    """(code, name) of the steps of the current templates (of ``kind``), in template order."""
    qs = StepTemplate.objects.filter(template__is_current=True)
    if kind:
        qs = qs.filter(template__kind=kind)
    if batch_only:
        qs = qs.filter(is_batch=True)
    seen: dict[str, str] = {}
    for code, name in qs.order_by("template__kind", "order").values_list("code", "name"):
        seen.setdefault(code, name)
    return list(seen.items())


def procedure_or_404(user, pk) -> Procedure:
    qs = procedures_for(user).select_related(
        "household", "area", "current_step", "template", "started_by", "batch"
    )
    return get_object_or_404(qs, pk=pk)


def template_steps(procedure: Procedure) -> list[StepTemplate]:
    return list(StepTemplate.objects.filter(template_id=procedure.template_id).order_by("order"))


def is_overdue(procedure: Procedure, now=None) -> bool:
    step = procedure.current_step
    if not procedure.is_running or step is None or step.is_notice or not step.period_days:
        return False
    since = procedure.step_since or procedure.created_at
    return since + datetime.timedelta(days=step.period_days) < (now or timezone.now())


def timeline(procedure: Procedure, steps: list[StepTemplate]) -> list[dict]:
    """The template's steps with their state: done / current / pending (for a finished procedure: done
    up to where it ended)."""
    done_codes = set(procedure.records.filter(result=StepResult.PASSED).values_list("step__code", flat=True))
    current = procedure.current_step
    rows = []
    for step in steps:
        if current is not None and step.pk == current.pk:
            state = "current"
        elif step.code in done_codes and (current is None or step.order < current.order):
            state = "done"
        else:
            state = "pending"
        rows.append({"step": step, "state": state})
    return rows


def readable_data(record: StepRecord, step_names: dict[str, str]) -> list[tuple[str, str]]:
    """A step record's data as (label, value) lines: meeting and votes spelled out, other keys by the
    labels of the kind's step form when it has one."""
    data = dict(record.data or {})
    lines: list[tuple[str, str]] = []
    meeting = data.pop("meeting", None)
    if isinstance(meeting, dict):
        lines.append(
            (
                _("评议会议"),
                _("村民代表 %(total)s 人，到会 %(present)s 人（法定比例 %(quorum)s）")
                % {
                    "total": meeting.get("representatives", "-"),
                    "present": meeting.get("present", "-"),
                    "quorum": meeting.get("quorum", "-"),
                },
            )
        )
    if "votes_for" in data:
        lines.append(
            (
                _("表决结果"),
                _("赞成 %(for)s 票，反对 %(against)s 票，弃权 %(abstain)s 票（通过需 %(needed)s 票）")
                % {
                    "for": data.pop("votes_for"),
                    "against": data.pop("votes_against", 0),
                    "abstain": data.pop("abstain", "-"),
                    "needed": data.pop("needed", "-"),
                },
            )
        )
        data.pop("pass_ratio", None)
    if "to" in data:
        lines.append((_("退回至"), step_names.get(data.get("to"), data.get("to"))))
        data.pop("to")
    labels = {"authorised": _("已签署数据比对授权书"), "household_agrees": _("农户签字认可")}
    form_class = _form_class(record.procedure.kind, record.step)
    if form_class is not None:
        form = build_step_form(form_class, record.procedure)
        labels.update({name: str(f.label or name) for name, f in form.fields.items()})
    for key, value in data.items():
        if isinstance(value, bool):
            value = _("是") if value else _("否")
        elif isinstance(value, list | tuple):
            value = "、".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = "；".join(f"{k}：{v}" for k, v in value.items())
        lines.append((labels.get(key, key), "" if value is None else str(value)))
    return lines


def _form_class(kind: str, step):
    spec = engine.spec_for(kind)
    if spec.form_for is None:
        return None
    return spec.form_for(step)


def build_step_form(form_class, procedure: Procedure, data=None, files=None):
    """The kind's step form, given the household and year when its constructor takes them."""
    params = inspect.signature(form_class.__init__).parameters
    extra = {k: v for k, v in (("household", procedure.household), ("year", procedure.year)) if k in params}
    return form_class(data, files, prefix="data", **extra)


def step_form_class(procedure: Procedure, step=None):
    return _form_class(procedure.kind, step or procedure.current_step)


def records_of(user, procedure: Procedure) -> list[StepRecord]:
    """The step records with readable data and the evidence files the user may open (the record's own
    and those of the batch sitting it was part of)."""
    records = list(procedure.records.select_related("step", "actor", "batch_act"))
    names = dict(StepTemplate.objects.filter(template_id=procedure.template_id).values_list("code", "name"))
    batch_ids = {r.batch_act_id for r in records if r.batch_act_id}
    by_record: dict[int, list] = {}
    by_batch: dict[int, list] = {}
    files = Evidence.objects.for_user(user, "view").filter(
        Q(record__procedure=procedure) | Q(batch_act_id__in=batch_ids)
    )
    for ev in files:
        if ev.record_id:
            by_record.setdefault(ev.record_id, []).append(ev)
        elif ev.batch_act_id:
            by_batch.setdefault(ev.batch_act_id, []).append(ev)
    for r in records:
        r.procedure = procedure
        r.lines = readable_data(r, names)
        r.files = by_record.get(r.pk, []) + by_batch.get(r.batch_act_id, [])
    return records


def findings(procedure: Procedure) -> list[dict]:
    """Rule hits the kind reports for the current step (exclusion rules …), or []."""
    spec = engine.spec_for(procedure.kind)
    if spec.findings is None or not procedure.is_running:
        return []
    try:
        return list(spec.findings(procedure, procedure.current_step) or [])
    except Exception:  # show the page (and log) even when a rule cannot be evaluated
        logger.exception("findings of procedure %s failed", procedure.pk)
        return [
            {"code": "", "name": _("规则检查出错"), "message": _("无法计算规则结果。"), "overridden": False}
        ]


def actions_for(user, procedure: Procedure, steps: list[StepTemplate]) -> dict:
    """Which actions the page offers; the services decide again when the form is sent."""
    step = procedure.current_step
    running = procedure.is_running and step is not None
    can_act = running and user_can(user, step.capability, procedure.area)
    earlier = [s for s in steps if step is not None and s.order < step.order]
    first = steps[0] if steps else None
    return {
        "can_act": can_act,
        "can_pass": can_act and not step.is_batch and not step.is_notice,
        "batch_step": can_act and step.is_batch and not step.is_notice,
        "notice_step": can_act and step.is_notice,
        "can_send_back": can_act and bool(earlier),
        "can_reject": can_act,
        "can_cancel": running
        and (
            procedure.started_by_id == user.pk
            or (first is not None and user_can(user, first.capability, procedure.area))
        ),
        "can_override": running and user_can(user, "workflows.county", procedure.area),
        "earlier": earlier,
    }


# --- evidence --------------------------------------------------------------------------------------


def evidence_or_404(user, pk) -> Evidence:
    return get_object_or_404(Evidence.objects.for_user(user, "view"), pk=pk)


# --- batch page ------------------------------------------------------------------------------------


def waiting(user, *, kind: str, step_code: str, area: Area):
    """Running procedures of ``kind`` waiting at ``step_code`` under ``area``, in the user's scope."""
    return (
        procedures_for(user)
        .filter(
            status=ProcedureStatus.RUNNING,
            kind=kind,
            current_step__code=step_code,
            area_path__startswith=area.path,
        )
        .select_related("household", "area", "current_step")
        .order_by("area_path", "household__household_no")
    )


def batches_for(user):
    return ProcedureBatch.objects.for_user(user, "view")


# --- start page ------------------------------------------------------------------------------------


def start_candidates(user, *, kind: str, area: Area, q: str = "", limit: int = 300):
    """Households under ``area`` in scope without a running procedure of ``kind`` (identification: not
    registered as poor). Kind-specific rules are left to the kind's ``start_check``."""
    from jingzhun.register.choices import PovertyStatus
    from jingzhun.register.models import Household

    qs = Household.objects.for_user(user, "view").filter(area_path__startswith=area.path)
    if kind == "identification":
        qs = qs.filter(poverty_status=PovertyStatus.NOT_POOR)
    q = (q or "").strip()[:SEARCH_MAX]
    if q:
        qs = qs.filter(Q(household_no__startswith=q) | Q(head_name__contains=q))
    if kind != "change_request":
        running = Procedure.objects.filter(kind=kind, status=ProcedureStatus.RUNNING).values("household_id")
        qs = qs.exclude(pk__in=running)
    return qs.select_related("area").order_by("area_path", "household_no")[:limit]


# --- templates -------------------------------------------------------------------------------------


def template_counties(user) -> list[Area]:
    """Counties where the user may revise templates (workflows.templates held at the county or above)."""
    paths = user_paths(user, "workflows.templates")
    if paths == []:
        return []
    qs = Area.objects.for_user(user, "view").filter(level="county").order_by("path")
    return [a for a in qs if user_can(user, "workflows.templates", a)]


def templates_visible(user):
    """National templates and the counties' own versions in the user's scope (templates are not household
    data; the scope keeps other counties' variants out of the way)."""
    paths = user_paths(user, "workflows.view")
    qs = ProcedureTemplate.objects.all()
    if paths is None:
        return qs
    if not paths:
        return qs.none()
    q = Q(area_key="")
    for p in paths:
        q |= Q(area_key=p[:6]) if len(p) >= 6 else Q(area_key__startswith=p)
    return qs.filter(q)
