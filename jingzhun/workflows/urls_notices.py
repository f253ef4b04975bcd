"""Notice pages (included at /procedures/notices/ inside the "workflows" namespace)."""

from django.urls import path

from . import views_notices as v

urlpatterns = [
    path("", v.notice_list, name="notice-list"),
    path("publish/", v.notice_publish, name="notice-publish"),
    path("<int:pk>/", v.notice_detail, name="notice-detail"),
    path("<int:pk>/poster/", v.notice_poster, name="notice-poster"),
    path("<int:pk>/evidence/", v.notice_evidence, name="notice-evidence"),
    path("<int:pk>/evidence/<int:evidence_pk>/", v.notice_evidence_file, name="notice-evidence-file"),
    path("<int:pk>/objections/", v.objection_record, name="notice-objection"),
    path(
        "<int:pk>/objections/<int:objection_pk>/answer/", v.objection_answer, name="notice-objection-answer"
    ),
    path("<int:pk>/close/", v.notice_close, name="notice-close"),
]
