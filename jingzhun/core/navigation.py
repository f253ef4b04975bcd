"""Module navigation. Each entry shows when the user holds its capability somewhere.

Entries are grouped into menus so that the bar stays one line however many modules are installed; a group
with one visible entry shows as a plain link. Later apps add their entries here (one list, so the order of
modules is decided in one place).
"""

from django.utils.translation import gettext_lazy as _

# group key → label; entries with group None sit on the bar itself
GROUPS = {
    "register": _("建档立卡"),
    "procedures": _("识别退出"),
    "support": _("监测帮扶"),
    "comparison": _("数据比对"),
    "analysis": _("统计分析"),
    "system": _("系统"),
}

# (url name, label, bootstrap icon, capability or None for every logged-in user, group)
NAV_ITEMS = [
    ("core:home", _("首页"), "house", None, None),
    ("workflows:todo", _("待办事项"), "list-check", None, None),
    ("register:household-list", _("农户档案"), "house-heart", "register.view", "register"),
    ("register:change-queue", _("变更审核"), "check2-square", "register.review", "register"),
    ("identification:overview", _("贫困户识别"), "person-check", "identification.view", "procedures"),
    ("workflows:procedure-list", _("办理程序"), "signpost-split", "workflows.view", "procedures"),
    ("workflows:notice-list", _("公示公告"), "megaphone", "workflows.view", "procedures"),
    ("public:submission-list", _("群众反映"), "chat-left-text", "public.handle", "procedures"),
    ("workflows:template-list", _("程序模板"), "diagram-2", "workflows.templates", "procedures"),
    ("assessment:result-list", _("退出评估"), "clipboard-check", "assessment.view", "procedures"),
    ("assessment:village-list", _("贫困村退出"), "flag", "assessment.view", "procedures"),
    ("assessment:county-detail", _("贫困县退出指标"), "bar-chart", "assessment.view", "procedures"),
    ("evaluation:list", _("抽样评估"), "clipboard-data", "evaluation.view", "procedures"),
    ("monitoring:case-list", _("防返贫监测"), "activity", "monitoring.view", "support"),
    ("assistance:index", _("帮扶工作"), "people-fill", "assistance.view", "support"),
    ("assistance:delivery-list", _("帮扶措施落实"), "box-seam", "assistance.deliver", "support"),
    ("comparison:suspect-list", _("疑点核查"), "intersect", "comparison.view", "comparison"),
    ("comparison:batch-list", _("部门比对数据"), "cloud-upload", "comparison.upload", "comparison"),
    ("indicators:dashboard", _("统计驾驶舱"), "speedometer2", "indicators.view", "analysis"),
    ("indicators:tables", _("统计报表"), "table", "indicators.view", "analysis"),
    ("reports:report-list", _("汇报材料"), "file-earmark-word", "reports.view", "analysis"),
    ("reports:task-list", _("工作任务清单"), "list-task", "reports.view", "analysis"),
    ("areas:tree", _("行政区划"), "diagram-3", "areas.view", "system"),
    ("policy:value-list", _("政策参数"), "sliders", "policy.view", "system"),
    ("accounts:user-list", _("用户与角色"), "people", "accounts.view", "system"),
    ("core:job-list", _("后台任务"), "hourglass-split", None, "system"),
    ("core:audit-list", _("审计日志"), "journal-text", "core.audit_view", "system"),
    ("api-docs", _("接口文档"), "code-slash", None, "system"),
]
