"""Register reads. Every function starts from ``Model.objects.for_user`` (households, members, income).

The household list must stay fast with ~100,000 households / ~400,000 persons:
- filters are columns of the household table (``area_path``, ``poverty_status`` … are indexed), so with
  an empty search box the count and the page touch that one table only;
- a search on members is a subquery over *scoped* members (``household_id IN (…)``), never a join,
  so a household with three matching members appears once and the count needs no DISTINCT;
- the list selects only the columns it shows.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Func, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jingzhun.areas.models import Area
from jingzhun.core.scoping import capability_for, user_can, user_paths

from .choices import HEAD_RELATION, MemberStatus
from .codes import CODE_LISTS
from .models import ChangeRequest, CodeItem, Household, HouseholdIncome, HouseholdVersion, Member
from .validation import check_char, normalize_id

LIST_FIELDS = [
    "id",
    "household_no",
    "head_name",
    "size",
    "poverty_status",
    "attribute",
    "main_cause",
    "year_identified",
    "year_exited",
    "is_monitored",
    "area__name",
    "area__code",
    "area__level",
    "area__parent__name",
]

ID_LIKE = re.compile(r"^[0-9]{1,17}[0-9X]?$")
LETTERS = re.compile(r"^[A-Za-z]+$")
MIN_PARTIAL_ID = 4  # shorter digit strings only match household numbers (prefix)


# --- code lists ----------------------------------------------------------------------------------


def code_tables(*, active_only: bool = False) -> dict[str, dict[str, str]]:
    """{kind: {code: name}} for every code list (one small query; the table holds a few hundred rows)."""
    qs = CodeItem.objects.order_by("kind", "sort", "code")
    if active_only:
        qs = qs.filter(active=True)
    tables: dict[str, dict[str, str]] = {kind: {} for kind in CODE_LISTS}
    for kind, code, name in qs.values_list("kind", "code", "name"):
        tables.setdefault(kind, {})[code] = name
    return tables


def code_choices(kind: str, *, blank: str | None = "—") -> list[tuple[str, str]]:
    """Active codes of one list as form choices (inactive codes stay readable on old records)."""
    rows = (
        CodeItem.objects.filter(kind=kind, active=True).order_by("sort", "code").values_list("code", "name")
    )
    choices = list(rows)
    return [("", blank), *choices] if blank is not None else choices


def code_items(kind: str | None = None):
    qs = CodeItem.objects.order_by("kind", "sort", "code")
    return qs.filter(kind=kind) if kind else qs


# --- the household list --------------------------------------------------------------------------


def visible_households(user, action: str = "view"):
    return Household.objects.for_user(user, action)


def resolve_area(user, value: str) -> Area | None:
    """An area the user may see, by its code or (when unambiguous enough) its exact name."""
    value = (value or "").strip()
    if not value:
        return None
    qs = Area.objects.for_user(user)
    if value.isdigit():
        return qs.filter(code=value).first()
    return qs.filter(name=value).order_by("path").first()


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _flag(value) -> bool | None:
    if value in (True, False):
        return value
    text = str(value or "").strip().lower()
    if text in ("1", "true", "yes", "on", "是"):
        return True
    if text in ("0", "false", "no", "off", "否"):
        return False
    return None


# --- index-friendly conditions (SQLite) -------------------------------------------------------------
#
# Django's ``startswith`` is ``LIKE 'v%' ESCAPE '\\'``. PostgreSQL answers it from the ``*_like`` pattern
# index Django creates for indexed CharFields; SQLite never uses an index for it (its LIKE is
# case-insensitive). Measured on SQLite with 100,000 households / 400,000 persons, a village officer's
# first page took 650 ms through the LIKE alone and 14 ms with the same condition added as a binary
# range. The range is exact for the code-like values searched this way (digits, lower-case initials).
# It is added only where it is selective (township level and below): for a whole county the range
# makes SQLite sort every household instead of walking the 户编号 index to the first 50.

SELECTIVE_PATH = 9  # township paths and below


def prefix(field: str, value: str, *, ranged: bool = True) -> Q:
    """``field`` starts with ``value``; on SQLite also as an indexable range when ``ranged``."""
    cond = Q(**{f"{field}__startswith": value})
    if ranged and connection.vendor == "sqlite" and value and ord(value[-1]) < 0x10FFFF:
        cond &= Q(**{f"{field}__gte": value, f"{field}__lt": value[:-1] + chr(ord(value[-1]) + 1)})
    return cond


def _scope_hint(qs, user, model, lookup: str):
    """Repeat a narrow scope as ranges (see above); ``for_user`` stays the guard."""
    if connection.vendor != "sqlite":
        return qs
    paths = user_paths(user, capability_for(model, "view"))
    if not paths or any(len(p) < SELECTIVE_PATH for p in paths):
        return qs
    cond = Q(pk__in=[])
    for p in paths:
        cond |= prefix(lookup, p)
    return qs.filter(cond)


class _Rare(Func):
    """SQLite: tell the planner a condition is rare, so that a ``contains`` search scans members once
    and looks up their households (≈0.2 s at 400,000 persons) instead of visiting every household's
    members through the scope join (≈1.5 s)."""

    template = "likelihood(%(expressions)s, 0.001)"
    output_field = BooleanField()


def rare(cond: Q):
    if connection.vendor != "sqlite":
        return cond
    return _Rare(ExpressionWrapper(cond, output_field=BooleanField()))


MATERIALIZE_LIMIT = 2000


def _members_matching(user, condition, *, materialize: bool = True):
    """Households of *scoped* members meeting ``condition``, as ``Q(pk__in=…)``.

    The member query is a subquery, never a join: a household with several matching members is listed
    once and nothing outside the user's scope can match (measured faster than a correlated EXISTS). When
    ``materialize``, the ids are fetched once (up to MATERIALIZE_LIMIT) so that the page and its count
    do not scan the members twice; beyond that the subquery stays in SQL.
    """
    members = _scope_hint(Member.objects.for_user(user), user, Member, "household__area_path")
    members = members.filter(condition).order_by()
    if materialize:
        ids = list(members.values_list("household_id", flat=True)[: MATERIALIZE_LIMIT + 1])
        if len(ids) <= MATERIALIZE_LIMIT:
            return Q(pk__in=sorted(set(ids)))
    return Q(pk__in=members.values("household_id"))


def search_condition(user, term: str, *, materialize: bool = True) -> Q | None:
    """The search box: household number, name, full or partial ID number, pinyin initials.

    - digits (with a final X): household number prefix; an 18-character ID or 人编号 exactly; 15 digits
      also as the converted old ID; 4+ digits as part of an ID number;
    - 2+ latin letters: pinyin initials prefix of any member's name (``zsf`` → 张三丰);
    - anything else: part of any member's name (the head is a member too).
    """
    term = (term or "").strip()[:50]
    if not term:
        return None

    def members(condition):
        return _members_matching(user, condition, materialize=materialize)

    number = normalize_id(term)
    if ID_LIKE.match(number):
        cond = prefix("household_no", number)
        if len(number) == 18:
            cond |= members(Q(id_number=number)) | members(Q(member_no=number))
        elif len(number) >= MIN_PARTIAL_ID:
            ids = Q(id_number__contains=number)
            if len(number) == 15:
                old = number[:6] + "19" + number[6:]
                ids |= Q(id_number=old + check_char(old))
            cond |= members(rare(ids))
        return cond
    if LETTERS.match(term):
        if len(term) < 2:
            return Q(pk__in=[])
        return members(prefix("name_initials", term.lower()))
    # Not OR-ed with the household's own head_name column: that would make the database test every
    # household row instead of looking up the few matching ones.
    return members(rare(Q(name__contains=term)))


def household_search(user, params: Mapping | None = None, *, materialize: bool = True):
    """The scoped, filtered household queryset behind the list page, the API and exports.

    ``params`` keys (all optional): area (code), poverty_status, attribute, main_cause,
    year_identified_from/_to, year_exited_from/_to, is_monitored, q. Unknown areas give an empty result.
    """
    params = params or {}
    qs = _scope_hint(visible_households(user), user, Household, "area_path")
    area = params.get("area")
    if area:
        area = area if isinstance(area, Area) else resolve_area(user, str(area))
        if area is None:
            return qs.none()
        qs = qs.filter(prefix("area_path", area.path, ranged=len(area.path) >= SELECTIVE_PATH))
    for key in ("poverty_status", "attribute", "main_cause"):
        value = params.get(key)
        if value:
            qs = qs.filter(**{key: value})
    for field in ("year_identified", "year_exited"):
        low, high = _int(params.get(f"{field}_from")), _int(params.get(f"{field}_to"))
        if low is not None:
            qs = qs.filter(**{f"{field}__gte": low})
        if high is not None:
            qs = qs.filter(**{f"{field}__lte": high})
    monitored = _flag(params.get("is_monitored"))
    if monitored is not None:
        qs = qs.filter(is_monitored=monitored)
    cond = search_condition(user, params.get("q") or "", materialize=materialize)
    if cond is not None:
        qs = qs.filter(cond)
    return qs.order_by("household_no")


def household_list_rows(qs):
    """Only the columns the list shows (and the village through the area's parent for groups)."""
    return qs.select_related("area", "area__parent").only(*LIST_FIELDS)


def village_name(household: Household) -> str:
    area = household.area
    if area.level in ("group", "hamlet") and area.parent_id:
        return f"{area.parent.name}{area.name}"
    return area.name


def household_autocomplete(user, term: str, *, limit: int = 20) -> list[dict]:
    """Pickers (e.g. the target of a transfer): scoped, search-box semantics, small payload."""
    if not (term or "").strip():
        return []
    rows = household_list_rows(household_search(user, {"q": term}))[:limit]
    return [
        {
            "id": h.pk,
            "household_no": h.household_no,
            "head_name": h.head_name,
            "village": village_name(h),
            "size": h.size,
            "label": f"{h.household_no} {h.head_name or '（无户主）'}（{village_name(h)}）",
        }
        for h in rows
    ]


# --- one household -------------------------------------------------------------------------------


def household_detail(user, pk) -> Household:
    """The household if the user may see it, else 404."""
    return get_object_or_404(visible_households(user).select_related("area", "area__parent"), pk=pk)


def household_members(user, household: Household, *, include_left: bool = True):
    qs = Member.objects.for_user(user).filter(household=household)
    if not include_left:
        qs = qs.filter(status=MemberStatus.ACTIVE)
    # The head first, then by relation code and age.
    return qs.order_by("status", "relation", "birth_date", "id")


def member_detail(user, pk, action: str = "view") -> Member:
    return get_object_or_404(
        Member.objects.for_user(user, action).select_related("household", "household__area"), pk=pk
    )


def household_incomes(user, household: Household, *, up_to: int | None = None):
    qs = (
        HouseholdIncome.objects.for_user(user)
        .filter(household=household)
        .prefetch_related("transfer_lines", "transfer_lines__member")
        .order_by("-year")
    )
    return qs.filter(year__lte=up_to) if up_to else qs


def income_for_year(user, household: Household, year: int) -> HouseholdIncome | None:
    return household_incomes(user, household).filter(year=year).first()


def income_years(household: Household) -> list[int]:
    """Years that may be entered: 2014 (national registration) to this year, newest first."""
    return list(range(timezone.now().year, 2013, -1))


def household_change_requests(user, household: Household):
    return (
        ChangeRequest.objects.for_user(user)
        .filter(household=household)
        .select_related("submitted_by", "reviewed_by")
        .order_by("-created_at")
    )


def version_years(household: Household) -> list[int]:
    """Years for the "as of" selector: from the first recorded version to this year, newest first."""
    first = household.versions.order_by("valid_from").values_list("valid_from", flat=True).first()
    if first is None:
        return []
    start = timezone.localtime(first).year
    return list(range(timezone.now().year, start - 1, -1))


def end_of_year(year: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, 12, 31, 23, 59, 59, 999999))


