"""Settings of assistance work: the county's limits, the measure catalogue and the cause → measure map."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jingzhun.areas.models import Area
from jingzhun.core.access import access
from jingzhun.core.errors import DomainError, add_to_form
from jingzhun.core.scoping import paths_q, user_paths
from jingzhun.register.selectors import code_tables

from . import services
from .choices import SETTINGS
from .forms import CauseMeasureForm, MeasureTypeForm, SettingForm
from .limits import limits_for
from .models import CauseMeasure, MeasureType
from .views import need
from .views_people import form_page


def _counties(user):
    paths = user_paths(user, SETTINGS)
    qs = Area.objects.filter(level="county").order_by("code")
    if paths is None:
        return qs
    # Values are set per county, so only counties inside the user's settings scope are listed.
    return qs.filter(paths_q("path", paths))


@access("scoped")
@login_required
def settings_page(request):
    need(request, SETTINGS)
    counties = list(_counties(request.user))
    code = request.GET.get("county") or request.POST.get("county") or (counties[0].code if counties else "")
    county = next((c for c in counties if c.code == code), None)
    form = None
    if county is not None:
        limits = limits_for(county.path)
        form = SettingForm(
            request.POST or None,
            initial={
                "max_households_per_cadre": limits.max_households,
                "min_visits_per_month": limits.min_visits,
            },
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.setting_save(actor=request.user, area=county, **form.cleaned_data)
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("已保存%(county)s的帮扶工作参数。") % {"county": county.name})
                return redirect(f"{request.path}?county={county.code}")
    causes = code_tables().get("cause", {})
    mapping: dict[str, list[str]] = {}
    for cause, name in CauseMeasure.objects.values_list("cause", "measure__name"):
        mapping.setdefault(cause, []).append(name)
    context = {
        "counties": counties,
        "county": county,
        "form": form,
        "measures": MeasureType.objects.all(),
        "programs": code_tables().get("transfer_program", {}),
        "causes": [(c, n, mapping.get(c, [])) for c, n in causes.items()],
    }
    return render(request, "assistance/settings.html", context, status=400 if form and form.errors else 200)


@access("scoped")
@login_required
def measure_edit(request, pk=None):
    need(request, SETTINGS)
    measure = None
    if pk is not None:
        measure = MeasureType.objects.filter(pk=pk).first()
        if measure is None:
            raise Http404(_("措施不存在。"))
    initial = {}
    if measure is not None:
        initial = {
            f: getattr(measure, f)
            for f in ("code", "name", "category", "unit", "is_cash", "income_program", "active")
        }
    form = MeasureTypeForm(request.POST or None, initial=initial)
    if measure is not None:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_type_save(actor=request.user, measure=measure, data=form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("已保存措施。"))
            return redirect("assistance:settings")
    title = _("修改措施：%(name)s") % {"name": measure.name} if measure else _("新增措施")
    return form_page(request, form, title, "assistance:settings")


@access("scoped")
@login_required
def cause_edit(request, cause):
    need(request, SETTINGS)
    names = code_tables().get("cause", {})
    if cause not in names:
        raise Http404(_("致贫原因不存在。"))
    current = list(CauseMeasure.objects.filter(cause=cause).values_list("measure_id", flat=True))
    form = CauseMeasureForm(request.POST or None, initial={"measures": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.cause_measures_set(
                actor=request.user, cause=cause, measures=list(form.cleaned_data["measures"])
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("已保存“%(cause)s”的对应措施。") % {"cause": names[cause]})
            return redirect("assistance:settings")
    title = _("致贫原因“%(cause)s”对应的措施") % {"cause": names[cause]}
    return form_page(request, form, title, "assistance:settings")
