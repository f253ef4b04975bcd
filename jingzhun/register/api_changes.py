"""Change-request API: list/retrieve in scope, submit, approve, reject, withdraw.

Errors are field maps with Chinese messages, named after the request's keys (``reason``, ``kind``,
``payload.member.id_number`` …); see ``changes.py`` for each kind's payload.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from jingzhun.core.api import ScopedViewSetMixin
from jingzhun.core.errors import DomainError
from jingzhun.core.scoping import user_paths

from .changes import change_approve, change_reject, change_submit, change_withdraw, payload_for
from .choices import ChangeKind
from .models import ChangeRequest, Household


class ChangeRequestSerializer(serializers.ModelSerializer):
    household_no = serializers.CharField(source="household.household_no", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    submitted_by_name = serializers.CharField(source="submitted_by.__str__", read_only=True)
    reviewed_by_name = serializers.CharField(source="reviewed_by.__str__", default=None, read_only=True)
    payload = serializers.SerializerMethodField()

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "kind",
            "kind_display",
            "household",
            "household_no",
            "area_path",
            "payload",
            "reason",
            "status",
            "status_display",
            "submitted_by",
            "submitted_by_name",
            "created_at",
            "reviewed_by",
            "reviewed_by_name",
            "reviewed_at",
            "review_comment",
            "result",
        ]

    def get_payload(self, obj) -> dict:
        """ID numbers, accounts, phones and health details are masked unless the user may reveal them."""
        return payload_for(self.context["request"].user, obj)


class ChangeRequestCreateSerializer(serializers.Serializer):
    # Loose on purpose: every rule (with its Chinese message) is checked by the change_submit service.
    household = serializers.IntegerField(label=_("农户ID"), required=False)
    kind = serializers.ChoiceField(label=_("变更类型"), choices=ChangeKind.choices, required=False)
    payload = serializers.JSONField(label=_("变更内容"), required=False, default=dict)
    reason = serializers.CharField(label=_("申请理由"), required=False, allow_blank=True, default="")


class ReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(label=_("审核意见"), required=False, allow_blank=True, default="")


class ChangeRequestViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Change requests (动态调整) in the user's area.

    Filters: ``kind``, ``status``, ``household`` (id), ``village`` (area code), ``mine=1``.
    """

    scoped_model = ChangeRequest
    serializer_class = ChangeRequestSerializer

    def check_permissions(self, request):
        super().check_permissions(request)
        if user_paths(request.user, "register.view") == []:
            raise PermissionDenied(_("您没有查看农户档案的权限。"))

    def filter_scoped(self, qs):
        p = self.request.query_params
        for key in ("kind", "status"):
            if p.get(key):
                qs = qs.filter(**{key: p[key]})
        if p.get("household", "").isdigit():
            qs = qs.filter(household_id=int(p["household"]))
        if p.get("village"):
            qs = qs.filter(area_path__startswith=p["village"])
        if p.get("mine") in ("1", "true"):
            qs = qs.filter(submitted_by=self.request.user)
        return qs.select_related("household", "submitted_by", "reviewed_by").order_by("-created_at")

    def _data(self, change):
        return ChangeRequestSerializer(change, context=self.get_serializer_context()).data

    @extend_schema(request=ChangeRequestCreateSerializer, responses={201: ChangeRequestSerializer})
    def create(self, request, *args, **kwargs):
        """Submit a change request (village officer with register.change at the household's area)."""
        data = ChangeRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        household = (
            Household.objects.for_user(request.user, "view")
            .select_related("area")
            .filter(pk=values.get("household"))
            .first()
        )
        if household is None:
            raise DomainError("农户不存在，或不在您的范围内。", field="household")
        change = change_submit(
            actor=request.user,
            household=household,
            kind=values.get("kind") or "",
            payload=values.get("payload") if isinstance(values.get("payload"), dict) else None,
            reason=values.get("reason", ""),
        )
        return Response(self._data(change), status=status.HTTP_201_CREATED)

    def _review(self, request, service):
        change = self.get_object()
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        change = service(actor=request.user, request=change, comment=body.validated_data["comment"])
        return Response(self._data(change))

    @extend_schema(request=ReviewSerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve and apply (needs register.review at the household's area; not one's own request)."""
        return self._review(request, change_approve)

    @extend_schema(request=ReviewSerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject with a comment (required)."""
        return self._review(request, change_reject)

    @extend_schema(request=None, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw one's own pending request."""
        change = change_withdraw(actor=request.user, request=self.get_object())
        return Response(self._data(change))
