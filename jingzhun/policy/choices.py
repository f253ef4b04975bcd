from django.utils.translation import gettext_lazy as _

CAPABILITIES = [
    ("policy.view", _("查看政策参数")),
    ("policy.manage", _("修改本省政策参数（省定标准）")),
]

# role code → capabilities of this app that the default role gets (merged by accounts on migrate)
ROLE_GRANTS: dict = {
    "township_admin": ["policy.view"],
    "inspector": ["policy.view"],
    "leader": ["policy.view"],
    "department": ["policy.view"],
    "village_officer": ["policy.view"],
    "work_team": ["policy.view"],
}
