from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("refresh/", views.refresh, name="refresh"),
    path("tables/", views.table_list, name="tables"),
    path("tables/<slug:kind>.xlsx", views.table_download, name="table-download"),
    path("<slug:code>/rows/", views.drill, name="drill"),
]
