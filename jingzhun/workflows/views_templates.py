"""Template administration: the templates per kind (national default and the county's own versions), a
template's steps, and "revise for my county" (a new version; running procedures keep theirs)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from jingzhun.accounts.models import Capability
from jingzhun.core.access import access
from jingzhun.core.errors import AccessDenied, DomainError

from . import selectors
from .choices import ProcedureKind, ProcedureStatus
from .forms import TemplateHeadForm, TemplateStepFormSet, step_initial
from .models import Procedure, StepTemplate
from .services import template_for
from .templates_admin import template_revise
from .views import need_view


@access("scoped")
@login_required
def template_list(request):
    need_view(request)
    counties = selectors.template_counties(request.user)
    templates = list(selectors.templates_visible(request.user).select_related("area", "created_by"))
    kinds = []
    for kind, label in ProcedureKind.choices:
        versions = [t for t in templates if t.kind == kind]
        kinds.append(
            {
                "kind": kind,
                "label": label,
                "current": [t for t in versions if t.is_current],
                "history": [t for t in versions if not t.is_current],
            }
        )
    return render(
        request,
        "workflows/template_list.html",
        {"kinds": kinds, "counties": counties, "can_revise": bool(counties)},
    )


@access("scoped")
@login_required
def template_detail(request, pk):
    need_view(request)
    template = get_object_or_404(selectors.templates_visible(request.user).select_related("area"), pk=pk)
    steps = StepTemplate.objects.filter(template=template).order_by("order")
    running = (
        Procedure.objects.for_user(request.user, "view")
        .filter(template=template, status=ProcedureStatus.RUNNING)
        .count()
    )
    return render(
        request, "workflows/template_detail.html", {"template": template, "steps": steps, "running": running}
    )


def _capabilities():
    return [(c.code, str(c)) for c in Capability.objects.order_by("module", "code")]


@access("scoped")
@login_required
def template_revise_page(request, kind):
    if kind not in ProcedureKind.values:
        raise Http404(_("程序类型不存在。"))
    counties = selectors.template_counties(request.user)
    if not counties:
        raise PermissionDenied(_("您没有调整程序模板的权限。"))
    code = request.POST.get("county") or request.GET.get("county") or counties[0].code
    county = next((c for c in counties if c.code == code), None)
    if county is None:
        raise PermissionDenied(_("您无权调整该县的程序模板。"))
    base = template_for(kind, county)
    caps = _capabilities()
    if request.method == "POST":
        head = TemplateHeadForm(request.POST, prefix="t")
        formset = TemplateStepFormSet(request.POST, prefix="steps", form_kwargs={"capabilities": caps})
    else:
        head = TemplateHeadForm(initial={"name": base.name}, prefix="t")
        formset = TemplateStepFormSet(
            prefix="steps",
            initial=[
                {**step_initial(s), "ORDER": i}
                for i, s in enumerate(StepTemplate.objects.filter(template=base).order_by("order"), start=1)
            ],
            form_kwargs={"capabilities": caps},
        )
    context = {
        "kind": kind,
        "kind_label": ProcedureKind(kind).label,
        "county": county,
        "counties": counties,
        "base": base,
        "head": head,
        "formset": formset,
    }
    if request.method != "POST":
        return render(request, "workflows/template_revise.html", context)
    if not (head.is_valid() and formset.is_valid()):
        return render(request, "workflows/template_revise.html", context, status=400)
    live = [f for f in formset.ordered_forms if f.as_step() is not None]
    steps = [f.as_step() for f in live]
    try:
        template = template_revise(
            actor=request.user, kind=kind, county_area=county, steps=steps, name=head.cleaned_data["name"]
        )
    except DomainError as exc:
        if isinstance(exc, AccessDenied):
            raise PermissionDenied(exc.message) from exc
        formset._non_form_errors = formset.error_class([exc.message])
        return render(request, "workflows/template_revise.html", context, status=400)
    messages.success(
        request,
        _("已保存为第 %(v)s 版。办理中的程序仍按原版本办理，新发起的程序使用新版本。")
        % {"v": template.version},
    )
    return redirect("workflows:template-detail", pk=template.pk)
