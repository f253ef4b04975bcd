from django.urls import path

from . import views, views_manage

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("a/<str:code>/", views.area_page, name="area"),
    path("a/<str:code>/submit/", views.submit_page, name="submit"),
    path("n/<uuid:public_id>/", views.notice_page, name="notice"),
    path("v/<uuid:public_id>/", views.village_notice_page, name="village-notice"),
    path("receipt/", views.receipt, name="receipt"),
    # officials (login, capability public.handle)
    path("manage/submissions/", views_manage.submission_list, name="submission-list"),
    path("manage/submissions/<int:pk>/handle/", views_manage.submission_handle, name="submission-handle"),
    path(
        "manage/village-notices/<uuid:public_id>/poster/",
        views_manage.village_notice_poster,
        name="village-notice-poster",
    ),
]
