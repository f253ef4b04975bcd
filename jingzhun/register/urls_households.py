from django.urls import path

from . import views_codes, views_household_forms, views_households

urlpatterns = [
    path("", views_households.household_list, name="household-list"),
    path("new/", views_household_forms.household_create, name="household-create"),
    path("autocomplete/", views_households.household_autocomplete, name="household-autocomplete"),
    path("codes/", views_codes.code_list, name="codes"),
    path("codes/<int:pk>/toggle/", views_codes.code_toggle, name="code-toggle"),
    path("<int:pk>/", views_households.household_detail, name="household-detail"),
    path("<int:pk>/handbook/", views_households.household_handbook, name="household-handbook"),
    path("<int:pk>/edit/", views_household_forms.household_edit, name="household-edit"),
    path(
        "<int:pk>/reveal-account/", views_households.household_reveal_account, name="household-reveal-account"
    ),
    path("<int:pk>/income/new/", views_household_forms.income_edit, name="income-new"),
    path("<int:pk>/income/<int:year>/", views_household_forms.income_edit, name="income-edit"),
    path("members/<int:pk>/edit/", views_household_forms.member_edit, name="member-edit"),
    path("members/<int:pk>/reveal-id/", views_households.member_reveal_id, name="member-reveal-id"),
    path(
        "members/<int:pk>/reveal-health/", views_households.member_reveal_health, name="member-reveal-health"
    ),
]
