from django.db import models
from django.utils.translation import gettext_lazy as _

CAPABILITIES = [
    ("workflows.view", _("查看办理程序、公示公告")),
    ("workflows.village", _("办理村级环节（申请、调查、评议、公示、答复异议）")),
    ("workflows.township", _("办理乡镇审核环节")),
    ("workflows.county", _("办理县级审定、公告，批准例外")),
    ("workflows.templates", _("调整程序模板")),
]

ROLE_GRANTS = {
    "township_admin": ["workflows.view", "workflows.township"],
    "inspector": ["workflows.view"],
    "leader": ["workflows.view"],
    "village_officer": ["workflows.view", "workflows.village"],
    "work_team": ["workflows.view", "workflows.village"],
    "cadre": ["workflows.view"],
}


class ProcedureKind(models.TextChoices):
    IDENTIFICATION = "identification", _("贫困户识别")
    MONITORING_ENTRY = "monitoring_entry", _("监测对象识别")
    EXIT = "exit", _("贫困户退出")
    RISK_ELIMINATION = "risk_elimination", _("监测对象风险消除")
    REMOVAL = "removal", _("清退（剔除）")
    REAPPRAISAL = "reappraisal", _("重新评议")
    CHANGE_REQUEST = "change_request", _("动态调整审核")


class Level(models.TextChoices):
    VILLAGE = "village", _("村级")
    TOWNSHIP = "township", _("乡镇")
    COUNTY = "county", _("县级")


class StepAction(models.TextChoices):
    """What a step asks for; the engine checks the inputs of each action in one place."""

    APPLY = "apply", _("申请")
    SURVEY = "survey", _("入户调查/核查")
    APPRAISAL = "appraisal", _("民主评议")
    NOTICE = "notice", _("公示/公告")
    REVIEW = "review", _("审核/审定")
    CONFIRM = "confirm", _("确认")


class NoticeKind(models.TextChoices):
    PUBLICITY = "publicity", _("公示")
    ANNOUNCEMENT = "announcement", _("公告")


class ProcedureStatus(models.TextChoices):
    RUNNING = "running", _("办理中")
    COMPLETED = "completed", _("已办结")
    REJECTED = "rejected", _("未通过")
    CANCELLED = "cancelled", _("已撤销")


class StepResult(models.TextChoices):
    PASSED = "passed", _("通过")
    FAILED = "failed", _("未通过")
    SENT_BACK = "sent_back", _("退回")
    CANCELLED = "cancelled", _("撤销")
    NOTED = "noted", _("记录")


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    SIGNED_FORM = "signed_form", _("签字表")
    MINUTES = "minutes", _("会议记录")
    OTHER = "other", _("其他材料")


class NoticeStatus(models.TextChoices):
    PUBLISHED = "published", _("公示中")
    CLOSED = "closed", _("已结束")
    WITHDRAWN = "withdrawn", _("已撤回")


class ObjectionChannel(models.TextChoices):
    WEB = "web", _("网上提交")
    IN_PERSON = "in_person", _("当面反映")
    PHONE = "phone", _("电话")
    LETTER = "letter", _("信函")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复")


class ObjectionOutcome(models.TextChoices):
    DISMISSED = "dismissed", _("经核实不成立")
    UPHELD = "upheld", _("经核实成立")
