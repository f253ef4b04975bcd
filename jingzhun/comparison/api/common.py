"""Shared pieces of the comparison API: capability checks, input parsing, answers for queued jobs."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from .. import selectors

# JSON for plain actions, multipart where a file (evidence, department data) may come along
PARSERS = [JSONParser, MultiPartParser, FormParser]


def need(user, *capabilities: str) -> None:
    """403 unless the user holds one of ``capabilities`` somewhere (services then check the area)."""
    if not any(selectors.can(user, c) for c in capabilities):
        raise PermissionDenied(_("您没有此操作的权限。"))


def body(serializer_class, request) -> dict:
    """The request body validated by ``serializer_class`` (400 with a field map otherwise)."""
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


def job_url(job_id) -> str | None:
    return reverse("job-detail", args=[job_id]) if job_id else None


class QueuedJobSerializer(serializers.Serializer):
    """A background job just queued; follow it at ``status_url`` (GET /api/v1/jobs/<id>/)."""

    job = serializers.UUIDField(source="pk", label=_("后台任务"))
    kind = serializers.CharField(label=_("任务类型"))
    title = serializers.CharField(label=_("任务名称"))
    state = serializers.CharField(label=_("状态"))
    status_url = serializers.SerializerMethodField(label=_("进度查询地址"))

    def get_status_url(self, obj) -> str:
        return job_url(obj.pk)


def queued(job) -> Response:
    return Response(QueuedJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
