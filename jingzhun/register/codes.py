"""National code lists of the register, shipped as reference rows (CodeItem) that admins can extend.

Values in households and members store the code; names come from CodeItem. Provinces add their own
codes (因婚, 因丧 …) through the code-list page; ``sync_code_lists`` only adds missing built-in rows.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ETHNIC = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
]

CODE_LISTS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "cause": (
        _("致贫原因"),
        [
            ("1", "因病"),
            ("2", "因残"),
            ("3", "因学"),
            ("4", "因灾"),
            ("5", "缺土地"),
            ("6", "缺水"),
            ("7", "缺技术"),
            ("8", "缺劳力"),
            ("9", "缺资金"),
            ("10", "交通条件落后"),
            ("11", "自身发展动力不足"),
            ("99", "其他"),
        ],
    ),
    "standard": (_("识别标准"), [("1", "国家标准"), ("2", "省定标准"), ("3", "市定标准")]),
    "attribute": (_("贫困户属性"), [("1", "一般贫困户"), ("2", "低保贫困户"), ("3", "特困供养贫困户")]),
    "relation": (
        _("与户主关系"),
        [
            ("01", "户主"),
            ("02", "配偶"),
            ("03", "之子"),
            ("04", "之女"),
            ("05", "之儿媳"),
            ("06", "之女婿"),
            ("07", "之孙子"),
            ("08", "之孙女"),
            ("09", "之外孙子女"),
            ("10", "之父母"),
            ("11", "之岳父母"),
            ("12", "之公婆"),
            ("13", "之兄弟姐妹"),
            ("99", "其他"),
        ],
    ),
    "ethnicity": (_("民族"), [(f"{i:02d}", n) for i, n in enumerate(ETHNIC, start=1)] + [("97", "其他")]),
    "education": (
        _("文化程度"),
        [
            ("1", "文盲或半文盲"),
            ("2", "小学"),
            ("3", "初中"),
            ("4", "高中"),
            ("5", "中专"),
            ("6", "大专及以上"),
            ("7", "学龄前儿童"),
        ],
    ),
    "in_school": (
        _("在校生状况"),
        [
            ("0", "非在校生"),
            ("1", "学前"),
            ("2", "小学"),
            ("3", "七年级"),
            ("4", "八年级"),
            ("5", "九年级"),
            ("6", "高中"),
            ("7", "中职"),
            ("8", "高职"),
            ("9", "大专"),
            ("10", "本科及以上"),
        ],
    ),
    "health": (_("健康状况"), [("1", "健康"), ("2", "长期慢性病"), ("3", "患有大病"), ("4", "残疾")]),
    "disability_type": (
        _("残疾类别"),
        [
            ("1", "视力残疾"),
            ("2", "听力残疾"),
            ("3", "言语残疾"),
            ("4", "肢体残疾"),
            ("5", "智力残疾"),
            ("6", "精神残疾"),
            ("7", "多重残疾"),
        ],
    ),
    "labour": (
        _("劳动技能"),
        [
            ("1", "普通劳动力"),
            ("2", "技能劳动力"),
            ("3", "弱劳动力或半劳动力"),
            ("4", "丧失劳动力"),
            ("5", "无劳动力"),
        ],
    ),
    "migrant_place": (_("务工地点"), [("1", "县内"), ("2", "县外省内"), ("3", "省外")]),
    "house_structure": (
        _("住房结构"),
        [("1", "钢混"), ("2", "砖混"), ("3", "砖木"), ("4", "土木"), ("9", "其他")],
    ),
    "water": (_("饮水状况"), [("1", "安全"), ("2", "基本安全"), ("3", "不安全")]),
    "fuel": (
        _("主要燃料"),
        [("1", "柴草"), ("2", "煤炭"), ("3", "液化气/天然气"), ("4", "电"), ("5", "沼气"), ("9", "其他")],
    ),
    "transfer_program": (
        _("转移性收入项目"),
        [
            ("dibao", "低保金"),
            ("tekun", "特困供养金"),
            ("pension", "养老金"),
            ("eco", "生态补偿金"),
            ("farm", "农业补贴"),
            ("disability", "残疾人两项补贴"),
            ("edu", "教育资助"),
            ("medical", "医疗救助"),
            ("industry", "产业奖补"),
            ("other", "其他转移性收入"),
        ],
    ),
}

# Legacy attribute names found in old exports, mapped to the current codes (五保户 → 特困供养贫困户).
ATTRIBUTE_ALIASES = {"五保户": "3", "五保贫困户": "3", "低保户": "2", "一般户": "1"}


def sync_code_lists(using: str = "default") -> int:
    """Add built-in code rows that are missing. Never changes or removes what admins edited."""
    from .models import CodeItem

    existing = set(CodeItem.objects.using(using).values_list("kind", "code"))
    new = [
        CodeItem(kind=kind, code=code, name=name, sort=i, builtin=True)
        for kind, (_label, items) in CODE_LISTS.items()
        for i, (code, name) in enumerate(items)
        if (kind, code) not in existing
    ]
    CodeItem.objects.using(using).bulk_create(new)
    return len(new)


def kind_label(kind: str) -> str:
    return str(CODE_LISTS[kind][0]) if kind in CODE_LISTS else kind
