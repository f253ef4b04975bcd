from django.contrib import admin

from .models import ReportTemplate, TaskItem, TaskList, TaskProgress, TextBlock, WorkReport

for model in (ReportTemplate, TextBlock, WorkReport, TaskList, TaskItem, TaskProgress):
    admin.site.register(model)
