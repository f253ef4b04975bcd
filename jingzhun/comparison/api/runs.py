"""Runs (start one: a background job), relatives (add, remove with a reason) and department alerts."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jingzhun.core.api import ScopedViewSetMixin
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.masking import mask_id_number
from jingzhun.register.models import Household

from .. import selectors
from ..models import AlertProposal, ComparisonRun, Relative
from ..services import run_start
from ..services_relatives import relative_add, relative_remove
from .common import body, job_url, need

# --- runs ------------------------------------------------------------------------------------------


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


class RunStartedSerializer(RunSerializer):
    """A run just queued, with its background job (progress at ``status_url``)."""

    job = serializers.UUIDField(source="job_id", read_only=True, label=_l("后台任务"))
    status_url = serializers.SerializerMethodField(label=_l("进度查询地址"))

    class Meta(RunSerializer.Meta):
        fields = [*RunSerializer.Meta.fields, "job", "status_url"]

    def get_status_url(self, obj) -> str | None:
        return job_url(obj.job_id)


class RunStartInput(serializers.Serializer):
    full = serializers.BooleanField(
        label=_l("全量重新比对"),
        required=False,
        default=False,
        help_text=_l("默认只比对新入库的批次"),
    )


class RunViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Comparison runs covering the user's area; ``stats`` gives its suspects by township and village.

    POST starts a run over the user's area (needs ``comparison.run`` there): 201 with the queued job."""

    scoped_model = ComparisonRun
    serializer_class = RunSerializer

    def get_queryset(self):
        return selectors.runs_visible(self.request.user)

    @extend_schema(request=RunStartInput, responses={201: RunStartedSerializer})
    def create(self, request, *args, **kwargs):
        """Queue a matching run over the loaded batches of the user's area (new ones unless ``full``)."""
        area = request.user.area
        if area is None:
            raise AccessDenied()
        v = body(RunStartInput, request)
        run = run_start(actor=request.user, area=area, full=v["full"])
        return Response(RunStartedSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def stats(self, request, pk=None):
        return Response(selectors.run_stats(request.user, self.get_object()))


# --- relatives -------------------------------------------------------------------------------------


class RelativeSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField()
    household_no = serializers.CharField(source="household.household_no", read_only=True)

    class Meta:
        model = Relative
        fields = [
            "id",
            "household",
            "household_no",
            "kind",
            "name",
            "id_number",
            "birth_date",
            "note",
            "active",
        ]

    def get_id_number(self, obj) -> str:
        return mask_id_number(obj.id_number)


class RelativeInput(serializers.Serializer):
    household = serializers.IntegerField(label=_l("农户ID"), required=False, allow_null=True, default=None)
    household_no = serializers.CharField(
        label=_l("户编号"),
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text=_l("填写农户ID或户编号之一"),
    )
    kind = serializers.CharField(
        label=_l("关系类别"),
        required=False,
        allow_blank=True,
        default="",
        help_text=_l("child_apart 分户子女 / child_spouse 分户子女的配偶 / supporter 法定赡养人"),
    )
    name = serializers.CharField(
        label=_l("姓名"), max_length=50, required=False, allow_blank=True, default=""
    )
    id_number = serializers.CharField(
        label=_l("身份证号"), max_length=30, required=False, allow_blank=True, default=""
    )
    birth_date = serializers.CharField(
        label=_l("出生日期（无身份证号时必填）"), max_length=30, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(
        label=_l("备注（工作地、单位等）"), max_length=200, required=False, allow_blank=True, default=""
    )


class RelativeRemoveInput(serializers.Serializer):
    reason = serializers.CharField(
        label=_l("移除原因"), max_length=500, required=False, allow_blank=True, default=""
    )


class RelativeViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """关联人员 (分户子女, 其配偶, 法定赡养人) of households in the user's area, ID numbers masked.

    POST adds one to a household in scope (``comparison.relatives``); ``remove`` stops one counting."""

    scoped_model = Relative
    serializer_class = RelativeSerializer

    def get_queryset(self):
        return selectors.relatives_visible(self.request.user)

    def _household(self, v: dict) -> Household:
        visible = Household.objects.for_user(self.request.user).select_related("area")
        if v.get("household"):
            household, field = visible.filter(pk=v["household"]).first(), "household"
        elif v.get("household_no", "").strip():
            household, field = visible.filter(household_no=v["household_no"].strip()).first(), "household_no"
        else:
            raise DomainError(_("请填写农户ID或户编号。"), field="household_no")
        if household is None:
            message = (
                _("农户不存在或不在您的范围内。")
                if field == "household"
                else _("户编号不存在或不在您的范围内。")
            )
            raise DomainError(message, field=field)
        return household

    @extend_schema(request=RelativeInput, responses={201: RelativeSerializer})
    def create(self, request, *args, **kwargs):
        """Register a relative of a household (ID number, or at least name and birth date)."""
        need(request.user, "comparison.relatives")
        v = body(RelativeInput, request)
        relative = relative_add(actor=request.user, household=self._household(v), data=v)
        return Response(RelativeSerializer(relative).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RelativeRemoveInput, responses=RelativeSerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        """Stop a relative counting in comparison (never deleted); the reason is audited."""
        relative = self.get_object()
        need(request.user, "comparison.relatives")
        v = body(RelativeRemoveInput, request)
        relative = relative_remove(actor=request.user, relative=relative, reason=v["reason"])
        return Response(RelativeSerializer(relative).data)


# --- alerts ----------------------------------------------------------------------------------------


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
