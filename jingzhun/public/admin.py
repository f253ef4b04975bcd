from django.contrib import admin

from .models import PublicSubmission, PublicVillageNotice


@admin.register(PublicSubmission)
class PublicSubmissionAdmin(admin.ModelAdmin):
    list_display = ["receipt_no", "kind", "area", "status", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["receipt_no"]
    readonly_fields = [f.name for f in PublicSubmission._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(PublicVillageNotice)
class PublicVillageNoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "issuing_unit", "created_at"]
    search_fields = ["title", "village_name"]
    readonly_fields = [f.name for f in PublicVillageNotice._meta.fields]

    def has_add_permission(self, request):
        return False
