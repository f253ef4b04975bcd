"""Module navigation. Each entry shows when the user holds its capability somewhere.

Later apps add their entries here (one list, so the order of modules is decided in one place).
"""

from django.utils.translation import gettext_lazy as _

# (url name, label, bootstrap icon, capability or None for every logged-in user)
NAV_ITEMS = [
    ("core:home", _("首页"), "house", None),
    ("workflows:todo", _("待办事项"), "list-check", None),
    ("workflows:procedure-list", _("办理程序"), "signpost-split", "workflows.view"),
    ("workflows:template-list", _("程序模板"), "diagram-2", "workflows.templates"),
    ("register:household-list", _("农户档案"), "house-heart", "register.view"),
    ("register:change-queue", _("变更审核"), "check2-square", "register.review"),
    ("identification:overview", _("贫困户识别"), "person-check", "identification.view"),
    ("monitoring:case-list", _("防返贫监测"), "activity", "monitoring.view"),
    ("assistance:index", _("帮扶工作"), "people-fill", "assistance.view"),
    ("comparison:suspect-list", _("数据比对"), "intersect", "comparison.view"),
    ("comparison:batch-list", _("部门比对数据"), "cloud-upload", "comparison.upload"),
    ("workflows:notice-list", _("公示公告"), "megaphone", "workflows.view"),
    ("public:submission-list", _("群众反映"), "chat-left-text", "public.handle"),
    ("areas:tree", _("行政区划"), "diagram-3", "areas.view"),
    ("accounts:user-list", _("用户与角色"), "people", "accounts.view"),
    ("core:job-list", _("后台任务"), "hourglass-split", None),
    ("core:audit-list", _("审计日志"), "journal-text", "core.audit_view"),
    ("api-docs", _("接口文档"), "code-slash", None),
]
