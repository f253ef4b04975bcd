"""Read-only admin for system operators; users change rules and quotas on the app's pages (audited)."""

from django.contrib import admin

from .models import ExclusionRule, Quota, QuotaOverride


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExclusionRule)
class ExclusionRuleAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "predicate", "area_key", "active", "sort"]
    list_filter = ["active", "area_key"]


@admin.register(Quota)
class QuotaAdmin(ReadOnlyAdmin):
    list_display = ["area", "year", "quota", "note"]


@admin.register(QuotaOverride)
class QuotaOverrideAdmin(ReadOnlyAdmin):
    list_display = ["area", "year", "extra", "allow_exceed", "actor", "created_at"]
