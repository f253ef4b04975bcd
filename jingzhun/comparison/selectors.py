"""Reads of the comparison app. Pages, API and counts start from ``for_user``.

``household_facts`` is the one unscoped read: it serves the exclusion rules of the identification app,
which run inside services that have already checked their actor; it returns masked evidence only.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.areas.models import Area
from jingzhun.core.scoping import user_paths

from .choices import OPEN_STATUSES, Decision, SuspectStatus
from .models import AlertProposal, ComparisonRun, DatasetBatch, DatasetType, Relative, Suspect

FACT_STATUSES = (
    SuspectStatus.PENDING,
    SuspectStatus.VERIFIED,
    SuspectStatus.DECIDED,
    SuspectStatus.SIGNED_OFF,
)


def household_facts(household_ids: list[int]) -> dict[int, list[dict]]:
    """Comparison facts per household for the exclusion rules: one dict per matched person and row.

    Facts of suspects that were withdrawn (no longer matching) or kept because the department data was
    shown to be wrong (``fact_disproved``) are left out; all others — unresolved, or decided — count.
    Evidence values carry masked ID numbers only.
    """
    out: dict[int, list[dict]] = {int(h): [] for h in household_ids}
    if not out:
        return out
    suspects = (
        Suspect.objects.filter(household_id__in=list(out), status__in=FACT_STATUSES, fact_disproved=False)
        .select_related("dataset_type", "batch")
        .order_by("household_id", "id")
    )
    for s in suspects:
        labels = {f.get("code"): f.get("label") for f in (s.dataset_type.fields or [])}
        for e in s.evidence:
            columns = dict(e.get("columns") or {})
            out[s.household_id].append(
                {
                    "fact": s.fact,
                    "member_id": e.get("member_id") if e.get("person_kind") == "member" else None,
                    "member_name": e.get("person_name", ""),
                    "person_kind": e.get("person_kind", "member"),
                    "relation": e.get("relation", ""),
                    "dataset_type": s.dataset_type.code,
                    "dataset_name": s.dataset_type.name,
                    "batch_id": s.batch_id,
                    "as_of": s.batch.as_of.isoformat(),
                    "strength": e.get("strength", s.strength),
                    "evidence": columns,
                    # the same row for people to read: column labels, without the file's row number
                    "evidence_labelled": {
                        str(labels.get(k) or k): v for k, v in columns.items() if k != "row_no"
                    },
                    "suspect_id": s.pk,
                    "status": s.status,
                    "decision": s.decision,
                }
            )
    return out


def todo_items(user) -> list[dict]:
    """The village's (and county's) to-do entries for suspects in the user's scope."""
    today = timezone.localdate()
    items = []
    url = reverse("comparison:suspect-list")
    decide = Suspect.objects.for_user(user, "decide").filter(status__in=OPEN_STATUSES)
    counts = decide.aggregate(n=Count("id"), late=Count("id", filter=Q(due_date__lt=today)))
    if counts["n"]:
        items.append(
            {
                "label": _("待核实处理的疑点户"),
                "count": counts["n"],
                "url": url + "?status=open",
                "overdue": counts["late"],
            }
        )
    signoff = Suspect.objects.for_user(user, "signoff").filter(status=SuspectStatus.DECIDED)
    n = signoff.count()
    if n:
        items.append(
            {"label": _("待县级确认的疑点户"), "count": n, "url": url + "?status=decided", "overdue": 0}
        )
    return items


def can(user, capability: str) -> bool:
    paths = user_paths(user, capability)
    return paths is None or bool(paths)


def suspect_search(user, params: dict):
    qs = Suspect.objects.for_user(user, "view").select_related("household", "dataset_type", "batch")
    status = params.get("status")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in SuspectStatus.values:
        qs = qs.filter(status=status)
    if params.get("fact"):
        qs = qs.filter(fact=params["fact"])
    if params.get("decision") in Decision.values:
        qs = qs.filter(decision=params["decision"])
    if params.get("run"):
        qs = qs.filter(run_id=params["run"])
    if params.get("strength"):
        qs = qs.filter(strength=params["strength"])
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(
            Q(household__household_no=q) | Q(household__head_name__contains=q) | Q(persons__contains=q)
        )
    return qs


def suspect_get(user, pk):
    return suspect_search(user, {}).filter(pk=pk).first()


def batches_visible(user):
    return DatasetBatch.objects.for_user(user).select_related("dataset_type", "uploaded_by", "area")


def batch_get(user, pk):
    return batches_visible(user).filter(pk=pk).first()


def runs_visible(user):
    return ComparisonRun.objects.for_user(user).select_related("area", "started_by")


def alerts_visible(user):
    return AlertProposal.objects.for_user(user).select_related("household", "batch__dataset_type")


def relatives_visible(user):
    return Relative.objects.for_user(user).filter(active=True).select_related("household")


def types_active():
    return DatasetType.objects.filter(active=True)


def run_stats(user, run: ComparisonRun) -> dict:
    """Suspects of ``run`` in the user's scope by township and village: found, open, removed, kept …"""
    rows = (
        Suspect.objects.for_user(user, "view")
        .filter(run=run)
        .values("area_path", "status", "decision")
        .annotate(n=Count("id"))
        .order_by()
    )
    empty = {
        "suspects": 0,
        "open": 0,
        "removed": 0,
        "kept": 0,
        "reappraised": 0,
        "signed_off": 0,
        "withdrawn": 0,
    }
    villages: dict[str, dict] = defaultdict(lambda: dict(empty))
    for r in rows:
        v = villages[r["area_path"][:12]]
        _add(v, r["status"], r["decision"], r["n"])
    townships: dict[str, dict] = defaultdict(lambda: dict(empty))
    for path, v in villages.items():
        for k, n in v.items():
            townships[path[:9]][k] += n
    names = dict(Area.objects.filter(path__in=[*villages, *townships]).values_list("path", "name"))
    total = dict(empty)
    for v in townships.values():
        for k, n in v.items():
            total[k] += n
    return {
        "townships": [
            {
                "path": t,
                "name": names.get(t, t),
                **townships[t],
                "villages": [
                    {"path": p, "name": names.get(p, p), **villages[p]}
                    for p in sorted(villages)
                    if p.startswith(t)
                ],
            }
            for t in sorted(townships)
        ],
        "total": total,
    }


def _add(v: dict, status: str, decision: str, n: int) -> None:
    if status == SuspectStatus.WITHDRAWN:
        v["withdrawn"] += n
        return
    v["suspects"] += n
    if status in OPEN_STATUSES:
        v["open"] += n
    if status == SuspectStatus.SIGNED_OFF:
        v["signed_off"] += n
    key = {Decision.REMOVE: "removed", Decision.KEEP: "kept", Decision.REAPPRAISE: "reappraised"}.get(
        decision
    )
    if key:
        v[key] += n
