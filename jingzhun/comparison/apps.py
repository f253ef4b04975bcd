from importlib import import_module

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ComparisonConfig(AppConfig):
    name = "jingzhun.comparison"
    label = "comparison"
    verbose_name = _("数据比对")

    def ready(self):
        from jingzhun.workflows.todo import register_todo_provider

        from . import selectors

        register_todo_provider(selectors.todo_items)  # suspects awaiting verification/decision/sign-off
        post_migrate.connect(_seed_types, sender=self)


def _seed_types(sender, using="default", **kwargs):
    """The data-set types come with a data migration; after a flush (test databases) they are put back."""
    from django.apps import apps as global_apps

    from .models import DatasetType

    if DatasetType.objects.using(using).exists():
        return
    seed = import_module("jingzhun.comparison.migrations.0002_default_types").seed
    seed(global_apps, None)
