"""Capabilities, role grants and the fixed choice lists of identification (精准识别).

Code lists users must extend (致贫原因, 贫困户属性, 识别标准) stay in the register's CodeItem table; the
choices here are the survey's own answer sets (五看) and the application channel.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

CAPABILITIES = [
    ("identification.view", _("查看贫困识别名单、不予识别规则和识别规模")),
    ("identification.rules", _("维护本县不予识别规则（县级）")),
    ("identification.quota", _("设定本县年度识别规模（县级）")),
]

# role code → capabilities of this app that the default role gets (merged by accounts on migrate)
ROLE_GRANTS: dict = {
    "township_admin": ["identification.view"],
    "inspector": ["identification.view"],
    "leader": ["identification.view"],
    "village_officer": ["identification.view"],
    "work_team": ["identification.view"],
}

KIND = "identification"


class ApplyMethod(models.TextChoices):
    HOUSEHOLD = "household", _("农户申请")
    VILLAGE = "village", _("村级推荐")


class HouseLook(models.TextChoices):
    """看房: the house's safety grade as seen on the visit (A–D as in the register)."""

    A = "A", _("A级（安全）")
    B = "B", _("B级（基本安全）")
    C = "C", _("C级（局部危险）")
    D = "D", _("D级（整栋危险）")


class FoodLook(models.TextChoices):
    ENOUGH = "enough", _("口粮充足")
    BASIC = "basic", _("基本够吃")
    SHORT = "short", _("口粮不足")


class LabourLook(models.TextChoices):
    ENOUGH = "enough", _("劳动力充足")
    SHORT = "short", _("劳动力不足")
    NONE = "none", _("无劳动力")


class SchoolLook(models.TextChoices):
    NONE = "none", _("无在校生")
    LIGHT = "light", _("有在校生，负担较轻")
    HEAVY = "heavy", _("有在校生，负担较重")
    DROPOUT = "dropout", _("有辍学儿童")


class IllnessLook(models.TextChoices):
    NONE = "none", _("无病人")
    CHRONIC = "chronic", _("有慢性病人")
    SERIOUS = "serious", _("有大病或重度残疾病人")


# The five looks (五看): field code → (label, choices)
FIVE_LOOKS = {
    "look_house": (_("看房"), HouseLook),
    "look_food": (_("看粮"), FoodLook),
    "look_labour": (_("看劳力"), LabourLook),
    "look_school": (_("看读书郎"), SchoolLook),
    "look_illness": (_("看病床"), IllnessLook),
}

# Declarations of the survey that exclusion rules read: field → label (booleans)
DECLARATIONS = {
    "public_payroll": _("家庭成员中有财政供养人员"),
    "village_cadre": _("家庭成员中有现任村干部"),
    "vehicle": _("拥有小汽车、货车、工程机械或大型农机"),
    "urban_property": _("在城镇拥有商品房或商铺"),
    "high_standard_house": _("近年新建、购买住房或高标准装修"),
    "business_registered": _("家庭成员注册或投资经营实体"),
    "business_hires": _("经营中长期雇用他人"),
    "business_tax": _("缴纳经营性税收"),
    "family_away": _("全家外出一年以上"),
    "nominal_household": _("空挂户（户籍在本村但不在本村居住）"),
    "study_abroad": _("子女自费出国留学"),
    "refuses_explain": _("对群众反映的问题拒不说明"),
    "illegal_activity": _("有违法行为（涉毒、赌博等）"),
}

# Amounts of the survey (yuan): field → label
DECLARED_AMOUNTS = {
    "vehicle_value": _("车辆/机械价值（元）"),
    "insurance_premium": _("商业保险年缴保费（元）"),
}

INCOME_FIELDS = {
    "wages": _("工资性收入"),
    "business": _("生产经营性收入"),
    "property_income": _("财产性收入"),
    "transfers": _("转移性收入"),
    "business_costs": _("生产经营性支出"),
}

# Steps after which a procedure counts as "in progress" towards the quota (past 乡镇审核).
QUOTA_AFTER_STEP = "township_review"
