from django.urls import path

from . import views, views_tasks

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="report-list"),
    path("new/", views.report_new, name="report-new"),
    path("<int:pk>/", views.report_detail, name="report-detail"),
    path("<int:pk>/download/", views.report_download, name="report-download"),
    path("templates/", views.template_page, name="templates"),
    path("templates/download/", views.template_download, name="template-download"),
    path("templates/<int:pk>/<slug:action>/", views.template_action, name="template-action"),
    path("texts/", views.text_blocks, name="text-blocks"),
    path("tasks/", views_tasks.task_list, name="task-list"),
    path("tasks/new/", views_tasks.task_list_new, name="task-list-new"),
    path("tasks/<int:pk>/", views_tasks.task_detail, name="task-detail"),
    path("tasks/<int:pk>/items/", views_tasks.task_item_new, name="task-item-new"),
    path(
        "tasks/<int:pk>/items/<int:item_pk>/progress/",
        views_tasks.task_progress_new,
        name="task-progress-new",
    ),
]
