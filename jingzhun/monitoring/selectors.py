"""Reads of monitoring cases, always through the scoping choke point."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from .choices import CaseStatus, RiskType
from .models import MonitoringCase


def cases_for(user, *, status="", monitoring_type="", risk="", source="", q=""):
    qs = MonitoringCase.objects.for_user(user, "view").select_related("household", "area")
    if status:
        qs = qs.filter(status=status)
    if monitoring_type:
        qs = qs.filter(monitoring_type=monitoring_type)
    if source:
        qs = qs.filter(source=source)
    if risk:
        # JSON containment is not portable (SQLite lacks it); index lookups are, and a case has ≤ 10 risks.
        match = Q()
        for i in range(len(RiskType.values)):
            match |= Q(**{f"risk_types__{i}": risk})
        qs = qs.filter(match)
    if q:
        qs = qs.filter(Q(household__household_no__startswith=q) | Q(household__head_name__contains=q))
    return qs


def status_counts(user) -> dict[str, int]:
    rows = MonitoringCase.objects.for_user(user, "view").values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


def todo_items(user) -> list[dict]:
    """Leads waiting to be checked in the user's area (for the to-do queue)."""
    n = MonitoringCase.objects.for_user(user, "manage").filter(status=CaseStatus.PROPOSED).count()
    if not n:
        return []
    return [
        {
            "label": _("待核实的监测线索"),
            "count": n,
            "url": reverse("monitoring:case-list") + "?status=proposed",
            "overdue": 0,
        }
    ]
