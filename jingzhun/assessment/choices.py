from django.db import models
from django.utils.translation import gettext_lazy as _

CAPABILITIES = [
    ("assessment.view", _("查看退出评估结果、贫困发生率和退出指标")),
    ("assessment.run", _("运行退出评估（批量）、维护贫困村退出清单")),
]

# role code → capabilities of this app that the default role gets (merged by accounts on migrate)
ROLE_GRANTS: dict = {
    "township_admin": ["assessment.view", "assessment.run"],
    "inspector": ["assessment.view"],
    "leader": ["assessment.view"],
    "village_officer": ["assessment.view", "assessment.run"],
    "work_team": ["assessment.view", "assessment.run"],
    "cadre": ["assessment.view"],
}

EXIT_KIND = "exit"
ELIMINATION_KIND = "risk_elimination"
JOB_KIND = "assessment.run"


class Period(models.TextChoices):
    YEAR = "year", _("年度")
    LAST12 = "last12", _("近12个月")


# The six criteria of 两不愁三保障 + 饮水安全, in display order: code → label
CRITERIA = {
    "food": _("不愁吃"),
    "clothing": _("不愁穿"),
    "education": _("义务教育有保障"),
    "medical": _("基本医疗有保障"),
    "housing": _("住房安全有保障"),
    "water": _("饮水安全有保障"),
}

# Parameters an assessment reads (stored with every run)
ASSESSMENT_KEYS = [
    "poverty_line",
    "monitoring_threshold",
    "transfer_share_warning",
    "water_lpd",
    "water_lpd_short",
    "water_short_areas",
    "water_minutes",
    "water_short_days_max",
    "school_age_min",
    "school_age_max",
]

# Register codes used by the criteria (register/codes.py)
OUT_OF_SCHOOL = ("", "0")  # 非在校生 (blank: not recorded)
SAFE_GRADES = ("A", "B")
UNSAFE_WATER = "3"
SAFE_WATER = ("1", "2")
LABOUR_CODES = ("1", "2", "3")  # 普通 / 技能 / 弱或半劳动力: able to work


class ExitStatus(models.TextChoices):
    PROPOSED = "proposed", _("村级申请")
    VERIFIED = "verified", _("乡镇已核实")
    NOTICED = "noticed", _("乡镇公示中")
    ANNOUNCED = "announced", _("县级已公告退出")
    REJECTED = "rejected", _("未通过")
    CANCELLED = "cancelled", _("已撤回")


OPEN_EXIT = (ExitStatus.PROPOSED, ExitStatus.VERIFIED, ExitStatus.NOTICED)

# The step codes written to VillageExit.steps, as the history table shows them.
EXIT_STEP_LABELS = {
    "propose": _("村级申请退出"),
    "verify": _("乡镇核实"),
    "notice": _("乡镇公示"),
    "announce": _("县级公告退出"),
    "reject": _("退回/撤回"),
}
