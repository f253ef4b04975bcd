"""Mixins for class-based views: login, capability check, scoped querysets, DomainError → form error."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .scoping import user_paths


class ScopedViewMixin(LoginRequiredMixin):
    """A page that needs ``capability`` somewhere and reads through ``for_user``."""

    access = "scoped"
    capability: str | None = None
    scoped_model = None
    scope_action = "view"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.capability and user_paths(request.user, self.capability) == []:
            raise PermissionDenied(_("您没有访问此页面的权限。"))
        return super().dispatch(request, *args, **kwargs)

    def scoped_queryset(self, action: str | None = None):
        return self.scoped_model.objects.for_user(self.request.user, action or self.scope_action)

    def get_queryset(self):
        return self.scoped_queryset()


def commit_import(request, job, *, kind: str, task, title: str):
    """The commit step of a checked import: a new job on the same stored file (the task checks it
    again). Returns the commit job — the existing one when the dry run was already committed."""
    from pathlib import Path

    from django.http import Http404

    from .selectors import import_job_status
    from .services import job_enqueue

    context = import_job_status(request.user, job, kind)
    if not context["can_commit"]:
        if context["commit_job"] is not None:
            return context["commit_job"]
        raise PermissionDenied(_("只能正式导入自己校验通过的文件。"))
    params = dict(job.params)
    if not Path(params["path"]).exists():
        raise Http404(_("上传的文件已不存在，请重新上传。"))
    params.update(dry_run=False, dry_run_of=str(job.pk))
    return job_enqueue(
        actor=request.user, kind=kind, area=request.user.area, task=task, title=title, params=params
    )
