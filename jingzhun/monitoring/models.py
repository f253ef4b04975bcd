"""Monitoring cases (防止返贫动态监测): a household flagged at risk, from the lead to its entry and elimination."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingzhun.core.models import TimeStampedModel
from jingzhun.core.scoping import ScopedManager

from .choices import CaseSource, CaseStatus, MonitoringType


class MonitoringCase(TimeStampedModel):
    """One household's monitoring case. Never deleted: closed cases stay, and a household can reopen.

    A case starts as a lead (待核实) from a self-report, a cadre's visit, a department alert or a
    complaint; the village checks it and either starts the 9-step entry procedure or records why it was
    not included. No quota: every household that qualifies enters.
    """

    household = models.ForeignKey(
        "register.Household",
        verbose_name=_("农户"),
        on_delete=models.PROTECT,
        related_name="monitoring_cases",
    )
    area = models.ForeignKey("areas.Area", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, db_index=True)
    monitoring_type = models.CharField(
        _("监测对象类型"), max_length=12, choices=MonitoringType.choices, blank=True
    )
    risk_types = models.JSONField(_("风险类型"), default=list)
    source = models.CharField(_("线索来源"), max_length=20, choices=CaseSource.choices)
    detail = models.TextField(_("风险情况"))
    status = models.CharField(
        _("状态"), max_length=14, choices=CaseStatus.choices, default=CaseStatus.PROPOSED, db_index=True
    )
    opened_on = models.DateField(_("发现日期"))
    entered_on = models.DateField(_("纳入日期"), null=True, blank=True)
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)
    close_reason = models.TextField(_("结束说明"), blank=True)
    entry_procedure = models.ForeignKey(
        "workflows.Procedure",
        verbose_name=_("识别程序"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    elimination_procedure = models.ForeignKey(
        "workflows.Procedure",
        verbose_name=_("风险消除程序"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_ref = models.CharField(_("来源记录"), max_length=64, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上报人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager()
    scope_area_path = "area_path"
    scope_capabilities = {
        "view": "monitoring.view",
        "report": "monitoring.report",
        "manage": "monitoring.manage",
    }

    class Meta:
        verbose_name = _("监测对象")
        verbose_name_plural = _("监测对象")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status__in=["proposed", "in_procedure", "monitored", "eliminating"]),
                name="monitoring_one_open_case",
            ),
        ]

    def __str__(self):
        return f"{self.household}·{self.get_status_display()}"

    def risk_labels(self) -> list[str]:
        from .choices import RiskType

        labels = dict(RiskType.choices)
        return [str(labels.get(code, code)) for code in self.risk_types]
