from django.db import models
from django.utils.translation import gettext_lazy as _

VIEW = "reports.view"
MANAGE = "reports.manage"
TASKS = "tasks.manage"

CAPABILITIES = [
    (VIEW, _("查看和生成工作汇报材料，查看工作任务清单")),
    (MANAGE, _("维护汇报材料模板和文字段落")),
    (TASKS, _("维护工作任务清单，填报任务进度")),
]

# role code → capabilities of this app that the default role gets (merged by accounts on migrate)
ROLE_GRANTS: dict = {
    "township_admin": [VIEW, MANAGE, TASKS],
    "inspector": [VIEW],
    "leader": [VIEW],
    "department": [VIEW, TASKS],
    "village_officer": [VIEW],
    "work_team": [VIEW],
}


class PeriodKind(models.TextChoices):
    HALF = "half", _("上半年")
    YEAR = "year", _("全年")
    CUSTOM = "custom", _("自定义时段")


class BlockKey(models.TextChoices):
    """User-editable prose of the work report; figures and problems are computed, these are written."""

    INTRO = "intro", _("基本情况（补充说明）")
    PRACTICES = "practices", _("主要做法和成效")
    NEXT_STEPS = "next_steps", _("下一步打算")
