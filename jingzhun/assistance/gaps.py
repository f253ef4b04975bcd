"""Gaps lists (短板清单): causes without a matching measure, households without a cadre, cadres over
their maximum, households not visited in time and the cadres behind on visits.

All functions take an already-scoped household or cadre queryset (selectors.households_for /
Cadre.objects.for_user), so counts and lists never leave the user's area.

Cause gaps: for each cause of a target household (main + others) that the cause → measure mapping
(CauseMeasure, data) answers, the household is covered in a year when it has an active delivery of one
of the mapped measures that year — or, with ``basis="any"`` (the default), a planned measure of one of
them in that year's plan. ``basis="delivered"`` counts only what was actually delivered.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max, OuterRef, Q, Subquery

from .choices import DeliveryStatus
from .limits import COUNTY_PATH, Limits, cadre_max, limits_by_county
from .models import CauseMeasure, Delivery, Pairing, PlannedMeasure, Visit
from .selectors import targets


@dataclass
class CauseGap:
    household_id: int
    cause: str
    measures: list[str]  # names of the measures that would answer it


def cause_mapping() -> dict[str, dict[int, str]]:
    out: dict[str, dict[int, str]] = defaultdict(dict)
    for cause, mid, name in CauseMeasure.objects.filter(measure__active=True).values_list(
        "cause", "measure_id", "measure__name"
    ):
        out[cause][mid] = name
    return out


def cause_gaps(households, year: int, basis: str = "any") -> list[CauseGap]:
    mapping = cause_mapping()
    rows = list(
        targets(households)
        .values_list("id", "main_cause", "other_causes")
        .order_by("area_path", "household_no")
    )
    ids = targets(households).values("id")
    covered: dict[int, set[int]] = defaultdict(set)
    delivered = Delivery.objects.filter(year=year, status=DeliveryStatus.ACTIVE, household_id__in=ids)
    for hid, mid in delivered.values_list("household_id", "measure_id").distinct():
        covered[hid].add(mid)
    if basis != "delivered":
        planned = PlannedMeasure.objects.filter(plan__year=year, plan__household_id__in=ids)
        for hid, mid in planned.values_list("plan__household_id", "measure_id").distinct():
            covered[hid].add(mid)
    gaps = []
    for hid, main, others in rows:
        seen = set()
        for cause in [main, *(others or [])]:
            if not cause or cause in seen or cause not in mapping:
                continue
            seen.add(cause)
            if not covered[hid] & mapping[cause].keys():
                gaps.append(CauseGap(hid, cause, list(mapping[cause].values())))
    return gaps


def cause_gap_counts(gaps: list[CauseGap]) -> tuple[int, Counter]:
    return len({g.household_id for g in gaps}), Counter(g.cause for g in gaps)


def unpaired(households):
    open_pairs = Pairing.objects.filter(ended_on__isnull=True).values("household_id")
    return targets(households).exclude(id__in=open_pairs).order_by("area_path", "household_no")


def overloaded(cadres) -> list:
    """Cadres with more open pairings than their maximum (own override or the county's)."""
    table = limits_by_county()
    rows = cadres.annotate(
        open_count=Count("pairings", filter=Q(pairings__ended_on__isnull=True), distinct=True)
    ).filter(open_count__gt=0)
    out = []
    for c in rows.order_by("-open_count", "name"):
        limit = cadre_max(c, table)
        if c.open_count > limit:
            c.limit = limit
            out.append(c)
    return out


@dataclass
class Overdue:
    pairing: Pairing
    last_visit: datetime.date | None
    days: int | None
    interval: int


def overdue(pairings, today: datetime.date) -> list[Overdue]:
    """Open pairings whose household's last visit (by anyone) is older than the county interval.

    A pairing younger than the interval is not overdue yet."""
    table = limits_by_county()
    last = Visit.objects.filter(household_id=OuterRef("household_id")).order_by().values("household_id")
    last = last.annotate(m=Max("visited_on")).values("m")
    qs = (
        pairings.filter(ended_on__isnull=True)
        .annotate(last_visit=Subquery(last))
        .select_related("cadre", "household")
        .order_by("area_path", "household__household_no")
    )
    shortest = min([x.interval_days for x in table.values()] + [Limits().interval_days])
    early = today - datetime.timedelta(days=shortest)
    qs = qs.filter(Q(last_visit__isnull=True) | Q(last_visit__lt=early), started_on__lt=early)
    out = []
    for p in qs:
        interval = table.get(p.area_path[:COUNTY_PATH], Limits()).interval_days
        cutoff = today - datetime.timedelta(days=interval)
        if p.started_on >= cutoff:
            continue
        if p.last_visit is None or p.last_visit < cutoff:
            days = (today - p.last_visit).days if p.last_visit else None
            out.append(Overdue(p, p.last_visit, days, interval))
    return out


def behind(overdue_rows: list[Overdue]) -> list[tuple]:
    """(cadre, overdue households) for cadres with at least one overdue household, worst first."""
    per: dict[int, list[Overdue]] = defaultdict(list)
    cadres = {}
    for row in overdue_rows:
        per[row.pairing.cadre_id].append(row)
        cadres[row.pairing.cadre_id] = row.pairing.cadre
    return sorted(((cadres[k], v) for k, v in per.items()), key=lambda x: (-len(x[1]), x[0].name))


def counts(*, households, pairings, cadres, year: int, today: datetime.date) -> dict:
    """The numbers on the area and home pages (all from scoped querysets)."""
    gaps = cause_gaps(households, year)
    gap_households, by_cause = cause_gap_counts(gaps)
    late = overdue(pairings, today)
    return {
        "targets": targets(households).count(),
        "cause_households": gap_households,
        "cause_gaps": len(gaps),
        "by_cause": by_cause,
        "unpaired": unpaired(households).count(),
        "overloaded": len(overloaded(cadres)),
        "overdue": len(late),
        "behind": len(behind(late)),
    }
