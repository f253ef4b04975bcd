from django.db import models
from django.utils.translation import gettext_lazy as _

CAPABILITIES = [
    ("public.handle", _("处理群众网上反映（申诉、投诉、自主申报）")),
]

# role code → capabilities of this app that the default role gets (merged by accounts on migrate)
ROLE_GRANTS: dict = {
    "township_admin": ["public.handle"],
    "village_officer": ["public.handle"],
    "work_team": ["public.handle"],
}


class SubmissionKind(models.TextChoices):
    APPEAL = "appeal", _("申诉")
    COMPLAINT = "complaint", _("投诉")
    SELF_REPORT = "self_report", _("农户自主申报")
    OBJECTION = "objection", _("贫困村退出异议")


# What the village form (/gs/a/<code>/submit/) offers; objections are sent from a village exit notice.
PORTAL_KINDS = [SubmissionKind.APPEAL, SubmissionKind.COMPLAINT, SubmissionKind.SELF_REPORT]


class SubmissionStatus(models.TextChoices):
    NEW = "new", _("待处理")
    HANDLED = "handled", _("已处理")
    CONVERTED = "converted", _("已转入监测/程序")
