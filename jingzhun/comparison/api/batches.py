"""Department data API: data set types (read), batches — upload, column mapping, dry run, load, bad rows.

The dry run and the load are the background jobs the batch page queues; the API answers 202 with the job,
whose progress and result are at /api/v1/jobs/<id>/. A batch is visible to its uploader and to holders of
``comparison.run`` at its area; its usable rows are never served, its bad rows only to those users.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from jingzhun.core.api import ScopedViewSetMixin
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.selectors import jobs_visible_to
from jingzhun.core.services import job_enqueue

from .. import selectors
from ..choices import BatchStatus
from ..forms import _table_file
from ..loading import type_fields
from ..models import DatasetBadRow, DatasetBatch, DatasetType
from ..services_batches import batch_map, batch_upload, can_manage
from ..tasks import CHECK_KIND, LOAD_KIND, batch_check_task, batch_load_task
from ..views_batches import save_upload
from .common import PARSERS, QueuedJobSerializer, body, need, queued

CHECKABLE = (BatchStatus.MAPPED, BatchStatus.CHECKED, BatchStatus.FAILED, BatchStatus.CHECKING)


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


class TargetFieldSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())


class BatchDetailSerializer(BatchSerializer):
    """A batch with the file's headers, the (proposed or confirmed) mapping and the fields to map."""

    fields_to_map = serializers.SerializerMethodField()

    class Meta(BatchSerializer.Meta):
        fields = [*BatchSerializer.Meta.fields, "headers", "mapping", "fields_to_map"]

    @extend_schema_field(TargetFieldSerializer(many=True))
    def get_fields_to_map(self, obj) -> list[dict]:
        return type_fields(obj.dataset_type)


class BadRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = DatasetBadRow
        fields = ["row_no", "values", "reasons"]


class BatchUploadInput(serializers.Serializer):
    dataset_type = serializers.SlugRelatedField(
        label=_l("数据集类型"),
        slug_field="code",
        queryset=DatasetType.objects.filter(active=True),
        help_text=_l("数据集类型代码，如 vehicle"),
        error_messages={
            "required": _l("请选择数据集类型。"),
            "does_not_exist": _l("数据集类型不存在或已停用。"),
        },
    )
    department = serializers.CharField(
        label=_l("提供部门"), max_length=50, required=False, allow_blank=True, default=""
    )
    as_of = serializers.DateField(
        label=_l("数据截止日期"),
        error_messages={
            "required": _l("请填写数据截止日期。"),
            "invalid": _l("数据截止日期格式应如 2024-01-31。"),
        },
    )
    file = serializers.FileField(
        label=_l("数据文件（xlsx 或 csv）"), error_messages={"required": _l("请上传数据文件。")}
    )

    def validate_file(self, value):
        return _table_file(value)


class BatchMappingInput(serializers.Serializer):
    mapping = serializers.DictField(
        label=_l("字段对应"),
        child=serializers.CharField(allow_blank=True),
        help_text=_l('字段代码 → 文件中的列名，如 {"id_number": "证件号码", "name": "姓名"}'),
        error_messages={"required": _l("请填写字段对应。")},
    )


class BatchViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Department batches: the user's own uploads, or all of its area with ``comparison.run``.

    POST (multipart) uploads a file; ``map`` confirms the columns; ``check`` queues the dry run and
    ``load`` the all-or-nothing load (202 with the job); ``bad-rows`` lists the rows kept aside."""

    scoped_model = DatasetBatch
    parser_classes = PARSERS

    def get_serializer_class(self):
        if self.action == "bad_rows":
            return BadRowSerializer
        return BatchSerializer if self.action == "list" else BatchDetailSerializer

    def get_queryset(self):
        return selectors.batches_visible(self.request.user)

    def _acting(self) -> DatasetBatch:
        """The batch of the URL; only its uploader or a manager of its area may act on it."""
        batch = self.get_object()
        user = self.request.user
        if batch.uploaded_by_id != user.pk and not can_manage(user, batch.area):
            raise AccessDenied()
        return batch

    def _idle(self, batch: DatasetBatch) -> None:
        jobs = jobs_visible_to(self.request.user).filter(
            kind__in=[CHECK_KIND, LOAD_KIND], params__batch_id=batch.pk
        )
        if any(not job.is_finished for job in jobs):
            raise DomainError(_("该批次的校验或入库任务正在进行，请等待其完成。"), field="status")

    @extend_schema(request={"multipart/form-data": BatchUploadInput}, responses={201: BatchDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Upload a department file (multipart): its headers are read and a column mapping proposed."""
        need(request.user, "comparison.upload", "comparison.run")
        v = body(BatchUploadInput, request)
        upload = v["file"]
        path = save_upload(upload, "comparison")
        try:
            batch = batch_upload(
                actor=request.user,
                dataset_type=v["dataset_type"],
                department=v["department"],
                as_of=v["as_of"],
                path=str(path),
                file_name=upload.name,
            )
        except Exception:
            path.unlink(missing_ok=True)
            raise
        return Response(BatchDetailSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BatchMappingInput, responses=BatchDetailSerializer)
    @action(detail=True, methods=["post"])
    def map(self, request, pk=None):
        """Confirm the column mapping (remembered for the type's next upload); then ``check``."""
        batch = self._acting()
        v = body(BatchMappingInput, request)
        batch = batch_map(actor=request.user, batch=batch, mapping=v["mapping"])
        return Response(BatchDetailSerializer(batch).data)

    @extend_schema(request=None, responses={202: QueuedJobSerializer})
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        """Queue the dry run: every row is read and counted, nothing is written but the batch's status."""
        batch = self._acting()
        if batch.status not in CHECKABLE:
            raise DomainError(_("请先确认字段对应。"), field="mapping")
        self._idle(batch)
        job = job_enqueue(
            actor=request.user,
            kind=CHECK_KIND,
            title=_("校验比对数据：%(file)s") % {"file": batch.file_name[:80]},
            task=batch_check_task,
            area=batch.area,
            params={"batch_id": batch.pk},
        )
        return queued(job)

    @extend_schema(request=None, responses={202: QueuedJobSerializer})
    @action(detail=True, methods=["post"])
    def load(self, request, pk=None):
        """Queue the load of a checked batch: usable rows and rows kept aside, all or nothing."""
        batch = self._acting()
        if batch.status != BatchStatus.CHECKED:
            raise DomainError(_("只能入库校验通过的批次。"), field="status")
        self._idle(batch)
        job = job_enqueue(
            actor=request.user,
            kind=LOAD_KIND,
            title=_("比对数据入库：%(file)s") % {"file": batch.file_name[:80]},
            task=batch_load_task,
            area=batch.area,
            params={"batch_id": batch.pk},
        )
        return queued(job)

    @extend_schema(request=None, responses=BadRowSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="bad-rows")
    def bad_rows(self, request, pk=None):
        """The loaded batch's rows kept aside, with their original values and the reasons (paginated)."""
        batch = self.get_object()
        page = self.paginate_queryset(DatasetBadRow.objects.filter(batch=batch).order_by("row_no"))
        return self.get_paginated_response(BadRowSerializer(page, many=True).data)


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
