"""Pages for department data: data set types, upload → mapping → dry run → load, bad rows; relatives."""

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
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jingzhun.core.access import access
from jingzhun.core.errors import DomainError, add_to_form
from jingzhun.core.jobs import live_progress
from jingzhun.core.masking import mask_id_number
from jingzhun.core.selectors import jobs_visible_to
from jingzhun.core.services import job_enqueue
from jingzhun.core.tabular import error_workbook
from jingzhun.register.models import Household

from . import selectors
from .choices import BatchStatus
from .forms import DatasetTypeForm, MappingForm, RelativeForm, RelativeImportForm, UploadForm
from .loading import type_fields
from .models import DatasetBadRow, DatasetRow, DatasetType
from .services_batches import batch_map, batch_upload, can_manage, dataset_type_save
from .services_relatives import relative_add, relative_remove, relatives_import
from .tasks import CHECK_KIND, LOAD_KIND, batch_check_task, batch_load_task

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def need(user, *capabilities) -> None:
    if not any(selectors.can(user, c) for c in capabilities):
        raise PermissionDenied(_("您没有此操作的权限。"))


def save_upload(upload, folder: str) -> Path:
    target_dir = Path(settings.MEDIA_ROOT) / "uploads" / folder
    target_dir.mkdir(parents=True, exist_ok=True)
    suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
    target = target_dir / f"{uuid.uuid4().hex}{suffix}"
    with open(target, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return target


# --- data set types --------------------------------------------------------------------------------


@access("scoped")
@login_required
def type_list(request):
    need(request.user, "comparison.upload", "comparison.run")
    return render(
        request,
        "comparison/type_list.html",
        {"types": DatasetType.objects.all(), "can_edit": can_manage(request.user)},
    )


@access("scoped")
@login_required
def type_edit(request, pk=None):
    if not can_manage(request.user):
        raise PermissionDenied(_("您没有此操作的权限。"))
    instance = None
    if pk is not None:
        instance = DatasetType.objects.filter(pk=pk).first()
        if instance is None:
            raise Http404
    form = DatasetTypeForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            dataset_type_save(actor=request.user, instance=instance, data=form.data_dict())
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("已保存数据集类型。"))
            return redirect("comparison:type-list")
    return render(request, "comparison/type_form.html", {"form": form, "instance": instance})


# --- batches ---------------------------------------------------------------------------------------


