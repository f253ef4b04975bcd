"""REST API of the assistance app: cadres, pairings, visits, plans, deliveries — scoped, writes through
services. ``ROUTES`` is collected by config/api_urls.py.

Lists come from ``for_user``; a department user (``assistance.deliver`` only) sees through
``/deliveries/`` just what its unit delivered, and matches people by ID number when it posts one.
ID numbers are masked in every response.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from jingzhun.areas.models import Area
from jingzhun.core.api import ScopedViewSetMixin
from jingzhun.core.masking import mask_id_number
from jingzhun.core.scoping import user_can, user_paths

from . import selectors, services
from .choices import DELIVER, MANAGE, VIEW, UnitLevel
from .models import AssistancePlan, Cadre, Delivery, MeasureType, Pairing, Visit
from .services_delivery import delivery_cancel, delivery_record


def _need(request, capability: str) -> None:
    if user_paths(request.user, capability) == []:
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def _household(request, pk):
    try:
        return selectors.household_or_404(request.user, pk)
    except Http404:
        raise serializers.ValidationError({"household": [_("农户不存在或不在您的范围内。")]}) from None


def _measure(code):
    m = MeasureType.objects.filter(code=code, active=True).first()
    if m is None:
        raise serializers.ValidationError({"measure": [_("措施“%(code)s”不存在或已停用。") % {"code": code}]})
    return m


# --- cadres --------------------------------------------------------------------------------------


class CadreSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField(help_text=_("脱敏显示"))
    area_code = serializers.CharField(source="area.code", read_only=True)
    open_pairings = serializers.SerializerMethodField()

    class Meta:
        model = Cadre
        fields = [
            "id",
            "name",
            "unit",
            "unit_level",
            "position",
            "phone",
            "id_number",
            "area_code",
            "max_households",
            "active",
            "note",
            "open_pairings",
        ]

    def get_id_number(self, obj) -> str:
        return mask_id_number(obj.id_number)

    def get_open_pairings(self, obj) -> int:
        return obj.pairings.filter(ended_on__isnull=True).count()


class CadreInput(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    unit = serializers.CharField(max_length=100)
    unit_level = serializers.ChoiceField(choices=UnitLevel.choices)
    position = serializers.CharField(max_length=50, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20)
    id_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    area_code = serializers.CharField(max_length=15)
    max_households = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=100)
    active = serializers.BooleanField(required=False, default=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CadreViewSet(
    ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """帮扶责任人 in the user's area (managed there, or helping a household there)."""

    scoped_model = Cadre
    serializer_class = CadreSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def filter_scoped(self, qs):
        q = self.request.query_params.get("q", "").strip()
        if q:
            qs = qs.filter(name__contains=q)
        return qs.select_related("area").order_by("name", "id")

    def _save(self, request, cadre=None):
        _need(request, MANAGE)
        data = CadreInput(data=request.data, partial=cadre is not None)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if cadre is not None:
            current = {f: getattr(cadre, f) for f in services.CADRE_FIELDS}
            values = current | values
        code = values.pop("area_code", None) or (cadre.area.code if cadre else "")
        area = Area.objects.filter(code=code).first()
        if area is None or not user_can(request.user, MANAGE, area):
            raise serializers.ValidationError({"area_code": [_("区域不存在或不在您的管理范围内。")]})
        return services.cadre_save(actor=request.user, area=area, data=values, cadre=cadre)

    def create(self, request, *args, **kwargs):
        cadre = self._save(request)
        return Response(CadreSerializer(cadre).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        cadre = self.get_object()
        cadre = self._save(request, cadre)
        return Response(CadreSerializer(cadre).data)


# --- pairings ------------------------------------------------------------------------------------


class PairingSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    household_no = serializers.CharField(source="household.household_no", read_only=True)

    class Meta:
        model = Pairing
        fields = [
            "id",
            "cadre",
            "cadre_name",
            "household",
            "household_no",
            "started_on",
            "ended_on",
            "end_reason",
        ]
        read_only_fields = ["ended_on", "end_reason"]


class PairingInput(serializers.Serializer):
    cadre = serializers.IntegerField()
    household = serializers.IntegerField()
    started_on = serializers.DateField()


class EndInput(serializers.Serializer):
    ended_on = serializers.DateField()
    reason = serializers.CharField(max_length=200)


class PairingViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """结对帮扶 in the user's area; ``?open=1`` for current pairings only."""

    scoped_model = Pairing
    serializer_class = PairingSerializer

    def filter_scoped(self, qs):
        if self.request.query_params.get("open") == "1":
            qs = qs.filter(ended_on__isnull=True)
        return qs.select_related("cadre", "household")

    def create(self, request, *args, **kwargs):
        _need(request, MANAGE)
        data = PairingInput(data=request.data)
        data.is_valid(raise_exception=True)
        household = _household(request, data.validated_data["household"])
        cadre = Cadre.objects.filter(pk=data.validated_data["cadre"]).first()
        if cadre is None:
            raise serializers.ValidationError({"cadre": [_("帮扶责任人不存在。")]})
        p = services.pairing_create(
            actor=request.user, cadre=cadre, household=household, started_on=data.validated_data["started_on"]
        )
        return Response(PairingSerializer(p).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End a pairing (date and reason)."""
        pairing = self.get_object()
        data = EndInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.pairing_end(actor=request.user, pairing=pairing, **data.validated_data)
        return Response(PairingSerializer(pairing).data)


# --- visits --------------------------------------------------------------------------------------


class VisitSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    household_no = serializers.CharField(source="household.household_no", read_only=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "household",
            "household_no",
            "cadre",
            "cadre_name",
            "visited_on",
            "content",
            "problems",
            "photos",
        ]

    def get_photos(self, obj) -> list[str]:
        from django.urls import reverse

        return [reverse("assistance:photo", args=[p.pk]) for p in obj.photos.all()]


class VisitInput(serializers.Serializer):
    household = serializers.IntegerField()
    cadre = serializers.IntegerField()
    visited_on = serializers.DateField()
    content = serializers.CharField(max_length=2000)
    problems = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class VisitViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """走访 records; POST as multipart with ``photos`` files to attach pictures."""

    scoped_model = Visit
    serializer_class = VisitSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def filter_scoped(self, qs):
        p = self.request.query_params
        if p.get("household", "").isdigit():
            qs = qs.filter(household_id=int(p["household"]))
        if p.get("cadre", "").isdigit():
            qs = qs.filter(cadre_id=int(p["cadre"]))
        return qs.select_related("cadre", "household").prefetch_related("photos")

    def create(self, request, *args, **kwargs):
        data = VisitInput(data=request.data)
        data.is_valid(raise_exception=True)
        household = _household(request, data.validated_data["household"])
        cadre = Cadre.objects.filter(pk=data.validated_data["cadre"]).first()
        if cadre is None:
            raise serializers.ValidationError({"cadre": [_("走访人不存在。")]})
        visit = services.visit_record(
            actor=request.user,
            household=household,
            cadre=cadre,
            visited_on=data.validated_data["visited_on"],
            content=data.validated_data["content"],
            problems=data.validated_data.get("problems", ""),
            photos=request.FILES.getlist("photos"),
        )
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)


# --- plans ---------------------------------------------------------------------------------------


class PlanItemSerializer(serializers.Serializer):
    measure = serializers.CharField(help_text=_("措施代码"))
    cause = serializers.CharField(required=False, allow_blank=True)
    content = serializers.CharField(required=False, allow_blank=True, max_length=200)
    planned_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    responsible_unit = serializers.CharField(required=False, allow_blank=True, max_length=100)


class PlanSerializer(serializers.ModelSerializer):
    household_no = serializers.CharField(source="household.household_no", read_only=True)
    items = serializers.SerializerMethodField()

    class Meta:
        model = AssistancePlan
        fields = ["id", "household", "household_no", "year", "goal", "items"]

    def get_items(self, obj) -> list[dict]:
        return [
            {
                "measure": i.measure.code,
                "measure_name": i.measure.name,
                "cause": i.cause,
                "content": i.content,
                "planned_amount": i.planned_amount,
                "responsible_unit": i.responsible_unit,
            }
            for i in obj.items.select_related("measure")
        ]


class PlanInput(serializers.Serializer):
    household = serializers.IntegerField()
    year = serializers.IntegerField()
    goal = serializers.CharField(required=False, allow_blank=True, max_length=300)
    items = PlanItemSerializer(many=True)


class PlanViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """帮扶计划 per household and year; POST writes (or replaces) the household's plan for the year."""

    scoped_model = AssistancePlan
    serializer_class = PlanSerializer

    def filter_scoped(self, qs):
        p = self.request.query_params
        if p.get("year", "").isdigit():
            qs = qs.filter(year=int(p["year"]))
        if p.get("household", "").isdigit():
            qs = qs.filter(household_id=int(p["household"]))
        return qs.select_related("household")

    def create(self, request, *args, **kwargs):
        data = PlanInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        household = _household(request, v["household"])
        items = [dict(i) | {"measure": _measure(i["measure"])} for i in v["items"]]
        plan = services.plan_save(
            actor=request.user, household=household, year=v["year"], goal=v.get("goal", ""), items=items
        )
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


# --- deliveries ----------------------------------------------------------------------------------


class DeliverySerializer(serializers.ModelSerializer):
    measure = serializers.CharField(source="measure.code", read_only=True)
    measure_name = serializers.CharField(source="measure.name", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True, default="")
    id_number = serializers.SerializerMethodField(help_text=_("脱敏显示"))
    income_line = serializers.SerializerMethodField()

    class Meta:
        model = Delivery
        fields = [
            "id",
            "household",
            "member",
            "member_name",
            "id_number",
            "measure",
            "measure_name",
            "year",
            "delivered_on",
            "amount",
            "department",
            "program",
            "note",
            "source",
            "status",
            "income_line",
        ]

    def get_id_number(self, obj) -> str:
        return mask_id_number(obj.member.id_number) if obj.member_id else ""

    def get_income_line(self, obj) -> bool:
        return bool(obj.transfer_line_id)


class DeliveryInput(serializers.Serializer):
    id_number = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    measure = serializers.CharField(help_text=_("措施代码"))
    delivered_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    department = serializers.CharField(max_length=100, required=False, allow_blank=True)
    program = serializers.CharField(max_length=100, required=False, allow_blank=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class DeliveryViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """措施落实: POST one delivery by ID number (department entry); ``cancel`` withdraws a wrong one."""

    scoped_model = Delivery
    serializer_class = DeliverySerializer

    def get_queryset(self):
        if user_paths(self.request.user, VIEW) == [] and user_paths(self.request.user, DELIVER) == []:
            return Delivery.objects.none()
        qs = selectors.deliveries_visible(self.request.user)
        p = self.request.query_params
        if p.get("year", "").isdigit():
            qs = qs.filter(year=int(p["year"]))
        if p.get("household", "").isdigit():
            qs = qs.filter(household_id=int(p["household"]))
        return qs

    def create(self, request, *args, **kwargs):
        _need(request, DELIVER)
        data = DeliveryInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        v["measure"] = _measure(v["measure"])
        delivery = delivery_record(actor=request.user, **v)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a delivery (it leaves the household's transfer income)."""
        delivery = self.get_object()
        data = CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        delivery_cancel(actor=request.user, delivery=delivery, reason=data.validated_data["reason"])
        return Response(DeliverySerializer(delivery).data)


# (prefix under /api/v1/, viewset, basename)
ROUTES: list = [
    ("assistance/cadres", CadreViewSet, "assistance-cadre"),
    ("assistance/pairings", PairingViewSet, "assistance-pairing"),
    ("assistance/visits", VisitViewSet, "assistance-visit"),
    ("assistance/plans", PlanViewSet, "assistance-plan"),
    ("assistance/deliveries", DeliveryViewSet, "assistance-delivery"),
]
