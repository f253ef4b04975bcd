"""Procedures API: templates (read; revise for a county), procedures (list/detail with records; start,
complete, send back, reject, cancel, override) and batches (create; complete a batch step).

Every list comes from ``for_user``; every action goes through the services, which decide who may act
(DomainError → 400 with a field map, AccessDenied → 403, both in Chinese; see core.api.exception_handler).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from jingzhun.core.api import ScopedViewSetMixin
from jingzhun.core.errors import DomainError
from jingzhun.core.scoping import user_paths

from . import selectors, services
from .models import Procedure, ProcedureBatch, ProcedureTemplate, StepRecord, StepTemplate
from .templates_admin import template_revise


def _need_view(request) -> None:
    if user_paths(request.user, "workflows.view") == []:
        raise PermissionDenied(_("您没有查看办理程序的权限。"))


class StepTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = StepTemplate
        fields = [
            "order",
            "code",
            "name",
            "level",
            "capability",
            "action",
            "notice_kind",
            "period_days",
            "is_batch",
            "send_back_to",
            "config",
        ]


class TemplateSerializer(serializers.ModelSerializer):
    steps = StepTemplateSerializer(many=True, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ProcedureTemplate
        fields = ["id", "kind", "kind_display", "name", "area_key", "version", "is_current", "steps"]


class TemplateReviseSerializer(serializers.Serializer):
    county = serializers.CharField(label=_l("县（区）代码"))
    name = serializers.CharField(label=_l("模板名称"), required=False, allow_blank=True, default="")
    steps = serializers.ListField(label=_l("环节"), child=serializers.DictField(), allow_empty=True)


class TemplateViewSet(viewsets.ReadOnlyModelViewSet):
    """Procedure templates: national defaults and the counties' versions in the user's area.

    Filters: ``kind``, ``current=1``."""

    access = "scoped"
    serializer_class = TemplateSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ProcedureTemplate.objects.none()
        _need_view(self.request)
        qs = selectors.templates_visible(self.request.user).prefetch_related("steps")
        p = self.request.query_params
        if p.get("kind"):
            qs = qs.filter(kind=p["kind"])
        if p.get("current") in ("1", "true"):
            qs = qs.filter(is_current=True)
        return qs.order_by("kind", "area_key", "-version")

    @extend_schema(request=TemplateReviseSerializer, responses={201: TemplateSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        """A new version of this template's kind for a county (needs workflows.templates there)."""
        base = self.get_object()
        if user_paths(request.user, "workflows.templates") == []:
            raise PermissionDenied(_("您没有调整程序模板的权限。"))
        body = TemplateReviseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        county = selectors.area_by_code(request.user, body.validated_data["county"])
        if county is None:
            raise DomainError(_("区域不存在，或不在您的范围内。"), field="county")
        template = template_revise(
            actor=request.user,
            kind=base.kind,
            county_area=county,
            steps=body.validated_data["steps"],
            name=body.validated_data.get("name", ""),
        )
        return Response(TemplateSerializer(template).data, status=status.HTTP_201_CREATED)


class StepRecordSerializer(serializers.ModelSerializer):
    step_code = serializers.CharField(source="step.code", read_only=True)
    step_name = serializers.CharField(source="step.name", read_only=True)
    actor_name = serializers.CharField(source="actor.__str__", read_only=True)
    result_display = serializers.CharField(source="get_result_display", read_only=True)

    class Meta:
        model = StepRecord
        fields = [
            "id",
            "step_code",
            "step_name",
            "result",
            "result_display",
            "comment",
            "data",
            "actor",
            "actor_name",
            "acted_on",
            "batch_act",
            "created_at",
        ]


class ProcedureSerializer(serializers.ModelSerializer):
    household_no = serializers.CharField(source="household.household_no", read_only=True)
    head_name = serializers.CharField(source="household.head_name", read_only=True)
    area_code = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    current_step_code = serializers.CharField(source="current_step.code", default=None, read_only=True)
    current_step_name = serializers.CharField(source="current_step.name", default=None, read_only=True)
    template_version = serializers.IntegerField(source="template.version", read_only=True)

    class Meta:
        model = Procedure
        fields = [
            "id",
            "kind",
            "kind_display",
            "household",
            "household_no",
            "head_name",
            "area_code",
            "area_name",
            "year",
            "status",
            "status_display",
            "current_step_code",
            "current_step_name",
            "step_since",
            "template",
            "template_version",
            "batch",
            "outcome_reason",
            "created_at",
            "completed_at",
        ]


class ProcedureDetailSerializer(ProcedureSerializer):
    records = StepRecordSerializer(many=True, read_only=True)

    class Meta(ProcedureSerializer.Meta):
        fields = [*ProcedureSerializer.Meta.fields, "data", "records"]


