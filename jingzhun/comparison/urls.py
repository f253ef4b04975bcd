from django.urls import path

from . import views, views_batches

app_name = "comparison"

urlpatterns = [
    path("", views.index, name="index"),
    path("suspects/", views.suspect_list, name="suspect-list"),
    path("suspects/<int:pk>/", views.suspect_detail, name="suspect-detail"),
    path("runs/", views.run_list, name="run-list"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("alerts/", views.alert_list, name="alert-list"),
    path("types/", views_batches.type_list, name="type-list"),
    path("types/new/", views_batches.type_edit, name="type-create"),
    path("types/<int:pk>/", views_batches.type_edit, name="type-edit"),
    path("batches/", views_batches.batch_list, name="batch-list"),
    path("batches/upload/", views_batches.batch_upload_view, name="batch-upload"),
    path("batches/<int:pk>/", views_batches.batch_detail, name="batch-detail"),
    path("batches/<int:pk>/load/", views_batches.batch_load_view, name="batch-load"),
    path("batches/<int:pk>/bad-rows.xlsx", views_batches.batch_bad_rows, name="batch-bad-rows"),
    path("relatives/", views_batches.relative_list, name="relative-list"),
    path("relatives/<int:pk>/remove/", views_batches.relative_remove_view, name="relative-remove"),
]
