"""/assistance/: overview, areas, gaps, cadres, teams, households (visits, plans, 明白账, 联系卡),
deliveries and their import, settings."""

from django.urls import path

from . import views, views_delivery, views_people, views_settings, views_visits

app_name = "assistance"

urlpatterns = [
    path("", views.index, name="index"),
    path("area/<str:code>/", views.area_detail, name="area"),
    path("area/<str:code>/links/new/", views_people.link_create, name="link-create"),
    path("links/<int:pk>/end/", views_people.link_end, name="link-end"),
    path("gaps/<str:kind>/", views.gap_list, name="gaps"),
    path("cadres/", views_people.cadre_list, name="cadre-list"),
    path("cadres/new/", views_people.cadre_create, name="cadre-create"),
    path("cadres/<int:pk>/", views_people.cadre_detail, name="cadre-detail"),
    path("cadres/<int:pk>/edit/", views_people.cadre_edit, name="cadre-edit"),
    path("pairings/<int:pk>/end/", views_people.pairing_end, name="pairing-end"),
    path("teams/", views_people.team_list, name="team-list"),
    path("teams/new/", views_people.team_create, name="team-create"),
    path("teams/<int:pk>/", views_people.team_detail, name="team-detail"),
    path("teams/<int:pk>/edit/", views_people.team_edit, name="team-edit"),
    path("team-members/<int:pk>/end/", views_people.team_member_end, name="team-member-end"),
    path("households/<int:pk>/", views.household_page, name="household"),
    path("households/<int:pk>/pair/", views_people.pairing_create, name="pairing-create"),
    path("households/<int:pk>/visit/", views_visits.visit_create, name="visit-create"),
    path("households/<int:pk>/plan/<int:year>/", views_visits.plan_edit, name="plan-edit"),
    path("households/<int:pk>/ledger/<int:year>/", views.ledger, name="ledger"),
    path("households/<int:pk>/card/", views.card, name="card"),
    path("visits/", views_visits.visit_list, name="visit-list"),
    path("visits/<int:pk>/", views_visits.visit_detail, name="visit-detail"),
    path("photos/<int:pk>/", views_visits.photo_view, name="photo"),
    path("deliveries/", views_delivery.delivery_list, name="delivery-list"),
    path("deliveries/new/", views_delivery.delivery_create, name="delivery-create"),
    path("deliveries/<int:pk>/cancel/", views_delivery.delivery_cancel_view, name="delivery-cancel"),
    path("deliveries/template/", views_delivery.import_template, name="import-template"),
    path("deliveries/import/", views_delivery.import_view, name="import"),
    path("deliveries/import/<uuid:pk>/", views_delivery.import_job, name="import-job"),
    path("deliveries/import/<uuid:pk>/status/", views_delivery.import_status, name="import-status"),
    path("deliveries/import/<uuid:pk>/commit/", views_delivery.import_commit, name="import-commit"),
    path("settings/", views_settings.settings_page, name="settings"),
    path("settings/measures/new/", views_settings.measure_edit, name="measure-create"),
    path("settings/measures/<int:pk>/", views_settings.measure_edit, name="measure-edit"),
    path("settings/causes/<str:cause>/", views_settings.cause_edit, name="cause-edit"),
]
