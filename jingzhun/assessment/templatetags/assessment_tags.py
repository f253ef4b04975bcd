"""``{% assessment_panel household %}``: the household page's assessment section, shown only to users
holding ``assessment.view`` at the household's area (so the register template needs no new context)."""

from django import template
from django.utils import timezone

from jingzhun.core.scoping import user_can
from jingzhun.register.choices import PovertyStatus

register = template.Library()


@register.inclusion_tag("assessment/household_panel.html", takes_context=True)
def assessment_panel(context, household):
    request = context.get("request")
    user = getattr(request, "user", None)
    if (
        household is None
        or getattr(household, "pk", None) is None
        or not user_can(user, "assessment.view", household.area)
    ):
        return {"hidden": True}
    from jingzhun.assessment.selectors import latest_for_household

    results = list(latest_for_household(user, household)[:6])
    return {
        "hidden": False,
        "household": household,
        "latest": results[0] if results else None,
        "others": results[1:],
        "default_year": timezone.localdate().year - 1,
        "can_run": user_can(user, "assessment.run", household.area),
        "can_exit": household.poverty_status in (PovertyStatus.POOR, PovertyStatus.RETURNED)
        and user_can(user, "workflows.village", household.area),
        "csrf_token": context.get("csrf_token"),
    }
