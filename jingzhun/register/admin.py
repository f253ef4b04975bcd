"""Read-only admin for system operators; every write goes through the register services.

Full ID numbers and bank accounts are left out here too: the admin shows them masked.
"""

from django.contrib import admin

from jingzhun.core.admin import ReadOnlyAdmin
from jingzhun.core.masking import mask_account, mask_id_number

from .models import ChangeRequest, CodeItem, Household, HouseholdIncome, HouseholdVersion, Member


@admin.register(CodeItem)
class CodeItemAdmin(ReadOnlyAdmin):
    list_display = ["kind", "code", "name", "sort", "active", "builtin"]
    list_filter = ["kind", "active", "builtin"]
    search_fields = ["code", "name"]


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ["household_no", "head_name", "area", "size", "poverty_status", "is_monitored"]
    list_filter = ["poverty_status", "is_monitored"]
    search_fields = ["household_no", "head_name"]
    exclude = ["bank_account"]
    readonly_fields = ["bank_account_masked"]
    list_select_related = ["area"]
    show_full_result_count = False

    @admin.display(description="银行账号")
    def bank_account_masked(self, obj):
        return mask_account(obj.bank_account)


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ["member_no", "name", "id_number_masked", "relation", "status", "household"]
    list_filter = ["status"]
    search_fields = ["member_no", "name", "name_initials"]
    exclude = ["id_number"]
    readonly_fields = ["id_number_masked"]
    list_select_related = ["household"]
    raw_id_fields = ["household"]
    show_full_result_count = False

    @admin.display(description="身份证号")
    def id_number_masked(self, obj):
        return mask_id_number(obj.id_number)


@admin.register(HouseholdIncome)
class HouseholdIncomeAdmin(ReadOnlyAdmin):
    list_display = ["household", "year", "net_income", "size", "per_capita"]
    list_filter = ["year"]
    raw_id_fields = ["household"]
    list_select_related = ["household"]


@admin.register(HouseholdVersion)
class HouseholdVersionAdmin(ReadOnlyAdmin):
    list_display = ["household", "valid_from", "valid_to", "action", "actor"]
    raw_id_fields = ["household"]
    exclude = ["data"]  # the snapshot holds full ID numbers


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "household", "status", "submitted_by", "reviewed_by"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["household"]
    exclude = ["payload"]  # may hold ID numbers; the change-request page masks them
