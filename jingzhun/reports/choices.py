from django.utils.translation import gettext_lazy as _  # noqa: F401

CAPABILITIES: list = []

# role code → capabilities of this app that the default role gets (merged by accounts on migrate)
ROLE_GRANTS: dict = {}
