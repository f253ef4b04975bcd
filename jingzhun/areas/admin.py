from django.contrib import admin

from jingzhun.core.admin import ReadOnlyAdmin

from .models import Area, AreaYearStat


@admin.register(Area)
class AreaAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "is_poor_village"]
    list_filter = ["level", "is_poor_village"]
    search_fields = ["code", "name"]


@admin.register(AreaYearStat)
class AreaYearStatAdmin(ReadOnlyAdmin):
    list_display = ["area", "year", "rural_population", "rural_households"]
