"""Area pages: the tree, an area's page, editing, statistics, import/export, autocomplete."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun.core.access import access
from jingzhun.core.errors import DomainError, add_to_form
from jingzhun.core.scoping import user_can
from jingzhun.core.services import job_enqueue

from . import selectors
from .choices import LEVEL_COUNT_LABELS
from .forms import AreaForm, AreaImportForm, AreaYearStatForm
from .services import area_stat_save, area_update
from .tasks import area_export_task, area_import_task


def _area_or_404(request, code):
    area = selectors.area_by_code(request.user, code)
    if area is None:
        raise Http404(_("区划不存在或不在您的范围内。"))
    return area


def _need(request, capability, area=None):
    if not user_can(request.user, capability, area):
        raise PermissionDenied(_("您没有此操作的权限。"))


@access("scoped")
@login_required
def tree(request):
    _need(request, "areas.view")
    roots = selectors.tree_roots(request.user)
    return render(request, "areas/tree.html", {"roots": roots})


@access("scoped")
@login_required
def children(request, code):
    area = _area_or_404(request, code)
    return render(
        request, "areas/partials/children.html", {"nodes": selectors.children_of(request.user, area)}
    )


def _level_count_labels(counts: dict[str, int]) -> list[str]:
    """["2 个乡镇", "5 个行政村"]: the areas below, by level from the top, in the UI language."""
    return [label % {"n": counts[level]} for level, label in LEVEL_COUNT_LABELS.items() if counts.get(level)]


@access("scoped")
@login_required
def detail(request, code):
    area = _area_or_404(request, code)
    context = {
        "area": area,
        "ancestors": [a for a in area.ancestors() if selectors.area_by_code(request.user, a.code)],
        "children": selectors.children_of(request.user, area)[:500],
        "stats": selectors.year_stats(request.user, area),
        "level_counts": _level_count_labels(selectors.level_counts(request.user, area)),
        "can_change": user_can(request.user, "areas.change", area),
        "can_import": user_can(request.user, "areas.import", area),
        "can_see_assistance": user_can(request.user, "assistance.view", area),
        "chain": _chain(request.user, area),
    }
    return render(request, "areas/detail.html", context)


@access("scoped")
@login_required
def edit(request, code):
    area = _area_or_404(request, code)
    _need(request, "areas.change", area)
    form = AreaForm(request.POST or None, instance=area)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        try:
            area_update(actor=request.user, area=area, reason=form.cleaned_data["reason"], **data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("areas:detail", code=area.code)
    return render(request, "areas/edit.html", {"area": area, "form": form})


@access("scoped")
@login_required
def stat_edit(request, code, year=None):
    area = _area_or_404(request, code)
    _need(request, "areas.change", area)
    instance = selectors.year_stats(request.user, area).filter(year=year).first() if year else None
    if year and instance is None:
        raise Http404(_("没有该年度的统计数据。"))
    form = AreaYearStatForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            area_stat_save(actor=request.user, area=area, year=data.pop("year"), **data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("统计数据已保存。"))
            return redirect("areas:detail", code=area.code)
    return render(request, "areas/stat_edit.html", {"area": area, "form": form, "year": year})


@access("scoped")
@login_required
def import_view(request, code):
    area = _area_or_404(request, code)
    _need(request, "areas.import", area)
    form = AreaImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        folder = settings.MEDIA_ROOT / "uploads" / "areas"
        folder.mkdir(parents=True, exist_ok=True)
        suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
        target = folder / f"{uuid.uuid4().hex}{suffix}"
        with open(target, "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        dry_run = form.cleaned_data["dry_run"]
        job = job_enqueue(
            actor=request.user,
            kind="areas.import",
            area=area,
            task=area_import_task,
            title=(_("校验区划名单：%(file)s") if dry_run else _("导入区划名单：%(file)s"))
            % {"file": upload.name[:80]},
            params={"path": str(target), "dry_run": dry_run, "file_name": upload.name[:200]},
        )
        return redirect("core:job-detail", pk=job.pk)
    return render(request, "areas/import.html", {"area": area, "form": form})


@access("scoped")
@login_required
@require_POST
def export(request, code):
    area = _area_or_404(request, code)
    job = job_enqueue(
        actor=request.user,
        kind="areas.export",
        area=area,
        task=area_export_task,
        title=_("导出区划清单：%(area)s") % {"area": area.name},
    )
    return redirect("core:job-detail", pk=job.pk)


@access("scoped")
@login_required
def autocomplete(request):
    """JSON for search boxes: only areas in the user's scope."""
    level = request.GET.get("level") or None
    results = selectors.search(request.user, request.GET.get("q", ""), level=level)
    return JsonResponse(
        {
            "results": [
                {"code": a.code, "name": a.name, "level": a.level, "label": f"{a.name}（{a.code}）"}
                for a in results
            ]
        }
    )


def _chain(user, area):
    """The 五包 responsibility chain for the area page, for users who may see assistance data there."""
    if area.level not in ("county", "township", "village") or not user_can(user, "assistance.view", area):
        return None
    from jingzhun.assistance.selectors import chain

    return chain(area)