class ProcedureStartSerializer(serializers.Serializer):
    kind = serializers.CharField(label=_l("程序类型"))
    household = serializers.IntegerField(label=_l("农户ID"))
    year = serializers.IntegerField(label=_l("年度"), required=False, allow_null=True, default=None)
    batch = serializers.IntegerField(label=_l("办理名单"), required=False, allow_null=True, default=None)
    data = serializers.JSONField(label=_l("办理数据"), required=False, default=dict)


class StepCompleteSerializer(serializers.Serializer):
    step = serializers.CharField(label=_l("环节代码"), required=False, allow_blank=True, default="")
    data = serializers.JSONField(label=_l("环节数据"), required=False, default=dict)
    meeting = serializers.JSONField(label=_l("评议会议"), required=False, default=None, allow_null=True)
    comment = serializers.CharField(label=_l("意见"), required=False, allow_blank=True, default="")
    acted_on = serializers.CharField(label=_l("办理日期"), required=False, allow_blank=True, default="")


class ProcedureSendBackSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_l("退回理由"), required=False, allow_blank=True, default="")
    to_step = serializers.CharField(label=_l("退回到"), required=False, allow_blank=True, default="")


class ProcedureReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_l("理由"), required=False, allow_blank=True, default="")


class ProcedureOverrideSerializer(serializers.Serializer):
    codes = serializers.ListField(
        label=_l("规则"), child=serializers.CharField(), required=False, default=list
    )
    reason = serializers.CharField(label=_l("批准理由"), required=False, allow_blank=True, default="")


def _body(serializer_class, request) -> dict:
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return body.validated_data


class ProcedureViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Procedures in the user's area. Filters: ``kind``, ``step``, ``status``, ``area`` (code), ``year``,
    ``q`` (head name / 户编号), ``overdue=1``."""

    scoped_model = Procedure

    def check_permissions(self, request):
        super().check_permissions(request)
        _need_view(request)

    def get_serializer_class(self):
        return ProcedureDetailSerializer if self.action != "list" else ProcedureSerializer

    def get_queryset(self):
        if self.action == "list":
            qs, _counts = selectors.filter_procedures(self.request.user, self.request.query_params)
            return qs.select_related("template")
        return (
            super()
            .get_queryset()
            .select_related("household", "area", "current_step", "template")
            .prefetch_related("records__step", "records__actor")
        )

    def _data(self, procedure):
        procedure = self.get_queryset().get(pk=procedure.pk)
        return ProcedureDetailSerializer(procedure, context=self.get_serializer_context()).data

    @extend_schema(request=ProcedureStartSerializer, responses={201: ProcedureDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Start a procedure for a household (needs the first step's capability at its area)."""
        from jingzhun.register.models import Household

        v = _body(ProcedureStartSerializer, request)
        household = (
            Household.objects.for_user(request.user, "view")
            .select_related("area")
            .filter(pk=v["household"])
            .first()
        )
        if household is None:
            raise DomainError(_("农户不存在，或不在您的范围内。"), field="household")
        batch = None
        if v.get("batch"):
            batch = selectors.batches_for(request.user).filter(pk=v["batch"]).first()
            if batch is None:
                raise DomainError(_("办理名单不存在，或不在您的范围内。"), field="batch")
        procedure = services.procedure_start(
            actor=request.user,
            kind=v["kind"],
            household=household,
            year=v.get("year"),
            data=v.get("data") if isinstance(v.get("data"), dict) else None,
            batch=batch,
        )
        return Response(self._data(procedure), status=status.HTTP_201_CREATED)

    @extend_schema(request=StepCompleteSerializer, responses=ProcedureDetailSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Pass the current step (``step`` guards against acting on a step that moved on)."""
        procedure = self.get_object()
        v = _body(StepCompleteSerializer, request)
        services.step_complete(
            actor=request.user,
            procedure=procedure,
            data=v.get("data") if isinstance(v.get("data"), dict) else {},
            comment=v.get("comment", ""),
            acted_on=v.get("acted_on") or None,
            meeting=v.get("meeting") if isinstance(v.get("meeting"), dict) else None,
            step_code=v.get("step") or None,
        )
        return Response(self._data(procedure))

    @extend_schema(request=ProcedureSendBackSerializer, responses=ProcedureDetailSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        """Send back to an earlier step with a reason."""
        procedure = self.get_object()
        v = _body(ProcedureSendBackSerializer, request)
        services.send_back(
            actor=request.user, procedure=procedure, reason=v["reason"], to_step=v.get("to_step") or None
        )
        return Response(self._data(procedure))

    @extend_schema(request=ProcedureReasonSerializer, responses=ProcedureDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """End as not passed, with a reason."""
        procedure = self.get_object()
        services.procedure_reject(
            actor=request.user,
            procedure=procedure,
            reason=_body(ProcedureReasonSerializer, request)["reason"],
        )
        return Response(self._data(procedure))

    @extend_schema(request=ProcedureReasonSerializer, responses=ProcedureDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Withdraw (whoever started it, or the village level), with a reason."""
        procedure = self.get_object()
        services.procedure_cancel(
            actor=request.user,
            procedure=procedure,
            reason=_body(ProcedureReasonSerializer, request)["reason"],
        )
        return Response(self._data(procedure))

    @extend_schema(request=ProcedureOverrideSerializer, responses=ProcedureDetailSerializer)
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        """County exception for rule hits (``codes``), with a reason."""
        procedure = self.get_object()
        v = _body(ProcedureOverrideSerializer, request)
        services.procedure_override(
            actor=request.user, procedure=procedure, codes=v["codes"], reason=v["reason"]
        )
        return Response(self._data(procedure))


class ProcedureBatchSerializer(serializers.ModelSerializer):
    area_code = serializers.CharField(source="area.code", read_only=True)
    procedures = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ProcedureBatch
        fields = ["id", "kind", "area_code", "year", "title", "created_at", "procedures"]


class ProcedureBatchCreateSerializer(serializers.Serializer):
    kind = serializers.CharField(label=_l("程序类型"))
    area = serializers.CharField(label=_l("区域代码"))
    year = serializers.IntegerField(label=_l("年度"), min_value=2000, max_value=2100)
    title = serializers.CharField(label=_l("名单名称"), required=False, allow_blank=True, default="")


class ProcedureBatchCompleteSerializer(serializers.Serializer):
    procedures = serializers.ListField(
        label=_l("农户程序"), child=serializers.IntegerField(), required=False, default=list
    )
    step = serializers.CharField(label=_l("环节代码"), required=False, allow_blank=True, default="")
    results = serializers.DictField(
        label=_l("逐户结果"), child=serializers.DictField(), required=False, default=dict
    )
    meeting = serializers.JSONField(label=_l("评议会议"), required=False, default=None, allow_null=True)
    acted_on = serializers.CharField(label=_l("办理日期"), required=False, allow_blank=True, default="")
    comment = serializers.CharField(label=_l("意见"), required=False, allow_blank=True, default="")


class BatchViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Named lists (a village's candidates of a year) and batch steps on them.

    ``batch-complete`` acts on ``procedures`` (ids; default: the list's procedures waiting at the same step)
    and answers per-household outcomes."""

    scoped_model = ProcedureBatch
    serializer_class = ProcedureBatchSerializer

    def check_permissions(self, request):
        super().check_permissions(request)
        _need_view(request)

    def filter_scoped(self, qs):
        p = self.request.query_params
        if p.get("kind"):
            qs = qs.filter(kind=p["kind"])
        if str(p.get("year") or "").isdigit():
            qs = qs.filter(year=int(p["year"]))
        return qs.select_related("area").prefetch_related("procedures").order_by("-created_at")

    @extend_schema(request=ProcedureBatchCreateSerializer, responses={201: ProcedureBatchSerializer})
    def create(self, request, *args, **kwargs):
        v = _body(ProcedureBatchCreateSerializer, request)
        area = selectors.area_by_code(request.user, v["area"])
        if area is None:
            raise DomainError(_("区域不存在，或不在您的范围内。"), field="area")
        batch = services.batch_create(
            actor=request.user, kind=v["kind"], area=area, year=v["year"], title=v["title"]
        )
        return Response(ProcedureBatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProcedureBatchCompleteSerializer, responses={200: dict})
    @action(detail=True, methods=["post"], url_path="batch-complete")
    def batch_complete(self, request, pk=None):
        batch = self.get_object()
        v = _body(ProcedureBatchCompleteSerializer, request)
        qs = selectors.procedures_for(request.user).filter(batch=batch, status="running")
        if v.get("step"):
            qs = qs.filter(current_step__code=v["step"])
        if v["procedures"]:
            qs = qs.filter(pk__in=v["procedures"])
            if qs.count() != len(set(v["procedures"])):
                raise DomainError(_("部分农户程序不在该名单中、已办结或不在您的范围内。"), field="procedures")
        outcomes = services.batch_complete(
            actor=request.user,
            procedures=list(qs.select_related("current_step", "household", "area")),
            results={str(k): val for k, val in v["results"].items()},
            meeting=v.get("meeting") if isinstance(v.get("meeting"), dict) else None,
            acted_on=v.get("acted_on") or None,
            comment=v.get("comment", ""),
            batch=batch,
        )
        return Response(
            {
                "outcomes": [
                    {
                        "procedure": o["procedure"].pk,
                        "household_no": o["procedure"].household.household_no,
                        "result": o["result"],
                        "message": o["message"],
                    }
                    for o in outcomes
                ]
            }
        )


ROUTES = [
    ("workflows/templates", TemplateViewSet, "workflow-template"),
    ("workflows/procedures", ProcedureViewSet, "workflow-procedure"),
    ("workflows/batches", BatchViewSet, "workflow-batch"),
]
