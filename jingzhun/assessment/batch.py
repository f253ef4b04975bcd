"""The set-based assessment pass, used by the background job, the exit procedure and bench/assess.py.

Households are taken in chunks of consecutive ids (so that the member aggregation reads one index
range per chunk); each chunk is one DELETE and one INSERT … SELECT (rules.insert_sql). The whole pass
is one transaction: a reader sees the previous results or the new ones, never half of each.
"""

from __future__ import annotations

import time

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.core.db import large_sqlite_cache
from jingzhun.policy.selectors import snapshot
from jingzhun.register.models import Household

from .choices import ASSESSMENT_KEYS, Period
from .models import AssessmentRun, HouseholdAssessment
from .rules import Standards, insert_sql

CHUNK = 100_000


def _path_where(path: str) -> tuple[str, list]:
    # The range form of "starts with" (see core.scoping.paths_q): served by the area_path index.
    return "h.area_path >= %s AND h.area_path < %s", [path, path + ":"]


def standards_for(area, year: int) -> tuple[dict, Standards]:
    snap = snapshot(ASSESSMENT_KEYS, year, area)
    return snap, Standards.from_snapshot(snap, year)


@transaction.atomic
def assess(
    *, area, year: int, period: str = Period.YEAR, actor=None, job=None, household=None, progress=None
):
    """Assess every household under ``area`` (or only ``household``) for ``year``; returns the run."""
    started = time.perf_counter()
    if period == Period.LAST12:
        year = timezone.localdate().year
    snap, std = standards_for(area, year)
    run = AssessmentRun.objects.create(
        area=area,
        area_path=area.path,
        household=household,
        year=year,
        period=period,
        params=snap,
        job=job,
        started_by=actor if getattr(actor, "pk", None) else None,
    )
    where, where_params = _path_where(area.path)
    if household is not None:
        where, where_params = "h.id = %s", [household.pk]
    bounds = Household.objects.filter(
        Q(pk=household.pk)
        if household is not None
        else Q(area_path__gte=area.path, area_path__lt=area.path + ":")
    ).aggregate(lo=Min("pk"), hi=Max("pk"))
    lo, hi = bounds["lo"], bounds["hi"]
    now = timezone.now()
    table = HouseholdAssessment._meta.db_table
    with large_sqlite_cache(household is None, megabytes=256), connection.cursor() as cursor:
        start = lo
        while start is not None and start <= hi:
            end = start + CHUNK - 1
            chunk_where = f"({where}) AND h.id BETWEEN %s AND %s"
            chunk_params = [*where_params, start, end]
            cursor.execute(
                f"DELETE FROM {table} WHERE year = %s AND period = %s AND household_id IN "
                f"(SELECT h.id FROM {Household._meta.db_table} h WHERE {chunk_where})",
                [year, period, *chunk_params],
            )
            sql, params = insert_sql(
                std,
                period=period,
                run_id=run.pk,
                assessed_at=now,
                where=chunk_where,
                where_params=chunk_params,
            )
            cursor.execute(sql, params)
            if progress is not None:
                done = (end - lo + 1) / max(1, hi - lo + 1)
                progress.update(5 + 90 * min(1.0, done), _("正在评估…"))
            start = end + 1
    run.counts = counts_of(run)
    run.seconds = round(time.perf_counter() - started, 3)
    run.save(update_fields=["counts", "seconds"])
    return run


def counts_of(run: AssessmentRun) -> dict:
    """Totals of a run in one grouped query."""
    # The pass replaced every row of its area (or household) for the year and period, so those rows
    # are the run's; reading them by (year, period, area_path) uses the list index.
    qs = HouseholdAssessment.objects.filter(year=run.year, period=run.period)
    if run.household_id:
        qs = qs.filter(household_id=run.household_id)
    else:
        qs = qs.filter(area_path__gte=run.area_path, area_path__lt=run.area_path + ":")
    agg = qs.aggregate(
        households=Count("pk"),
        passed=Count("pk", filter=Q(passed=True)),
        unstable=Count("pk", filter=Q(flag_unstable=True)),
        marginal=Count("pk", filter=Q(flag_marginal=True)),
        transfer=Count("pk", filter=Q(flag_transfer=True)),
        no_income=Count("pk", filter=Q(per_capita__isnull=True)),
    )
    return agg


def assess_household(household, year: int, *, actor=None, period: str = Period.YEAR) -> HouseholdAssessment:
    """Assess one household now (the exit procedure's check) and return its stored result."""
    run = assess(area=household.area, year=year, period=period, actor=actor, household=household)
    return HouseholdAssessment.objects.get(household=household, year=run.year, period=period)


class _Discard(Exception):
    def __init__(self, result):
        self.result = result


def preview_household(household, year: int) -> HouseholdAssessment:
    """The assessment of one household now, without keeping it (pages call this on GET): it is
    computed by the same statement inside a savepoint that is then rolled back."""
    try:
        with transaction.atomic():
            raise _Discard(assess_household(household, year))
    except _Discard as done:
        return done.result
