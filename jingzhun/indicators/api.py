"""REST API of the indicators app: stored values (scoped by area) and the rows behind a figure."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jingzhun.core.api import ScopedViewSetMixin

from . import registry, selectors
from .models import IndicatorValue

DRILL_LIMIT = 200


class IndicatorValueSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorValue
        fields = ["id", "indicator", "name", "area_path", "year", "dim", "member", "numerator", "denominator",
                  "value", "computed_at"]  # fmt: skip
        read_only_fields = fields

    def get_name(self, obj) -> str:
        ind = registry.get(obj.indicator)
        return str(ind.name) if ind else obj.indicator


class IndicatorValueViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Pre-aggregated indicator values of areas in the user's scope.

    Filters: ``indicator``, ``area`` (12-digit code), ``year``, ``dim`` (empty = totals)."""

    scoped_model = IndicatorValue
    serializer_class = IndicatorValueSerializer

    def filter_scoped(self, qs):
        p = self.request.query_params
        if p.get("indicator"):
            qs = qs.filter(indicator=p["indicator"])
        if p.get("area"):
            area = selectors.area_or_404(self.request.user, p["area"])
            qs = qs.filter(area_path=area.path)
        if p.get("year", "").isdigit():
            qs = qs.filter(year=int(p["year"]))
        if "dim" in p:
            qs = qs.filter(dim=p["dim"])
        return qs.order_by("indicator", "area_path", "year", "dim", "member")

    @extend_schema(
        parameters=[
            OpenApiParameter("indicator", str, required=True, description=str(_("指标代码"))),
            OpenApiParameter("area", str, description=str(_("区划代码"))),
            OpenApiParameter("year", int),
            OpenApiParameter("dim", str),
            OpenApiParameter("member", str),
        ]
    )
    @action(detail=False, methods=["get"])
    def drill(self, request):
        """The rows behind one figure (ids, first 200), with the figure and the row count."""
        p = request.query_params
        ind = selectors.indicator_or_404(p.get("indicator", ""))
        area = selectors.area_or_404(request.user, p.get("area"))
        year = int(p["year"]) if p.get("year", "").isdigit() else None
        if year is None:
            from django.utils import timezone

            year = timezone.localdate().year
        qs = selectors.drill_queryset(request.user, ind, area, year, p.get("dim", ""), p.get("member", ""))
        fig = selectors.figures(area, year, [ind.code])[ind.code]
        return Response(
            {
                "indicator": ind.code,
                "name": str(ind.name),
                "subject": ind.subject.key,
                "area": area.code,
                "year": selectors.effective_year(ind, year),
                "figure": None if fig.value is None else str(fig.value),
                "count": qs.count(),
                "ids": list(qs.order_by("pk").values_list("pk", flat=True)[:DRILL_LIMIT]),
            }
        )


class IndicatorDefinitionSerializer(serializers.Serializer):
    """The shape of one catalogue entry (documentation of the list below)."""

    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    subject = serializers.CharField()
    breakdowns = serializers.ListField(child=serializers.CharField())
    denominator = serializers.CharField()
    snapshot = serializers.BooleanField()
    description = serializers.CharField()
    provider = serializers.CharField()


class IndicatorDefinitionViewSet(viewsets.ViewSet):
    """The indicator catalogue: code, name, unit, breakdowns and counting rule."""

    access = "scoped"

    @extend_schema(responses=IndicatorDefinitionSerializer(many=True))
    def list(self, request):
        return Response(
            [
                {"code": i.code, "name": str(i.name), "unit": str(i.unit), "subject": i.subject.key,
                 "breakdowns": list(i.breakdowns), "denominator": i.denominator, "snapshot": i.snapshot,
                 "description": str(i.description), "provider": i.provider}
                for i in registry.all_indicators()
            ]
        )  # fmt: skip


# (prefix under /api/v1/, viewset, basename)
ROUTES: list = [
    ("indicator-values", IndicatorValueViewSet, "indicator-value"),
    ("indicators", IndicatorDefinitionViewSet, "indicator"),
]
