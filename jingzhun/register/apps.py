from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "jingzhun.register"
    label = "register"
    verbose_name = _("建档立卡")

    def ready(self):
        post_migrate.connect(_sync_codes, sender=self)


def _sync_codes(sender, **kwargs):
    from .codes import sync_code_lists

    sync_code_lists(using=kwargs.get("using", "default"))
