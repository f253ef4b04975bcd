"""Module navigation. Each entry shows when the user holds its capability somewhere.

Later apps add their entries here (one list, so the order of modules is decided in one place).
"""

from django.utils.translation import gettext_lazy as _

# (url name, label, bootstrap icon, capability or None for every logged-in user)
NAV_ITEMS = [
    ("core:home", _("首页"), "house", None),
    ("register:household-list", _("农户档案"), "house-heart", "register.view"),
    ("register:change-queue", _("变更审核"), "check2-square", "register.review"),
    ("areas:tree", _("行政区划"), "diagram-3", "areas.view"),
    ("accounts:user-list", _("用户与角色"), "people", "accounts.view"),
    ("core:job-list", _("后台任务"), "hourglass-split", None),
    ("core:audit-list", _("审计日志"), "journal-text", "core.audit_view"),
    ("api-docs", _("接口文档"), "code-slash", None),
]
