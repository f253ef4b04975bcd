"""The national default templates (procedures.md §1, §3, §4, §5, §6), installed by a data migration.

Each step: (code, name, level, capability, action, notice kind, period days, batch, send back to, config).
Counties adjust them as data (a new template version); nothing here is read at run time except by the
migration and by ``install_defaults`` for a database created without migrations.
"""

V, T, C = "village", "township", "county"
VIL, TWN, CTY = "workflows.village", "workflows.township", "workflows.county"
APPRAISAL = {"quorum": "2/3", "pass_ratio": "2/3"}
SURVEY_RULES = {"exclusion_check": True}

TEMPLATES = {
    "identification": (
        "贫困户识别（两公示一公告）",
        [
            ("apply", "农户申请", V, VIL, "apply", "", 0, False, "", {"require_authorisation": True}),
            ("survey", "入户调查", V, VIL, "survey", "", 15, False, "", SURVEY_RULES),
            (
                "appraisal",
                "民主评议",
                V,
                VIL,
                "appraisal",
                "",
                15,
                True,
                "survey",
                {**APPRAISAL, **SURVEY_RULES},
            ),
            ("notice1", "第一次公示", V, VIL, "notice", "publicity", 7, True, "survey", {}),
            ("township_review", "乡镇审核", T, TWN, "review", "", 15, True, "survey", SURVEY_RULES),
            ("notice2", "第二次公示", V, VIL, "notice", "publicity", 7, True, "survey", {}),
            ("county_review", "县级复审（数据比对）", C, CTY, "review", "", 15, True, "survey", SURVEY_RULES),
            ("announce", "公告", C, CTY, "notice", "announcement", 0, True, "", {"quota_check": True}),
        ],
    ),
    "monitoring_entry": (
        "监测对象识别",
        [
            ("alert", "风险预警", V, VIL, "apply", "", 0, False, "", {}),
            ("verify", "入户核查", V, VIL, "survey", "", 15, False, "", {}),
            ("commitment", "承诺授权", V, VIL, "apply", "", 7, False, "", {"require_authorisation": True}),
            ("comparison", "信息比对", C, CTY, "review", "", 7, True, "verify", {}),
            ("appraisal", "民主评议", V, VIL, "appraisal", "", 15, True, "verify", APPRAISAL),
            ("notice", "村级公示", V, VIL, "notice", "publicity", 7, True, "verify", {}),
            ("township_review", "乡镇审核", T, TWN, "review", "", 7, True, "verify", {}),
            ("county_review", "县级审定", C, CTY, "review", "", 7, True, "verify", {}),
            ("enter", "录入系统", C, CTY, "confirm", "", 7, True, "", {}),
        ],
    ),
    "exit": (
        "贫困户退出",
        [
            ("appraisal", "民主评议", V, VIL, "appraisal", "", 15, True, "", APPRAISAL),
            (
                "verify",
                "村两委和驻村工作队核实、农户签字认可",
                V,
                VIL,
                "survey",
                "",
                15,
                False,
                "appraisal",
                {"require_agreement": True},
            ),
            ("notice", "村内公示", V, VIL, "notice", "publicity", 7, True, "verify", {}),
            ("announce", "公告退出", C, CTY, "notice", "announcement", 0, True, "", {}),
        ],
    ),
    "risk_elimination": (
        "监测对象风险消除",
        [
            ("verify", "入户核查", V, VIL, "survey", "", 15, False, "", {}),
            ("appraisal", "民主评议", V, VIL, "appraisal", "", 15, True, "verify", APPRAISAL),
            ("notice", "公示", V, VIL, "notice", "publicity", 7, True, "verify", {}),
            ("confirm", "审核确认", T, TWN, "review", "", 7, True, "verify", {}),
            ("announce", "公告", C, CTY, "notice", "announcement", 0, True, "", {}),
        ],
    ),
    "removal": (
        "清退（剔除）",
        [
            ("verify", "入户核实", V, VIL, "survey", "", 15, False, "", {}),
            ("appraisal", "民主评议", V, VIL, "appraisal", "", 15, True, "verify", APPRAISAL),
            ("notice", "公示", V, VIL, "notice", "publicity", 7, True, "verify", {}),
            ("township_review", "乡镇审核", T, TWN, "review", "", 7, True, "verify", {}),
            ("county_review", "县级审定", C, CTY, "review", "", 7, True, "verify", {}),
        ],
    ),
    "reappraisal": (
        "重新评议",
        [
            ("verify", "入户核实", V, VIL, "survey", "", 15, False, "", {}),
            ("appraisal", "民主评议", V, VIL, "appraisal", "", 15, True, "verify", APPRAISAL),
            ("township_review", "乡镇审核", T, TWN, "review", "", 7, True, "verify", {}),
            ("county_review", "县级审定", C, CTY, "review", "", 7, True, "verify", {}),
        ],
    ),
    "change_request": (
        "动态调整审核",
        [
            ("submit", "村级提交", V, "register.change", "apply", "", 0, False, "", {}),
            ("review", "乡镇审核", T, "register.review", "review", "", 15, False, "", {}),
        ],
    ),
}


def install_defaults(template_model, step_model) -> int:
    """Create the national default of each kind that has none yet; returns how many were created."""
    created = 0
    for kind, (name, steps) in TEMPLATES.items():
        if template_model.objects.filter(kind=kind, area_key="").exists():
            continue
        template = template_model.objects.create(
            kind=kind, name=name, area_key="", version=1, is_current=True
        )
        step_model.objects.bulk_create(
            step_model(
                template=template,
                order=i,
                code=code,
                name=step_name,
                level=level,
                capability=cap,
                action=action,
                notice_kind=notice_kind,
                period_days=period,
                is_batch=batch,
                send_back_to=back,
                config=config,
            )
            for i, (
                code,
                step_name,
                level,
                cap,
                action,
                notice_kind,
                period,
                batch,
                back,
                config,
            ) in enumerate(steps, start=1)
        )
        created += 1
    return created
