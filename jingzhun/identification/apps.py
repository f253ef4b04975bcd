from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentificationConfig(AppConfig):
    name = "jingzhun.identification"
    label = "identification"
    verbose_name = _("贫困识别")

    def ready(self):
        from .kind import register

        register()
