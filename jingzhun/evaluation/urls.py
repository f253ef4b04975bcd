from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("", views.evaluation_list, name="list"),
    path("new/", views.evaluation_new, name="new"),
    path("<int:pk>/", views.evaluation_detail, name="detail"),
    path("<int:pk>/draw/", views.sample_draw, name="draw"),
    path("<int:pk>/close/", views.evaluation_close, name="close"),
    path("<int:pk>/results/", views.evaluation_results, name="results"),
    path("<int:pk>/<str:kind>/<int:item_pk>/replace/", views.replace, name="replace"),
    path("<int:pk>/households/<int:item_pk>/survey/", views.survey_form, name="survey"),
]
