from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("new/", views.case_new, name="case-new"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/<slug:action>/", views.case_action, name="case-action"),
]
