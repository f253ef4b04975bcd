"""Batch work: pass a batch step for a village's list (appraisal meeting with votes, reviews with
per-household results), and start procedures for chosen households as a named list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from jingzhun.core.access import access
from jingzhun.core.errors import AccessDenied, DomainError, add_to_form
from jingzhun.core.scoping import user_can, user_paths

from . import selectors, services
from .choices import ProcedureKind, StepAction
from .forms import BatchActForm, BatchChooseForm, StartForm
from .views import household_link, need_view, notice_publish_url

RESULT_CHOICES = [("pass", _l("通过")), ("send_back", _l("退回")), ("reject", _l("不通过"))]
OUTCOME_CLASS = {
    "passed": "success",
    "failed": "danger",
    "rejected": "danger",
    "sent_back": "warning",
    "blocked": "secondary",
}


def _int_or_none(value):
    value = (value or "").strip()
    return int(value) if value.lstrip("-").isdigit() else value or None


def _choose(request, source):
    kind = source.get("kind") or ProcedureKind.IDENTIFICATION
    form = BatchChooseForm(
        source or None,
        areas=selectors.work_areas(request.user),
        steps=selectors.step_choices(kind, batch_only=True),
        initial={"kind": kind},
    )
    if not source.get("area") or not form.is_valid():
        return form, None
    area = selectors.area_by_code(request.user, form.cleaned_data["area"])
    if area is None:
        form.add_error("area", _("区域不存在，或不在您的范围内。"))
        return form, None
    return form, area


def _rows(procedures, data=None) -> list[dict]:
    data = data or {}
    selected = set(data.getlist("procedures")) if hasattr(data, "getlist") else set()
    rows = []
    for p in procedures:
        key = str(p.pk)
        rows.append(
            {
                "procedure": p,
                "link": household_link(p.household_id),
                "checked": key in selected or not data,
                "votes_for": data.get(f"votes_for_{key}", ""),
                "votes_against": data.get(f"votes_against_{key}", ""),
                "result": data.get(f"result_{key}", "pass"),
                "comment": data.get(f"comment_{key}", ""),
                "overdue": selectors.is_overdue(p),
            }
        )
    return rows


@access("scoped")
@login_required
def batch_step(request):
    """Choose a village, kind and step; act on the households waiting there together."""
    need_view(request)
    source = request.POST if request.method == "POST" else request.GET
    form, area = _choose(request, source)
    context = {"form": form, "area": area, "result_choices": RESULT_CHOICES}
    if area is None:
        return render(request, "workflows/batch.html", context)
    kind, code = form.cleaned_data["kind"], form.cleaned_data["step"]
    waiting = list(selectors.waiting(request.user, kind=kind, step_code=code, area=area))
    step = waiting[0].current_step if waiting else None
    appraisal = step is not None and step.action == StepAction.APPRAISAL
    context.update(
        {
            "kind": kind,
            "step_code": code,
            "step": step,
            "appraisal": appraisal,
            "notice": step is not None and step.is_notice,
            "can_act": step is not None and user_can(request.user, step.capability, area),
            "notice_url": notice_publish_url(kind, code, area.code),
        }
    )
    act_form = BatchActForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        appraisal=appraisal,
    )
    context["act_form"] = act_form
    context["rows"] = _rows(waiting, request.POST if request.method == "POST" else None)
    if request.method != "POST" or step is None or step.is_notice:
        return render(request, "workflows/batch.html", context)
    chosen_ids = {int(x) for x in request.POST.getlist("procedures") if x.isdigit()}
    chosen = [p for p in waiting if p.pk in chosen_ids]
    if not act_form.is_valid():
        return render(request, "workflows/batch.html", context, status=400)
    if not chosen:
        act_form.add_error(None, _("请至少选择一户。"))
        return render(request, "workflows/batch.html", context, status=400)
    results = {}
    for p in chosen:
        key = str(p.pk)
        entry = {"comment": request.POST.get(f"comment_{key}", "")}
        if appraisal:
            entry["votes_for"] = _int_or_none(request.POST.get(f"votes_for_{key}"))
            entry["votes_against"] = _int_or_none(request.POST.get(f"votes_against_{key}")) or 0
        else:
            entry["result"] = request.POST.get(f"result_{key}", "pass")
        results[p.pk] = entry
    data = act_form.cleaned_data
    batches = {p.batch_id for p in chosen}
    batch = chosen[0].batch if len(batches) == 1 and chosen[0].batch_id else None
    files_kind = "minutes" if appraisal else "other"
    try:
        outcomes = services.batch_complete(
            actor=request.user,
            procedures=chosen,
            results=results,
            meeting={"representatives": data.get("representatives"), "present": data.get("present")}
            if appraisal
            else None,
            acted_on=data.get("acted_on"),
            comment=data.get("comment") or "",
            files=[(f, files_kind) for f in data.get("files") or []],
            batch=batch,
        )
    except DomainError as exc:
        if isinstance(exc, AccessDenied):
            act_form.add_error(None, exc.message)
            return render(request, "workflows/batch.html", context, status=403)
        add_to_form(act_form, exc)
        return render(request, "workflows/batch.html", context, status=400)
    for o in outcomes:
        o["css"] = OUTCOME_CLASS.get(o["result"], "secondary")
        o["link"] = household_link(o["procedure"].household_id)
    counts = {}
    for o in outcomes:
        counts[o["result"]] = counts.get(o["result"], 0) + 1
    context.update({"outcomes": outcomes, "counts": counts})
    return render(request, "workflows/batch_result.html", context)


@access("scoped")
@login_required
def procedure_start_page(request):
    """Start procedures of a kind for chosen households of a village, as one named list (ProcedureBatch)."""
    need_view(request)
    if (
        user_paths(request.user, "workflows.village") == []
        and user_paths(request.user, "workflows.county") == []
    ):
        raise PermissionDenied(_("您没有发起办理程序的权限。"))
    source = request.POST if request.method == "POST" else request.GET
    form = StartForm(source or None, areas=selectors.work_areas(request.user, ("village",)))
    context = {"form": form}
    if not source.get("area") or not form.is_valid():
        return render(request, "workflows/start.html", context)
    area = selectors.area_by_code(request.user, form.cleaned_data["area"])
    if area is None:
        form.add_error("area", _("区域不存在，或不在您的范围内。"))
        return render(request, "workflows/start.html", context, status=400)
    kind = form.cleaned_data["kind"]
    candidates = list(
        selectors.start_candidates(request.user, kind=kind, area=area, q=form.cleaned_data.get("q") or "")
    )
    context.update({"area": area, "kind": kind, "candidates": candidates})
    if request.method != "POST":
        return render(request, "workflows/start.html", context)
    chosen_ids = {int(x) for x in request.POST.getlist("households") if x.isdigit()}
    chosen = [h for h in candidates if h.pk in chosen_ids]
    if not chosen:
        form.add_error(None, _("请至少选择一户。"))
        return render(request, "workflows/start.html", context, status=400)
    try:
        batch = services.batch_create(
            actor=request.user,
            kind=kind,
            area=area,
            year=form.cleaned_data["year"],
            title=form.cleaned_data.get("title") or "",
        )
    except DomainError as exc:
        add_to_form(form, DomainError(exc.message) if isinstance(exc, AccessDenied) else exc)
        return render(
            request, "workflows/start.html", context, status=403 if isinstance(exc, AccessDenied) else 400
        )
    outcomes = []
    for h in chosen:
        try:
            p = services.procedure_start(
                actor=request.user, kind=kind, household=h, year=form.cleaned_data["year"], batch=batch
            )
        except DomainError as exc:
            outcomes.append({"household": h, "ok": False, "message": exc.message})
        else:
            outcomes.append({"household": h, "ok": True, "procedure": p})
    context.update(
        {
            "batch": batch,
            "outcomes": outcomes,
            "started": sum(1 for o in outcomes if o["ok"]),
            "refused": sum(1 for o in outcomes if not o["ok"]),
        }
    )
    return render(request, "workflows/start_result.html", context)
