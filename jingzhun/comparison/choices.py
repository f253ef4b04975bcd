from django.db import models
from django.utils.translation import gettext_lazy as _

CAPABILITIES = [
    ("comparison.upload", _("上传部门比对数据（只能看到自己上传的批次）")),
    ("comparison.view", _("查看本区域的疑点户和比对统计")),
    ("comparison.run", _("管理数据比对：数据集类型、执行比对、查看本区域的部门数据")),
    ("comparison.decide", _("核实疑点户并作出处理决定（剔除/保留/重新评议）")),
    ("comparison.signoff", _("县级确认疑点户处理结果")),
    ("comparison.relatives", _("维护外出子女、子女配偶和赡养人信息")),
]

# role code → capabilities of this app that the default role gets (merged by accounts on migrate)
ROLE_GRANTS: dict = {
    "township_admin": ["comparison.view", "comparison.relatives"],
    "inspector": ["comparison.view"],
    "leader": ["comparison.view"],
    "department": ["comparison.upload"],
    "village_officer": ["comparison.view", "comparison.decide", "comparison.relatives"],
    "work_team": ["comparison.view", "comparison.decide", "comparison.relatives"],
}

SUSPECT_DAYS = 15  # days the village has to verify and decide a suspect before it is overdue


class Fact(models.TextChoices):
    """What a matched department row says about a person (read by the exclusion rules)."""

    PUBLIC_PAYROLL = "public_payroll", _("财政供养人员")
    VEHICLE = "vehicle", _("拥有机动车")
    REAL_ESTATE = "real_estate", _("拥有城镇商品房/商铺")
    BUSINESS = "business", _("登记市场主体")
    DECEASED = "deceased", _("已死亡/户籍注销")
    ASSISTANCE_STATUS = "assistance_status", _("低保/特困状态与档案不符")
    DISABILITY = "disability", _("残疾信息与档案不符")
    SOCIAL_SECURITY = "social_security", _("社保缴费/领取养老金")
    HOUSING_FUND = "housing_fund", _("缴存住房公积金")
    TAX = "tax", _("纳税")
    VILLAGE_CADRE = "village_cadre", _("村干部")
    IMPRISONED = "imprisoned", _("服刑")
    MEDICAL_EXPENSE = "medical_expense", _("大额医疗支出")
    DISASTER = "disaster", _("受灾")
    UNEMPLOYMENT = "unemployment", _("失业")


class FieldKind(models.TextChoices):
    TEXT = "text", _("文本")
    NUMBER = "number", _("数字")
    DATE = "date", _("日期")


class BatchStatus(models.TextChoices):
    MAPPING = "mapping", _("待确认字段对应")
    MAPPED = "mapped", _("待校验")
    CHECKING = "checking", _("校验中")
    CHECKED = "checked", _("校验通过，待入库")
    FAILED = "failed", _("校验未通过")
    LOADING = "loading", _("入库中")
    LOADED = "loaded", _("已入库")


class Strength(models.TextChoices):
    ID = "id", _("身份证号一致")
    NAME_BIRTH = "name_birth", _("姓名+出生日期一致（较弱）")


class PersonKind(models.TextChoices):
    MEMBER = "member", _("家庭成员")
    RELATIVE = "relative", _("关联人员")


