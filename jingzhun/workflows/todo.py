"""The to-do queue (待办): what waits for the user, with counts and overdue highlighting.

Set-based: one grouped query per distinct step capability (a handful), whatever the number of
procedures. Other apps add their own items with ``register_todo_provider(callable(user) -> [item])``,
an item being ``{"label", "count", "url", "overdue"}`` (overdue: a count or a bool).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import Substr
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.areas.models import Area
from jingzhun.core.scoping import paths_q, user_paths

from .choices import NoticeStatus, ObjectionStatus, ProcedureKind, ProcedureStatus, StepAction
from .models import Notice, NoticeEntry, Objection, Procedure, StepTemplate
from .selectors import overdue_q

NOTICE_SOON_DAYS = 2
PROVIDERS: list[Callable] = []
logger = logging.getLogger(__name__)


def register_todo_provider(provider: Callable) -> None:
    """Add a source of to-do items (called from an app's ``AppConfig.ready``); idempotent."""
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)


def _url(name: str, fallback: str, **params) -> str:
    try:
        base = reverse(name)
    except NoReverseMatch:
        base = fallback
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{base}?{query}" if query else base


def _scoped(qs, user, capability: str):
    """``qs`` (already for_user) limited to where the user holds ``capability``; None if nowhere."""
    paths = user_paths(user, capability)
    if paths == []:
        return None
    return qs if paths is None else qs.filter(paths_q("area_path", paths))


# Area path lengths by level (province 2, city 4, county 6, township 9, village 12).
NEXT_LEVEL = {2: 4, 4: 6, 6: 9, 9: 12, 12: 12, 15: 15}


def _group_length(user) -> int:
    """Group the queue one level below the user's widest area: a county user sees townships, a township
    user villages, a village user its village. Thousands of village rows would bury a county's work."""
    paths = user_paths(user, "workflows.view")
    if paths is None:  # superuser: by county
        return 6
    shortest = min((len(p) for p in paths), default=12)
    return NEXT_LEVEL.get(shortest, 12)


def step_items(user, now=None) -> list[dict]:
    """Running procedures waiting at a step the user may act on, grouped by kind / step / area."""
    now = now or timezone.now()
    kinds = dict(ProcedureKind.choices)
    caps = StepTemplate.objects.order_by().values_list("capability", flat=True).distinct()
    # A household already on a notice in its period waits for the period, not for someone to act.
    on_notice = NoticeEntry.objects.filter(
        procedure=OuterRef("pk"), withdrawn=False, notice__status=NoticeStatus.PUBLISHED
    )
    base = (
        Procedure.objects.for_user(user, "view")
        .filter(status=ProcedureStatus.RUNNING)
        .exclude(Exists(on_notice))
    )
    overdue = overdue_q(now)
    length = _group_length(user)
    rows = []
    # Capabilities held over the same areas share one grouped query (a county user: one query in all).
    by_paths: dict[tuple | None, list[str]] = {}
    for cap in sorted(set(caps)):
        paths = user_paths(user, cap)
        if paths == []:
            continue
        by_paths.setdefault(None if paths is None else tuple(sorted(paths)), []).append(cap)
    for paths, group_caps in by_paths.items():
        qs = base.filter(current_step__capability__in=group_caps)
        if paths is not None:
            qs = qs.filter(paths_q("area_path", paths))
        rows += list(
            qs.order_by()
            .annotate(group_path=Substr("area_path", 1, length))
            .values(
                "kind",
                "current_step__code",
                "current_step__name",
                "current_step__action",
                "current_step__is_batch",
                "group_path",
            )
            .annotate(n=Count("id"), late=Count("id", filter=overdue))
        )
    names = dict(Area.objects.filter(path__in={r["group_path"] for r in rows}).values_list("path", "code"))
    labels = dict(Area.objects.filter(path__in={r["group_path"] for r in rows}).values_list("path", "name"))
    items = []
    for r in rows:
        r["area__code"] = names.get(r["group_path"], "")
        r["area__name"] = labels.get(r["group_path"], r["group_path"])
        items.append(_step_item(r, kinds))
    items.sort(key=lambda i: (-int(bool(i["overdue"])), i["kind"], i["step"], i["area"]))
    return items


