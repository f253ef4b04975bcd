from django.urls import path

from . import views, views_exit

app_name = "assessment"

urlpatterns = [
    path("", views.result_list, name="result-list"),
    path("run/", views.run_start, name="run-start"),
    path("exitable/", views.exitable_list, name="exitable-list"),
    path("households/<int:pk>/exit/", views.exit_start, name="exit-start"),
    path("households/<int:pk>/assess/", views.household_assess, name="household-assess"),
    path("villages/", views_exit.village_list, name="village-list"),
    path("villages/<int:pk>/", views_exit.village_detail, name="village-detail"),
    path("villages/<int:pk>/checklist/", views_exit.checklist_save, name="checklist-save"),
    path("villages/<int:pk>/exit/<slug:action>/", views_exit.village_exit_action, name="village-exit-action"),
    path("county/", views_exit.county_detail, name="county-detail"),
    path("county/<int:pk>/", views_exit.county_detail, name="county-detail-of"),
]
