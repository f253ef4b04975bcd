"""The public portal (公示公开, /gs/): no login. Notices by area, current and past; a notice's list with
masked IDs; objections to a current notice; village exit notices (贫困村退出公示) with their figures and
objections; appeals, complaints and self-reports per village.

Only notice header fields, NoticeEntry lines and the published fields of village exit notices are shown
(selectors.py); households and members are never read here. Officials handle the submissions on
views_manage.py (and objections to a village exit on the assessment app's village exit page).
"""

from __future__ import annotations

from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from jingzhun.core.access import access
from jingzhun.core.errors import DomainError, add_to_form
from jingzhun.workflows.poster import phone_lines

from . import guard, selectors, services
from .forms import PublicObjectionForm, PublicSubmissionForm, VillageObjectionForm

RECEIPT_SALT = "jingzhun.public.receipt"
PAST_PAGE = 20


@access("public")
def home(request):
    counties = selectors.public_counties()
    current, _past = selectors.split_current(selectors.public_notices())
    village_current, _village_past = selectors.split_village(selectors.public_village_notices())
    context = {
        "counties": [(c, selectors.villages_by_township(c)) for c in counties],
        "current": current.select_related("area")[:20],
        "village_current": village_current[:20],
    }
    return render(request, "public/home.html", context)


@access("public")
def area_page(request, code):
    area = selectors.public_area(code)
    if area is None:
        raise Http404(_("没有找到该地区的公示。"))
    current, past = selectors.split_current(selectors.notices_for_area(area))
    past_page = Paginator(past.select_related("area"), PAST_PAGE).get_page(request.GET.get("page"))
    village_current, village_past = selectors.split_village(selectors.village_notices_for_area(area))
    context = {
        "area": area,
        "crumbs": selectors.breadcrumb(area),
        "children": selectors.children(area),
        "current": current.select_related("area"),
        "past": past_page,
        "village_current": village_current,
        # few villages exit, so their past notices are listed whole, on the first page
        "village_past": village_past if past_page.number == 1 else [],
        "village": selectors.village_of(area),
    }
    return render(request, "public/area.html", context)


@access("public")
@never_cache
@csrf_protect
def notice_page(request, public_id):
    notice = selectors.notice_by_public_id(public_id)
    if notice is None:
        raise Http404(_("该公示不存在或已撤回。"))
    entries = list(selectors.entries_of(notice))
    current = selectors.is_current(notice)
    form = None
    if current:
        form = PublicObjectionForm(request.POST or None, entries=entries)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                objection = services.public_objection_submit(
                    notice=notice,
                    entry=form.entry_object(),
                    content=data["content"],
                    name=data["name"],
                    phone=data["phone"],
                    source=guard.Source.of(request),
                )
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                return _receipt_redirect(
                    services.objection_receipt(objection), "objection", notice_id=str(notice.public_id)
                )
    elif request.method == "POST":
        return render(
            request,
            "public/notice.html",
            _notice_context(notice, entries, None, closed_message=True),
            status=400,
        )
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, "public/notice.html", _notice_context(notice, entries, form), status=status)


def _notice_context(notice, entries, form, closed_message=False) -> dict:
    area = notice.area
    return {
        "notice": notice,
        "entries": entries,
        "form": form,
        "current": form is not None,
        "closed_message": closed_message,
        "phones": phone_lines(notice.phones),
        "area": area,
        "days_left": (notice.end_date - timezone.localdate()).days + 1 if form is not None else None,
    }


@access("public")
@never_cache
@csrf_protect
def village_notice_page(request, public_id):
    """A village exit notice: the village, its figures and checklist, the period; objections while open."""
    notice = selectors.village_notice_by_public_id(public_id)
    if notice is None:
        raise Http404(_("该公示不存在或已撤回。"))
    current = selectors.village_exit_is_current(notice.exit)
    form = VillageObjectionForm(request.POST or None) if current else None
    status = 200
    if form is not None and request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                submission = services.village_objection_submit(
                    notice=notice,
                    content=data["content"],
                    name=data["name"],
                    phone=data["phone"],
                    source=guard.Source.of(request),
                )
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                return _receipt_redirect(
                    submission.receipt_no, "objection", village_notice_id=str(notice.public_id)
                )
        status = 400
    elif request.method == "POST":
        status = 400
    exit_ = notice.exit
    context = {
        "notice": notice,
        "exit": exit_,
        "figures": notice.figures or {},
        "area": notice.area,
        "crumbs": selectors.breadcrumb(notice.area),
        "form": form,
        "current": current,
        "closed_message": request.method == "POST" and form is None,
        "phones": phone_lines(notice.phones),
        "days_left": (exit_.notice_end - timezone.localdate()).days + 1 if current else None,
    }
    return render(request, "public/village_notice.html", context, status=status)


@access("public")
@never_cache
@csrf_protect
def submit_page(request, code):
    area = selectors.public_area(code)
    village = selectors.village_of(area) if area else None
    if village is None:
        raise Http404(_("请先选择所在的村。"))
    if village != area:
        return redirect("public:submit", code=village.code)
    form = PublicSubmissionForm(request.POST or None, initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submission = services.submission_create(
                area=village,
                kind=data["kind"],
                content=data["content"],
                name=data["name"],
                phone=data["phone"],
                source=guard.Source.of(request),
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            return _receipt_redirect(submission.receipt_no, submission.kind, area=village.code)
    status = 400 if form.is_bound and form.errors else 200
    context = {"area": village, "crumbs": selectors.breadcrumb(village), "form": form}
    return render(request, "public/submit.html", context, status=status)


def _receipt_redirect(number: str, kind: str, **where) -> object:
    token = signing.dumps({"no": number, "kind": kind, **where}, salt=RECEIPT_SALT)
    return redirect(reverse("public:receipt") + "?r=" + token)


@access("public")
@never_cache
def receipt(request):
    try:
        data = signing.loads(request.GET.get("r", ""), salt=RECEIPT_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        raise Http404(_("回执已失效。")) from None
    back = None
    if data.get("notice_id"):
        back = reverse("public:notice", args=[data["notice_id"]])
    elif data.get("village_notice_id"):
        back = reverse("public:village-notice", args=[data["village_notice_id"]])
    elif data.get("area"):
        back = reverse("public:area", args=[data["area"]])
    return render(
        request,
        "public/receipt.html",
        {
            "number": data.get("no", ""),
            "objection": data.get("kind") == "objection",
            "village_objection": bool(data.get("village_notice_id")),
            "back": back,
        },
    )
