"""Read-only admin for system operators; every write goes through the workflows services."""

from django.contrib import admin

from jingzhun.core.admin import ReadOnlyAdmin

from .models import BatchAct, Notice, Objection, Procedure, ProcedureBatch, ProcedureTemplate, StepRecord


@admin.register(ProcedureTemplate)
class ProcedureTemplateAdmin(ReadOnlyAdmin):
    list_display = ["kind", "name", "area_key", "version", "is_current"]
    list_filter = ["kind", "is_current"]


@admin.register(Procedure)
class ProcedureAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "household", "area", "year", "status", "current_step"]
    list_filter = ["kind", "status"]
    list_select_related = ["household", "area", "current_step"]
    show_full_result_count = False


@admin.register(ProcedureBatch)
class ProcedureBatchAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "area", "year", "created_at"]
    list_filter = ["kind"]


@admin.register(BatchAct)
class BatchActAdmin(ReadOnlyAdmin):
    list_display = ["step", "area", "actor", "acted_on"]


@admin.register(StepRecord)
class StepRecordAdmin(ReadOnlyAdmin):
    list_display = ["procedure", "step", "result", "actor", "acted_on"]
    list_filter = ["result"]
    list_select_related = ["procedure__household", "step", "actor"]
    show_full_result_count = False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "area", "start_date", "end_date", "status"]
    list_filter = ["kind", "status"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["notice", "channel", "status", "outcome", "created_at"]
    list_filter = ["status", "channel"]
