"""Task list pages (工作任务清单): lists, items with % complete and late flags, dated progress entries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingzhun.core.access import access
from jingzhun.core.errors import DomainError, add_to_form
from jingzhun.core.scoping import user_paths

from . import selectors, services
from .choices import TASKS, VIEW
from .forms import ProgressForm, TaskItemForm, TaskListForm


def _need(request) -> None:
    if user_paths(request.user, VIEW) == [] and user_paths(request.user, TASKS) == []:
        raise PermissionDenied(_("您没有访问此页面的权限。"))


@access("scoped")
@login_required
def task_list(request):
    _need(request)
    lists = selectors.task_lists_for(request.user).select_related("area")
    lists = lists.annotate(
        n_items=Count("items", distinct=True),
        n_late=Count("items", filter=Q(items__deadline__lt=timezone.localdate(),
                                       items__completed__lt=F("items__target")), distinct=True),
    ).order_by("-year", "area_path", "title", "id")  # fmt: skip
    late = None
    if request.GET.get("late"):
        late = selectors.task_items_for(request.user).filter(selectors.late_q()).select_related("task_list")
        late = late.order_by("deadline")[:200]
    can_create = user_paths(request.user, TASKS) != []
    return render(
        request,
        "reports/task_list.html",
        {
            "page_obj": Paginator(lists, 30).get_page(request.GET.get("page")),
            "late": late,
            "can_create": can_create,
        },
    )


@access("scoped")
@login_required
def task_list_new(request):
    if user_paths(request.user, TASKS) == []:
        raise PermissionDenied(_("您没有访问此页面的权限。"))
    area = selectors.area_or_404(request.user, request.GET.get("area"), TASKS)
    form = TaskListForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            tl = services.task_list_create(actor=request.user, area=area, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            return redirect("reports:task-detail", pk=tl.pk)
    return render(request, "reports/task_list_new.html", {"form": form, "area": area})


def _list_or_404(request, pk):
    return get_object_or_404(selectors.task_lists_for(request.user).select_related("area"), pk=pk)


@access("scoped")
@login_required
def task_detail(request, pk):
    _need(request)
    tl = _list_or_404(request, pk)
    items = list(tl.items.prefetch_related("progress__recorded_by").order_by("seq"))
    return render(
        request,
        "reports/task_detail.html",
        {
            "tl": tl,
            "items": items,
            "can_manage": selectors.can_manage_tasks(request.user, tl.area),
            "item_form": TaskItemForm(),
            "progress_form": ProgressForm(initial={"reported_on": timezone.localdate()}),
        },
    )


@access("scoped")
@login_required
@require_POST
def task_item_new(request, pk):
    _need(request)
    tl = _list_or_404(request, pk)
    form = TaskItemForm(request.POST)
    if form.is_valid():
        try:
            services.task_item_save(actor=request.user, task_list=tl, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
    if form.errors:
        messages.error(request, "；".join(f"{form.fields[f].label if f in form.fields else ''}：{' '.join(e)}"
                                         for f, e in form.errors.items()))  # fmt: skip
    return redirect("reports:task-detail", pk=tl.pk)


@access("scoped")
@login_required
@require_POST
def task_progress_new(request, pk, item_pk):
    _need(request)
    tl = _list_or_404(request, pk)
    item = get_object_or_404(tl.items, pk=item_pk)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.task_progress_add(actor=request.user, item=item, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
    if form.errors:
        messages.error(request, "；".join(f"{form.fields[f].label if f in form.fields else ''}：{' '.join(e)}"
                                         for f, e in form.errors.items()))  # fmt: skip
    else:
        messages.success(request, _("进度已填报。"))
    return redirect("reports:task-detail", pk=tl.pk)
