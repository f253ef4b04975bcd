from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/token/", views.token_regenerate, name="token-regenerate"),
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/autocomplete/", views.user_autocomplete, name="user-autocomplete"),
    path("users/<int:pk>/", views.user_detail, name="user-detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user-edit"),
    path("users/<int:pk>/reveal-phone/", views.user_reveal_phone, name="user-reveal-phone"),
    path("users/<int:pk>/password/", views.user_password, name="user-password"),
    path("users/<int:pk>/assignments/", views.assignment_add, name="assignment-add"),
    path(
        "users/<int:pk>/assignments/<int:assignment_pk>/remove/",
        views.assignment_remove,
        name="assignment-remove",
    ),
    path("roles/", views.role_list, name="role-list"),
    path("roles/<slug:code>/", views.role_edit, name="role-edit"),
]