def household_version_at(household: Household, year: int) -> HouseholdVersion | None:
    return (
        household.versions.filter(valid_from__lte=end_of_year(year))
        .select_related("actor")
        .order_by("-valid_from")
        .first()
    )


def objects_from_version(user, data: dict) -> tuple[Household, list[Member]]:
    """Unsaved Household / Member objects built from a version snapshot, for the same templates."""
    h = Household()
    for field in Household._meta.concrete_fields:
        key = field.name if field.name in data else field.attname
        if key in data and field.name not in ("id", "area"):
            setattr(h, field.attname, field.to_python(data[key]))
    area_id = data.get("area")
    h.area = Area.objects.for_user(user).filter(pk=area_id).first() or Area(name="—", level="village")
    members = []
    for row in data.get("members", []):
        m = Member()
        for field in Member._meta.concrete_fields:
            if field.name in row and field.name not in ("id", "household"):
                setattr(m, field.attname, field.to_python(row[field.name]))
        members.append(m)
    members.sort(key=lambda m: (m.status != MemberStatus.ACTIVE, m.relation != HEAD_RELATION, m.relation))
    return h, members


def can_reveal(user, household: Household) -> bool:
    return user_can(user, "core.reveal_sensitive", household.area)


def can_change(user, household: Household) -> bool:
    return user_can(user, "register.change", household.area)


def can_edit_directly(user, household: Household) -> bool:
    """Unregistered households: whoever may change them; registered ones: only reviewers (township)."""
    if not can_change(user, household):
        return False
    return not household.is_registered or user_can(user, "register.review", household.area)


def creatable_areas(user):
    """Villages and groups where the user may register households."""
    from jingzhun.core.scoping import paths_q, user_paths

    paths = user_paths(user, "register.change")
    qs = Area.objects.for_user(user).filter(level__in=["village", "hamlet", "group"])
    if paths is None:
        return qs.order_by("code")
    if not paths:
        return qs.none()
    return qs.filter(paths_q("path", paths)).order_by("code")
