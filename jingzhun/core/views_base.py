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
