"""REST API of the comparison app. ``ROUTES`` is collected by config/api_urls.py.

Read-only and scoped like the pages: suspects in the user's area (evidence with masked IDs), batches
the user uploaded or manages (never their rows), runs with statistics by area, types, relatives, alerts.
"""

from __future__ import annotations

from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from jingzhun.core.api import ScopedViewSetMixin
from jingzhun.core.masking import mask_id_number

from . import selectors
from .models import AlertProposal, ComparisonRun, DatasetBatch, DatasetType, Relative, Suspect


class SuspectSerializer(serializers.ModelSerializer):
    household_no = serializers.CharField(source="household.household_no", read_only=True)
    head_name = serializers.CharField(source="household.head_name", read_only=True)
    dataset_type = serializers.CharField(source="dataset_type.code", read_only=True)
    dataset_name = serializers.CharField(source="dataset_type.name", read_only=True)
    as_of = serializers.DateField(source="batch.as_of", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Suspect
        fields = [
            "id",
            "household",
            "household_no",
            "head_name",
            "fact",
            "dataset_type",
            "dataset_name",
            "batch",
            "as_of",
            "run",
            "strength",
            "persons",
            "evidence",
            "status",
            "status_display",
            "due_date",
            "decision",
            "decision_reason",
            "fact_disproved",
            "procedure_id",
            "decided_at",
            "signed_off_at",
        ]


class SuspectViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """疑点户 in the user's area; filters: status (or ``open``), fact, run, strength, q."""

    scoped_model = Suspect
    serializer_class = SuspectSerializer

    def get_queryset(self):
        return selectors.suspect_search(self.request.user, self.request.query_params.dict())


class BatchSerializer(serializers.ModelSerializer):
    dataset_type = serializers.CharField(source="dataset_type.code", read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)

    class Meta:
        model = DatasetBatch
        fields = [
            "id",
            "dataset_type",
            "department",
            "as_of",
            "file_name",
            "status",
            "rows",
            "bad_rows",
            "weak_rows",
            "uploaded_by",
            "created_at",
            "loaded_at",
            "matched_at",
        ]


class BatchViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Department batches: the user's own uploads, or all of its area with ``comparison.run``."""

    scoped_model = DatasetBatch
    serializer_class = BatchSerializer

    def get_queryset(self):
        return selectors.batches_visible(self.request.user)


class RunSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)

    class Meta:
        model = ComparisonRun
        fields = [
            "id",
            "area",
            "area_name",
            "full",
            "status",
            "persons",
            "rows",
            "hits",
            "suspects_new",
            "suspects_withdrawn",
            "alerts",
            "seconds",
            "created_at",
            "finished_at",
        ]


class RunViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Comparison runs covering the user's area; ``stats`` gives its suspects by township and village."""

    scoped_model = ComparisonRun
    serializer_class = RunSerializer

    def get_queryset(self):
        return selectors.runs_visible(self.request.user)

    @action(detail=True, methods=["get"])
    def stats(self, request, pk=None):
        return Response(selectors.run_stats(request.user, self.get_object()))


class DatasetTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = DatasetType
        fields = [
            "id",
            "code",
            "name",
            "department",
            "fact",
            "fields",
            "cover_relatives",
            "raises_suspect",
            "alert_risk",
            "active",
        ]


class DatasetTypeViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Data set types (reference data), for users who upload or manage comparison data."""

    scoped_model = DatasetType
    serializer_class = DatasetTypeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return DatasetType.objects.none()
        user = self.request.user
        if not (selectors.can(user, "comparison.upload") or selectors.can(user, "comparison.run")):
            raise PermissionDenied()
        return DatasetType.objects.all()


class RelativeSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField()
    household_no = serializers.CharField(source="household.household_no", read_only=True)

    class Meta:
        model = Relative
        fields = ["id", "household", "household_no", "kind", "name", "id_number", "note"]

    def get_id_number(self, obj) -> str:
        return mask_id_number(obj.id_number)


class RelativeViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    scoped_model = Relative
    serializer_class = RelativeSerializer

    def get_queryset(self):
        return selectors.relatives_visible(self.request.user)


class AlertSerializer(serializers.ModelSerializer):
    household_no = serializers.CharField(source="household.household_no", read_only=True)

    class Meta:
        model = AlertProposal
        fields = [
            "id",
            "household",
            "household_no",
            "batch",
            "risk_types",
            "detail",
            "status",
            "case_id",
            "created_at",
        ]


class AlertViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    scoped_model = AlertProposal
    serializer_class = AlertSerializer

    def get_queryset(self):
        return selectors.alerts_visible(self.request.user)


# (prefix under /api/v1/, viewset, basename)
ROUTES: list = [
    ("comparison/suspects", SuspectViewSet, "comparison-suspect"),
    ("comparison/batches", BatchViewSet, "comparison-batch"),
    ("comparison/runs", RunViewSet, "comparison-run"),
    ("comparison/types", DatasetTypeViewSet, "comparison-type"),
    ("comparison/relatives", RelativeViewSet, "comparison-relative"),
    ("comparison/alerts", AlertViewSet, "comparison-alert"),
]
