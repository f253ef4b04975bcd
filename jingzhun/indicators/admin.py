from django.contrib import admin

from .models import IndicatorValue


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "area_path", "year", "dim", "member", "value", "computed_at"]
    list_filter = ["indicator", "year"]
    search_fields = ["area_path"]
