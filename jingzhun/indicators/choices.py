from django.utils.translation import gettext_lazy as _

VIEW = "indicators.view"

CAPABILITIES = [
    (VIEW, _("查看统计指标、驾驶舱和统计报表")),
]

# role code → capabilities of this app that the default role gets (merged by accounts on migrate)
ROLE_GRANTS: dict = {
    "township_admin": [VIEW],
    "inspector": [VIEW],
    "leader": [VIEW],
    "village_officer": [VIEW],
    "work_team": [VIEW],
}

# Significant digits of an area path at each level (see areas.choices.PATH_LENGTH); values are kept for
# province … village. Households placed on a group (15 digits) count in their village.
LEVEL_DIGITS = (2, 4, 6, 9, 12)
VILLAGE_DIGITS = 12
COUNTY_DIGITS = 6
