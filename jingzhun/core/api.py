"""API building blocks: the scoped viewset base, error format, and core endpoints."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import AccessDenied, DomainError
from .models import AuditEvent, Job


def exception_handler(exc, context):
    """Every API error is a JSON field map of messages in the request's language: {"field": ["…"]}."""
    if isinstance(exc, AccessDenied):
        return Response({"detail": [exc.message]}, status=403)
    if isinstance(exc, DomainError):
        return Response(exc.as_field_map(), status=400)
    if isinstance(exc, DjangoValidationError):
        data = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(data, status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("未找到，或不在您的区域范围内。"))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(_("您没有执行此操作的权限。"))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = {"detail": [str(detail)]}
    elif response is not None and isinstance(response.data, list):
        response.data = {"non_field_errors": [str(x) for x in response.data]}
    return response


class ScopedViewSetMixin:
    """Every API viewset's queryset comes from ``Model.objects.for_user(request.user, action)``.

    Subclasses set ``scoped_model`` (and optionally ``scope_action``) and may refine with
    ``filter_scoped(qs)``; they never build a queryset from ``Model.objects`` directly.
    """

    access = "scoped"
    scoped_model = None
    scope_action = "view"

    def get_queryset(self):
        qs = self.scoped_model.objects.for_user(self.request.user, self.scope_action)
        return self.filter_scoped(qs)

    def filter_scoped(self, qs):
        return qs


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_name",
            "action",
            "target_type",
            "target_id",
            "target_label",
            "area",
            "before",
            "after",
            "reason",
            "ip",
        ]


class AuditEventViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Audit events in the user's area subtree (needs the audit capability)."""

    scoped_model = AuditEvent
    serializer_class = AuditEventSerializer

    def filter_scoped(self, qs):
        p = self.request.query_params
        if p.get("action"):
            qs = qs.filter(action=p["action"])
        if p.get("target_type"):
            qs = qs.filter(target_type=p["target_type"])
        if p.get("target_id"):
            qs = qs.filter(target_id=p["target_id"])
        return qs


class JobSerializer(serializers.ModelSerializer):
    result_file_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "title",
            "state",
            "percent",
            "message",
            "result",
            "errors",
            "created_at",
            "started_at",
            "finished_at",
            "result_file_url",
        ]

    def get_result_file_url(self, obj) -> str | None:
        from django.urls import reverse

        return reverse("core:job-download", args=[obj.pk]) if obj.result_file else None


class JobViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The user's own jobs plus jobs in its area it may see."""

    scoped_model = Job
    serializer_class = JobSerializer

    def get_queryset(self):
        from .selectors import jobs_visible_to

        return jobs_visible_to(self.request.user)
