from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "jingzhun.assistance"
    label = "assistance"
    verbose_name = _("帮扶")

    def ready(self):
        post_migrate.connect(_seed, sender=self)


def _seed(sender, **kwargs):
    """Migration 0002 seeds the catalogue; this puts it back only into an *empty* table (a database
    flushed by transactional tests), so it never re-adds a mapping an administrator removed."""
    from .catalog import seed_catalog
    from .models import CauseMeasure, MeasureType

    if not MeasureType.objects.exists():
        seed_catalog(MeasureType, CauseMeasure)
