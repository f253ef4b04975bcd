"""/api/: versioned REST API, its OpenAPI schema and an offline docs page."""

from importlib import import_module

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from jingzhun.accounts.api import MeView, TokenObtainView, UserViewSet
from jingzhun.areas.api import AreaViewSet
from jingzhun.core.api import AuditEventViewSet, JobViewSet
from jingzhun.register.api import HouseholdViewSet, IncomeViewSet, MemberViewSet
from jingzhun.register.api_changes import ChangeRequestViewSet


class Router(DefaultRouter):
    include_root_view = False


router = Router()
router.register("areas", AreaViewSet, basename="area")
router.register("users", UserViewSet, basename="user")
router.register("audit-events", AuditEventViewSet, basename="auditevent")
router.register("jobs", JobViewSet, basename="job")
router.register("register/change-requests", ChangeRequestViewSet, basename="changerequest")
router.register("register/households", HouseholdViewSet, basename="register-household")
router.register("register/members", MemberViewSet, basename="register-member")
router.register("register/incomes", IncomeViewSet, basename="register-income")

# Later apps list their viewsets in ``<app>.api.ROUTES`` so that each app owns its API registration.
for _module in (
    "workflows",
    "identification",
    "monitoring",
    "public",
    "assistance",
    "comparison",
    "policy",
    "assessment",
    "indicators",
    "reports",
    "evaluation",
):
    for _prefix, _viewset, _basename in import_module(f"jingzhun.{_module}.api").ROUTES:
        router.register(_prefix, _viewset, basename=_basename)


# The schema describes endpoints only, never data: public, so that clients and fuzzers can read it.
class SchemaView(SpectacularAPIView):
    access = "public"


class SwaggerView(SpectacularSwaggerView):
    access = "public"


class RedocView(SpectacularRedocView):
    access = "public"
    template_name = "api/redoc.html"  # without the Google Fonts links of the packaged template


urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/me/", MeView.as_view(), name="api-me"),
    path("v1/auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("redoc/", RedocView.as_view(url_name="schema"), name="api-redoc"),
]
