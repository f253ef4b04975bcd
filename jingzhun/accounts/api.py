"""Account API: the current user, users in scope, token login (throttled by axes)."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from jingzhun.core.api import ScopedViewSetMixin
from jingzhun.core.errors import DomainError

from .models import RoleAssignment, User


class AssignmentSerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="role.code")
    role_name = serializers.CharField(source="role.name")
    area = serializers.CharField(source="area.code")
    area_name = serializers.CharField(source="area.name")

    class Meta:
        model = RoleAssignment
        fields = ["role", "role_name", "area", "area_name"]


class UserSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.code", default=None)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "unit", "area", "is_active"]


class MeSerializer(UserSerializer):
    assignments = AssignmentSerializer(many=True, read_only=True)
    capabilities = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "phone", "is_superuser", "assignments", "capabilities"]

    def get_capabilities(self, obj) -> list[str]:
        return sorted({c for _p, _code, _r, caps in obj._assignment_rows() for c in caps})


class MeView(APIView):
    """The logged-in user with its roles, areas and capabilities."""

    access = "scoped"
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class UserViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Users whose home area or an assignment lies in the requester's subtree."""

    scoped_model = User
    serializer_class = UserSerializer

    def filter_scoped(self, qs):
        q = self.request.query_params.get("q")
        if q:
            qs = qs.filter(full_name__contains=q) | qs.filter(username__icontains=q)
        return qs.select_related("area").order_by("username")


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"))
    password = serializers.CharField(label=_("密码"), style={"input_type": "password"})


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenObtainView(APIView):
    """Exchange username and password for an API token. Failed attempts count towards the lockout."""

    access = "public"
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=TokenRequestSerializer, responses=TokenResponseSerializer)
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None:
            raise DomainError(gettext("用户名或密码错误，或账号已被暂时锁定。"), field="password")
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
