from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "jingzhun.policy"
    label = "policy"
    verbose_name = _("政策参数")

    def ready(self):
        post_migrate.connect(_seed_defaults, sender=self)


def _seed_defaults(sender, using="default", **kwargs):
    """Put the national defaults back when the table was emptied (a test database flush)."""
    from .models import PolicyValue
    from .services import seed_defaults

    if not PolicyValue.objects.using(using).exists():
        seed_defaults(PolicyValue, using)
