from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

CAPABILITIES = [
    ("areas.view", _("查看行政区划")),
    ("areas.change", _("编辑区划名称和统计数据")),
    ("areas.import", _("导入乡镇/村/组名单")),
]


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县(区)")
    TOWNSHIP = "township", _("乡(镇、街道)")
    VILLAGE = "village", _("行政村(社区)")
    HAMLET = "hamlet", _("自然村")
    GROUP = "group", _("村民组")


# "下辖 N 个…" on an area's page: how many areas of each level lie below it (``% {"n": count}``).
LEVEL_COUNT_LABELS = {
    AreaLevel.PROVINCE: ngettext_lazy("%(n)s 个省", "%(n)s 个省", "n"),
    AreaLevel.CITY: ngettext_lazy("%(n)s 个市", "%(n)s 个市", "n"),
    AreaLevel.COUNTY: ngettext_lazy("%(n)s 个县(区)", "%(n)s 个县(区)", "n"),
    AreaLevel.TOWNSHIP: ngettext_lazy("%(n)s 个乡镇", "%(n)s 个乡镇", "n"),
    AreaLevel.VILLAGE: ngettext_lazy("%(n)s 个行政村", "%(n)s 个行政村", "n"),
    AreaLevel.HAMLET: ngettext_lazy("%(n)s 个自然村", "%(n)s 个自然村", "n"),
    AreaLevel.GROUP: ngettext_lazy("%(n)s 个村民组", "%(n)s 个村民组", "n"),
}

# Order of levels from the top; index is the depth.
LEVEL_ORDER = [
    AreaLevel.PROVINCE,
    AreaLevel.CITY,
    AreaLevel.COUNTY,
    AreaLevel.TOWNSHIP,
    AreaLevel.VILLAGE,
    AreaLevel.GROUP,
]

# Significant digits of the code at each level: 统计用区划代码 is 2+2+2+3+3 = 12 digits; hamlets and
# groups below a village extend it with 3 more digits of our own.
PATH_LENGTH = {
    AreaLevel.PROVINCE: 2,
    AreaLevel.CITY: 4,
    AreaLevel.COUNTY: 6,
    AreaLevel.TOWNSHIP: 9,
    AreaLevel.VILLAGE: 12,
    AreaLevel.HAMLET: 15,
    AreaLevel.GROUP: 15,
}

PARENT_LEVEL = {
    AreaLevel.CITY: AreaLevel.PROVINCE,
    AreaLevel.COUNTY: AreaLevel.CITY,
    AreaLevel.TOWNSHIP: AreaLevel.COUNTY,
    AreaLevel.VILLAGE: AreaLevel.TOWNSHIP,
    AreaLevel.HAMLET: AreaLevel.VILLAGE,
    AreaLevel.GROUP: AreaLevel.VILLAGE,
}

# 城乡分类代码 of the NBS list (used for village-level rows).
URBAN_RURAL_CLASSES = {
    "111": _("主城区"),
    "112": _("城乡结合区"),
    "121": _("镇中心区"),
    "122": _("镇乡结合区"),
    "123": _("特殊区域"),
    "210": _("乡中心区"),
    "220": _("村庄"),
}

# Provinces whose thresholds default to the western values (3% incidence) — see shared policy.md.
WESTERN_PROVINCES = {"15", "45", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"}
