"""Procedure pages: the list, a procedure's detail with its timeline and records, the actions on it
(pass the step, send back, reject, cancel, county exception) and evidence downloads.

Batch steps and starting procedures: views_batch.py; the to-do queue: views_todo.py; template
administration: views_templates.py; notices: views_notices.py.
"""

from __future__ import annotations

import json
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun.core.access import access
from jingzhun.core.errors import AccessDenied, DomainError, add_to_form
from jingzhun.core.scoping import user_paths

from . import selectors, services
from .choices import ProcedureKind
from .evidence import IMAGE_EXTENSIONS
from .forms import OverrideForm, ProcedureFilterForm, ReasonForm, SendBackForm, StepPassForm

PAGE_SIZE = 30


def need_view(request) -> None:
    if user_paths(request.user, "workflows.view") == []:
        raise PermissionDenied(_("您没有查看办理程序的权限。"))


def household_link(pk) -> str | None:
    try:
        return reverse("register:household-detail", args=[pk])
    except NoReverseMatch:
        return None


def notice_publish_url(kind: str, step: str, area: str) -> str:
    from .todo import _url

    return _url("workflows:notice-publish", "/procedures/notices/publish/", kind=kind, step=step, area=area)


@access("scoped")
@login_required
def procedure_list(request):
    need_view(request)
    params = request.GET
    form = ProcedureFilterForm(
        params or None,
        areas=selectors.work_areas(request.user),
        steps=selectors.step_choices(params.get("kind") or None),
    )
    qs, counts = selectors.filter_procedures(request.user, params)
    page = Paginator(qs, PAGE_SIZE).get_page(params.get("page"))
    for p in page:
        p.overdue = selectors.is_overdue(p)
    kinds = dict(ProcedureKind.choices)
    chips = [
        {
            "kind": c["kind"],
            "kind_label": kinds.get(c["kind"], ""),
            "step": c["current_step__code"],
            "label": c["current_step__name"],
            "n": c["n"],
        }
        for c in counts
    ]
    query = params.copy()
    query.pop("page", None)
    query.pop("step", None)
    query.pop("kind", None)
    context = {
        "form": form,
        "page": page,
        "chips": chips,
        "chip_query": query.urlencode(),
        "can_start": user_paths(request.user, "workflows.village") != [],
    }
    return render(request, "workflows/procedure_list.html", context)


def _pass_forms(request, procedure, data=None, files=None):
    step = procedure.current_step
    step_form_class = selectors.step_form_class(procedure)
    step_form = (
        selectors.build_step_form(step_form_class, procedure, data, files) if step_form_class else None
    )
    # the kind's own form may already ask for the engine's inputs (the signed authorisation …)
    taken = set(step_form.fields) if step_form is not None else set()
    form = StepPassForm(data, files, step=step, prefix="pass", skip=taken)
    return form, step_form


def _detail_context(request, procedure, **forms) -> dict:
    steps = selectors.template_steps(procedure)
    actions = selectors.actions_for(request.user, procedure, steps)
    findings = selectors.findings(procedure)
    step = procedure.current_step
    pass_form, step_form = (forms.get("pass_form"), forms.get("step_form"))
    if actions["can_pass"] and pass_form is None:
        pass_form, step_form = _pass_forms(request, procedure)
    context = {
        "procedure": procedure,
        "household_link": household_link(procedure.household_id),
        "timeline": selectors.timeline(procedure, steps),
        "records": selectors.records_of(request.user, procedure),
        "findings": findings,
        "actions": actions,
        "overdue": selectors.is_overdue(procedure),
        "pass_form": pass_form,
        "step_form": step_form,
        "send_back_form": forms.get("send_back_form")
        or SendBackForm(earlier=actions["earlier"], default=getattr(step, "send_back_to", ""), prefix="back"),
        "reject_form": forms.get("reject_form") or ReasonForm(label=_("不通过理由"), prefix="reject"),
        "cancel_form": forms.get("cancel_form") or ReasonForm(label=_("撤销理由"), prefix="cancel"),
        "override_form": forms.get("override_form") or OverrideForm(findings=findings, prefix="override"),
        "active": forms.get("active", ""),
    }
    if step is not None and procedure.is_running:
        area_code = procedure.area.code if procedure.area.level != "group" else procedure.area.code[:12]
        if actions["batch_step"]:
            context["batch_url"] = "{}?{}".format(
                reverse("workflows:batch"),
                f"kind={procedure.kind}&step={step.code}&area={area_code}",
            )
        if actions["notice_step"]:
            context["notice_url"] = notice_publish_url(procedure.kind, step.code, area_code)
    return context


@access("scoped")
@login_required
def procedure_detail(request, pk):
    need_view(request)
    procedure = selectors.procedure_or_404(request.user, pk)
    return render(request, "workflows/procedure_detail.html", _detail_context(request, procedure))


def _refused(request, procedure, exc: DomainError, form, name: str):
    """Re-render the detail page with the service's refusal: on the form that was sent, or (not allowed)
    as an alert at the top with status 403."""
    procedure.refresh_from_db()
    if isinstance(exc, AccessDenied):
        context = _detail_context(request, procedure)
        context["refusal"] = exc.message
        return render(request, "workflows/procedure_detail.html", context, status=403)
    add_to_form(form, exc)
    context = _detail_context(request, procedure, **{name: form, "active": name})
    return render(request, "workflows/procedure_detail.html", context, status=400)


