"""Register URLs, split by area of work so that each module owns its patterns."""

from django.urls import include, path

app_name = "register"

urlpatterns = [
    path("", include("jingzhun.register.urls_households")),
    path("changes/", include("jingzhun.register.urls_changes")),
    path("io/", include("jingzhun.register.urls_io")),
]
