from django.contrib import admin

from jingzhun.core.admin import ReadOnlyAdmin

from .models import MonitoringCase


@admin.register(MonitoringCase)
class MonitoringCaseAdmin(ReadOnlyAdmin):
    list_display = ["household", "monitoring_type", "source", "status", "opened_on"]
    list_filter = ["status", "monitoring_type", "source"]
