from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IdentificationConfig(AppConfig):
    name = "jingzhun.identification"
    label = "identification"
    verbose_name = _("贫困识别")

    def ready(self):
        from .kind import register

        register()
        post_migrate.connect(_install_rules, sender=self)


def _install_rules(sender, using="default", **kwargs):
    """The default rules come with a data migration; after a flush (test databases) they are put back."""
    from .defaults import install_default_rules
    from .models import ExclusionRule

    if not ExclusionRule.objects.using(using).exists():
        install_default_rules(ExclusionRule)
