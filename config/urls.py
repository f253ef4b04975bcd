from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from jingzhun.core.access import access

admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser
admin.site.site_header = _("精准帮扶管理系统 · 系统维护")

urlpatterns = [
    path("", include("jingzhun.core.urls")),
    path("accounts/", include("jingzhun.accounts.urls")),
    path("areas/", include("jingzhun.areas.urls")),
    path("register/", include("jingzhun.register.urls")),
    path("procedures/", include("jingzhun.workflows.urls")),
    path("identification/", include("jingzhun.identification.urls")),
    path("monitoring/", include("jingzhun.monitoring.urls")),
    path("assistance/", include("jingzhun.assistance.urls")),
    path("comparison/", include("jingzhun.comparison.urls")),
    path("policy/", include("jingzhun.policy.urls")),
    path("assessment/", include("jingzhun.assessment.urls")),
    path("indicators/", include("jingzhun.indicators.urls")),
    path("reports/", include("jingzhun.reports.urls")),
    path("evaluation/", include("jingzhun.evaluation.urls")),
    path("gs/", include("jingzhun.public.urls")),
    path("api/", include("config.api_urls")),
    path("i18n/setlang/", access("public")(set_language), name="set_language"),
    path("sysadmin/", admin.site.urls),
]

if settings.DEBUG:
    from django.views.static import serve

    urlpatterns += [
        path("media/<path:path>", access("superuser")(serve), {"document_root": settings.MEDIA_ROOT}),
    ]

handler403 = "jingzhun.core.views.error_403"
handler404 = "jingzhun.core.views.error_404"
handler500 = "jingzhun.core.views.error_500"
