"""Capabilities, default-role grants and fixed choices of the assistance (帮扶) app.

The measure catalogue and the cause → measure mapping are *data* (models.MeasureType, CauseMeasure,
seeded by migration 0002), not choices: counties add measures without a deploy.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

CAPABILITIES = [
    ("assistance.view", _("查看帮扶信息（帮扶责任人、结对、走访、计划、措施、明白账）")),
    ("assistance.manage", _("管理帮扶责任人、结对帮扶、驻村工作队、责任链和帮扶计划")),
    ("assistance.visit", _("记录走访")),
    ("assistance.deliver", _("录入、导入帮扶措施落实情况（行业部门）")),
    ("assistance.settings", _("维护帮扶参数、措施目录和致贫原因与措施对应关系")),
]

VIEW = "assistance.view"
MANAGE = "assistance.manage"
VISIT = "assistance.visit"
DELIVER = "assistance.deliver"
SETTINGS = "assistance.settings"

# role code → capabilities of this app that the default role gets (merged by accounts on migrate).
# The department role gets only ``deliver``: it matches its deliveries by ID number through the service
# and never browses the register or the assistance pages of households.
ROLE_GRANTS = {
    "township_admin": [VIEW, MANAGE, VISIT],
    "village_officer": [VIEW, MANAGE, VISIT],
    "work_team": [VIEW, MANAGE, VISIT],
    "cadre": [VIEW, VISIT],
    "inspector": [VIEW],
    "leader": [VIEW],
    "department": [DELIVER],
}


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("省直")
    CITY = "city", _("市直")
    COUNTY = "county", _("县直")
    TOWNSHIP = "township", _("乡镇")
    VILLAGE = "village", _("村级")


class ChainKind(models.TextChoices):
    """The 五包 responsibility chain: who answers for which area or household."""

    LEADER_TOWNSHIP = "leader_township", _("县级领导包乡")
    TOWNSHIP_SECTOR = "township_sector", _("乡镇班子包片")
    DEPARTMENT_VILLAGE = "department_village", _("部门包村")
    TEAM_HOUSEHOLD = "team_household", _("工作队包户")
    CADRE_PERSON = "cadre_person", _("干部包人")


# Area levels a link of each kind may cover (a 片 is recorded as its villages).
CHAIN_LEVELS = {
    ChainKind.LEADER_TOWNSHIP: ("township",),
    ChainKind.TOWNSHIP_SECTOR: ("township", "village"),
    ChainKind.DEPARTMENT_VILLAGE: ("village",),
    ChainKind.TEAM_HOUSEHOLD: ("village", "hamlet", "group"),
    ChainKind.CADRE_PERSON: ("village", "hamlet", "group"),
}


class TeamRole(models.TextChoices):
    FIRST_SECRETARY = "first_secretary", _("第一书记")
    LEADER = "leader", _("工作队队长")
    MEMBER = "member", _("工作队队员")


class MeasureCategory(models.TextChoices):
    INDUSTRY = "industry", _("产业")
    EMPLOYMENT = "employment", _("就业")
    FINANCE = "finance", _("金融")
    EDUCATION = "education", _("教育")
    HEALTH = "health", _("健康")
    HOUSING = "housing", _("住房")
    SAFETY_NET = "safety_net", _("兜底保障")
    RELOCATION = "relocation", _("易地搬迁")
    WATER = "water", _("饮水")
    ASSET_INCOME = "asset_income", _("资产收益")
    OTHER = "other", _("其他")


class DeliverySource(models.TextChoices):
    MANUAL = "manual", _("逐条录入")
    IMPORT = "import", _("批量导入")


class DeliveryStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    CANCELLED = "cancelled", _("已撤销")


class GapKind(models.TextChoices):
    CAUSE = "cause", _("致贫原因缺少对应措施")
    UNPAIRED = "unpaired", _("未落实帮扶责任人")
    OVERLOADED = "overloaded", _("帮扶户数超上限的干部")
    OVERDUE = "overdue", _("未按时走访的农户")
    BEHIND = "behind", _("走访滞后的干部")
