"""Register API: households, members and yearly income — scoped, masked, writes through services.

Validation errors are field maps with Chinese messages, keyed like the request body (``main_cause``,
``members[2].id_number``, ``transfer_lines`` …). ID numbers, bank accounts and health details are masked
in every response; the ``reveal`` action returns one value in full to a user who may see it, and
records that view in the audit log.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from jingzhun.core.api import ScopedViewSetMixin
from jingzhun.core.errors import DomainError
from jingzhun.core.masking import mask_account, mask_id_number
from jingzhun.core.scoping import user_paths
from jingzhun.core.sensitive import reveal

from . import selectors, services
from .choices import MemberStatus, PovertyStatus, Sex
from .forms import HouseholdFilterForm
from .models import Household, HouseholdIncome, Member
from .validation import age_on

MASK = "***"


def _labels(context) -> dict:
    if "labels" not in context:
        context["labels"] = selectors.code_tables()
    return context["labels"]


def _name(context, kind: str, code) -> str:
    return _labels(context).get(kind, {}).get(str(code or ""), "") if code else ""


# --- output --------------------------------------------------------------------------------------


class HouseholdListSerializer(serializers.ModelSerializer):
    area_code = serializers.CharField(source="area.code", read_only=True)
    village = serializers.SerializerMethodField()
    poverty_status_display = serializers.CharField(source="get_poverty_status_display", read_only=True)
    attribute_name = serializers.SerializerMethodField()
    main_cause_name = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = [
            "id",
            "household_no",
            "area_code",
            "village",
            "head_name",
            "size",
            "poverty_status",
            "poverty_status_display",
            "attribute",
            "attribute_name",
            "main_cause",
            "main_cause_name",
            "year_identified",
            "year_exited",
            "is_monitored",
        ]

    def get_village(self, obj) -> str:
        return selectors.village_name(obj)

    def get_attribute_name(self, obj) -> str:
        return _name(self.context, "attribute", obj.attribute)

    def get_main_cause_name(self, obj) -> str:
        return _name(self.context, "cause", obj.main_cause)


class MemberSerializer(serializers.ModelSerializer):
    """A member with the ID number masked and health/disability details hidden (see ``reveal``)."""

    household_no = serializers.CharField(source="household.household_no", read_only=True)
    id_number = serializers.SerializerMethodField(help_text=_("脱敏显示；完整号码请用 reveal 操作（留痕）"))
    age = serializers.SerializerMethodField()
    relation_name = serializers.SerializerMethodField()
    health = serializers.SerializerMethodField()
    disability = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "member_no",
            "household",
            "household_no",
            "name",
            "sex",
            "id_number",
            "age",
            "relation",
            "relation_name",
            "ethnicity",
            "education",
            "in_school",
            "health",
            "disability",
            "labour",
            "migrant_months",
            "migrant_place",
            "dibao",
            "tekun",
            "status",
            "status_display",
            "joined_on",
            "left_on",
        ]

    def get_id_number(self, obj) -> str:
        return mask_id_number(obj.id_number)

    def get_age(self, obj) -> int | None:
        # The age, not the birth date: with the masked ID's last digits a birth date would give the
        # whole number away but for the (guessable) county code.
        from django.utils import timezone

        return age_on(obj.birth_date, timezone.localdate())

    def get_relation_name(self, obj) -> str:
        return _name(self.context, "relation", obj.relation)

    def get_health(self, obj) -> str:
        return MASK if obj.health else ""

    def get_disability(self, obj) -> str:
        return MASK if (obj.disability_type or obj.disability_grade or obj.disability_cert_no) else ""


class TransferLineSerializer(serializers.Serializer):
    program = serializers.CharField(label=_("项目代码"))
    program_name = serializers.CharField(read_only=True, label=_("项目"))
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, label=_("金额"))
    member = serializers.IntegerField(required=False, allow_null=True, label=_("领取人（成员ID）"))
    source = serializers.CharField(
        required=False, allow_blank=True, max_length=50, default="", label=_("来源")
    )


class IncomeSerializer(serializers.ModelSerializer):
    household_no = serializers.CharField(source="household.household_no", read_only=True)
    transfer_lines = serializers.SerializerMethodField()

    class Meta:
        model = HouseholdIncome
        fields = [
            "id",
            "household",
            "household_no",
            "year",
            "wages",
            "business",
            "property_income",
            "transfers",
            "business_costs",
            "net_income",
            "size",
            "per_capita",
            "note",
            "transfer_lines",
        ]

    @extend_schema_field(TransferLineSerializer(many=True))
    def get_transfer_lines(self, obj) -> list:
        return [
            {
                "program": t.program,
                "program_name": _name(self.context, "transfer_program", t.program),
                "amount": str(t.amount),
                "member": t.member_id,
                "source": t.source,
            }
            for t in obj.transfer_lines.all()
        ]


class HouseholdDetailSerializer(HouseholdListSerializer):
    other_causes = serializers.ListField(child=serializers.CharField(), read_only=True)
    bank_account = serializers.SerializerMethodField()
    members = serializers.SerializerMethodField()
    incomes = serializers.SerializerMethodField()

    class Meta(HouseholdListSerializer.Meta):
        fields = [
            *HouseholdListSerializer.Meta.fields,
            *[f for f in services.HOUSEHOLD_FIELDS if f not in ("bank_account",)],
            "bank_account",
            "warning_override",
            "members",
            "incomes",
        ]

    def get_bank_account(self, obj) -> str:
        return mask_account(obj.bank_account)

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, obj) -> list:
        user = self.context["request"].user
        members = selectors.household_members(user, obj).select_related("household")
        return MemberSerializer(members, many=True, context=self.context).data

    @extend_schema_field(IncomeSerializer(many=True))
    def get_incomes(self, obj) -> list:
        user = self.context["request"].user
        incomes = selectors.household_incomes(user, obj).select_related("household")
        return IncomeSerializer(incomes, many=True, context=self.context).data


# --- input ---------------------------------------------------------------------------------------
# Loose types only: every rule of register.md (with its Chinese message naming the field and member
# row) is checked by the services, whose errors the exception handler turns into the same field map.


def _household_input_fields() -> dict:
    dec = {"max_digits": 9, "decimal_places": 2, "required": False, "allow_null": True}
    text = {"required": False, "allow_blank": True}
    return {
        "address": serializers.CharField(max_length=200, **text),
        "phone": serializers.CharField(max_length=20, **text),
        "standard": serializers.CharField(max_length=16, **text),
        "attribute": serializers.CharField(max_length=16, **text),
        "main_cause": serializers.CharField(max_length=16, **text),
        "other_causes": serializers.ListField(child=serializers.CharField(max_length=16), required=False),
        "house_area": serializers.DecimalField(
            max_digits=7, decimal_places=1, required=False, allow_null=True
        ),
        "house_structure": serializers.CharField(max_length=16, **text),
        "house_year": serializers.IntegerField(required=False, allow_null=True),
        "house_grade": serializers.CharField(max_length=1, **text),
        "house_renovated": serializers.BooleanField(required=False),
        "house_renovated_year": serializers.IntegerField(required=False, allow_null=True),
        "relocation": serializers.CharField(max_length=16, **text),
        "relocation_year": serializers.IntegerField(required=False, allow_null=True),
        "farmland_mu": serializers.DecimalField(**dec),
        "forest_mu": serializers.DecimalField(**dec),
        "returned_farmland_mu": serializers.DecimalField(**dec),
        "grassland_mu": serializers.DecimalField(**dec),
        "has_power": serializers.BooleanField(required=False),
        "has_broadcast_tv": serializers.BooleanField(required=False),
        "water": serializers.CharField(max_length=16, **text),
        "water_lpd": serializers.IntegerField(required=False, allow_null=True, min_value=0),
        "water_minutes": serializers.IntegerField(required=False, allow_null=True, min_value=0),
        "water_short_days": serializers.IntegerField(
            required=False, allow_null=True, min_value=0, max_value=366
        ),
        "fuel": serializers.CharField(max_length=16, **text),
        "has_sanitary_toilet": serializers.BooleanField(required=False),
        "road_distance_km": serializers.DecimalField(
            max_digits=6, decimal_places=1, required=False, allow_null=True
        ),
        "bank_name": serializers.CharField(max_length=50, **text),
        "bank_account": serializers.CharField(max_length=32, **text),
    }


class MemberInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, label=_("姓名"))
    id_number = serializers.CharField(max_length=25, label=_("身份证号"))
    relation = serializers.CharField(max_length=16, label=_("与户主关系"))
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True, label=_("性别"))
    birth_date = serializers.DateField(required=False, allow_null=True, label=_("出生日期"))
    ethnicity = serializers.CharField(max_length=16, required=False, allow_blank=True)
    education = serializers.CharField(max_length=16, required=False, allow_blank=True)
    in_school = serializers.CharField(max_length=16, required=False, allow_blank=True)
    school_exempt = serializers.BooleanField(required=False)
    health = serializers.CharField(max_length=16, required=False, allow_blank=True)
    disability_type = serializers.CharField(max_length=16, required=False, allow_blank=True)
    disability_grade = serializers.IntegerField(required=False, allow_null=True)
    disability_cert_no = serializers.CharField(max_length=30, required=False, allow_blank=True)
    labour = serializers.CharField(max_length=16, required=False, allow_blank=True)
    migrant_months = serializers.IntegerField(required=False, min_value=0, max_value=12)
    migrant_place = serializers.CharField(max_length=16, required=False, allow_blank=True)
    dibao = serializers.BooleanField(required=False)
    tekun = serializers.BooleanField(required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)


HouseholdFieldsSerializer = type(
    "HouseholdFieldsSerializer", (serializers.Serializer,), _household_input_fields()
)


class HouseholdCreateSerializer(HouseholdFieldsSerializer):
    area = serializers.CharField(max_length=15, label=_("所在村/组（区划代码）"))
    members = MemberInputSerializer(many=True, label=_("家庭成员"))
    override_reason = serializers.CharField(required=False, allow_blank=True, default="", label=_("预警说明"))


class HouseholdUpdateSerializer(HouseholdFieldsSerializer):
    override_reason = serializers.CharField(required=False, allow_blank=True, default="", label=_("预警说明"))
    reason = serializers.CharField(required=False, allow_blank=True, default="", label=_("修改原因"))


class IncomeCreateSerializer(serializers.Serializer):
    household = serializers.IntegerField(label=_("农户ID"))
    year = serializers.IntegerField(label=_("年度"))
    wages = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=0)
    business = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=0)
    property_income = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=0)
    business_costs = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=0)
    transfers = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    transfer_lines = TransferLineSerializer(many=True, required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=[("id_number", _("身份证号")), ("health", _("健康与残疾信息"))])


class RevealResultSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


# --- viewsets ------------------------------------------------------------------------------------


class _RegisterViewSet(ScopedViewSetMixin):
    def check_permissions(self, request):
        super().check_permissions(request)
        if user_paths(request.user, "register.view") == []:
            raise PermissionDenied(_("您没有查看农户档案的权限。"))


FILTER_PARAMS = [
    OpenApiParameter("q", str, description="户编号、姓名、身份证号（全部或部分）、拼音首字母"),
    OpenApiParameter("area", str, description="区划代码（含下级）"),
    OpenApiParameter("poverty_status", str, enum=[c for c, _n in PovertyStatus.choices]),
    OpenApiParameter("attribute", str, description="贫困户属性代码"),
    OpenApiParameter("main_cause", str, description="主要致贫原因代码"),
    OpenApiParameter("year_identified_from", int),
    OpenApiParameter("year_identified_to", int),
    OpenApiParameter("year_exited_from", int),
    OpenApiParameter("year_exited_to", int),
    OpenApiParameter("is_monitored", str, enum=["1", "0"]),
]


class HouseholdViewSet(
    _RegisterViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Households in the user's area, with the household list's filters and search."""

    scoped_model = Household
    serializer_class = HouseholdListSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            form = HouseholdFilterForm(self.request.query_params)
            if not form.is_valid():
                raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
            return selectors.household_list_rows(selectors.household_search(self.request.user, form.params()))
        return super().get_queryset().select_related("area", "area__parent")

    def get_serializer_class(self):
        return HouseholdListSerializer if self.action == "list" else HouseholdDetailSerializer

    @extend_schema(parameters=FILTER_PARAMS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _detail(self, household, code=status.HTTP_200_OK):
        return Response(
            HouseholdDetailSerializer(household, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(request=HouseholdCreateSerializer, responses={201: HouseholdDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Register a household with its members (status 非贫困户 until identification)."""
        body = HouseholdCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        area = selectors.resolve_area(request.user, data.pop("area"))
        if area is None:
            raise DomainError("区域不存在，或不在您的范围内。", field="area")
        members = [dict(m) for m in data.pop("members")]
        override = data.pop("override_reason", "")
        household = services.household_create(
            actor=request.user, area=area, household=data, members=members, override_reason=override
        )
        return self._detail(household, status.HTTP_201_CREATED)

    @extend_schema(request=HouseholdUpdateSerializer, responses=HouseholdDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Edit household facts (registered households: township reviewers only; villages submit a
        信息更正 change request instead)."""
        household = self.get_object()
        body = HouseholdUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        override, reason = data.pop("override_reason", ""), data.pop("reason", "")
        household = services.household_update(
            actor=request.user, household=household, changes=data, override_reason=override, reason=reason
        )
        return self._detail(household)

    @extend_schema(request=None, responses=HouseholdDetailSerializer)
    @action(detail=True, methods=["post"], url_path="reveal-account")
    def reveal_account(self, request, pk=None):
        """The full bank account (needs core.reveal_sensitive at the household's area; audited)."""
        household = self.get_object()
        value = reveal(actor=request.user, obj=household, field="bank_account", area=household.area)
        return Response({"field": "bank_account", "value": value})


class MemberViewSet(_RegisterViewSet, viewsets.ReadOnlyModelViewSet):
    """Members of households in the user's area. Filters: ``household`` (id), ``status``, ``q``."""

    scoped_model = Member
    serializer_class = MemberSerializer

    def filter_scoped(self, qs):
        p = self.request.query_params
        if p.get("household", "").isdigit():
            qs = qs.filter(household_id=int(p["household"]))
        if p.get("status") in MemberStatus.values:
            qs = qs.filter(status=p["status"])
        term = (p.get("q") or "").strip()
        if term:
            qs = qs.filter(
                household__in=selectors.household_search(self.request.user, {"q": term}, materialize=False)
            )
        return qs.select_related("household").order_by("household__household_no", "member_no")

    @extend_schema(
        parameters=[
            OpenApiParameter("household", int),
            OpenApiParameter("status", str, enum=MemberStatus.values),
            OpenApiParameter("q", str),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=RevealSerializer, responses=RevealResultSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """One sensitive value in full (needs core.reveal_sensitive at the household's area; audited)."""
        member = self.get_object()
        body = RevealSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        field = body.validated_data["field"]
        value = reveal(actor=request.user, obj=member, field=field, area=member.household.area)
        if field == "health":
            value = "；".join(
                x
                for x in (
                    _name(self.get_serializer_context(), "health", member.health),
                    _name(self.get_serializer_context(), "disability_type", member.disability_type),
                    f"{member.disability_grade} 级" if member.disability_grade else "",
                    member.disability_cert_no,
                )
                if x
            )
        return Response({"field": field, "value": value})


class IncomeViewSet(
    _RegisterViewSet, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Yearly household income. Net and per-capita income are computed by the server, never sent."""

    scoped_model = HouseholdIncome
    serializer_class = IncomeSerializer

    def filter_scoped(self, qs):
        p = self.request.query_params
        if p.get("household", "").isdigit():
            qs = qs.filter(household_id=int(p["household"]))
        if p.get("year", "").isdigit():
            qs = qs.filter(year=int(p["year"]))
        return (
            qs.select_related("household")
            .prefetch_related("transfer_lines")
            .order_by("household_id", "-year")
        )

    @extend_schema(parameters=[OpenApiParameter("household", int), OpenApiParameter("year", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=IncomeCreateSerializer, responses={201: IncomeSerializer})
    def create(self, request, *args, **kwargs):
        """Record (or replace) a household's income for a year, with the transfer breakdown."""
        body = IncomeCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        household = selectors.visible_households(request.user).filter(pk=data.pop("household")).first()
        if household is None:
            raise DomainError("农户不存在，或不在您的范围内。", field="household")
        lines = data.pop("transfer_lines", None)
        if lines is not None:
            member_ids = set(household.members.values_list("pk", flat=True))
            for i, line in enumerate(lines):
                if line.get("member") not in (None, *member_ids):
                    raise DomainError(
                        f"转移性收入明细第{i + 1}项的领取人不是该户成员。", field="transfer_lines"
                    )
            lines = [{**dict(x), "member_id": x.get("member")} for x in lines]
        income = services.income_save(actor=request.user, household=household, transfer_lines=lines, **data)
        return Response(IncomeSerializer(income, context=self.get_serializer_context()).data, status=201)
