from django.contrib import admin

from .models import PolicyValue


@admin.register(PolicyValue)
class PolicyValueAdmin(admin.ModelAdmin):
    """Read-only: values change through the policy pages (services keep the history and audit)."""

    list_display = [
        "key",
        "area_path",
        "year",
        "value",
        "superseded_at",
        "retired",
        "created_by",
        "created_at",
    ]
    list_filter = ["key", "retired"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
