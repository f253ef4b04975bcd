"""Evaluation pages: list and create, the sample (villages, households, replacements, progress), the
survey form of a sampled household, the results (printable) with drill-down to the households."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun.areas.choices import AreaLevel
from jingzhun.areas.models import Area
from jingzhun.core.access import access
from jingzhun.core.errors import DomainError, add_to_form
from jingzhun.core.scoping import paths_q, user_can, user_paths

from . import results, selectors, services
from .choices import MANAGE, SURVEY, VIEW, EvaluationStatus
from .forms import DrawForm, EvaluationForm, ReplaceForm, SurveyForm

PAGE_SIZE = 100


def _need(request, capability: str = VIEW) -> None:
    if user_paths(request.user, capability) == []:
        raise PermissionDenied(_("您没有访问此页面的权限。"))


def _evaluation(request, pk):
    _need(request)
    return get_object_or_404(selectors.evaluations_for(request.user), pk=pk)


def _manage_counties(user):
    paths = user_paths(user, MANAGE)
    qs = Area.objects.filter(level=AreaLevel.COUNTY).order_by("path")
    return qs if paths is None else qs.filter(paths_q("path", paths))


@access("scoped")
@login_required
def evaluation_list(request):
    _need(request)
    qs = selectors.evaluations_for(request.user).order_by("-year", "-id")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "evaluation/evaluation_list.html",
        {"page_obj": page, "can_create": _manage_counties(request.user).exists()},
    )


@access("scoped")
@login_required
def evaluation_new(request):
    _need(request, MANAGE)
    counties = list(_manage_counties(request.user)[:200])
    if not counties:
        raise PermissionDenied(_("抽样评估以县为单位组织，需要县级的管理权限。"))
    year = timezone.localdate().year - 1
    initial = {"county": counties[0].pk, "year": year, **services.design_defaults(counties[0], year)}
    form = EvaluationForm(request.POST or None, counties=counties, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        county = next(c for c in counties if str(c.pk) == d["county"])
        design = {k: d[k] for k in services.design_defaults(county, d["year"])}
        try:
            ev = services.evaluation_create(actor=request.user, county=county, year=d["year"], kind=d["kind"],
                                            title=d["title"], note=d["note"], design=design)  # fmt: skip
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("已创建抽样评估，请抽取样本。"))
            return redirect("evaluation:detail", pk=ev.pk)
    return render(request, "evaluation/evaluation_new.html", {"form": form})


@access("scoped")
@login_required
def evaluation_detail(request, pk):
    """The sample: villages with their survey progress, households with replacement and survey links."""
    ev = _evaluation(request, pk)
    villages = list(selectors.villages_for(request.user, ev))
    village_id = request.GET.get("village", "")
    households = selectors.households_for(request.user, ev)
    if village_id.isdigit():
        households = households.filter(sampled_village_id=int(village_id))
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    can_manage = user_can(request.user, MANAGE, ev.area)
    ids = selectors.head_ids(request.user, [h.household_id for h in page])
    for h in page:
        h.head_id = ids.get(h.household_id, "")
    return render(
        request,
        "evaluation/evaluation_detail.html",
        {
            "ev": ev,
            "villages": villages,
            "village_id": village_id,
            "page_obj": page,
            "progress": selectors.progress(request.user, ev),
            "can_manage": can_manage,
            "can_draw": can_manage and ev.status in (EvaluationStatus.DRAFT, EvaluationStatus.SAMPLING),
            "can_survey": user_paths(request.user, SURVEY) != [],
            "is_open": ev.status in services.OPEN,
            "draw_form": DrawForm(initial={"seed": ev.seed}) if can_manage else None,
            "replace_form": ReplaceForm() if can_manage else None,
        },
    )


@access("scoped")
@login_required
@require_POST
def sample_draw(request, pk):
    ev = _evaluation(request, pk)
    form = DrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("evaluation:detail", pk=ev.pk)
    try:
        services.sample_draw(actor=request.user, evaluation=ev, seed=form.cleaned_data["seed"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已抽取样本（随机数种子 %(seed)s）。") % {"seed": ev.seed})
    return redirect("evaluation:detail", pk=ev.pk)


@access("scoped")
@login_required
@require_POST
def replace(request, pk, kind, item_pk):
    """临时换村 (kind "village") or 换户 (kind "household") with a reason."""
    ev = _evaluation(request, pk)
    if kind == "village":
        qs, service = selectors.villages_for(request.user, ev), services.village_replace
    elif kind == "household":
        qs, service = selectors.households_for(request.user, ev), services.household_replace
    else:
        raise Http404
    item = get_object_or_404(qs, pk=item_pk)
    form = ReplaceForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("请填写更换原因（不超过 200 个字）。"), field="reason")
        new = service(actor=request.user, sampled=item, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已更换为“%(name)s”，原样本保留在记录中。") % {"name": new})
    return redirect("evaluation:detail", pk=ev.pk)


@access("scoped")
@login_required
def survey_form(request, pk, item_pk):
    ev = _evaluation(request, pk)
    sampled = get_object_or_404(selectors.households_for(request.user, ev), pk=item_pk)
    existing = getattr(sampled, "survey", None)
    can_enter = user_can(request.user, SURVEY, sampled.sampled_village.village) and ev.status in services.OPEN
    form = SurveyForm(request.POST or None, sampled=sampled)
    if existing is not None:
        form.initial_from(existing)
    else:
        form.initial.update(persons=sampled.household.size, surveyed_on=timezone.localdate(),
                            surveyor=request.user.full_name or request.user.username)  # fmt: skip
    if request.method == "POST":
        if not can_enter:
            raise PermissionDenied(_("您不能录入该户的调查结果。"))
        if form.is_valid():
            try:
                services.survey_submit(actor=request.user, sampled=sampled, data=form.cleaned_data)
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(
                    request, _("已保存“%(name)s”的调查结果。") % {"name": sampled.household.head_name}
                )
                return redirect(f"{_detail_url(ev)}?village={sampled.sampled_village_id}")
    return render(
        request,
        "evaluation/survey_form.html",
        {
            "ev": ev,
            "sampled": sampled,
            "form": form,
            "can_enter": can_enter,
            "assessment": selectors.system_view(request.user, sampled),
            "head_id": selectors.head_ids(request.user, [sampled.household_id]).get(sampled.household_id, ""),
        },
    )


def _detail_url(ev) -> str:
    from django.urls import reverse

    return reverse("evaluation:detail", args=[ev.pk])


@access("scoped")
@login_required
@require_POST
def evaluation_close(request, pk):
    ev = _evaluation(request, pk)
    try:
        services.evaluation_close(actor=request.user, evaluation=ev)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:detail", pk=ev.pk)
    messages.success(request, _("评估已结束，结果已固定。"))
    return redirect("evaluation:results", pk=ev.pk)


@access("scoped")
@login_required
def evaluation_results(request, pk):
    """The four indicators with CIs and pass/fail (frozen when closed, live before); printable."""
    ev = _evaluation(request, pk)
    data = (
        ev.results if ev.is_closed else (results.compute(ev) if ev.status != EvaluationStatus.DRAFT else None)
    )
    drill = request.GET.get("drill", "")
    surveys = None
    if drill in selectors.DRILL:
        surveys = Paginator(selectors.surveys_for(request.user, ev, drill), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        ids = selectors.head_ids(request.user, [s.sample.household_id for s in surveys])
        for s in surveys:
            s.head_id = ids.get(s.sample.household_id, "")
    return render(
        request,
        "evaluation/evaluation_results.html",
        {
            "ev": ev,
            "r": data,
            "drill": drill,
            "surveys": surveys,
            "can_manage": user_can(request.user, MANAGE, ev.area),
        },
    )
