"""Template helpers of the comparison pages: the module's tabs, shown by capability."""

from django import template
from django.utils.translation import gettext_lazy as _

from jingzhun.comparison.selectors import can

register = template.Library()

TABS = [
    ("suspects", "comparison:suspect-list", _("疑点户"), ("comparison.view",)),
    ("runs", "comparison:run-list", _("比对运行与统计"), ("comparison.view", "comparison.run")),
    ("alerts", "comparison:alert-list", _("部门预警"), ("comparison.view",)),
    ("batches", "comparison:batch-list", _("部门数据"), ("comparison.upload", "comparison.run")),
    ("relatives", "comparison:relative-list", _("关联人员"), ("comparison.relatives", "comparison.run")),
    ("types", "comparison:type-list", _("数据集类型"), ("comparison.upload", "comparison.run")),
]


@register.inclusion_tag("comparison/_tabs.html", takes_context=True)
def comparison_tabs(context, current: str):
    user = context["request"].user
    tabs = [(key, url, label) for key, url, label, caps in TABS if any(can(user, c) for c in caps)]
    return {"tabs": tabs, "current": current}


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
