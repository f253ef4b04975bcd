from django.db import models
from django.utils.translation import gettext_lazy as _

CAPABILITIES = [
    ("register.view", _("查看农户档案")),
    ("register.change", _("新增、修改农户档案，提交变更申请")),
    ("register.review", _("审核农户变更申请")),
    ("register.import", _("批量导入农户档案")),
    ("register.export", _("导出农户名单")),
    ("register.codes", _("维护代码表（致贫原因等）")),
]

HEAD_RELATION = "01"  # 户主 in the relation code list


class PovertyStatus(models.TextChoices):
    NOT_POOR = "not_poor", _("非贫困户")
    POOR = "poor", _("未脱贫")
    EXITED = "exited", _("已脱贫")
    RETURNED = "returned", _("返贫")


REMAINING_POOR = (PovertyStatus.POOR, PovertyStatus.RETURNED)
REGISTERED = (PovertyStatus.POOR, PovertyStatus.EXITED, PovertyStatus.RETURNED)


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    DECEASED = "deceased", _("死亡")
    MOVED_OUT = "moved_out", _("迁出")
    MARRIED_OUT = "married_out", _("婚出")
    IMPRISONED = "imprisoned", _("服刑")
    CANCELLED = "cancelled", _("其他注销")


class Sex(models.TextChoices):
    MALE = "1", _("男")
    FEMALE = "2", _("女")


class HouseGrade(models.TextChoices):
    A = "A", _("A级（安全）")
    B = "B", _("B级（基本安全）")
    C = "C", _("C级（局部危险）")
    D = "D", _("D级（整栋危险）")


class Relocation(models.TextChoices):
    NONE = "", _("未搬迁")
    CENTRALISED = "centralised", _("集中安置")
    SCATTERED = "scattered", _("分散安置")


class ChangeKind(models.TextChoices):
    ADD_MEMBER = "add_member", _("新增成员")
    REMOVE_MEMBER = "remove_member", _("减少成员")
    TRANSFER_MEMBER = "transfer_member", _("成员转移")
    SPLIT = "split", _("分户")
    MERGE = "merge", _("合户")
    CHANGE_HEAD = "change_head", _("变更户主")
    CORRECT_INFO = "correct_info", _("信息更正")
    MOVE_HOUSEHOLD = "move_household", _("户迁移")


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPLIED = "applied", _("已通过")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


# Reasons that go with add/remove member requests.
ADD_REASONS = {"birth": _("出生"), "marriage_in": _("婚入"), "move_in": _("其他迁入")}
REMOVE_REASONS = {
    "deceased": _("死亡"),
    "married_out": _("婚出"),
    "moved_out": _("迁出"),
    "imprisoned": _("服刑"),
    "cancelled": _("其他"),
}