def _step_item(r: dict, kinds: dict) -> dict:
    kind, step, area = r["kind"], r["current_step__code"], r["area__code"]
    if r["current_step__action"] == StepAction.NOTICE:
        url = _url(
            "workflows:notice-publish", "/procedures/notices/publish/", kind=kind, step=step, area=area
        )
    elif r["current_step__is_batch"]:
        url = _url("workflows:batch", "/procedures/batch/", kind=kind, step=step, area=area)
    else:
        url = _url(
            "workflows:procedure-list",
            "/procedures/",
            kind=kind,
            step=step,
            area=area,
            status=ProcedureStatus.RUNNING,
        )
    return {
        "group": "step",
        "label": _("%(kind)s · %(step)s · %(area)s")
        % {"kind": kinds.get(kind, kind), "step": r["current_step__name"], "area": r["area__name"]},
        "count": r["n"],
        "overdue": r["late"],
        "url": url,
        "kind": kind,
        "step": step,
        "area": area,
    }


def notice_items(user, today=None) -> list[dict]:
    """Published notices the user closes, ending within two days or already past their end date."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=NOTICE_SOON_DAYS)
    base = Notice.objects.for_user(user, "view").filter(status=NoticeStatus.PUBLISHED, end_date__lte=soon)
    caps = base.order_by().values_list("step__capability", flat=True).distinct()
    items = []
    seen = set()
    for cap in sorted(set(caps)):
        qs = _scoped(base.filter(step__capability=cap), user, cap)
        if qs is None:
            continue
        for n in qs.order_by("end_date", "id").only("id", "title", "end_date")[:50]:
            if n.pk in seen:
                continue
            seen.add(n.pk)
            late = n.end_date < today
            items.append(
                {
                    "group": "notice",
                    "label": (_("公示期已满，待结束：%(title)s") if late else _("公示即将到期：%(title)s"))
                    % {"title": n.title},
                    "count": 1,
                    "overdue": late,
                    "url": _url_detail("workflows:notice-detail", n.pk, "/procedures/notices/%s/"),
                    "end_date": n.end_date,
                }
            )
    return items


def _url_detail(name: str, pk, fallback: str) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return fallback % pk


def objection_items(user) -> list[dict]:
    """Unanswered objections where the user answers them (workflows.village at the notice's area)."""
    qs = _scoped(
        Objection.objects.for_user(user, "view").filter(status=ObjectionStatus.OPEN),
        user,
        "workflows.village",
    )
    if qs is None:
        return []
    rows = qs.order_by().values("notice_id", "notice__title").annotate(n=Count("id"))
    return [
        {
            "group": "objection",
            "label": _("待答复异议：%(title)s") % {"title": r["notice__title"]},
            "count": r["n"],
            "overdue": True,
            "url": _url_detail("workflows:notice-detail", r["notice_id"], "/procedures/notices/%s/"),
        }
        for r in rows
    ]


def _external_items(user) -> list[dict]:
    providers = list(PROVIDERS)
    try:
        from jingzhun.comparison.selectors import todo_items as comparison_items
    except ImportError:
        comparison_items = None
    if comparison_items is not None and comparison_items not in providers:
        providers.append(comparison_items)
    items = []
    for provider in providers:
        try:
            found = provider(user) or []
        except Exception:  # one broken provider must not hide the others' items
            logger.exception("to-do provider %r failed", provider)
            continue
        for item in found:
            if item.get("count"):
                items.append({"group": "other", "overdue": False, "url": "", **item})
    return items


def todo_items(user) -> list[dict]:
    """Everything waiting for the user, overdue first within each group."""
    if user is None or not user.is_authenticated:
        return []
    items = step_items(user) + notice_items(user) + objection_items(user) + _external_items(user)
    return [i for i in items if i.get("count")]


def todo_summary(user) -> dict:
    """Counts for the home page widget and a badge: {"total", "overdue", "items"}."""
    items = todo_items(user)
    return {
        "items": items,
        "total": sum(int(i["count"]) for i in items),
        "overdue": sum(
            int(i["overdue"]) if not isinstance(i["overdue"], bool) else int(i["overdue"]) * int(i["count"])
            for i in items
        ),
    }
