"""Read-only admin for system operators; every write goes through services."""

from django.contrib import admin

from .models import AuditEvent, Job


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_name", "action", "target_type", "target_label", "area_path", "ip"]
    list_filter = ["action"]
    search_fields = ["actor_name", "target_label", "target_id"]


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "title", "kind", "owner", "state", "percent"]
    list_filter = ["state", "kind"]
