from django.contrib import admin

from .models import PublicSubmission


@admin.register(PublicSubmission)
class PublicSubmissionAdmin(admin.ModelAdmin):
    list_display = ["receipt_no", "kind", "area", "status", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["receipt_no"]
    readonly_fields = [f.name for f in PublicSubmission._meta.fields]

    def has_add_permission(self, request):
        return False
