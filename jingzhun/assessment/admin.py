from django.contrib import admin

from .models import AssessmentRun, ChecklistItem, HouseholdAssessment, VillageExit


class ReadOnly(admin.ModelAdmin):
    """Read-only: assessments are computed, checklist and exits change through services (audit)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AssessmentRun)
class AssessmentRunAdmin(ReadOnly):
    list_display = ["area", "year", "period", "household", "created_at", "seconds"]


@admin.register(HouseholdAssessment)
class HouseholdAssessmentAdmin(ReadOnly):
    list_display = ["household", "year", "period", "per_capita", "line", "passed", "assessed_at"]
    list_filter = ["year", "period", "passed"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ReadOnly):
    list_display = ["area", "year", "code", "met", "updated_at"]


@admin.register(VillageExit)
class VillageExitAdmin(ReadOnly):
    list_display = ["area", "year", "status", "created_at"]
