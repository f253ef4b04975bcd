from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComparisonConfig(AppConfig):
    name = "jingzhun.comparison"
    label = "comparison"
    verbose_name = _("数据比对")

    def ready(self):
        from jingzhun.workflows.todo import register_todo_provider

        from . import selectors

        register_todo_provider(selectors.todo_items)  # suspects awaiting verification/decision/sign-off
