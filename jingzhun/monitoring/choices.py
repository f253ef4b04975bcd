from django.db import models
from django.utils.translation import gettext_lazy as _

CAPABILITIES = [
    ("monitoring.view", _("查看监测对象")),
    ("monitoring.report", _("上报监测风险线索")),
    ("monitoring.manage", _("核实线索、发起监测对象识别")),
]

ROLE_GRANTS = {
    "township_admin": ["monitoring.view", "monitoring.report", "monitoring.manage"],
    "inspector": ["monitoring.view"],
    "leader": ["monitoring.view"],
    "department": ["monitoring.report"],
    "village_officer": ["monitoring.view", "monitoring.report", "monitoring.manage"],
    "work_team": ["monitoring.view", "monitoring.report", "monitoring.manage"],
    "cadre": ["monitoring.view", "monitoring.report"],
}


class MonitoringType(models.TextChoices):
    UNSTABLE = "unstable", _("脱贫不稳定户")
    MARGINAL = "marginal", _("边缘易致贫户")
    SUDDEN = "sudden", _("突发严重困难户")


class RiskType(models.TextChoices):
    ILLNESS = "illness", _("因病")
    DISABILITY = "disability", _("因残")
    EDUCATION = "education", _("因学")
    DISASTER = "disaster", _("因灾")
    ACCIDENT = "accident", _("因意外事故")
    EMPLOYMENT = "employment", _("因务工就业不稳")
    INDUSTRY = "industry", _("因产业项目失败")
    HOUSING = "housing", _("因住房出现安全问题")
    WATER = "water", _("因饮水安全问题")
    OTHER = "other", _("其他")


# Department alert words used by other apps, mapped onto the national risk types.
RISK_ALIASES = {"unemployment": RiskType.EMPLOYMENT, "death": RiskType.ACCIDENT, "medical": RiskType.ILLNESS}


class CaseSource(models.TextChoices):
    SELF_REPORT = "self_report", _("农户自主申报")
    CADRE_VISIT = "cadre_visit", _("基层干部排查")
    DEPARTMENT_ALERT = "department_alert", _("部门筛查预警")
    PUBLIC_OPINION = "public_opinion", _("舆情/举报")


class CaseStatus(models.TextChoices):
    PROPOSED = "proposed", _("待核实")
    IN_PROCEDURE = "in_procedure", _("识别程序中")
    MONITORED = "monitored", _("监测帮扶中")
    ELIMINATING = "eliminating", _("风险消除程序中")
    ELIMINATED = "eliminated", _("风险已消除")
    NOT_INCLUDED = "not_included", _("未纳入")


OPEN_STATUSES = (CaseStatus.PROPOSED, CaseStatus.IN_PROCEDURE, CaseStatus.MONITORED, CaseStatus.ELIMINATING)
