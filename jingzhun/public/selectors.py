"""Reads of the public portal and of the officials' submission pages.

The portal has no user: it reads only notices that were published (published or closed, never withdrawn),
their header fields and their NoticeEntry lines, village exit notices (their own published fields and the
exit's status, year and dates) and the names of areas. It never reads households or members. Officials read
submissions through ``for_user``.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jingzhun.areas.choices import AreaLevel
from jingzhun.areas.models import Area
from jingzhun.assessment.choices import ExitStatus
from jingzhun.core.scoping import paths_q, user_can, user_paths
from jingzhun.workflows.choices import NoticeStatus
from jingzhun.workflows.models import Notice, NoticeEntry

from .choices import SubmissionKind, SubmissionStatus
from .models import PublicSubmission, PublicVillageNotice

PUBLIC_STATUSES = [NoticeStatus.PUBLISHED, NoticeStatus.CLOSED]
NOTICE_FIELDS = [
    "id",
    "public_id",
    "kind",
    "procedure_kind",
    "area",
    "area_path",
    "title",
    "body",
    "issuing_unit",
    "place",
    "phones",
    "start_date",
    "end_date",
    "status",
]
ENTRY_FIELDS = [
    "id",
    "notice_id",
    "seq",
    "head_name",
    "village_name",
    "masked_id",
    "size",
    "reason",
    "withdrawn",
]
VILLAGE_NOTICE_FIELDS = [
    "id",
    "public_id",
    "exit",
    "area",
    "area_path",
    "title",
    "village_name",
    "township_name",
    "issuing_unit",
    "phones",
    "figures",
    "exit__year",
    "exit__status",
    "exit__notice_start",
    "exit__notice_end",
    "exit__notice_place",
]
# A village exit notice is on the portal from the township's notice to the county's announcement and after.
VILLAGE_PUBLIC_STATUSES = [ExitStatus.NOTICED, ExitStatus.ANNOUNCED]
PAST_VILLAGE_MAX = 50
OVERDUE_DAYS = 7


# --- public ---------------------------------------------------------------------------------------


def public_notices():
    return Notice.objects.filter(status__in=PUBLIC_STATUSES).only(*NOTICE_FIELDS)


def is_current(notice, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return notice.status == NoticeStatus.PUBLISHED and today <= notice.end_date


def notice_by_public_id(public_id) -> Notice | None:
    return public_notices().filter(public_id=public_id).first()


def entries_of(notice):
    return NoticeEntry.objects.filter(notice_id=notice.pk).only(*ENTRY_FIELDS).order_by("seq")


def _ancestor_paths(path: str) -> list[str]:
    return [path[:n] for n in (6, 9, 12) if n < len(path)]


def notices_for_area(area: Area):
    """Notices about ``area``: published for it, for a place inside it, or for an area containing it."""
    return public_notices().filter(
        Q(area_path__startswith=area.path) | Q(area_path__in=_ancestor_paths(area.path))
    )


def split_current(qs, today: datetime.date | None = None):
    today = today or timezone.localdate()
    current = qs.filter(status=NoticeStatus.PUBLISHED, end_date__gte=today).order_by("end_date", "-id")
    past = qs.filter(Q(status=NoticeStatus.CLOSED) | Q(end_date__lt=today)).order_by("-end_date", "-id")
    return current, past


def public_counties() -> list[Area]:
    """Counties that have published at least one notice: their whole tree is offered on the portal."""
    prefixes = {p[:6] for p in public_notices().values_list("area_path", flat=True).distinct()}
    prefixes |= {p[:6] for p in public_village_notices().values_list("area_path", flat=True).distinct()}
    return list(Area.objects.filter(level=AreaLevel.COUNTY, path__in=prefixes).order_by("code"))


def public_area(code: str) -> Area | None:
    """An area shown on the portal: a county with notices, or a township/village/group inside one."""
    area = Area.objects.filter(code=code).select_related("parent").first()
    if area is None or area.level not in (
        AreaLevel.COUNTY,
        AreaLevel.TOWNSHIP,
        AreaLevel.VILLAGE,
        AreaLevel.GROUP,
    ):
        return None
    county = area.path[:6]
    if not (
        public_notices().filter(area_path__startswith=county).exists()
        or public_village_notices().filter(area_path__startswith=county).exists()
    ):
        return None
    return area


def children(area: Area) -> list[Area]:
    if area.level not in (AreaLevel.COUNTY, AreaLevel.TOWNSHIP):
        return []
    return list(Area.objects.filter(parent=area).order_by("code").only("id", "code", "name", "level"))


def villages_by_township(county: Area) -> list[tuple[Area, list[Area]]]:
    townships = children(county)
    villages = Area.objects.filter(parent__in=townships, level=AreaLevel.VILLAGE).order_by("code")
    grouped: dict[int, list[Area]] = {}
    for v in villages.only("id", "code", "name", "parent_id"):
        grouped.setdefault(v.parent_id, []).append(v)
    return [(t, grouped.get(t.pk, [])) for t in townships]


def breadcrumb(area: Area) -> list[Area]:
    """County → … → area (nothing above the county)."""
    chain = []
    node = area
    while node is not None:
        chain.append(node)
        if node.level == AreaLevel.COUNTY:
            break
        node = node.parent
    return list(reversed(chain))


def village_of(area: Area) -> Area | None:
    if area.level == AreaLevel.VILLAGE:
        return area
    if area.level == AreaLevel.GROUP:
        return area.parent
    return None


# --- village exit notices (public) ----------------------------------------------------------------


def public_village_notices():
    return (
        PublicVillageNotice.objects.filter(exit__status__in=VILLAGE_PUBLIC_STATUSES)
        .select_related("exit")
        .only(*VILLAGE_NOTICE_FIELDS)
    )


def village_notice_by_public_id(public_id) -> PublicVillageNotice | None:
    return public_village_notices().select_related("area").filter(public_id=public_id).first()


def village_exit_is_current(exit_, today: datetime.date | None = None) -> bool:
    """Open to objections: noticed, and today within the notice dates."""
    today = today or timezone.localdate()
    return (
        exit_.status == ExitStatus.NOTICED
        and exit_.notice_start is not None
        and exit_.notice_start <= today <= exit_.notice_end
    )


def village_notices_for_area(area: Area):
    """Village exit notices of villages inside ``area``, or of the village containing it (a group)."""
    return public_village_notices().filter(
        Q(area_path__startswith=area.path) | Q(area_path__in=_ancestor_paths(area.path))
    )


def split_village(qs, today: datetime.date | None = None):
    """(current, past): current while noticed within the dates; past once the period ran out or the
    county announced the exit (at most PAST_VILLAGE_MAX, newest first)."""
    today = today or timezone.localdate()
    current = qs.filter(
        exit__status=ExitStatus.NOTICED, exit__notice_start__lte=today, exit__notice_end__gte=today
    ).order_by("exit__notice_end", "-id")
    past = qs.filter(Q(exit__status=ExitStatus.ANNOUNCED) | Q(exit__notice_end__lt=today)).order_by(
        "-exit__notice_end", "-id"
    )
    return list(current), list(past[:PAST_VILLAGE_MAX])


# --- officials ------------------------------------------------------------------------------------


def may_answer_objection(user, area) -> bool:
    """Objections to a village exit notice are answered by the township that published it, or the county."""
    return user_can(user, "public.handle", area) and user_can(user, "workflows.township", area)


def may_handle(user, submission) -> bool:
    if submission.kind == SubmissionKind.OBJECTION:
        return may_answer_objection(user, submission.area)
    return user_can(user, "public.handle", submission.area)


def village_notice_of(exit_) -> PublicVillageNotice | None:
    """The portal notice of an exit (the caller has already scoped the exit)."""
    return PublicVillageNotice.objects.filter(exit_id=exit_.pk).first()


def village_exit_objections(user, exits):
    """Objections to the notices of ``exits`` that ``user`` may see (capability ``public.handle``)."""
    return (
        submissions_for(user)
        .filter(kind=SubmissionKind.OBJECTION, village_notice__exit__in=exits)
        .select_related("village_notice")
        .order_by("status", "-created_at")
    )


def open_village_objections(exit_) -> int:
    """Unanswered objections to an exit's notice (unscoped: the count decides whether it may be announced)."""
    return PublicSubmission.objects.filter(
        village_notice__exit_id=exit_.pk, status=SubmissionStatus.NEW
    ).count()


def submissions_for(user):
    """Public submissions in the user's areas (capability ``public.handle``). Monitoring reads the
    self-reports (kind ``self_report``) from here."""
    return PublicSubmission.objects.for_user(user, "view").select_related("area", "handled_by")


def todo_items(user) -> list[dict]:
    """To-do entries for the home page: submissions waiting to be handled."""
    paths = user_paths(user, "public.handle")
    if paths == []:
        return []
    waiting = PublicSubmission.objects.for_user(user, "view").filter(status=SubmissionStatus.NEW)
    answering = user_paths(user, "workflows.township")
    if answering is not None:  # objections to a village exit are work only for those who answer them
        waiting = waiting.exclude(Q(kind=SubmissionKind.OBJECTION) & ~paths_q("area_path", answering))
    count = waiting.count()
    if not count:
        return []
    late = waiting.filter(created_at__lt=timezone.now() - datetime.timedelta(days=OVERDUE_DAYS)).count()
    return [
        {
            "label": _("群众网上反映待处理"),
            "count": count,
            "url": reverse("public:submission-list") + "?status=new",
            "overdue": late,
        }
    ]
