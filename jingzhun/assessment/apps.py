from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "jingzhun.assessment"
    label = "assessment"
    verbose_name = _("退出评估")

    def ready(self):
        from jingzhun.workflows.engine import KindSpec, register_kind

        from . import kinds

        register_kind(
            KindSpec(
                kind="exit",
                start_check=kinds.exit_start_check,
                step_check=kinds.exit_step_check,
                on_complete=kinds.exit_completed,
                notice_reason=kinds.exit_notice_reason,
                form_for=kinds.exit_step_form,
                findings=kinds.exit_findings,
            )
        )
