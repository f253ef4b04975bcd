"""REST API of the evaluation app: evaluations (list, create, draw, close), the sample (villages and
households, replace) and surveys (list, submit). Every queryset comes from ``for_user``."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jingzhun.areas.models import Area
from jingzhun.core.api import ScopedViewSetMixin

from . import selectors, services
from .choices import EvaluationKind
from .models import Evaluation, SampledHousehold, SampledVillage, Survey


class EvaluationSerializer(serializers.ModelSerializer):
    # plain strings (with their labels) keep the schema free of colliding "kind"/"status" enums
    kind = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    results = serializers.JSONField(read_only=True)

    class Meta:
        model = Evaluation
        fields = ["id", "area", "area_path", "year", "kind", "kind_display", "title", "status", "status_display",
                  "village_share", "poor_villages_min", "nonpoor_villages_min", "households_per_village",
                  "registered_share", "seed", "drawn_at", "closed_at", "note", "results"]  # fmt: skip
        read_only_fields = fields


class EvaluationCreateSerializer(serializers.Serializer):
    county = serializers.CharField(label=_("县区划代码"), max_length=15)
    year = serializers.IntegerField(label=_("评估年度"))
    kind = serializers.ChoiceField(label=_("评估类型"), choices=EvaluationKind.choices)
    title = serializers.CharField(
        label=_("名称"), max_length=100, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(
        label=_("说明"), max_length=300, required=False, allow_blank=True, default=""
    )
    village_share = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, min_value=0)
    poor_villages_min = serializers.IntegerField(required=False, min_value=0)
    nonpoor_villages_min = serializers.IntegerField(required=False, min_value=0)
    households_per_village = serializers.IntegerField(required=False, min_value=1)
    registered_share = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, min_value=0)


class DrawSerializer(serializers.Serializer):
    seed = serializers.IntegerField(label=_("随机数种子"), required=False, allow_null=True, min_value=0)


class ReplaceSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("更换原因"), max_length=200)


DESIGN = (
    "village_share",
    "poor_villages_min",
    "nonpoor_villages_min",
    "households_per_village",
    "registered_share",
)


class EvaluationViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, viewsets.GenericViewSet):  # fmt: skip
    """Sample evaluations (三率一度) visible to the user; POST creates (county managers), ``draw/`` draws the
    sample with an optional seed, ``close/`` freezes the results."""

    scoped_model = Evaluation
    serializer_class = EvaluationSerializer

    def filter_scoped(self, qs):
        return qs.select_related("area").order_by("-year", "-id")

    @extend_schema(request=EvaluationCreateSerializer, responses={201: EvaluationSerializer})
    def create(self, request, *args, **kwargs):
        ser = EvaluationCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        county = Area.objects.filter(code=d["county"]).first()
        if county is None:
            return Response({"county": [str(_("区划不存在。"))]}, status=status.HTTP_400_BAD_REQUEST)
        ev = services.evaluation_create(actor=request.user, county=county, year=d["year"], kind=d["kind"],
                                        title=d["title"], note=d["note"],
                                        design={k: d[k] for k in DESIGN if k in d})  # fmt: skip
        return Response(EvaluationSerializer(ev).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DrawSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        ev = self.get_object()
        ser = DrawSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        ev = services.sample_draw(actor=request.user, evaluation=ev, seed=ser.validated_data.get("seed"))
        return Response(EvaluationSerializer(ev).data)

    @extend_schema(request=None, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        ev = services.evaluation_close(actor=request.user, evaluation=self.get_object())
        return Response(EvaluationSerializer(ev).data)


class SampledVillageSerializer(serializers.ModelSerializer):
    village_name = serializers.CharField(source="village.name", read_only=True)
    stratum = serializers.CharField(read_only=True)

    class Meta:
        model = SampledVillage
        fields = ["id", "evaluation", "village", "village_name", "township", "area_path", "stratum",
                  "stratum_size", "seq", "is_active", "replaces", "replace_reason"]  # fmt: skip
        read_only_fields = fields


class SampledHouseholdSerializer(serializers.ModelSerializer):
    household_no = serializers.CharField(source="household.household_no", read_only=True)
    head_name = serializers.CharField(source="household.head_name", read_only=True)
    head_id_number = serializers.SerializerMethodField()
    group = serializers.CharField(read_only=True)
    surveyed = serializers.SerializerMethodField()

    class Meta:
        model = SampledHousehold
        fields = ["id", "evaluation", "sampled_village", "household", "household_no", "head_name",
                  "head_id_number", "area_path", "group", "poverty_status", "year_exited", "size", "seq",
                  "is_active", "replaces", "replace_reason", "surveyed"]  # fmt: skip
        read_only_fields = fields

    def get_head_id_number(self, obj) -> str:
        """The head's ID number, always masked (blank unless the user may read the register there)."""
        return self.context.get("head_ids", {}).get(obj.household_id, "")

    def get_surveyed(self, obj) -> bool:
        return hasattr(obj, "survey")


