from django.urls import include, path

from . import views, views_batch, views_templates, views_todo

app_name = "workflows"

# Procedures, batch steps, to-do and templates (views*.py); notices and objections (views_notices.py).
urlpatterns = [
    path("", views.procedure_list, name="procedure-list"),
    path("<int:pk>/", views.procedure_detail, name="procedure-detail"),
    path("<int:pk>/pass/", views.procedure_pass, name="procedure-pass"),
    path("<int:pk>/send-back/", views.procedure_send_back, name="procedure-send-back"),
    path("<int:pk>/reject/", views.procedure_reject, name="procedure-reject"),
    path("<int:pk>/cancel/", views.procedure_cancel, name="procedure-cancel"),
    path("<int:pk>/override/", views.procedure_override, name="procedure-override"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
    path("batch/", views_batch.batch_step, name="batch"),
    path("start/", views_batch.procedure_start_page, name="procedure-start"),
    path("todo/", views_todo.todo_page, name="todo"),
    path("templates/", views_templates.template_list, name="template-list"),
    path("templates/<int:pk>/", views_templates.template_detail, name="template-detail"),
    path("templates/revise/<slug:kind>/", views_templates.template_revise_page, name="template-revise"),
    path("notices/", include("jingzhun.workflows.urls_notices")),
]