def _jsonable(data: dict) -> dict:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@access("scoped")
@login_required
@require_POST
def procedure_pass(request, pk):
    need_view(request)
    procedure = selectors.procedure_or_404(request.user, pk)
    if not procedure.is_running or procedure.current_step is None:
        messages.error(request, _("该程序已办结，不能再办理。"))
        return redirect("workflows:procedure-detail", pk=pk)
    form, step_form = _pass_forms(request, procedure, request.POST, request.FILES)
    valid = form.is_valid()
    valid = (step_form.is_valid() if step_form is not None else True) and valid
    if not valid:
        context = _detail_context(request, procedure, pass_form=form, step_form=step_form, active="pass_form")
        return render(request, "workflows/procedure_detail.html", context, status=400)
    data, meeting = form.engine_data()
    if step_form is not None:
        data.update(_jsonable(step_form.cleaned_data))
    kind = form.cleaned_data.get("file_kind") or "other"
    try:
        services.step_complete(
            actor=request.user,
            procedure=procedure,
            data=data,
            comment=form.cleaned_data.get("comment") or "",
            acted_on=form.cleaned_data.get("acted_on"),
            meeting=meeting,
            files=[(f, kind) for f in form.cleaned_data.get("files") or []],
            step_code=request.POST.get("step_code") or procedure.current_step.code,
        )
    except DomainError as exc:
        if step_form is not None and exc.field in step_form.fields and not isinstance(exc, AccessDenied):
            step_form.add_error(exc.field, exc.message)
            procedure.refresh_from_db()
            context = _detail_context(
                request, procedure, pass_form=form, step_form=step_form, active="pass_form"
            )
            return render(request, "workflows/procedure_detail.html", context, status=400)
        return _refused(request, procedure, exc, form, "pass_form")
    messages.success(request, _("“%(step)s”已办理。") % {"step": procedure.current_step.name})
    return redirect("workflows:procedure-detail", pk=pk)


@access("scoped")
@login_required
@require_POST
def procedure_send_back(request, pk):
    need_view(request)
    procedure = selectors.procedure_or_404(request.user, pk)
    steps = selectors.template_steps(procedure)
    earlier = [s for s in steps if procedure.current_step and s.order < procedure.current_step.order]
    form = SendBackForm(request.POST, earlier=earlier, prefix="back")
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    try:
        services.send_back(
            actor=request.user,
            procedure=procedure,
            reason=data.get("reason") or "",
            to_step=data.get("to_step") or None,
        )
    except DomainError as exc:
        return _refused(request, procedure, exc, form, "send_back_form")
    messages.success(request, _("已退回。"))
    return redirect("workflows:procedure-detail", pk=pk)


def _end_view(request, pk, service, prefix: str, name: str, label: str, done: str):
    need_view(request)
    procedure = selectors.procedure_or_404(request.user, pk)
    form = ReasonForm(request.POST, label=label, prefix=prefix)
    form.is_valid()
    try:
        service(actor=request.user, procedure=procedure, reason=form.cleaned_data.get("reason") or "")
    except DomainError as exc:
        return _refused(request, procedure, exc, form, name)
    messages.success(request, done)
    return redirect("workflows:procedure-detail", pk=pk)


@access("scoped")
@login_required
@require_POST
def procedure_reject(request, pk):
    return _end_view(
        request,
        pk,
        services.procedure_reject,
        "reject",
        "reject_form",
        _("不通过理由"),
        _("已办结为不通过。"),
    )


@access("scoped")
@login_required
@require_POST
def procedure_cancel(request, pk):
    return _end_view(
        request, pk, services.procedure_cancel, "cancel", "cancel_form", _("撤销理由"), _("程序已撤销。")
    )


@access("scoped")
@login_required
@require_POST
def procedure_override(request, pk):
    need_view(request)
    procedure = selectors.procedure_or_404(request.user, pk)
    form = OverrideForm(request.POST, findings=selectors.findings(procedure), prefix="override")
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    codes = data.get("codes") or request.POST.getlist("override-codes")
    try:
        services.procedure_override(
            actor=request.user, procedure=procedure, codes=list(codes), reason=data.get("reason") or ""
        )
    except DomainError as exc:
        return _refused(request, procedure, exc, form, "override_form")
    messages.success(request, _("已批准例外。"))
    return redirect("workflows:procedure-detail", pk=pk)


@access("scoped")
@login_required
def evidence_download(request, pk):
    """An evidence file in the user's scope: images inline, other files as downloads."""
    need_view(request)
    evidence = selectors.evidence_or_404(request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError, OSError):
        raise Http404(_("文件不存在。")) from None
    name = evidence.original_name or evidence.file.name.rsplit("/", 1)[-1]
    ext = evidence.file.name.rsplit(".", 1)[-1].lower()
    inline = ext in IMAGE_EXTENSIONS or ext == "pdf"
    content_type = mimetypes.guess_type(evidence.file.name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
