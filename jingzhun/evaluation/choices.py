from django.db import models
from django.utils.translation import gettext_lazy as _

VIEW = "evaluation.view"
MANAGE = "evaluation.manage"
SURVEY = "evaluation.survey"

CAPABILITIES = [
    (VIEW, _("查看抽样评估（三率一度）的样本和结果")),
    (MANAGE, _("组织抽样评估：设计抽样、抽取和更换样本、结束评估")),
    (SURVEY, _("录入抽样评估的入户调查结果")),
]

# role code → capabilities of this app that the default role gets (merged by accounts on migrate).
# Village officers get nothing: the sample of their village is not shown to those being evaluated.
ROLE_GRANTS: dict = {
    "township_admin": [VIEW, SURVEY],
    "inspector": [VIEW],
    "leader": [VIEW],
}

# Policy parameters read by an evaluation (defaults of the design, thresholds stored with the results)
DESIGN_KEYS = {
    "village_share": "evaluation_village_share",
    "poor_villages_min": "evaluation_poor_villages_min",
    "nonpoor_villages_min": "evaluation_nonpoor_villages_min",
    "households_per_village": "evaluation_households_per_village",
    "registered_share": "evaluation_registered_share",
}
THRESHOLD_KEYS = ["county_wrong_exit_max", "county_missed_max", "county_approval_min"]


class EvaluationKind(models.TextChoices):
    SELF = "self", _("自评")
    PRE = "pre", _("预评估")


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("设计抽样")
    SAMPLING = "sampling", _("已抽样")
    SURVEYING = "surveying", _("入户调查")
    CLOSED = "closed", _("已结束")


class Stratum(models.TextChoices):
    POOR = "poor", _("贫困村")
    NON_POOR = "non_poor", _("非贫困村")


class HouseholdGroup(models.TextChoices):
    REGISTERED = "registered", _("建档立卡户")
    OUTSIDE = "outside", _("非建档立卡户")
