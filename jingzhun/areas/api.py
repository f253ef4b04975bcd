"""Area API: list/search/retrieve within scope; children; yearly statistics."""

from django.db.models import Q
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jingzhun.core.api import ScopedViewSetMixin

from .models import Area, AreaYearStat


class AreaYearStatSerializer(serializers.ModelSerializer):
    class Meta:
        model = AreaYearStat
        fields = ["year", "rural_population", "rural_households", "total_population", "area_km2", "source"]


class AreaSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Area
        fields = [
            "code",
            "name",
            "level",
            "level_display",
            "parent_code",
            "urban_rural_class",
            "is_poor_village",
            "poor_listed_year",
            "poor_exited_year",
            "is_poor_county",
        ]


class AreaViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Areas in the user's subtree. Filters: ``level``, ``parent`` (code), ``q`` (name or code prefix)."""

    scoped_model = Area
    serializer_class = AreaSerializer
    lookup_field = "code"

    def filter_scoped(self, qs):
        p = self.request.query_params
        if p.get("level"):
            qs = qs.filter(level=p["level"])
        if p.get("parent"):
            qs = qs.filter(parent__code=p["parent"])
        if p.get("q"):
            qs = qs.filter(Q(name__contains=p["q"]) | Q(code__startswith=p["q"]))
        return qs.select_related("parent").order_by("path")

    @action(detail=True)
    def stats(self, request, code=None):
        area = self.get_object()
        stats = AreaYearStat.objects.for_user(request.user).filter(area=area).order_by("-year")
        return Response(AreaYearStatSerializer(stats, many=True).data)
