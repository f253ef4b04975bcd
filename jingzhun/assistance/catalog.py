"""The built-in measure catalogue and cause → measure mapping, seeded by migration 0002.

These are starting rows: administrators add measures and change the mapping on the settings page.
``seed_catalog`` only adds missing rows (by code / by pair), so re-running it never undoes their edits.
"""

from __future__ import annotations

# (code, name, category, unit, is_cash, income_program)
# income_program: the register's transfer_program code a cash delivery adds to transfer income; blank
# when the money is not the household's transfer income (loan, wage, grant for a house, dividend).
MEASURES = [
    ("industry_subsidy", "产业奖补", "industry", "元", True, "industry"),
    ("industry_inkind", "产业扶持物资（种苗、畜禽）", "industry", "份", False, ""),
    ("training", "技能培训", "employment", "人次", False, ""),
    ("workshop_job", "扶贫车间就业", "employment", "人", False, ""),
    ("public_job", "公益性岗位", "employment", "元", True, ""),
    ("transport_subsidy", "外出务工交通补助", "employment", "元", True, "other"),
    ("microloan", "扶贫小额信贷", "finance", "元", True, ""),
    ("loan_interest", "小额信贷贴息", "finance", "元", True, "other"),
    ("yulu", "雨露计划", "education", "元", True, "edu"),
    ("sanmian", "三免一助", "education", "元", True, "edu"),
    ("nutrition", "营养改善计划", "education", "人", False, ""),
    ("edu_grant", "助学金/生活补助", "education", "元", True, "edu"),
    ("insurance_paid", "医保个人缴费代缴", "health", "元", True, ""),
    ("treat_first", "先诊疗后付费", "health", "人次", False, ""),
    ("family_doctor", "家庭医生签约", "health", "人", False, ""),
    ("medical_aid", "大病救助/医疗救助", "health", "元", True, "medical"),
    ("house_renovation", "危房改造", "housing", "元", True, ""),
    ("dibao", "低保", "safety_net", "元", True, "dibao"),
    ("tekun", "特困供养", "safety_net", "元", True, "tekun"),
    ("disability_subsidy", "残疾人两项补贴", "safety_net", "元", True, "disability"),
    ("relocation", "易地扶贫搬迁", "relocation", "户", False, ""),
    ("water", "饮水安全保障", "water", "户", False, ""),
    ("pv_dividend", "光伏收益分红", "asset_income", "元", True, ""),
    ("equity_dividend", "入股分红", "asset_income", "元", True, ""),
    ("eco_compensation", "生态补偿", "other", "元", True, "eco"),
    ("other", "其他帮扶", "other", "元", True, "other"),
]

# cause code (register code list "cause") → measure codes that answer it. 99 其他 has none: no gap.
CAUSE_MEASURES = {
    "1": ["medical_aid", "insurance_paid", "treat_first", "family_doctor"],  # 因病
    "2": ["disability_subsidy", "dibao", "tekun"],  # 因残
    "3": ["yulu", "sanmian", "nutrition", "edu_grant"],  # 因学
    "4": ["house_renovation", "industry_subsidy", "other"],  # 因灾
    "5": ["industry_subsidy", "workshop_job", "training", "relocation"],  # 缺土地
    "6": ["water"],  # 缺水
    "7": ["training", "industry_subsidy", "industry_inkind"],  # 缺技术
    "8": ["dibao", "tekun", "pv_dividend", "equity_dividend"],  # 缺劳力
    "9": ["microloan", "industry_subsidy", "industry_inkind"],  # 缺资金
    "10": ["relocation", "transport_subsidy", "workshop_job"],  # 交通条件落后
    "11": ["training", "public_job", "workshop_job"],  # 自身发展动力不足
}


def seed_catalog(measure_model, cause_model) -> int:
    """Add missing built-in measures and mappings (works with historical models in migrations)."""
    existing = set(measure_model.objects.values_list("code", flat=True))
    new = [
        measure_model(
            code=code,
            name=name,
            category=category,
            unit=unit,
            is_cash=is_cash,
            income_program=program,
            sort=i * 10,
            builtin=True,
        )
        for i, (code, name, category, unit, is_cash, program) in enumerate(MEASURES)
        if code not in existing
    ]
    measure_model.objects.bulk_create(new)
    ids = dict(measure_model.objects.values_list("code", "id"))
    pairs = set(cause_model.objects.values_list("cause", "measure_id"))
    rows = [
        cause_model(cause=cause, measure_id=ids[code])
        for cause, codes in CAUSE_MEASURES.items()
        for code in codes
        if code in ids and (cause, ids[code]) not in pairs
    ]
    cause_model.objects.bulk_create(rows)
    return len(new) + len(rows)
