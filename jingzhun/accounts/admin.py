from django.contrib import admin

from jingzhun.core.admin import ReadOnlyAdmin

from .models import Capability, Role, RoleAssignment, User


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "full_name", "area", "is_active", "last_login"]
    search_fields = ["username", "full_name"]


@admin.register(Role)
class RoleAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "rank"]


admin.site.register(Capability, ReadOnlyAdmin)
admin.site.register(RoleAssignment, ReadOnlyAdmin)
