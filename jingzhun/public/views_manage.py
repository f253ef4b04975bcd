"""Officials' page: appeals, complaints and self-reports from the portal in the user's areas, and the form
to record how each one was handled."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun.areas.models import Area
from jingzhun.core.access import access
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.masking import mask_phone
from jingzhun.core.scoping import user_can, user_paths

from . import selectors, services
from .forms import SubmissionFilterForm, SubmissionHandleForm

PAGE_SIZE = 30


def _need_handle(request) -> None:
    if user_paths(request.user, "public.handle") == []:
        raise PermissionDenied(_("您没有处理群众反映的权限。"))


@access("scoped")
@login_required
def submission_list(request):
    _need_handle(request)
    form = SubmissionFilterForm(request.GET or None)
    qs = selectors.submissions_for(request.user)
    if form.is_valid():
        data = form.cleaned_data
        for key in ("status", "kind"):
            if data.get(key):
                qs = qs.filter(**{key: data[key]})
        if data.get("area"):
            area = Area.objects.for_user(request.user, "view").filter(code=data["area"]).first()
            qs = qs.filter(area_path__startswith=area.path) if area else qs.none()
    page = Paginator(qs.order_by("status", "-created_at"), PAGE_SIZE).get_page(request.GET.get("page"))
    for s in page:
        s.may_handle = user_can(request.user, "public.handle", s.area)
        s.phone_display = s.contact_phone if s.may_handle else mask_phone(s.contact_phone)
        s.handle_form = SubmissionHandleForm(prefix=f"s{s.pk}") if s.may_handle else None
    return render(request, "public/submission_list.html", {"form": form, "page": page})


@access("scoped")
@login_required
@require_POST
def submission_handle(request, pk):
    _need_handle(request)
    submission = get_object_or_404(selectors.submissions_for(request.user), pk=pk)
    form = SubmissionHandleForm(request.POST, prefix=f"s{submission.pk}")
    if form.is_valid():
        try:
            services.submission_handle(
                actor=request.user,
                submission=submission,
                note=form.cleaned_data["note"],
                status=form.cleaned_data["status"],
            )
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已记录处理情况（%(no)s）。") % {"no": submission.receipt_no})
    else:
        errors = [str(e) for errs in form.errors.values() for e in errs]
        messages.error(request, _("请填写处理结果和处理情况。") + " ".join(errors))
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("public:submission-list")
