"""County-side pages: review with rule hits and comparison facts (override), quota, exclusion rules."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun.core.access import access
from jingzhun.core.errors import DomainError, add_to_form
from jingzhun.core.scoping import user_can
from jingzhun.workflows import services as workflow
from jingzhun.workflows.choices import ProcedureStatus

from . import selectors, services
from .choices import KIND
from .forms import OverrideForm, QuotaForm, QuotaOverrideForm, RuleForm
from .kind import findings
from .models import ExclusionRule
from .rules import PREDICATES, comparison_facts, fact_text, rule_params
from .views import need_view, pick_area, wf_url


def _county(request):
    counties = selectors.visible_counties(request.user)
    code = (request.GET.get("county") or request.POST.get("county") or "").strip()
    if code:
        county = counties.filter(code=code).first()
        if county is None:
            raise Http404(_("未找到该县，或不在您的管辖范围内。"))
        return county, counties
    own = getattr(request.user, "area", None)
    county = selectors.county_of(own) if own else None
    if county is None or not counties.filter(pk=county.pk).exists():
        county = counties.first()
    if county is None:
        raise Http404(_("您没有可访问的县。"))
    return county, counties


def _year(request) -> int:
    try:
        return int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year)
    except ValueError:
        return timezone.localdate().year


def _review_batch_url(area, step_code: str) -> str | None:
    base = wf_url("workflows:batch")
    if base is None or step_code in ("all", "survey"):
        return None
    return f"{base}?kind={KIND}&area={area.code}&step={step_code}"


@access("scoped")
@login_required
def review(request):
    """Running procedures of an area with their rule hits and comparison facts; the county overrides."""
    need_view(request)
    area = pick_area(request)
    year = _year(request)
    step_code = request.GET.get("step", "county_review")
    qs = selectors.procedures(request.user, area, year=year, status=ProcedureStatus.RUNNING)
    if step_code != "all":
        qs = qs.filter(current_step__code=step_code)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    facts = comparison_facts([p.household_id for p in rows]) if rows else {}
    for p in rows:
        p.hits = findings(p, p.current_step)
        p.facts = [fact_text(f) for f in facts.get(p.household_id, [])]
        p.can_override = user_can(request.user, "workflows.county", p.area)
        p.override_form = OverrideForm(hits=[h for h in p.hits if not h["overridden"]], prefix=f"p{p.pk}")
        p.detail_url = wf_url("workflows:procedure-detail", p.pk)
    return render(
        request,
        "identification/review.html",
        {
            "area": area,
            "year": year,
            "step_code": step_code,
            "page": page,
            "rows": rows,
            "steps": [
                ("survey", _("入户调查")),
                ("appraisal", _("民主评议")),
                ("township_review", _("乡镇审核")),
                ("county_review", _("县级复审")),
                ("all", _("全部办理中")),
            ],
            "batch_url": _review_batch_url(area, step_code),
        },
    )


@access("scoped")
@login_required
@require_POST
def override(request, pk):
    """The county approves an exception to a procedure's rule hits (audited by the engine)."""
    procedure = selectors.procedure_detail(request.user, pk)
    hits = [h for h in findings(procedure, procedure.current_step) if not h["overridden"]]
    form = OverrideForm(request.POST, hits=hits, prefix=f"p{procedure.pk}")
    back = request.POST.get("next") or reverse("identification:review")
    if not back.startswith("/"):
        back = reverse("identification:review")
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
        return redirect(back)
    try:
        workflow.procedure_override(
            actor=request.user,
            procedure=procedure,
            codes=form.cleaned_data["codes"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已批准%(name)s户的例外。") % {"name": procedure.household.head_name})
    return redirect(back)


@access("scoped")
@login_required
def quota(request):
    """A county's quota of a year: used, in progress, remaining; the county sets it or approves more."""
    need_view(request)
    county, counties = _county(request)
    year = _year(request)
    can_edit = user_can(request.user, "identification.quota", county)
    status = selectors.quota_status(county, year)
    form = QuotaForm(
        request.POST if request.POST.get("action") == "set" else None,
        initial={"quota": status["quota"], "note": status["quota_row"].note if status["quota_row"] else ""},
    )
    extra_form = QuotaOverrideForm(request.POST if request.POST.get("action") == "override" else None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有县级可以设定识别规模。"))
        target = form if request.POST.get("action") == "set" else extra_form
        if target.is_valid():
            d = target.cleaned_data
            try:
                if target is form:
                    services.quota_set(
                        actor=request.user, county=county, year=year, quota=d["quota"], note=d["note"]
                    )
                    messages.success(request, _("已保存识别规模。"))
                else:
                    services.quota_override_add(
                        actor=request.user,
                        county=county,
                        year=year,
                        extra=d["extra"] or 0,
                        allow_exceed=d["allow_exceed"],
                        reason=d["reason"],
                    )
                    messages.success(request, _("已批准规模例外。"))
            except DomainError as exc:
                add_to_form(target, exc)
            else:
                return redirect(reverse("identification:quota") + f"?county={county.code}&year={year}")
    return render(
        request,
        "identification/quota.html",
        {
            "county": county,
            "counties": counties,
            "year": year,
            "years": range(timezone.localdate().year + 1, timezone.localdate().year - 5, -1),
            "status": status,
            "can_edit": can_edit,
            "form": form,
            "extra_form": extra_form,
        },
    )


@access("scoped")
@login_required
def rules(request):
    """The exclusion rules judging a county's candidates (national defaults or the county's own)."""
    need_view(request)
    county, counties = _county(request)
    rows = selectors.rules_for_user(request.user, county)
    for r in rows:
        spec = PREDICATES.get(r.predicate)
        values = rule_params(r)
        r.param_rows = [(p.label, values.get(k)) for k, p in (spec.params if spec else {}).items()]
    return render(
        request,
        "identification/rules.html",
        {
            "county": county,
            "counties": counties,
            "rules": rows,
            "can_edit": user_can(request.user, "identification.rules", county),
        },
    )


@access("scoped")
@login_required
def rule_edit(request, code):
    county, _counties = _county(request)
    if not user_can(request.user, "identification.rules", county):
        raise PermissionDenied(_("只有县级可以调整不予识别规则。"))
    rule = next((r for r in selectors.rules_for_user(request.user, county) if r.code == code), None)
    if rule is None or not isinstance(rule, ExclusionRule):
        raise Http404(_("没有该规则。"))
    form = RuleForm(request.POST or None, rule=rule)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.rule_update(
                actor=request.user,
                county=county,
                code=code,
                active=d["active"],
                params=form.params(),
                exempt_causes=d["exempt_causes"],
                reason=d["reason"],
            )
        except DomainError as exc:
            if exc.field and exc.field.startswith("params."):
                exc.field = "param_" + exc.field.split(".", 1)[1]
            add_to_form(form, exc)
        else:
            messages.success(request, _("已保存规则“%(name)s”。") % {"name": rule.name})
            return redirect(reverse("identification:rules") + f"?county={county.code}")
    return render(request, "identification/rule_edit.html", {"county": county, "rule": rule, "form": form})
