"""Monitoring API: cases in the user's area; report a lead, start the entry procedure, dismiss."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from jingzhun.core.api import ScopedViewSetMixin
from jingzhun.core.errors import DomainError
from jingzhun.core.scoping import user_paths
from jingzhun.register.models import Household

from . import services
from .choices import CaseSource, MonitoringType, RiskType
from .models import MonitoringCase


class CaseSerializer(serializers.ModelSerializer):
    household_no = serializers.CharField(source="household.household_no", read_only=True)
    head_name = serializers.CharField(source="household.head_name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    monitoring_type_display = serializers.CharField(source="get_monitoring_type_display", read_only=True)
    risk_labels = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = MonitoringCase
        fields = [
            "id",
            "household",
            "household_no",
            "head_name",
            "area",
            "area_path",
            "monitoring_type",
            "monitoring_type_display",
            "risk_types",
            "risk_labels",
            "source",
            "detail",
            "status",
            "status_display",
            "opened_on",
            "entered_on",
            "closed_on",
            "close_reason",
            "entry_procedure",
            "elimination_procedure",
        ]
        read_only_fields = fields


class ProposeSerializer(serializers.Serializer):
    household = serializers.IntegerField(label=_("农户ID"))
    source = serializers.ChoiceField(label=_("线索来源"), choices=CaseSource.choices)
    risk_types = serializers.ListField(
        label=_("风险类型"), child=serializers.ChoiceField(choices=RiskType.choices)
    )
    detail = serializers.CharField(label=_("风险情况"))
    monitoring_type = serializers.ChoiceField(
        label=_("监测对象类型"), choices=MonitoringType.choices, required=False, allow_blank=True, default=""
    )
    opened_on = serializers.DateField(label=_("发现日期"), required=False, allow_null=True, default=None)


class StartSerializer(serializers.Serializer):
    monitoring_type = serializers.ChoiceField(label=_("监测对象类型"), choices=MonitoringType.choices)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("理由"), required=False, allow_blank=True, default="")


class CaseViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Monitoring cases (防返贫监测对象). Filters: ``status``, ``monitoring_type``, ``source``, ``household``."""

    scoped_model = MonitoringCase
    serializer_class = CaseSerializer

    def check_permissions(self, request):
        super().check_permissions(request)
        if (
            user_paths(request.user, "monitoring.view") == []
            and user_paths(request.user, "monitoring.report") == []
        ):
            raise PermissionDenied(_("您没有查看监测对象的权限。"))

    def filter_scoped(self, qs):
        p = self.request.query_params
        for key in ("status", "monitoring_type", "source"):
            if p.get(key):
                qs = qs.filter(**{key: p[key]})
        if p.get("household", "").isdigit():
            qs = qs.filter(household_id=int(p["household"]))
        return qs.select_related("household").order_by("-opened_on", "-id")

    def _data(self, case):
        return CaseSerializer(case, context=self.get_serializer_context()).data

    @extend_schema(request=ProposeSerializer, responses={201: CaseSerializer})
    def create(self, request, *args, **kwargs):
        """Report a lead (monitoring.report at the household's area)."""
        body = ProposeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        household = (
            Household.objects.for_user(request.user, "view")
            .select_related("area")
            .filter(pk=values["household"])
            .first()
        )
        if household is None:
            raise DomainError(str(_("农户不存在，或不在您的范围内。")), field="household")
        case = services.case_propose(
            actor=request.user,
            household=household,
            source=values["source"],
            risk_types=values["risk_types"],
            detail=values["detail"],
            monitoring_type=values["monitoring_type"],
            opened_on=values["opened_on"],
        )
        return Response(self._data(case), status=status.HTTP_201_CREATED)

    @extend_schema(request=StartSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """Start the 9-step entry procedure for a checked lead."""
        body = StartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = services.case_start_entry(
            actor=request.user, case=self.get_object(), monitoring_type=body.validated_data["monitoring_type"]
        )
        return Response(self._data(case))

    @extend_schema(request=ReasonSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        """Record that a lead does not qualify (reason required)."""
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = services.case_dismiss(
            actor=request.user, case=self.get_object(), reason=body.validated_data["reason"]
        )
        return Response(self._data(case))


ROUTES = [("monitoring/cases", CaseViewSet, "monitoring-case")]
