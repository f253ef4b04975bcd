from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "jingzhun.workflows"
    label = "workflows"
    verbose_name = _("办理程序与公示")

    def ready(self):
        post_migrate.connect(_install_defaults, sender=self)


def _install_defaults(sender, using="default", **kwargs):
    """Put the national templates back when a table was emptied (a test database flush); kinds that
    already have a national template are left alone, so administrators' data is never overwritten."""
    from .defaults import install_defaults
    from .models import ProcedureTemplate, StepTemplate

    if not ProcedureTemplate.objects.using(using).exists():
        install_defaults(ProcedureTemplate, StepTemplate)
