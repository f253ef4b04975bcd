"""REST API of identification: exclusion rules (list/update per county) and quotas (list/set/override).

Scoped like the pages: a user sees the rules and quotas of counties in its area; changes go through the
services (county capability, audit). ``ROUTES`` is collected by config/api_urls.py.
"""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jingzhun.core.api import ScopedViewSetMixin

from . import selectors, services
from .models import ExclusionRule, Quota
from .rules import PREDICATES, rule_params

COUNTY = OpenApiParameter("county", str, description="县的区划代码（默认为用户所在县）")


def _county(request):
    counties = selectors.visible_counties(request.user)
    code = (
        (request.query_params.get("county") or request.data.get("county") or "").strip()
        if hasattr(request, "data")
        else ""
    )
    if code:
        county = counties.filter(code=code).first()
    else:
        own = getattr(request.user, "area", None)
        county = selectors.county_of(own) if own else None
        if county is not None and not counties.filter(pk=county.pk).exists():
            county = None
        county = county or counties.first()
    if county is None:
        raise Http404
    return county


class RuleSerializer(serializers.ModelSerializer):
    scope = serializers.SerializerMethodField()
    effective_params = serializers.SerializerMethodField()
    predicate_name = serializers.SerializerMethodField()

    class Meta:
        model = ExclusionRule
        fields = [
            "code",
            "name",
            "description",
            "predicate",
            "predicate_name",
            "params",
            "effective_params",
            "exempt_causes",
            "applies_to",
            "active",
            "scope",
        ]
        read_only_fields = fields

    def get_scope(self, obj) -> str:
        return "national" if obj.is_national else obj.area_key

    def get_effective_params(self, obj) -> dict:
        return rule_params(obj)

    def get_predicate_name(self, obj) -> str:
        spec = PREDICATES.get(obj.predicate)
        return str(spec.label) if spec else ""


class RuleUpdateSerializer(serializers.Serializer):
    active = serializers.BooleanField(required=False)
    params = serializers.DictField(required=False)
    exempt_causes = serializers.ListField(child=serializers.CharField(), required=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ExclusionRuleViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    """The effective exclusion rules of a county (``?county=``); PATCH adjusts one for that county."""

    scoped_model = ExclusionRule
    serializer_class = RuleSerializer
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    @extend_schema(parameters=[COUNTY])
    def list(self, request):
        county = _county(request)
        return Response(RuleSerializer(selectors.rules_for_user(request.user, county), many=True).data)

    @extend_schema(parameters=[COUNTY], request=RuleUpdateSerializer, responses=RuleSerializer)
    def partial_update(self, request, code=None):
        county = _county(request)
        body = RuleUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        if not any(r.code == code for r in selectors.rules_for_user(request.user, county)):
            raise Http404
        rule = services.rule_update(
            actor=request.user,
            county=county,
            code=code,
            active=d.get("active"),
            params=d.get("params"),
            exempt_causes=d.get("exempt_causes"),
            reason=d.get("reason", ""),
        )
        return Response(RuleSerializer(rule).data)


class QuotaSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="area.code", read_only=True)
    county_name = serializers.CharField(source="area.name", read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Quota
        fields = ["id", "county", "county_name", "year", "quota", "note", "status"]
        read_only_fields = fields

    def get_status(self, obj) -> dict:
        s = selectors.quota_status(obj.area, obj.year)
        return {
            k: s[k]
            for k in (
                "extra",
                "allow_exceed",
                "limit",
                "used",
                "in_progress",
                "remaining",
                "remaining_after_progress",
            )
        }


class QuotaSetSerializer(serializers.Serializer):
    county = serializers.CharField(required=False)
    year = serializers.IntegerField(default=lambda: timezone.localdate().year)
    quota = serializers.IntegerField(min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class QuotaOverrideSerializer(serializers.Serializer):
    extra = serializers.IntegerField(min_value=0, required=False, default=0)
    allow_exceed = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(max_length=1000)


class QuotaViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """County quotas with used/remaining; POST sets a county-year quota; ``override`` approves more."""

    scoped_model = Quota
    serializer_class = QuotaSerializer

    def filter_scoped(self, qs):
        p = self.request.query_params
        if p.get("year", "").isdigit():
            qs = qs.filter(year=int(p["year"]))
        if p.get("county"):
            qs = qs.filter(area__code=p["county"])
        return qs.select_related("area")

    @extend_schema(request=QuotaSetSerializer, responses=QuotaSerializer)
    def create(self, request):
        body = QuotaSetSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        county = _county(request)
        row = services.quota_set(
            actor=request.user, county=county, year=d["year"], quota=d["quota"], note=d.get("note", "")
        )
        return Response(QuotaSerializer(row).data, status=201)

    @extend_schema(request=QuotaOverrideSerializer, responses=QuotaSerializer)
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        quota = self.get_object()
        body = QuotaOverrideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        services.quota_override_add(
            actor=request.user,
            county=quota.area,
            year=quota.year,
            extra=d["extra"],
            allow_exceed=d["allow_exceed"],
            reason=d["reason"],
        )
        return Response(QuotaSerializer(quota).data)


# (prefix under /api/v1/, viewset, basename)
ROUTES: list = [
    ("identification/rules", ExclusionRuleViewSet, "identification-rule"),
    ("identification/quotas", QuotaViewSet, "identification-quota"),
]
_ = _  # messages of this module are raised by the services
