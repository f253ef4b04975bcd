"""/register/changes/: change requests (动态调整) — forms, detail, review queue, my requests."""

from django.urls import path

from . import views_changes as views

urlpatterns = [
    path("", views.change_queue, name="change-queue"),
    path("mine/", views.change_mine, name="change-mine"),
    path("new/<int:household_pk>/<str:kind>/", views.change_new, name="change-new"),
    path("<int:pk>/", views.change_detail, name="change-detail"),
    path("<int:pk>/approve/", views.change_approve_view, name="change-approve"),
    path("<int:pk>/reject/", views.change_reject_view, name="change-reject"),
    path("<int:pk>/withdraw/", views.change_withdraw_view, name="change-withdraw"),
]
