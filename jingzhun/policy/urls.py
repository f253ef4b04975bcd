from django.urls import path

from . import views

app_name = "policy"

urlpatterns = [
    path("", views.value_list, name="value-list"),
    path("<slug:key>/edit/", views.value_edit, name="value-edit"),
    path("<slug:key>/history/", views.value_history, name="value-history"),
    path("values/<int:pk>/retire/", views.value_retire, name="value-retire"),
]
