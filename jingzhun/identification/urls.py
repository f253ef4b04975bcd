from django.urls import path

from . import views, views_county

app_name = "identification"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("candidates/", views.candidates, name="candidates"),
    path("procedures/<int:pk>/step/", views.step, name="step"),
    path("procedures/<int:pk>/override/", views_county.override, name="override"),
    path("review/", views_county.review, name="review"),
    path("quota/", views_county.quota, name="quota"),
    path("rules/", views_county.rules, name="rules"),
    path("rules/<slug:code>/edit/", views_county.rule_edit, name="rule-edit"),
]
