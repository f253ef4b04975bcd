from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/", views.job_list, name="job-list"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<uuid:pk>/progress/", views.job_progress, name="job-progress"),
    path("jobs/<uuid:pk>/download/", views.job_download, name="job-download"),
    path("audit/", views.audit_list, name="audit-list"),
]
