"""Suspects API (疑点户): scoped list and detail; verification visit, decision and county sign-off.

Each action calls the service the suspect page calls. A suspect outside the user's area is a 404; one
the user may see but not act on (a township officer deciding, a village officer signing off) is a 403.
Evidence files (现场材料, 佐证材料) come as multipart field ``file``.
"""

from __future__ import annotations

from pathlib import PurePath

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jingzhun.core.api import ScopedViewSetMixin
from jingzhun.core.errors import AccessDenied
from jingzhun.core.scoping import user_can

from .. import selectors
from ..forms import _evidence_file
from ..models import Suspect, SuspectVisit
from ..services import suspect_decide, suspect_signoff, suspect_visit_record
from .common import PARSERS, body


def _file_name(f) -> str | None:
    return PurePath(f.name).name if f else None


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


class SuspectVisitSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.__str__", read_only=True)
    file_name = serializers.SerializerMethodField()

    class Meta:
        model = SuspectVisit
        fields = ["id", "visited_on", "visitors", "findings", "confirmed", "file_name", "recorded_by"]

    def get_file_name(self, obj) -> str | None:
        return _file_name(obj.file)


class SuspectDetailSerializer(SuspectSerializer):
    """A suspect with its verification visits, the decision's evidence file and the county's comment."""

    visits = SuspectVisitSerializer(many=True, read_only=True)
    decision_file_name = serializers.SerializerMethodField()

    class Meta(SuspectSerializer.Meta):
        fields = [*SuspectSerializer.Meta.fields, "decision_file_name", "signoff_comment", "visits"]

    def get_decision_file_name(self, obj) -> str | None:
        return _file_name(obj.decision_file)


class SuspectVisitInput(serializers.Serializer):
    visited_on = serializers.DateField(
        label=_("核实日期"),
        error_messages={"required": _("请填写核实日期。"), "invalid": _("核实日期格式应如 2024-01-31。")},
    )
    visitors = serializers.CharField(
        label=_("核实人员"), max_length=200, required=False, allow_blank=True, default=""
    )
    findings = serializers.CharField(
        label=_("核实情况"), max_length=2000, required=False, allow_blank=True, default=""
    )
    confirmed = serializers.BooleanField(
        label=_("比对信息属实"),
        required=False,
        default=True,
        help_text=_("multipart 时请明确填写 true/false"),
    )
    file = serializers.FileField(label=_("现场材料（照片、签字表等，可选）"), required=False)

    def validate_file(self, value):
        return _evidence_file(value)


class SuspectDecisionInput(serializers.Serializer):
    decision = serializers.CharField(
        label=_("处理决定"),
        required=False,
        allow_blank=True,
        default="",
        help_text=_("remove 剔除 / keep 保留 / reappraise 重新评议"),
    )
    reason = serializers.CharField(
        label=_("处理理由"), max_length=2000, required=False, allow_blank=True, default=""
    )
    file = serializers.FileField(label=_("佐证材料（决定保留时必须上传）"), required=False)
    fact_disproved = serializers.BooleanField(
        label=_("比对信息不实（非本人或数据错误）"), required=False, default=False
    )

    def validate_file(self, value):
        return _evidence_file(value)


class SuspectSignoffInput(serializers.Serializer):
    approve = serializers.BooleanField(
        label=_("县级意见"),
        help_text=_("true 确认；false 退回村级重新处理（须填写意见说明）"),
        error_messages={"required": _("请选择确认或退回。"), "invalid": _("县级意见应为 true 或 false。")},
    )
    comment = serializers.CharField(
        label=_("意见说明"), max_length=1000, required=False, allow_blank=True, default=""
    )


class SuspectViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """疑点户 in the user's area; filters: status (or ``open``), fact, run, strength, q.

    ``visit`` records the verification visit, ``decide`` the village's decision (剔除 and 重新评议 start
    their procedures), ``signoff`` the county's confirmation or return."""

    scoped_model = Suspect
    parser_classes = PARSERS

    def get_serializer_class(self):
        return SuspectSerializer if self.action == "list" else SuspectDetailSerializer

    def get_queryset(self):
        if self.action == "list":
            return selectors.suspect_search(self.request.user, self.request.query_params.dict())
        return selectors.suspect_search(self.request.user, {}).prefetch_related("visits__recorded_by")

    def _acting(self, capability: str) -> Suspect:
        """The suspect of the URL (404 outside the user's area), 403 before any input is read when the
        user holds ``capability`` nowhere in its area; the service checks again."""
        suspect = self.get_object()
        if not user_can(self.request.user, capability, suspect.household.area):
            raise AccessDenied()
        return suspect

    def _data(self, suspect, code=status.HTTP_200_OK) -> Response:
        suspect = self.get_queryset().get(pk=suspect.pk)
        return Response(
            SuspectDetailSerializer(suspect, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(request=SuspectVisitInput, responses={201: SuspectDetailSerializer})
    @action(detail=True, methods=["post"])
    def visit(self, request, pk=None):
        """Record the verification visit (入户核实); the suspect then awaits the village's decision."""
        suspect = self._acting("comparison.decide")
        v = body(SuspectVisitInput, request)
        suspect_visit_record(
            actor=request.user,
            suspect=suspect,
            visited_on=v["visited_on"],
            visitors=v["visitors"],
            findings=v["findings"],
            confirmed=v["confirmed"],
            file=v.get("file"),
        )
        return self._data(suspect, status.HTTP_201_CREATED)

    @extend_schema(request=SuspectDecisionInput, responses=SuspectDetailSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """剔除 / 保留 (with an evidence file) / 重新评议, with a reason; needs a visit first."""
        suspect = self._acting("comparison.decide")
        v = body(SuspectDecisionInput, request)
        suspect_decide(
            actor=request.user,
            suspect=suspect,
            decision=v["decision"],
            reason=v["reason"],
            file=v.get("file"),
            fact_disproved=v["fact_disproved"],
        )
        return self._data(suspect)

    @extend_schema(request=SuspectSignoffInput, responses=SuspectDetailSerializer)
    @action(detail=True, methods=["post"])
    def signoff(self, request, pk=None):
        """County sign-off of a decided suspect; ``approve: false`` sends it back with a comment."""
        suspect = self._acting("comparison.signoff")
        v = body(SuspectSignoffInput, request)
        suspect_signoff(actor=request.user, suspect=suspect, approve=v["approve"], comment=v["comment"])
        return self._data(suspect)
