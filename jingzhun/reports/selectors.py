"""Scoped reads of the reports app: task lists and items, reports, templates, text blocks."""

from __future__ import annotations

from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.areas.models import Area
from jingzhun.core.scoping import paths_q, user_can, user_paths

from .choices import TASKS, VIEW
from .models import TaskItem, TaskList, WorkReport


def area_or_404(user, code: str | None, capability: str = VIEW) -> Area:
    if code:
        area = Area.objects.filter(code=code).first()
    else:
        paths = user_paths(user, capability)
        if paths is None:
            area = getattr(user, "area", None) or Area.objects.filter(level="county").order_by("code").first()
        else:
            area = Area.objects.filter(path=sorted(paths, key=len)[0]).first() if paths else None
    if area is None or not user_can(user, capability, area):
        raise Http404(_("区域不存在或不在您的范围内。"))
    return area


def task_lists_for(user):
    """Lists the user may read: reports.view or tasks.manage at their area."""
    return (TaskList.objects.for_user(user, "view") | TaskList.objects.for_user(user, "manage")).distinct()


def task_items_for(user):
    return (TaskItem.objects.for_user(user, "view") | TaskItem.objects.for_user(user, "manage")).distinct()


def late_q() -> Q:
    return Q(deadline__lt=timezone.localdate(), completed__lt=F("target"))


def late_items_count(user, area: Area) -> int:
    return task_items_for(user).filter(paths_q("area_path", [area.path])).filter(late_q()).count()


def tasks_for_report(user, area: Area, period):
    """Task items of the area (and of lists issued above it that name it), with deadlines in the year."""
    ancestors = [area.path[:n] for n in (2, 4, 6, 9, 12) if n < len(area.path)]
    qs = task_items_for(user).filter(
        paths_q("area_path", [area.path]) | Q(area_path__in=ancestors), deadline__year=period.year
    )
    return list(qs.select_related("task_list").order_by("deadline", "task_list_id", "seq")[:30])


def reports_for(user):
    return WorkReport.objects.for_user(user, "view")


def can_manage_tasks(user, area: Area) -> bool:
    return user_can(user, TASKS, area)


def text_blocks_of(user, area: Area):
    from .models import TextBlock

    return TextBlock.objects.for_user(user, "view").filter(area=area)
