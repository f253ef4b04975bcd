"""Read-only admin for system operators; every write goes through the assistance services (the
measure catalogue and cause mapping are edited on /assistance/settings/, with audit)."""

from django.contrib import admin

from jingzhun.core.admin import ReadOnlyAdmin

from .models import AssistanceSetting, Cadre, CauseMeasure, Delivery, MeasureType, Pairing, Visit, WorkTeam


@admin.register(MeasureType)
class MeasureTypeAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "category", "unit", "is_cash", "income_program", "active", "builtin"]
    list_filter = ["category", "active"]


@admin.register(CauseMeasure)
class CauseMeasureAdmin(ReadOnlyAdmin):
    list_display = ["cause", "measure"]


@admin.register(AssistanceSetting)
class AssistanceSettingAdmin(ReadOnlyAdmin):
    list_display = ["area", "max_households_per_cadre", "min_visits_per_month"]


@admin.register(Cadre)
class CadreAdmin(ReadOnlyAdmin):
    list_display = ["name", "unit", "unit_level", "position", "active"]
    search_fields = ["name", "unit"]
    exclude = ["id_number"]


@admin.register(Pairing)
class PairingAdmin(ReadOnlyAdmin):
    list_display = ["cadre", "household", "started_on", "ended_on"]
    list_select_related = ["cadre", "household"]


@admin.register(WorkTeam)
class WorkTeamAdmin(ReadOnlyAdmin):
    list_display = ["name", "area", "sending_unit", "started_on", "ended_on"]


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ["visited_on", "cadre", "household"]
    list_select_related = ["cadre", "household"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["delivered_on", "measure", "amount", "household", "department", "status"]
    list_filter = ["status", "source"]
    list_select_related = ["measure", "household"]
    show_full_result_count = False
