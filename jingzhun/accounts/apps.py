from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jingzhun.accounts"
    label = "accounts"
    verbose_name = _("用户与角色")

    def ready(self):
        from .services import sync_capabilities_and_roles

        post_migrate.connect(_sync, sender=self)
        self._sync = sync_capabilities_and_roles


def _sync(sender, **kwargs):
    from .services import sync_capabilities_and_roles

    sync_capabilities_and_roles(using=kwargs.get("using", "default"))
