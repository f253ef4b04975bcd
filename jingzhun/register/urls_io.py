from django.urls import path

from . import views_io

urlpatterns = [
    path("template/", views_io.template_download, name="io-template"),
    path("import/", views_io.import_view, name="io-import"),
    path("import/<uuid:pk>/", views_io.import_job, name="io-import-job"),
    path("import/<uuid:pk>/status/", views_io.import_status, name="io-import-status"),
    path("import/<uuid:pk>/commit/", views_io.import_commit, name="io-import-commit"),
    path("export/", views_io.export_view, name="io-export"),
]
