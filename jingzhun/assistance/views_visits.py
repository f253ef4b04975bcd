"""Visits (走访) with their photos, and the yearly assistance plan of a household."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from jingzhun.core.access import access
from jingzhun.core.errors import DomainError, add_to_form
from jingzhun.core.scoping import user_can
from jingzhun.register.selectors import code_tables

from . import selectors, services
from .choices import MANAGE, VISIT
from .forms import PlanForm, PlanItemFormSet, VisitForm
from .models import AssistancePlan, Visit, VisitPhoto
from .views import PER_PAGE, need, this_year
from .views_people import form_page


@access("scoped")
@login_required
def visit_list(request):
    need(request)
    qs = selectors.visits(request.user)
    mine = request.GET.get("mine") == "1"
    own = getattr(request.user, "cadre", None)
    if mine and own is not None:
        qs = qs.filter(cadre=own)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "assistance/visit_list.html", {"page": page, "mine": mine, "own": own})


@access("scoped")
@login_required
def visit_create(request, pk):
    need(request, VISIT)
    household = selectors.household_or_404(request.user, pk)
    form = VisitForm(request.POST or None, request.FILES or None, user=request.user, household=household)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_record(
                actor=request.user,
                household=household,
                cadre=data["cadre"],
                visited_on=data["visited_on"],
                content=data["content"],
                problems=data["problems"],
                photos=data["photos"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("已记录走访。"))
            return redirect("assistance:visit-detail", pk=visit.pk)
    title = _("记录走访：%(household)s") % {"household": household}
    return form_page(
        request, form, title, reverse("assistance:household", args=[household.pk]), multipart=True
    )


@access("scoped")
@login_required
def visit_detail(request, pk):
    need(request)
    visit = selectors.object_or_404(Visit, request.user, pk)
    return render(request, "assistance/visit_detail.html", {"visit": visit, "photos": visit.photos.all()})


@access("scoped")
@login_required
def photo_view(request, pk):
    """A visit photo, only to users who may see the visit (files are never served from /media/)."""
    need(request)
    photo = VisitPhoto.objects.for_user(request.user).filter(pk=pk).first()
    if photo is None or not photo.file:
        raise Http404(_("文件不存在或不在您的范围内。"))
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("文件不存在或不在您的范围内。")) from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline" if photo.content_type != "application/pdf" else "attachment"
    response["Cache-Control"] = "private, max-age=600"
    return response


@access("scoped")
@login_required
def plan_edit(request, pk, year):
    """Write or change a household's plan for one year: goal and measures against its causes."""
    need(request, MANAGE)
    household = selectors.household_or_404(request.user, pk)
    if not user_can(request.user, MANAGE, household.area):
        raise Http404(_("农户不存在或不在您的范围内。"))
    names = code_tables().get("cause", {})
    causes = [(c, names.get(c, c)) for c in [household.main_cause, *(household.other_causes or [])] if c]
    plan = AssistancePlan.objects.for_user(request.user).filter(household=household, year=year).first()
    initial_items = [
        {
            "measure": i.measure_id,
            "cause": i.cause,
            "content": i.content,
            "planned_amount": i.planned_amount,
            "responsible_unit": i.responsible_unit,
        }
        for i in (plan.items.all() if plan else [])
    ]
    form = PlanForm(request.POST or None, initial={"year": year, "goal": plan.goal if plan else ""})
    formset = PlanItemFormSet(
        request.POST or None, initial=initial_items, prefix="items", form_kwargs={"causes": causes}
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        items = [f.cleaned_data for f in formset if f.cleaned_data.get("measure")]
        try:
            services.plan_save(
                actor=request.user,
                household=household,
                year=form.cleaned_data["year"],
                goal=form.cleaned_data["goal"],
                items=items,
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("已保存 %(year)s 年帮扶计划。") % {"year": form.cleaned_data["year"]})
            return redirect("assistance:household", pk=household.pk)
    context = {
        "household": household,
        "year": year,
        "form": form,
        "formset": formset,
        "causes": causes,
        "this_year": this_year(),
    }
    status = 400 if form.errors or any(formset.errors) else 200
    return render(request, "assistance/plan_form.html", context, status=status)
