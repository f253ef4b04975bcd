"""REST API of the assessment app: results (read, filter), start a batch run, incidence, village exits."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from jingzhun.core.api import ScopedViewSetMixin
from jingzhun.core.scoping import user_paths

from . import selectors, services
from .choices import Period
from .incidence import incidence
from .models import HouseholdAssessment, VillageExit


class ResultSerializer(serializers.ModelSerializer):
    household_no = serializers.CharField(source="household.household_no", read_only=True)
    head_name = serializers.CharField(source="household.head_name", read_only=True)
    criteria = serializers.ListField(child=serializers.DictField(), read_only=True)

    class Meta:
        model = HouseholdAssessment
        exclude = ["run"]
        read_only_fields = [f.name for f in HouseholdAssessment._meta.fields]


class RunSerializer(serializers.Serializer):
    area = serializers.IntegerField(label=_("区域ID"))
    year = serializers.IntegerField(label=_("评估年度"))
    period = serializers.ChoiceField(label=_("收入口径"), choices=Period.choices, default=Period.YEAR)


class _Need:
    capability = "assessment.view"

    def check_permissions(self, request):
        super().check_permissions(request)
        if user_paths(request.user, self.capability) == []:
            raise PermissionDenied(_("您没有查看退出评估的权限。"))


class ResultViewSet(
    _Need, ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Household assessment results. Filters: ``year``, ``period``, ``failing`` (criterion code),
    ``flag`` (unstable/marginal/transfer), ``passed`` (1/0), ``household``."""

    scoped_model = HouseholdAssessment
    serializer_class = ResultSerializer

    def filter_scoped(self, qs):
        p = self.request.query_params
        qs = qs.filter(period=p.get("period") or Period.YEAR)
        if p.get("year", "").isdigit():
            qs = qs.filter(year=int(p["year"]))
        if p.get("household", "").isdigit():
            qs = qs.filter(household_id=int(p["household"]))
        if p.get("failing") in selectors.FAILING:
            qs = qs.filter(**{selectors.FAILING[p["failing"]]: False})
        if p.get("flag") in selectors.FLAGS:
            qs = qs.filter(**{selectors.FLAGS[p["flag"]]: True})
        if p.get("passed") in ("1", "0"):
            qs = qs.filter(passed=p["passed"] == "1")
        return qs.select_related("household").order_by("area_path", "household_id")

    @extend_schema(request=RunSerializer, responses={202: dict})
    @action(detail=False, methods=["post"])
    def run(self, request):
        """Queue the assessment of every household under an area (a background job)."""
        body = RunSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        area = get_object_or_404(selectors.areas_for(request.user, "assessment.run"), pk=v["area"])
        job = services.assessment_run_start(actor=request.user, area=area, year=v["year"], period=v["period"])
        return Response({"job": str(job.pk)}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, required=True),
            OpenApiParameter("areas", str, description="区域ID，逗号分隔"),
        ],
        responses={200: dict},
    )
    @action(detail=False, methods=["get"])
    def incidence(self, request):
        """Poverty incidence of areas in scope for a year: numerator, rural population, rate (%)."""
        try:
            year = int(request.query_params.get("year", ""))
        except ValueError:
            return Response({"year": [str(_("请填写年度。"))]}, status=400)
        ids = [int(x) for x in request.query_params.get("areas", "").split(",") if x.strip().isdigit()]
        areas = list(selectors.areas_for(request.user).filter(pk__in=ids))
        result = incidence(areas, year)
        return Response(
            {
                str(a.pk): {
                    **result[a.pk],
                    "rate": str(result[a.pk]["rate"]) if result[a.pk]["rate"] is not None else None,
                }
                for a in areas
            }
        )


class VillageExitSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = VillageExit
        fields = [
            "id",
            "area",
            "area_path",
            "year",
            "status",
            "status_display",
            "indicators",
            "notice_start",
            "notice_end",
            "steps",
            "outcome_reason",
        ]
        read_only_fields = fields


class VillageExitViewSet(
    _Need, ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Village exits (贫困村退出) in the user's area."""

    scoped_model = VillageExit
    serializer_class = VillageExitSerializer

    def filter_scoped(self, qs):
        return qs.order_by("-year", "area_path")


# (prefix under /api/v1/, viewset, basename)
ROUTES: list = [
    ("assessment/results", ResultViewSet, "assessment-result"),
    ("assessment/village-exits", VillageExitViewSet, "assessment-village-exit"),
]
