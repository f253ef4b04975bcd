"""The to-do page (待办事项): steps waiting for the user, notices ending soon, open objections, and the
items other apps register."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from jingzhun.core.access import access

from .todo import todo_summary


@access("scoped")
@login_required
def todo_page(request):
    summary = todo_summary(request.user)
    groups = {"step": [], "notice": [], "objection": [], "other": []}
    for item in summary["items"]:
        groups.setdefault(item.get("group", "other"), []).append(item)
    return render(request, "workflows/todo.html", {"summary": summary, "groups": groups})
