"""Register import/export pages: template download, upload → dry run → commit, list export."""

from __future__ import annotations

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from jingzhun.core.access import access
from jingzhun.core.forms import StyledFormMixin
from jingzhun.core.models import Job
from jingzhun.core.scoping import user_can
from jingzhun.core.selectors import import_job_or_404, import_job_status, jobs_visible_to
from jingzhun.core.services import job_enqueue
from jingzhun.core.views_base import commit_import

from .exporting import clean_filter, describe_filter, export_queryset
from .forms import HouseholdFilterForm
from .importing_template import template_bytes
from .tasks import EXPORT_KIND, IMPORT_KIND, register_export_task, register_import_task

MAX_UPLOAD = 200 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload_file(f, label):
    name = f.name.lower()
    if not name.endswith((".xlsx", ".csv")):
        raise forms.ValidationError(_("%(label)s只支持 xlsx 或 csv 文件。") % {"label": label})
    if f.size == 0:
        raise forms.ValidationError(_("%(label)s是空的。") % {"label": label})
    if f.size > MAX_UPLOAD:
        raise forms.ValidationError(_("%(label)s不能超过 200 MB。") % {"label": label})
    return f


class RegisterImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("农户成员文件（xlsx 或 csv）"),
        help_text=_("xlsx 可包含“农户成员”和“收入”两个工作表。"),
    )
    income_file = forms.FileField(
        label=_("收入文件（可选）"),
        required=False,
        help_text=_("使用 csv 时，可另传一个与“收入”工作表列相同的收入文件。"),
    )

    def clean_file(self):
        return _upload_file(self.cleaned_data["file"], _("成员文件"))

    def clean_income_file(self):
        f = self.cleaned_data.get("income_file")
        return _upload_file(f, _("收入文件")) if f else None


def _need(user, capability: str) -> None:
    if not user_can(user, capability):
        raise PermissionDenied(_("您没有此操作的权限。"))


def _save(upload) -> Path:
    folder = Path(settings.MEDIA_ROOT) / "uploads" / "register"
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
def template_download(request):
    _need(request.user, "register.change")
    response = HttpResponse(template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E5%86%9C%E6%88%B7%E6%A1%A3%E6%A1%88%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response


@access("scoped")
@login_required
def import_view(request):
    _need(request.user, "register.change")
    form = RegisterImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        income = form.cleaned_data.get("income_file")
        params = {
            "path": str(_save(upload)),
            "income_path": str(_save(income)) if income else "",
            "dry_run": True,
            "file_name": upload.name[:200],
        }
        job = job_enqueue(
            actor=request.user,
            kind=IMPORT_KIND,
            area=request.user.area,
            task=register_import_task,
            title=_("校验农户档案：%(file)s") % {"file": upload.name[:80]},
            params=params,
        )
        return redirect("register:io-import-job", pk=job.pk)
    recent = jobs_visible_to(request.user).filter(kind=IMPORT_KIND, owner=request.user)[:10]
    return render(request, "register/io_import.html", {"form": form, "recent": recent})


def _import_job(request, pk) -> Job:
    return import_job_or_404(request.user, IMPORT_KIND, pk)


def _status_context(request, job: Job) -> dict:
    return import_job_status(request.user, job, IMPORT_KIND)


@access("scoped")
@login_required
@require_GET
def import_job(request, pk):
    job = _import_job(request, pk)
    return render(request, "register/io_import_job.html", _status_context(request, job))


@access("scoped")
@login_required
@require_GET
def import_status(request, pk):
    job = _import_job(request, pk)
    return render(request, "register/io_import_status.html", _status_context(request, job))


@access("scoped")
@login_required
@require_POST
def import_commit(request, pk):
    """Write a file whose dry run passed: a new job on the same stored files (checked again)."""
    job = _import_job(request, pk)
    title = _("导入农户档案：%(file)s") % {"file": (job.params or {}).get("file_name", "")[:80]}
    commit = commit_import(request, job, kind=IMPORT_KIND, task=register_import_task, title=title)
    return redirect("register:io-import-job", pk=commit.pk)


@access("scoped")
@login_required
def export_view(request):
    """GET: what will be exported (the list's filter, how many households); POST: start the job."""
    _need(request.user, "register.export")
    form = HouseholdFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():  # never export "everything" because a filter was wrong
        errors = [
            f"{form.fields[k].label if k in form.fields else ''}：{'；'.join(v)}"
            for k, v in form.errors.items()
        ]
        return render(request, "register/io_export.html", {"errors": errors}, status=400)
    filters = clean_filter(form.params() if form.is_bound else {})
    if request.method == "POST":
        job = job_enqueue(
            actor=request.user,
            kind=EXPORT_KIND,
            area=request.user.area,
            task=register_export_task,
            title=_("导出农户名单：%(filter)s") % {"filter": describe_filter(filters)[:80]},
            params={"filter": filters},
        )
        return redirect("core:job-detail", pk=job.pk)
    context = {
        "filters": filters,
        "description": describe_filter(filters),
        "count": export_queryset(request.user, filters).count(),
        "query": request.GET.urlencode(),
        "can_reveal": user_can(request.user, "core.reveal_sensitive"),
    }
    return render(request, "register/io_export.html", context)
