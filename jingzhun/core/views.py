"""Core pages: home, background jobs with progress, audit search, error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jingzhun.areas.models import Area

from .access import access
from .forms import AuditSearchForm
from .jobs import live_progress
from .selectors import audit_search, can_view_audit, jobs_visible_to


@access("scoped")
@login_required
def home(request):
    user = request.user
    areas = Area.objects.for_user(user)
    assignments = user.assignments.select_related("role", "area") if not user.is_superuser else []
    context = {
        "assignments": assignments,
        "area_count": areas.count(),
        "village_count": areas.filter(level="village").count(),
        "township_count": areas.filter(level="township").count(),
        "poor_village_count": areas.filter(is_poor_village=True).count(),
        "recent_jobs": jobs_visible_to(user)[:5],
        "chart": _villages_by_township(areas),
    }
    return render(request, "core/home.html", context)


def _villages_by_township(areas) -> dict | None:
    """Villages and poor villages per township, for the home page chart (already scoped)."""
    from django.db.models import Count, Q

    rows = list(
        areas.filter(level="township")
        .annotate(
            villages=Count("children", filter=Q(children__level="village"), distinct=True),
            poor=Count("children", filter=Q(children__is_poor_village=True), distinct=True),
        )
        .order_by("code")
        .values_list("name", "villages", "poor")[:60]
    )
    if not rows:
        return None
    return {"names": [r[0] for r in rows], "villages": [r[1] for r in rows], "poor": [r[2] for r in rows]}


@access("scoped")
@login_required
def job_list(request):
    page = Paginator(jobs_visible_to(request.user).select_related("owner"), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "core/job_list.html", {"page": page})


def _job_or_404(request, pk):
    return get_object_or_404(jobs_visible_to(request.user), pk=pk)


@access("scoped")
@login_required
def job_detail(request, pk):
    job = _job_or_404(request, pk)
    percent, message = live_progress(job)
    return render(request, "core/job_detail.html", {"job": job, "percent": percent, "message": message})


@access("scoped")
@login_required
@require_GET
def job_progress(request, pk):
    """The htmx partial a page polls; stops polling once the job has finished."""
    job = _job_or_404(request, pk)
    percent, message = live_progress(job)
    return render(
        request, "core/partials/progress.html", {"job": job, "percent": percent, "message": message}
    )


@access("scoped")
@login_required
def job_download(request, pk):
    job = _job_or_404(request, pk)
    if not job.result_file:
        raise Http404(_("该任务没有结果文件。"))
    # Result files were written with the owner's rights (an export may hold full ID numbers), so only
    # the owner downloads them; colleagues with core.jobs_view see the job's state, not its file.
    if job.owner_id != request.user.pk and not request.user.is_superuser:
        raise PermissionDenied(_("结果文件只能由任务发起人下载。"))
    return FileResponse(
        job.result_file.open("rb"), as_attachment=True, filename=job.result_file.name.rsplit("/", 1)[-1]
    )


@access("scoped")
@login_required
def audit_list(request):
    if not can_view_audit(request.user):
        raise PermissionDenied(_("您没有查看审计日志的权限。"))
    form = AuditSearchForm(request.GET or None)
    events = audit_search(request.user)
    if form.is_valid():
        data = form.cleaned_data
        area = None
        if data["area"]:
            area = (
                Area.objects.for_user(request.user)
                .filter(code__startswith=data["area"])
                .order_by("code")
                .first()
            )
            if area is None:
                form.add_error("area", _("区域代码不存在或不在您的范围内。"))
        if not form.errors:
            events = audit_search(
                request.user,
                actor=data["actor"],
                action=data["action"],
                area=area,
                date_from=data["date_from"],
                date_to=data["date_to"],
                target=data["target"],
            )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"form": form, "page": page})


@access("public")
def error_403(request, exception=None):
    return render(request, "403.html", {"message": str(exception or "")}, status=403)


@access("public")
def error_404(request, exception=None):
    return render(request, "404.html", status=404)


@access("public")
def error_500(request):
    return render(request, "500.html", status=500)
