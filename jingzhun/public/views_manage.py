"""Officials' pages: appeals, complaints, self-reports and village exit objections from the portal in the
user's areas, with the form to record how each one was handled; the A4 poster of a village exit notice."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun.areas.models import Area
from jingzhun.core.access import access
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.masking import mask_phone
from jingzhun.core.scoping import user_paths
from jingzhun.workflows.poster import phone_lines, qr_svg

from . import selectors, services
from .forms import SubmissionFilterForm, SubmissionHandleForm
from .models import PublicVillageNotice

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
    qs = qs.select_related("village_notice__exit")
    page = Paginator(qs.order_by("status", "-created_at"), PAGE_SIZE).get_page(request.GET.get("page"))
    for s in page:
        s.may_handle = selectors.may_handle(request.user, s)
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


def public_url(path: str, request) -> str:
    """An address people reach from outside: JINGZHUN_PUBLIC_BASE_URL when set (as workflows.poster does for
    household notices), else the address the request came in on."""
    base = (getattr(settings, "JINGZHUN_PUBLIC_BASE_URL", "") or "").rstrip("/")
    return base + path if base else request.build_absolute_uri(path)


@access("scoped")
@login_required
def village_notice_poster(request, public_id):
    """The A4 poster of a village exit notice, with the QR code of its portal page."""
    notice = get_object_or_404(
        PublicVillageNotice.objects.for_user(request.user, "view").select_related("exit", "area"),
        public_id=public_id,
    )
    url = public_url(reverse("public:village-notice", args=[notice.public_id]), request)
    exit_ = notice.exit
    context = {
        "notice": notice,
        "exit": exit_,
        "figures": notice.figures or {},
        "phones": phone_lines(notice.phones),
        "qr": qr_svg(url),
        "public_url": url,
        "back": reverse("assessment:village-detail", args=[notice.area_id]) + f"?year={exit_.year}",
    }
    return render(request, "public/village_notice_poster.html", context)
