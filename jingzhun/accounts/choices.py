from django.utils.translation import gettext_lazy as _

CAPABILITIES = [
    ("accounts.view", _("查看本区域用户")),
    ("accounts.manage", _("管理本区域用户和角色分配")),
    ("accounts.roles", _("编辑角色权限")),
]

# Default roles: (code, name, rank, usual area level, capabilities). Rank orders authority: a user
# manager can grant only roles of lower rank than its own. Admins edit roles as data after install;
# a capability added by a later release is granted to the default roles listed here on the next migrate.
ALL = "*"
DEFAULT_ROLES = [
    ("county_admin", _("县级管理员"), 100, "county", [ALL]),
    (
        "township_admin",
        _("乡镇管理员/扶贫专干"),
        70,
        "township",
        [
            "areas.view",
            "areas.change",
            "areas.import",
            "accounts.view",
            "accounts.manage",
            "core.audit_view",
            "core.jobs_view",
            "core.reveal_sensitive",
            "register.view",
            "register.change",
            "register.review",
            "register.import",
            "register.export",
        ],
    ),
    (
        "inspector",
        _("督查纪检"),
        60,
        "county",
        ["areas.view", "accounts.view", "core.audit_view", "register.view", "register.export"],
    ),
    ("leader", _("只读领导"), 60, "county", ["areas.view", "accounts.view", "register.view"]),
    ("department", _("行业部门用户"), 50, "county", ["areas.view"]),
    ("village_officer", _("村级信息员"), 40, "village", ["areas.view", "register.view", "register.change"]),
    (
        "work_team",
        _("第一书记/驻村工作队"),
        40,
        "village",
        ["areas.view", "register.view", "register.change"],
    ),
    ("cadre", _("帮扶责任人"), 20, "village", ["areas.view", "register.view"]),
]
