from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "jingzhun.public"
    label = "public"
    verbose_name = _("公开公示")

    def ready(self):
        from jingzhun.workflows.todo import register_todo_provider

        from . import selectors

        register_todo_provider(selectors.todo_items)  # messages from the public waiting to be handled
