"""The common exclusion rules of procedures.md §7, shipped as national rows by a data migration.

Counties adjust them as data (rules page): switch a rule off, change a threshold, drop the exemption.
Nothing here is read at run time except by the migration and by ``install_default_rules``.
"""

ILLNESS_DISABILITY = ["1", "2"]  # 因病、因残: the rule option "unless a major cause applies"

# (code, name, description, predicate, params, exempt main causes)
DEFAULT_RULES = [
    (
        "public_payroll",
        "家庭成员为财政供养人员",
        "家庭成员中有机关、事业单位、国有企业在编在岗人员的，不予识别（因病、因残致贫的除外）。",
        "public_payroll",
        {},
        ILLNESS_DISABILITY,
    ),
    (
        "village_cadre",
        "家庭成员为现任村干部",
        "家庭成员中有现任村干部的，不予识别（因病、因残致贫的除外），防止优亲厚友。",
        "village_cadre",
        {},
        ILLNESS_DISABILITY,
    ),
    (
        "vehicle",
        "拥有车辆或工程机械",
        "家庭拥有小汽车、货车、工程机械或大型农机的，不予识别（可设定价值下限）。",
        "vehicle",
        {"min_value": 0},
        [],
    ),
    (
        "real_estate",
        "在城镇拥有商品房或商铺",
        "家庭在城镇购买商品房、商铺等房产的，不予识别。",
        "real_estate",
        {},
        [],
    ),
    (
        "house_standard",
        "近年新建、购买或高标准装修住房",
        "近年新建、购买住房或高标准装修，人均住房面积明显超过当地水平的，不予识别。",
        "house_standard",
        {"within_years": 3, "area_per_person": 50},
        [],
    ),
    (
        "business",
        "经营实体、雇工或缴纳经营性税收",
        "家庭成员注册或投资经营实体、长期雇用他人或缴纳经营性税收的，不予识别。",
        "business",
        {},
        [],
    ),
    (
        "away",
        "全家长期外出",
        "全家外出务工一年以上、有稳定收入、不在本村实际居住的，不予识别。",
        "away",
        {"months": 12},
        [],
    ),
    ("nominal", "空挂户", "户籍在本村但不在本村居住生活的空挂户，不予识别。", "nominal", {}, []),
    (
        "split_merge",
        "近年分户或合户",
        "为享受政策近年拆户、分户或合户的，不予识别。",
        "split_merge",
        {"years": 3},
        [],
    ),
    ("study_abroad", "子女自费出国留学", "家庭成员自费出国留学的，不予识别。", "study_abroad", {}, []),
    (
        "insurance",
        "商业保险保费较高",
        "家庭购买商业保险年缴保费超过规定金额的，不予识别。",
        "insurance",
        {"threshold": 10000},
        [],
    ),
    (
        "refuses_explain",
        "拒不说明群众反映的问题",
        "对群众反映的问题拒不说明、不配合核查的，不予识别。",
        "refuses_explain",
        {},
        [],
    ),
    (
        "illegal_activity",
        "有违法行为",
        "家庭成员涉毒、赌博等违法行为且未改正的，不予识别。",
        "illegal_activity",
        {},
        [],
    ),
]


def install_default_rules(ExclusionRule) -> int:
    """Create the national rules that are missing (never changes a rule an administrator edited)."""
    existing = set(ExclusionRule.objects.filter(area_key="").values_list("code", flat=True))
    new = [
        ExclusionRule(
            code=code,
            name=name,
            description=description,
            predicate=predicate,
            params=params,
            exempt_causes=exempt,
            applies_to=["identification"],
            area_key="",
            sort=i,
        )
        for i, (code, name, description, predicate, params, exempt) in enumerate(DEFAULT_RULES, start=1)
        if code not in existing
    ]
    ExclusionRule.objects.bulk_create(new)
    return len(new)
