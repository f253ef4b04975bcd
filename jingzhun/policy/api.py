"""REST API of the policy app: values readable in scope; the value in force for a year; set a value."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from jingzhun.areas.choices import AreaLevel
from jingzhun.areas.models import Area
from jingzhun.core.api import ScopedViewSetMixin
from jingzhun.core.scoping import user_paths

from . import selectors, services
from .models import PolicyValue
from .parameters import BY_KEY


class PolicyValueSerializer(serializers.ModelSerializer):
    created_by_name = serializers.CharField(source="created_by", read_only=True, default="")

    class Meta:
        model = PolicyValue
        fields = [
            "id",
            "key",
            "province",
            "area_path",
            "year",
            "value",
            "note",
            "reason",
            "created_by",
            "created_by_name",
            "created_at",
            "superseded_at",
            "retired",
        ]
        read_only_fields = fields


class SetSerializer(serializers.Serializer):
    key = serializers.ChoiceField(label=_("参数"), choices=sorted(BY_KEY))
    year = serializers.IntegerField(label=_("起始年度"))
    value = serializers.JSONField(label=_("取值"))
    province = serializers.CharField(
        label=_("省份区划路径（空为全国）"), required=False, allow_blank=True, default=""
    )
    reason = serializers.CharField(label=_("修改理由"))
    note = serializers.CharField(label=_("说明"), required=False, allow_blank=True, default="")


class PolicyValueViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Policy values (national and the user's provinces). Filters: ``key``, ``history=1`` for old rows."""

    scoped_model = PolicyValue
    serializer_class = PolicyValueSerializer

    def check_permissions(self, request):
        super().check_permissions(request)
        if user_paths(request.user, "policy.view") == []:
            raise PermissionDenied(_("您没有查看政策参数的权限。"))

    def filter_scoped(self, qs):
        p = self.request.query_params
        if p.get("key"):
            qs = qs.filter(key=p["key"])
        if p.get("history") != "1":
            qs = qs.filter(superseded_at__isnull=True)
        return qs.select_related("created_by").order_by("key", "area_path", "year", "created_at")

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, required=True),
            OpenApiParameter("area", str, description="区划路径/代码（用于省定标准）"),
        ],
        responses={200: dict},
    )
    @action(detail=False, methods=["get"])
    def resolve(self, request):
        """The values in force in ``year`` for ``area``'s province (province first, then national)."""
        try:
            year = int(request.query_params.get("year", ""))
        except ValueError:
            return Response({"year": [str(_("请填写年度。"))]}, status=400)
        area = request.query_params.get("area", "")[:2]
        return Response(selectors.snapshot(sorted(BY_KEY), year, area))

    @extend_schema(request=SetSerializer, responses={201: PolicyValueSerializer})
    def create(self, request, *args, **kwargs):
        """Set a value from a year on (a new row; the previous one is kept as history)."""
        body = SetSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        province = None
        if v["province"]:
            province = get_object_or_404(Area, path=v["province"][:2], level=AreaLevel.PROVINCE)
        row = services.policy_value_set(
            actor=request.user,
            key=v["key"],
            year=v["year"],
            value=v["value"],
            province=province,
            reason=v["reason"],
            note=v["note"],
        )
        return Response(PolicyValueSerializer(row).data, status=status.HTTP_201_CREATED)


# (prefix under /api/v1/, viewset, basename)
ROUTES: list = [("policy/values", PolicyValueViewSet, "policy-value")]
