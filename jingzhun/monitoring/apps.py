from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "jingzhun.monitoring"
    label = "monitoring"
    verbose_name = _("防返贫监测")

    def ready(self):
        from jingzhun.assessment.kinds import elimination_step_check
        from jingzhun.workflows.engine import KindSpec, register_kind
        from jingzhun.workflows.todo import register_todo_provider

        from . import forms, selectors, services

        register_todo_provider(selectors.todo_items)

        register_kind(
            KindSpec(
                kind="monitoring_entry",
                start_check=services.entry_start_check,
                on_complete=services.entry_completed,
                on_end=services.entry_ended,
                notice_reason=services.notice_reason,
                form_for=forms.entry_step_form,
            )
        )
        register_kind(
            KindSpec(
                kind="risk_elimination",
                step_check=elimination_step_check,
                on_complete=services.elimination_completed,
                on_end=services.elimination_ended,
                notice_reason=lambda procedure: str(_("监测对象风险消除")),
                form_for=forms.elimination_step_form,
            )
        )