class _SampleViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     viewsets.GenericViewSet):  # fmt: skip
    service = None

    def filter_scoped(self, qs):
        p = self.request.query_params
        if p.get("evaluation", "").isdigit():
            qs = qs.filter(evaluation_id=int(p["evaluation"]))
        if p.get("active") in ("0", "1"):
            qs = qs.filter(is_active=p["active"] == "1")
        return qs.order_by("evaluation_id", "area_path", "seq")

    def _replace(self, request):
        item = self.get_object()
        ser = ReplaceSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        new = type(self).service(actor=request.user, sampled=item, reason=ser.validated_data["reason"])
        return Response(
            self.get_serializer(self.get_queryset().get(pk=new.pk)).data, status=status.HTTP_201_CREATED
        )


class SampledVillageViewSet(_SampleViewSet):
    """Sampled villages (``?evaluation=&active=``); POST ``{id}/replace/`` swaps one (临时换村)."""

    scoped_model = SampledVillage
    serializer_class = SampledVillageSerializer
    service = staticmethod(services.village_replace)

    def filter_scoped(self, qs):
        return super().filter_scoped(qs).select_related("village")

    @extend_schema(request=ReplaceSerializer, responses={201: SampledVillageSerializer})
    @action(detail=True, methods=["post"])
    def replace(self, request, pk=None):
        return self._replace(request)


class SampledHouseholdViewSet(_SampleViewSet):
    """Sampled households (ID numbers masked); POST ``{id}/replace/`` swaps one (换户)."""

    scoped_model = SampledHousehold
    serializer_class = SampledHouseholdSerializer
    service = staticmethod(services.household_replace)

    def filter_scoped(self, qs):
        return super().filter_scoped(qs).select_related("household", "survey")

    def get_serializer(self, *args, **kwargs):
        if args:
            items = args[0] if kwargs.get("many") else [args[0]]
            kwargs["context"] = {**self.get_serializer_context(),
                                 "head_ids": selectors.head_ids(self.request.user, [h.household_id for h in items])}  # fmt: skip
        return super().get_serializer(*args, **kwargs)

    @extend_schema(request=ReplaceSerializer, responses={201: SampledHouseholdSerializer})
    @action(detail=True, methods=["post"])
    def replace(self, request, pk=None):
        return self._replace(request)


class SurveySerializer(serializers.ModelSerializer):
    sample = serializers.IntegerField(source="sample_id", label=_("抽样农户"))

    class Meta:
        model = Survey
        fields = ["id", "sample", "surveyed_on", "surveyor", "persons", "income_stable", "needs_met",
                  "wrongly_exited", "meets_criteria", "missed", "finding_reason", "fair_identification",
                  "measures", "exit_recognised", "cadres", "approves", "note"]  # fmt: skip
        read_only_fields = ["id", "wrongly_exited", "missed"]
        extra_kwargs = {"surveyor": {"allow_blank": True}, "finding_reason": {"allow_blank": True},
                        "note": {"allow_blank": True}}  # fmt: skip


class SurveyViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    mixins.CreateModelMixin, viewsets.GenericViewSet):  # fmt: skip
    """Surveys of sampled households (``?evaluation=``). POST submits (or corrects) one household's survey;
    错退 and 漏评 are derived from the answers."""

    scoped_model = Survey
    serializer_class = SurveySerializer

    def filter_scoped(self, qs):
        p = self.request.query_params
        if p.get("evaluation", "").isdigit():
            qs = qs.filter(sample__evaluation_id=int(p["evaluation"]))
        return qs.order_by("area_path", "id")

    def create(self, request, *args, **kwargs):
        ser = SurveySerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        sampled = get_object_or_404(
            SampledHousehold.objects.for_user(request.user, "view"), pk=d.pop("sample_id")
        )
        survey = services.survey_submit(actor=request.user, sampled=sampled, data=d)
        return Response(SurveySerializer(survey).data, status=status.HTTP_201_CREATED)


# (prefix under /api/v1/, viewset, basename)
ROUTES: list = [
    ("evaluation/evaluations", EvaluationViewSet, "evaluation"),
    ("evaluation/villages", SampledVillageViewSet, "evaluation-village"),
    ("evaluation/households", SampledHouseholdViewSet, "evaluation-household"),
    ("evaluation/surveys", SurveyViewSet, "evaluation-survey"),
]
