"""REST API of the public app: the officials' view of public submissions. ``ROUTES`` is collected by
config/api_urls.py. (The portal itself is HTML only.)"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from jingzhun.core.api import ScopedViewSetMixin
from jingzhun.core.masking import mask_phone
from jingzhun.core.scoping import user_paths

from . import selectors, services
from .choices import SubmissionStatus
from .models import PublicSubmission


class PublicSubmissionSerializer(serializers.ModelSerializer):
    area_code = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    contact_phone = serializers.SerializerMethodField()
    handled_by_name = serializers.CharField(source="handled_by.__str__", default=None, read_only=True)

    class Meta:
        model = PublicSubmission
        fields = [
            "id",
            "receipt_no",
            "area_code",
            "area_name",
            "kind",
            "kind_display",
            "content",
            "contact_name",
            "contact_phone",
            "status",
            "status_display",
            "created_at",
            "handled_by_name",
            "handled_at",
            "handling_note",
        ]

    def get_contact_phone(self, obj) -> str:
        user = self.context["request"].user
        return obj.contact_phone if selectors.may_handle(user, obj) else mask_phone(obj.contact_phone)


class HandleSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        label=_("处理结果"), choices=[SubmissionStatus.HANDLED, SubmissionStatus.CONVERTED], required=False
    )
    note = serializers.CharField(label=_("处理情况"), required=False, allow_blank=True, default="")


class PublicSubmissionViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Appeals, complaints and self-reports sent from the public portal, in the user's areas.

    Filters: ``kind``, ``status``, ``village`` (area code prefix)."""

    scoped_model = PublicSubmission
    serializer_class = PublicSubmissionSerializer

    def check_permissions(self, request):
        super().check_permissions(request)
        if user_paths(request.user, "public.handle") == []:
            raise PermissionDenied(_("您没有处理群众反映的权限。"))

    def filter_scoped(self, qs):
        p = self.request.query_params
        for key in ("kind", "status"):
            if p.get(key):
                qs = qs.filter(**{key: p[key]})
        if p.get("village", "").isdigit():
            qs = qs.filter(area_path__startswith=p["village"])
        return qs.select_related("area", "handled_by").order_by("-created_at")

    @extend_schema(request=HandleSerializer, responses=PublicSubmissionSerializer)
    @action(detail=True, methods=["post"])
    def handle(self, request, pk=None):
        """Record how the submission was handled (status handled/converted, note required)."""
        body = HandleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        submission = services.submission_handle(
            actor=request.user,
            submission=self.get_object(),
            note=body.validated_data["note"],
            status=body.validated_data.get("status") or "",
        )
        return Response(PublicSubmissionSerializer(submission, context=self.get_serializer_context()).data)


# (prefix under /api/v1/, viewset, basename)
ROUTES: list = [("public/submissions", PublicSubmissionViewSet, "public-submission")]
