"""Deliveries (措施落实): the list, entry one by one (by ID number), cancelling, and the department
import (template, upload → dry run → commit as background jobs with a progress bar)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jingzhun.core.access import access
from jingzhun.core.errors import DomainError, add_to_form
from jingzhun.core.models import Job
from jingzhun.core.scoping import user_paths
from jingzhun.core.selectors import import_job_or_404, import_job_status, jobs_visible_to
from jingzhun.core.services import job_enqueue
from jingzhun.core.views_base import commit_import

from . import selectors
from .choices import DELIVER, VIEW
from .forms import CancelForm, DeliveryForm, ImportForm
from .importing import template_bytes
from .models import MeasureType
from .services_delivery import can_cancel, delivery_cancel, delivery_record
from .tasks import IMPORT_KIND, delivery_import_task
from .views import PER_PAGE, need
from .views_people import form_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _need_any(request) -> None:
    if user_paths(request.user, VIEW) == [] and user_paths(request.user, DELIVER) == []:
        raise PermissionDenied(_("您没有访问帮扶措施落实的权限。"))


@access("scoped")
@login_required
def delivery_list(request):
    _need_any(request)
    year = request.GET.get("year", "")
    measure = MeasureType.objects.filter(code=request.GET.get("measure", "")).first()
    q = request.GET.get("q", "").strip()[:50]
    qs = selectors.deliveries(request.user, year=int(year) if year.isdigit() else None, measure=measure, q=q)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    for d in page.object_list:
        d.can_cancel = d.status == "active" and can_cancel(request.user, d)
    context = {
        "page": page,
        "year": year,
        "q": q,
        "measure": measure,
        "measures": MeasureType.objects.all(),
        "can_deliver": user_paths(request.user, DELIVER) != [],
        "can_view": user_paths(request.user, VIEW) != [],
    }
    return render(request, "assistance/delivery_list.html", context)


@access("scoped")
@login_required
def delivery_create(request):
    need(request, DELIVER)
    form = DeliveryForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            delivery = delivery_record(actor=request.user, **data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _("已录入：%(measure)s %(amount)s。")
                % {"measure": delivery.measure.name, "amount": delivery.amount},
            )
            return redirect("assistance:delivery-list")
    return form_page(request, form, _("录入措施落实"), "assistance:delivery-list")


@access("scoped")
@login_required
def delivery_cancel_view(request, pk):
    _need_any(request)
    delivery = selectors.deliveries_visible(request.user).filter(pk=pk).first()
    if delivery is None:
        raise Http404(_("记录不存在或不在您的范围内。"))
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delivery_cancel(actor=request.user, delivery=delivery, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("已撤销。"))
            return redirect("assistance:delivery-list")
    title = _("撤销措施落实：%(measure)s %(amount)s") % {
        "measure": delivery.measure.name,
        "amount": delivery.amount,
    }
    return form_page(request, form, title, "assistance:delivery-list")


# --- import --------------------------------------------------------------------------------------


def _save(upload) -> Path:
    folder = Path(settings.MEDIA_ROOT) / "uploads" / "assistance"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
    target = folder / f"{uuid.uuid4().hex}{suffix}"
    with open(target, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return target


@access("scoped")
@login_required
@require_GET
def import_template(request):
    need(request, DELIVER)
    response = HttpResponse(template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E6%8E%AA%E6%96%BD%E8%90%BD%E5%AE%9E%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response


@access("scoped")
@login_required
def import_view(request):
    need(request, DELIVER)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = job_enqueue(
            actor=request.user,
            kind=IMPORT_KIND,
            area=request.user.area,
            task=delivery_import_task,
            title=_("校验措施落实：%(file)s") % {"file": upload.name[:80]},
            params={"path": str(_save(upload)), "dry_run": True, "file_name": upload.name[:200]},
        )
        return redirect("assistance:import-job", pk=job.pk)
    recent = jobs_visible_to(request.user).filter(kind=IMPORT_KIND, owner=request.user)[:10]
    return render(request, "assistance/import.html", {"form": form, "recent": recent})


def _job(request, pk) -> Job:
    return import_job_or_404(request.user, IMPORT_KIND, pk)


def _status(request, job: Job) -> dict:
    context = import_job_status(request.user, job, IMPORT_KIND)
    context["download"] = reverse("core:job-download", args=[job.pk]) if job.result_file else None
    return context


@access("scoped")
@login_required
@require_GET
def import_job(request, pk):
    job = _job(request, pk)
    return render(request, "assistance/import_job.html", _status(request, job))


@access("scoped")
@login_required
@require_GET
def import_status(request, pk):
    job = _job(request, pk)
    return render(request, "assistance/import_status.html", _status(request, job))


@access("scoped")
@login_required
@require_POST
def import_commit(request, pk):
    """Write a file whose dry run passed: a new job on the same stored file (checked again)."""
    need(request, DELIVER)
    job = _job(request, pk)
    title = _("导入措施落实：%(file)s") % {"file": (job.params or {}).get("file_name", "")[:80]}
    commit = commit_import(request, job, kind=IMPORT_KIND, task=delivery_import_task, title=title)
    return redirect("assistance:import-job", pk=commit.pk)