@access("scoped")
@login_required
@require_GET
def batch_list(request):
    need(request.user, "comparison.upload", "comparison.run")
    page = Paginator(selectors.batches_visible(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "comparison/batch_list.html", {"page": page})


@access("scoped")
@login_required
def batch_upload_view(request):
    need(request.user, "comparison.upload", "comparison.run")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        path = save_upload(upload, "comparison")
        try:
            batch = batch_upload(
                actor=request.user,
                dataset_type=form.cleaned_data["dataset_type"],
                department=form.cleaned_data["department"],
                as_of=form.cleaned_data["as_of"],
                path=str(path),
                file_name=upload.name,
            )
        except DomainError as exc:
            path.unlink(missing_ok=True)
            add_to_form(form, exc if exc.field != "file" else DomainError(str(exc), field="file"))
        else:
            return redirect("comparison:batch-detail", pk=batch.pk)
    return render(request, "comparison/batch_upload.html", {"form": form})


def _batch(request, pk):
    batch = selectors.batch_get(request.user, pk)
    if batch is None:
        raise Http404(_("批次不存在或不在您的范围内。"))
    return batch


def _jobs(request, batch):
    return jobs_visible_to(request.user).filter(kind__in=[CHECK_KIND, LOAD_KIND], params__batch_id=batch.pk)


@access("scoped")
@login_required
def batch_detail(request, pk):
    batch = _batch(request, pk)
    mapping_open = batch.status in (
        BatchStatus.MAPPING,
        BatchStatus.MAPPED,
        BatchStatus.CHECKED,
        BatchStatus.FAILED,
    )
    form = MappingForm(request.POST or None, batch=batch) if mapping_open else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            batch_map(actor=request.user, batch=batch, mapping=form.mapping())
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            job_enqueue(
                actor=request.user,
                kind=CHECK_KIND,
                title=_("校验比对数据：%(file)s") % {"file": batch.file_name[:80]},
                task=batch_check_task,
                area=batch.area,
                params={"batch_id": batch.pk},
            )
            return redirect("comparison:batch-detail", pk=batch.pk)
    job = _jobs(request, batch).order_by("-created_at").first()
    percent, message = live_progress(job) if job else (0, "")
    bad = Paginator(DatasetBadRow.objects.filter(batch=batch), 50).get_page(request.GET.get("page"))
    sample = [
        {
            "row_no": r.row_no,
            "id_number": mask_id_number(r.id_number),
            "name": r.name,
            "birth_date": r.birth_date,
            "data": r.data,
            "note": r.note,
        }
        for r in DatasetRow.objects.filter(batch=batch)[:20]
    ]
    return render(
        request,
        "comparison/batch_detail.html",
        {
            "batch": batch,
            "form": form,
            "fields": type_fields(batch.dataset_type),
            "job": job,
            "percent": percent,
            "message": message,
            "bad": bad,
            "sample": sample,
            "can_load": batch.status == BatchStatus.CHECKED and not (job and not job.is_finished),
        },
    )


@access("scoped")
@login_required
@require_POST
def batch_load_view(request, pk):
    batch = _batch(request, pk)
    if batch.status != BatchStatus.CHECKED:
        messages.error(request, _("只能入库校验通过的批次。"))
        return redirect("comparison:batch-detail", pk=batch.pk)
    if batch.uploaded_by_id != request.user.pk and not can_manage(request.user, batch.area):
        raise PermissionDenied(_("您没有此操作的权限。"))
    job_enqueue(
        actor=request.user,
        kind=LOAD_KIND,
        title=_("比对数据入库：%(file)s") % {"file": batch.file_name[:80]},
        task=batch_load_task,
        area=batch.area,
        params={"batch_id": batch.pk},
    )
    return redirect("comparison:batch-detail", pk=batch.pk)


@access("scoped")
@login_required
@require_GET
def batch_bad_rows(request, pk):
    batch = _batch(request, pk)
    rows = DatasetBadRow.objects.filter(batch=batch).iterator(chunk_size=2000)
    data = error_workbook(
        batch.headers, ((r.row_no, [r.values.get(h, "") for h in batch.headers], r.reasons) for r in rows)
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=bad-rows-{batch.pk}.xlsx"
    return response


# --- relatives -------------------------------------------------------------------------------------


@access("scoped")
@login_required
def relative_list(request):
    need(request.user, "comparison.view", "comparison.relatives")
    form = (
        RelativeForm(request.POST or None, prefix="add")
        if request.POST.get("action") == "add"
        else RelativeForm(prefix="add")
    )
    import_form = (
        RelativeImportForm(request.POST or None, request.FILES or None)
        if request.POST.get("action") == "import"
        else RelativeImportForm()
    )
    if request.method == "POST" and request.POST.get("action") == "add" and form.is_valid():
        household = (
            Household.objects.for_user(request.user)
            .filter(household_no=form.cleaned_data["household_no"])
            .first()
        )
        if household is None:
            form.add_error("household_no", _("户编号不存在或不在您的范围内。"))
        else:
            try:
                relative_add(actor=request.user, household=household, data=form.cleaned_data)
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, _("已登记关联人员。"))
                return redirect("comparison:relative-list")
    if request.method == "POST" and request.POST.get("action") == "import" and import_form.is_valid():
        path = save_upload(import_form.cleaned_data["file"], "comparison-relatives")
        try:
            count = relatives_import(actor=request.user, path=str(path))
        except DomainError as exc:
            import_form.add_error("file", str(exc))
        else:
            messages.success(request, _("已导入 %(count)s 名关联人员。") % {"count": count})
            return redirect("comparison:relative-list")
        finally:
            path.unlink(missing_ok=True)
    qs = selectors.relatives_visible(request.user)
    q = request.GET.get("q", "").strip()[:50]
    if q:
        qs = qs.filter(household__household_no=q) | qs.filter(name__contains=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "comparison/relative_list.html",
        {
            "page": page,
            "form": form,
            "import_form": import_form,
            "q": q,
            "can_edit": selectors.can(request.user, "comparison.relatives"),
        },
    )


@access("scoped")
@login_required
@require_POST
def relative_remove_view(request, pk):
    relative = selectors.relatives_visible(request.user).filter(pk=pk).first()
    if relative is None:
        raise Http404
    try:
        relative_remove(
            actor=request.user,
            relative=relative,
            reason=request.POST.get("reason", "") or _("不再作为关联人员"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已移除。"))
    return redirect("comparison:relative-list")
