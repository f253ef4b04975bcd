"""REST API for notices (公示/公告) and objections: scoped reads, writes through workflows/notices.py.

Errors are field maps with Chinese messages ({"procedures": ["…"]}); a step the user may not act on → 403.
Notice lines carry masked ID numbers only (NoticeEntry never holds a full one).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from jingzhun.core.api import ScopedViewSetMixin
from jingzhun.core.errors import DomainError
from jingzhun.core.masking import mask_phone
from jingzhun.core.scoping import user_can, user_paths

from . import notices, poster
from .choices import NoticeStatus, ObjectionChannel, ObjectionOutcome, ObjectionStatus
from .models import Notice, NoticeEntry, Objection, Procedure


class NoticeEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = NoticeEntry
        fields = [
            "id",
            "seq",
            "procedure",
            "head_name",
            "village_name",
            "masked_id",
            "size",
            "reason",
            "withdrawn",
        ]


class NoticeSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    step_code = serializers.CharField(source="step.code", read_only=True)
    step_name = serializers.CharField(source="step.name", read_only=True)
    area_code = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    days_left = serializers.SerializerMethodField()
    open_objections = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField()
    entries = NoticeEntrySerializer(many=True, read_only=True)

    class Meta:
        model = Notice
        fields = [
            "id",
            "public_id",
            "kind",
            "kind_display",
            "procedure_kind",
            "step_code",
            "step_name",
            "area_code",
            "area_name",
            "title",
            "body",
            "issuing_unit",
            "place",
            "phones",
            "start_date",
            "end_date",
            "status",
            "status_display",
            "days_left",
            "open_objections",
            "public_url",
            "entries",
            "created_at",
            "closed_at",
        ]

    def get_days_left(self, obj) -> int | None:
        if obj.status != NoticeStatus.PUBLISHED:
            return None
        return max((obj.end_date - timezone.localdate()).days + 1, 0)

    def get_open_objections(self, obj) -> int:
        return sum(1 for o in obj.objections.all() if o.status == ObjectionStatus.OPEN)

    def get_public_url(self, obj) -> str | None:
        if obj.status == NoticeStatus.WITHDRAWN:
            return None
        return poster.public_url(obj, self.context.get("request"))


class NoticeDetailSerializer(NoticeSerializer):
    close_blockers = serializers.SerializerMethodField()

    class Meta(NoticeSerializer.Meta):
        fields = [*NoticeSerializer.Meta.fields, "close_blockers"]

    def get_close_blockers(self, obj) -> list[str]:
        return notices.close_blockers(obj) if obj.status == NoticeStatus.PUBLISHED else []


class PublishSerializer(serializers.Serializer):
    procedures = serializers.ListField(
        child=serializers.IntegerField(), label=_("农户程序ID"), required=False
    )
    title = serializers.CharField(label=_("标题"), required=False, allow_blank=True, default="")
    start_date = serializers.DateField(label=_("开始日期"), required=False, allow_null=True, default=None)
    place = serializers.CharField(label=_("张贴地点"), required=False, allow_blank=True, default="")
    issuing_unit = serializers.CharField(label=_("发布单位"), required=False, allow_blank=True, default="")
    phones = serializers.CharField(label=_("监督电话"), required=False, allow_blank=True, default="")
    body = serializers.CharField(label=_("正文"), required=False, allow_blank=True, default="")


class CloseSerializer(serializers.Serializer):
    comment = serializers.CharField(label=_("意见"), required=False, allow_blank=True, default="")


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(label=_("张贴照片"))
    description = serializers.CharField(label=_("说明"), required=False, allow_blank=True, default="")


def _need_view(user) -> None:
    if user_paths(user, "workflows.view") == []:
        raise PermissionDenied(_("您没有查看公示公告的权限。"))


class NoticeViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Notices in the user's areas. Filters: ``status``, ``kind``, ``procedure_kind``, ``area`` (code
    prefix), ``current=1`` (published and within the period)."""

    scoped_model = Notice
    serializer_class = NoticeSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def check_permissions(self, request):
        super().check_permissions(request)
        _need_view(request.user)

    def get_serializer_class(self):
        return NoticeDetailSerializer if self.action == "retrieve" else NoticeSerializer

    def filter_scoped(self, qs):
        p = self.request.query_params
        for key in ("status", "kind", "procedure_kind"):
            if p.get(key):
                qs = qs.filter(**{key: p[key]})
        if p.get("area", "").isdigit():
            qs = qs.filter(area_path__startswith=p["area"])
        if p.get("current") in ("1", "true"):
            qs = qs.filter(status=NoticeStatus.PUBLISHED, end_date__gte=timezone.localdate())
        return (
            qs.select_related("step", "area")
            .prefetch_related("entries", "objections")
            .order_by("-start_date", "-id")
        )

    def _data(self, notice, code=status.HTTP_200_OK):
        notice = self.get_queryset().get(pk=notice.pk)
        return Response(
            NoticeDetailSerializer(notice, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(request=PublishSerializer, responses={201: NoticeDetailSerializer})
    @action(detail=False, methods=["post"])
    def publish(self, request):
        """Publish the list of the given procedures (all waiting at the same notice step)."""
        body = PublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        ids = set(values.get("procedures") or [])
        if not ids:
            raise DomainError(str(_("请至少选择一户。")), field="procedures", code="required")
        procedures = list(Procedure.objects.for_user(request.user, "view").filter(pk__in=ids))
        if len(procedures) != len(ids):
            raise DomainError(str(_("所选农户程序不存在，或不在您的区域范围内。")), field="procedures")
        notice = notices.notice_publish(
            actor=request.user,
            procedures=procedures,
            title=values["title"],
            start_date=values["start_date"],
            place=values["place"],
            issuing_unit=values["issuing_unit"],
            phones=values["phones"],
            body=values["body"],
        )
        return self._data(notice, status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": EvidenceUploadSerializer}, responses=NoticeDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def evidence(self, request, pk=None):
        """Upload the photo of the posted notice (multipart field ``file``)."""
        notice = self.get_object()
        body = EvidenceUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        notices.notice_add_evidence(
            actor=request.user,
            notice=notice,
            upload=body.validated_data["file"],
            description=body.validated_data["description"],
        )
        return self._data(notice)

    @extend_schema(request=CloseSerializer, responses=NoticeDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """End the notice: refused while the period runs, without a posting photo, or with open objections."""
        notice = self.get_object()
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        notices.notice_close(actor=request.user, notice=notice, comment=body.validated_data["comment"])
        return self._data(notice)


class ObjectionSerializer(serializers.ModelSerializer):
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    entry_head_name = serializers.CharField(source="entry.head_name", default=None, read_only=True)
    submitter_phone = serializers.SerializerMethodField()
    answered_by_name = serializers.CharField(source="answered_by.__str__", default=None, read_only=True)

    class Meta:
        model = Objection
        fields = [
            "id",
            "notice",
            "entry",
            "entry_head_name",
            "channel",
            "channel_display",
            "submitter_name",
            "submitter_phone",
            "content",
            "status",
            "status_display",
            "outcome",
            "outcome_display",
            "answer",
            "answered_by_name",
            "answered_at",
            "created_at",
        ]

    def get_submitter_phone(self, obj) -> str:
        user = self.context["request"].user
        notice = obj.notice
        if user_can(user, notice.step.capability, notice.area):
            return obj.submitter_phone
        return mask_phone(obj.submitter_phone)


class ObjectionCreateSerializer(serializers.Serializer):
    notice = serializers.IntegerField(label=_("公示ID"), required=False)
    entry = serializers.IntegerField(label=_("涉及农户（名单行ID）"), required=False, allow_null=True)
    channel = serializers.ChoiceField(label=_("反映方式"), choices=ObjectionChannel.choices, required=False)
    submitter_name = serializers.CharField(label=_("反映人"), required=False, allow_blank=True, default="")
    submitter_phone = serializers.CharField(label=_("联系电话"), required=False, allow_blank=True, default="")
    content = serializers.CharField(label=_("异议内容"), required=False, allow_blank=True, default="")


class AnswerSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(label=_("核实结论"), choices=ObjectionOutcome.choices, required=False)
    answer = serializers.CharField(label=_("答复内容"), required=False, allow_blank=True, default="")
    file = serializers.FileField(label=_("核实材料"), required=False)


class ObjectionViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Objections to notices in the user's areas. Filters: ``notice`` (id), ``status``, ``channel``."""

    scoped_model = Objection
    serializer_class = ObjectionSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def check_permissions(self, request):
        super().check_permissions(request)
        _need_view(request.user)

    def filter_scoped(self, qs):
        p = self.request.query_params
        if p.get("notice", "").isdigit():
            qs = qs.filter(notice_id=int(p["notice"]))
        for key in ("status", "channel"):
            if p.get(key):
                qs = qs.filter(**{key: p[key]})
        return qs.select_related("notice__step", "notice__area", "entry", "answered_by").order_by(
            "-created_at"
        )

    def _data(self, objection, code=status.HTTP_200_OK):
        objection = self.get_queryset().get(pk=objection.pk)
        return Response(
            ObjectionSerializer(objection, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(request=ObjectionCreateSerializer, responses={201: ObjectionSerializer})
    def create(self, request, *args, **kwargs):
        """Record an objection received in person, by phone or by letter (the step's capability needed)."""
        body = ObjectionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        notice = (
            Notice.objects.for_user(request.user, "view")
            .select_related("step", "area")
            .filter(pk=values.get("notice"))
            .first()
        )
        if notice is None:
            raise DomainError(str(_("公示不存在，或不在您的区域范围内。")), field="notice")
        entry = None
        if values.get("entry"):
            entry = notice.entries.filter(pk=values["entry"]).first()
            if entry is None:
                raise DomainError(str(_("所选农户不在该公示名单中。")), field="entry")
        objection = notices.objection_record(
            actor=request.user,
            notice=notice,
            content=values["content"],
            entry=entry,
            channel=values.get("channel") or "",
            submitter_name=values["submitter_name"],
            submitter_phone=values["submitter_phone"],
        )
        return self._data(objection, status.HTTP_201_CREATED)

    @extend_schema(request=AnswerSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Answer after checking: outcome dismissed/upheld (upheld about a household takes it off the list
        and sends its procedure back), answer text, optional file."""
        objection = self.get_object()
        body = AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        objection = notices.objection_answer(
            actor=request.user,
            objection=objection,
            outcome=values.get("outcome") or "",
            answer=values["answer"],
            upload=values.get("file"),
        )
        return self._data(objection)


ROUTES: list = [
    ("procedures/notices", NoticeViewSet, "workflows-notice"),
    ("procedures/objections", ObjectionViewSet, "workflows-objection"),
]
