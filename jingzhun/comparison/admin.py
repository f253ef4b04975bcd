"""Read-only admin for system operators; data set types are edited on the comparison pages (service)."""

from django.contrib import admin

from jingzhun.core.admin import ReadOnlyAdmin

from .models import AlertProposal, ComparisonRun, DatasetBatch, DatasetType, Suspect


@admin.register(DatasetType)
class DatasetTypeAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "name",
        "department",
        "fact",
        "cover_relatives",
        "raises_suspect",
        "alert_risk",
        "active",
    ]
    list_filter = ["fact", "active"]


@admin.register(DatasetBatch)
class DatasetBatchAdmin(ReadOnlyAdmin):
    list_display = [
        "dataset_type",
        "department",
        "as_of",
        "status",
        "rows",
        "bad_rows",
        "uploaded_by",
        "created_at",
    ]
    list_filter = ["status", "dataset_type"]
    exclude = ["file_path"]


@admin.register(ComparisonRun)
class ComparisonRunAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "area", "status", "persons", "rows", "hits", "suspects_new", "seconds"]


@admin.register(Suspect)
class SuspectAdmin(ReadOnlyAdmin):
    list_display = ["household", "fact", "strength", "status", "decision", "due_date"]
    list_filter = ["status", "fact", "decision"]
    exclude = ["evidence"]
    show_full_result_count = False


@admin.register(AlertProposal)
class AlertProposalAdmin(ReadOnlyAdmin):
    list_display = ["household", "risk_types", "status", "created_at"]