class RelativeKind(models.TextChoices):
    CHILD_APART = "child_apart", _("分户子女")
    CHILD_SPOUSE = "child_spouse", _("分户子女的配偶")
    SUPPORTER = "supporter", _("法定赡养人")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("比对中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class SuspectStatus(models.TextChoices):
    PENDING = "pending", _("待核实")
    VERIFIED = "verified", _("已核实，待处理")
    DECIDED = "decided", _("已处理，待县级确认")
    SIGNED_OFF = "signed_off", _("县级已确认")
    WITHDRAWN = "withdrawn", _("已撤销（重新比对不再命中）")


OPEN_STATUSES = (SuspectStatus.PENDING, SuspectStatus.VERIFIED)


class Decision(models.TextChoices):
    REMOVE = "remove", _("剔除")
    KEEP = "keep", _("保留")
    REAPPRAISE = "reappraise", _("重新评议")


# decision → workflows procedure kind it starts
DECISION_PROCEDURE = {Decision.REMOVE: "removal", Decision.REAPPRAISE: "reappraisal"}


class AlertStatus(models.TextChoices):
    PROPOSED = "proposed", _("已推送监测")
    SKIPPED = "skipped", _("未推送")


# Common target fields of every data set: (code, label, kind, header aliases)
ID_FIELD = "id_number"
NAME_FIELD = "name"
BIRTH_FIELD = "birth_date"
COMMON_FIELDS = [
    (ID_FIELD, "身份证号", FieldKind.TEXT, ["身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证"]),
    (NAME_FIELD, "姓名", FieldKind.TEXT, ["姓名", "名字", "人员姓名", "户主姓名"]),
    (BIRTH_FIELD, "出生日期", FieldKind.DATE, ["出生日期", "出生年月日", "生日"]),
]

# The data set types of procedures.md §6 plus the department alerts of §4, seeded by migration 0002.
# (code, name, department, fact, extra fields [(code, label, kind, aliases)], covers relatives,
#  raises suspects, monitoring risk type proposed for the household or "")
DEFAULT_TYPES = [
    (
        "public_payroll",
        "财政供养人员",
        "财政/人社",
        Fact.PUBLIC_PAYROLL,
        [("employer", "工作单位", "text", ["工作单位", "单位名称", "单位"])],
        True,
        True,
        "",
    ),
    (
        "vehicle",
        "机动车登记",
        "公安交管",
        Fact.VEHICLE,
        [
            ("plate", "号牌号码", "text", ["号牌号码", "车牌号", "车牌号码"]),
            ("vehicle_type", "车辆类型", "text", ["车辆类型", "车型"]),
            ("value", "车辆价值(元)", "number", ["车辆价值", "价值", "购置价格", "车辆价值(元)"]),
        ],
        True,
        True,
        "",
    ),
    (
        "real_estate",
        "不动产登记/商品房",
        "自然资源/住建",
        Fact.REAL_ESTATE,
        [
            ("location", "坐落", "text", ["坐落", "房屋坐落", "地址"]),
            ("usage", "用途", "text", ["用途", "房屋用途"]),
            ("floor_area", "建筑面积(㎡)", "number", ["建筑面积", "面积"]),
        ],
        True,
        True,
        "",
    ),
    (
        "business",
        "市场主体登记",
        "市场监管",
        Fact.BUSINESS,
        [
            ("entity", "主体名称", "text", ["主体名称", "企业名称", "名称"]),
            ("role", "身份", "text", ["身份", "职务", "人员类型"]),
            ("capital", "注册资本(万元)", "number", ["注册资本", "注册资本(万元)"]),
        ],
        True,
        True,
        "",
    ),
    (
        "deceased",
        "死亡/户籍注销",
        "公安/民政/卫健",
        Fact.DECEASED,
        [("died_on", "死亡(注销)日期", "date", ["死亡日期", "注销日期", "死亡(注销)日期"])],
        False,
        True,
        "accident",
    ),
    (
        "assistance_status",
        "低保/特困",
        "民政",
        Fact.ASSISTANCE_STATUS,
        [("status", "救助类别", "text", ["救助类别", "类别", "保障类别"])],
        False,
        True,
        "",
    ),
    (
        "disability",
        "残疾人证",
        "残联",
        Fact.DISABILITY,
        [
            ("disability_type", "残疾类别", "text", ["残疾类别", "类别"]),
            ("grade", "残疾等级", "number", ["残疾等级", "等级"]),
        ],
        False,
        True,
        "",
    ),
    (
        "social_security",
        "社保缴费/养老金",
        "人社",
        Fact.SOCIAL_SECURITY,
        [
            ("insurance", "险种", "text", ["险种", "参保险种"]),
            ("base", "缴费基数(元)", "number", ["缴费基数", "月缴费基数"]),
            ("pension", "月养老金(元)", "number", ["月养老金", "养老金", "待遇金额"]),
        ],
        True,
        True,
        "",
    ),
    (
        "housing_fund",
        "住房公积金",
        "公积金中心",
        Fact.HOUSING_FUND,
        [
            ("employer", "缴存单位", "text", ["缴存单位", "单位名称"]),
            ("monthly", "月缴存额(元)", "number", ["月缴存额", "缴存额"]),
        ],
        True,
        True,
        "",
    ),
    (
        "tax",
        "纳税",
        "税务",
        Fact.TAX,
        [
            ("taxpayer", "纳税人名称", "text", ["纳税人名称", "纳税人"]),
            ("amount", "纳税额(元)", "number", ["纳税额", "税额", "应纳税额"]),
        ],
        True,
        True,
        "",
    ),
    (
        "village_cadre",
        "村干部名单",
        "组织部",
        Fact.VILLAGE_CADRE,
        [("post", "职务", "text", ["职务", "岗位"])],
        True,
        True,
        "",
    ),
    (
        "imprisoned",
        "服刑人员",
        "司法",
        Fact.IMPRISONED,
        [("term_end", "刑满日期", "date", ["刑满日期", "刑期止日"])],
        False,
        True,
        "",
    ),
    (
        "medical_expense",
        "大额医疗费用",
        "医保",
        Fact.MEDICAL_EXPENSE,
        [("self_paid", "个人自付(元)", "number", ["个人自付", "自付金额", "个人负担"])],
        False,
        False,
        "illness",
    ),
    (
        "disaster",
        "受灾名单",
        "应急管理",
        Fact.DISASTER,
        [("loss", "损失情况", "text", ["损失情况", "灾情"])],
        False,
        False,
        "disaster",
    ),
    (
        "unemployment",
        "失业登记",
        "人社",
        Fact.UNEMPLOYMENT,
        [("registered_on", "登记日期", "date", ["登记日期", "失业登记日期"])],
        False,
        False,
        "employment",
    ),
]
