from django.urls import path

from . import views

app_name = "areas"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("autocomplete/", views.autocomplete, name="autocomplete"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/children/", views.children, name="children"),
    path("<str:code>/edit/", views.edit, name="edit"),
    path("<str:code>/stats/new/", views.stat_edit, name="stat-new"),
    path("<str:code>/stats/<int:year>/", views.stat_edit, name="stat-edit"),
    path("<str:code>/import/", views.import_view, name="import"),
    path("<str:code>/export/", views.export, name="export"),
]
