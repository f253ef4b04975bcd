from django.contrib import admin

from .models import Evaluation, SampledHousehold, SampledVillage, Survey

for model in (Evaluation, SampledVillage, SampledHousehold, Survey):
    admin.site.register(model)
