"""REST API of the reports app: generated reports (read), task lists and items, progress entries."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jingzhun.core.api import ScopedViewSetMixin

from . import selectors, services
from .models import TaskItem, TaskList, WorkReport


class WorkReportSerializer(serializers.ModelSerializer):
    figures = serializers.SerializerMethodField()

    class Meta:
        model = WorkReport
        fields = [
            "id",
            "title",
            "area",
            "area_path",
            "period",
            "start",
            "end",
            "year",
            "created_at",
            "figures",
        ]
        read_only_fields = fields

    def get_figures(self, obj) -> list:
        return obj.content.get("figures", [])


class WorkReportViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Generated work reports in the user's area, with the figures each quotes (code, filters, value)."""

    scoped_model = WorkReport
    serializer_class = WorkReportSerializer


class TaskItemSerializer(serializers.ModelSerializer):
    percent = serializers.DecimalField(max_digits=5, decimal_places=1, read_only=True)
    is_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = TaskItem
        fields = ["id", "task_list", "seq", "name", "target", "unit", "deadline", "responsible_unit", "department",
                  "completed", "completed_on", "percent", "is_late", "note"]  # fmt: skip
        read_only_fields = fields


class ProgressSerializer(serializers.Serializer):
    reported_on = serializers.DateField(label=_("填报日期"))
    completed = serializers.DecimalField(label=_("截至该日累计完成"), max_digits=14, decimal_places=2)
    note = serializers.CharField(
        label=_("进展说明"), required=False, allow_blank=True, default="", max_length=300
    )


class TaskListSerializer(serializers.ModelSerializer):
    items = TaskItemSerializer(many=True, read_only=True)

    class Meta:
        model = TaskList
        fields = ["id", "area", "area_path", "year", "title", "issuer", "note", "items"]
        read_only_fields = fields


class TaskListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Task lists (工作任务清单) with their items, % complete and late flags."""

    access = "scoped"
    serializer_class = TaskListSerializer

    def get_queryset(self):
        return selectors.task_lists_for(self.request.user).prefetch_related("items").order_by("-year", "id")


class TaskItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Task items; ``?late=1`` keeps the late ones. POST ``{id}/progress/`` records progress."""

    access = "scoped"
    serializer_class = TaskItemSerializer

    def get_queryset(self):
        qs = selectors.task_items_for(self.request.user).order_by("task_list_id", "seq")
        if self.request.query_params.get("late"):
            qs = qs.filter(selectors.late_q())
        return qs

    @extend_schema(request=ProgressSerializer, responses=TaskItemSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        item = get_object_or_404(self.get_queryset(), pk=pk)
        ser = ProgressSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.task_progress_add(actor=request.user, item=item, **ser.validated_data)
        item.refresh_from_db()
        return Response(TaskItemSerializer(item).data, status=status.HTTP_201_CREATED)


# (prefix under /api/v1/, viewset, basename)
ROUTES: list = [
    ("reports", WorkReportViewSet, "work-report"),
    ("task-lists", TaskListViewSet, "task-list"),
    ("task-items", TaskItemViewSet, "task-item"),
]
