"""Register services: create and edit households, members and yearly income, with history and audit.

Changes to a *registered* household's composition go through change requests (changes.py); these
services are the building blocks those requests apply, plus direct editing of unregistered households.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from jingzhun.areas.choices import AreaLevel
from jingzhun.core.errors import AccessDenied, DomainError
from jingzhun.core.scoping import user_can
from jingzhun.core.services import _jsonable, audit_record, changed, snapshot

from .choices import HEAD_RELATION, REGISTERED, MemberStatus, PovertyStatus
from .models import Household, HouseholdIncome, HouseholdVersion, IncomeTransfer, Member
from .numbering import next_household_numbers, next_member_numbers, village_code_of
from .pinyin import initials
from .validation import Issue, check_household, check_member, income_figures, normalize_id

HOUSEHOLD_FIELDS = [
    "address",
    "phone",
    "standard",
    "attribute",
    "main_cause",
    "other_causes",
    "house_area",
    "house_structure",
    "house_year",
    "house_grade",
    "house_renovated",
    "house_renovated_year",
    "relocation",
    "relocation_year",
    "farmland_mu",
    "forest_mu",
    "returned_farmland_mu",
    "grassland_mu",
    "has_power",
    "has_broadcast_tv",
    "water",
    "water_lpd",
    "water_minutes",
    "water_short_days",
    "fuel",
    "has_sanitary_toilet",
    "road_distance_km",
    "bank_name",
    "bank_account",
]
MEMBER_FIELDS = [
    "name",
    "sex",
    "id_number",
    "birth_date",
    "relation",
    "ethnicity",
    "education",
    "in_school",
    "school_exempt",
    "health",
    "disability_type",
    "disability_grade",
    "disability_cert_no",
    "labour",
    "migrant_months",
    "migrant_place",
    "insured_medical",
    "insured_serious_illness",
    "insured_supplementary",
    "insured_pension",
    "dibao",
    "dibao_since",
    "tekun",
    "tekun_since",
    "phone",
    "joined_on",
]
STATUS_FIELDS = ["poverty_status", "year_identified", "year_exited"]


class RegisterValidationError(DomainError):
    """All problems found at once, so a form or an import row can show every one of them."""

    def __init__(self, issues: list[Issue], prefix: str = ""):
        self.issues = issues
        first = issues[0]
        super().__init__(prefix + first.message, field=first.field, code=first.code)

    def as_field_map(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for issue in self.issues:
            out.setdefault(issue.field, []).append(issue.message)
        return out


def _require(actor, capability: str, area) -> None:
    if not user_can(actor, capability, area):
        raise AccessDenied(f"您无权在“{area.name}”执行此操作。")


def _check_area(area) -> None:
    if area.level not in (AreaLevel.VILLAGE, AreaLevel.HAMLET, AreaLevel.GROUP):
        raise DomainError("农户必须归属到行政村或村民组。", field="area")


def clean_member(data: dict) -> dict:
    """Normalise a member dict: ID number form, birth date and sex from the ID when missing, initials."""
    m = {k: data.get(k) for k in MEMBER_FIELDS if k in data}
    m["name"] = (m.get("name") or "").strip()
    m["id_number"] = normalize_id(m.get("id_number"))
    return m


def validate(household: dict, members: list[dict], *, registered: bool, override_reason: str = ""):
    """Run every rule; raise on errors, and on warnings unless ``override_reason`` is given.

    Returns (member dicts with ID-derived fields filled in, warning codes that were overridden).
    """
    issues: list[Issue] = []
    cleaned = []
    for i, raw in enumerate(members):
        m = clean_member(raw)
        found, info = check_member(m)
        if info is not None:
            m["id_number"] = info.number
            m.setdefault("birth_date", None)
            m["birth_date"] = m["birth_date"] or info.birth_date
            m["sex"] = m.get("sex") or info.sex
        label = m.get("name") or f"第{i + 1}名成员"
        issues += [Issue(x.level, f"members[{i}].{x.field}", x.code, f"{label}：{x.message}") for x in found]
        cleaned.append(m)
    issues += check_household(household, cleaned, registered=registered)
    errors = [x for x in issues if x.is_error]
    if errors:
        raise RegisterValidationError(errors)
    warnings = [x for x in issues if not x.is_error]
    if warnings and not (override_reason or "").strip():
        raise RegisterValidationError(
            [
                Issue("warning", x.field, "needs_override", x.message + "（如确认无误，请填写说明后保存）")
                for x in warnings
            ]
        )
    return cleaned, sorted({x.code for x in warnings})


# --- history -------------------------------------------------------------------------------------


def household_data(household: Household) -> dict:
    data = snapshot(
        household, ["household_no", "area", *HOUSEHOLD_FIELDS, *STATUS_FIELDS, "size", "head_name"]
    )
    data["members"] = [
        {"member_no": m.member_no, "status": m.status, **snapshot(m, MEMBER_FIELDS)}
        for m in household.members.order_by("relation", "birth_date", "id")
    ]
    return data


def write_version(household: Household, *, action: str, actor) -> HouseholdVersion:
    now = timezone.now()
    HouseholdVersion.objects.filter(household=household, valid_to__isnull=True).update(valid_to=now)
    return HouseholdVersion.objects.create(
        household=household,
        valid_from=now,
        data=household_data(household),
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
    )


def household_as_of(household: Household, when: datetime.datetime) -> dict | None:
    """The household as recorded at ``when`` (None if it did not exist yet)."""
    version = household.versions.filter(valid_from__lte=when).order_by("-valid_from").first()
    return version.data if version else None


def refresh_summary(household: Household) -> None:
    """Recompute the denormalised size and head name from the members."""
    active = household.members.filter(status=MemberStatus.ACTIVE)
    head = active.filter(relation=HEAD_RELATION).first()
    household.size = active.count()
    household.head_name = head.name if head else ""
    household.save(update_fields=["size", "head_name", "updated_at"])


# --- households ----------------------------------------------------------------------------------


@transaction.atomic
def household_create(
    *,
    actor,
    area,
    household: dict,
    members: list[dict],
    override_reason: str = "",
    poverty_status: str = PovertyStatus.NOT_POOR,
    year_identified: int | None = None,
    year_exited: int | None = None,
    household_no: str = "",
) -> Household:
    """Register a household with its members in a village or group of the actor's area.

    A poverty status other than 非贫困户 may only be set when importing legacy register data (it needs
    ``register.import``); otherwise statuses come from the identification procedure.
    """
    _check_area(area)
    _require(actor, "register.change", area)
    if poverty_status != PovertyStatus.NOT_POOR:
        _require(actor, "register.import", area)
    registered = poverty_status in REGISTERED
    cleaned, overridden = validate(household, members, registered=registered, override_reason=override_reason)
    values = {k: household[k] for k in HOUSEHOLD_FIELDS if k in household and household[k] is not None}
    number = household_no or next_household_numbers(village_code_of(area), 1)[0]
    h = Household(
        household_no=number,
        area=area,
        area_path=area.path,
        poverty_status=poverty_status,
        year_identified=year_identified,
        year_exited=year_exited,
        **values,
    )
    if overridden:
        h.warning_override = {
            "codes": overridden,
            "reason": override_reason.strip(),
            "by": getattr(actor, "pk", None),
            "at": timezone.now().date().isoformat(),
        }
    h.full_clean(exclude=["household_no"] if household_no == "" else None)
    h.save()
    numbers = next_member_numbers(h.household_no, len(cleaned))
    for m, no in zip(cleaned, numbers, strict=True):
        _member_insert(h, m, no)
    refresh_summary(h)
    write_version(h, action="household.create", actor=actor)
    audit_record(
        actor=actor,
        action="household.create",
        target=h,
        area=area,
        reason=override_reason,
        after={
            **snapshot(h, ["household_no", "poverty_status"]),
            "members": len(cleaned),
            "warnings_overridden": overridden,
        },
    )
    return h


def _member_insert(household: Household, m: dict, member_no: str) -> Member:
    member = Member(
        household=household,
        member_no=member_no,
        name_initials=initials(m["name"]),
        **{k: v for k, v in m.items() if v is not None},
    )
    member.joined_on = member.joined_on or timezone.now().date()
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        raise _integrity_error(m) from exc
    return member


def _integrity_error(m: dict) -> DomainError:
    if (
        m.get("id_number")
        and Member.objects.filter(id_number=m["id_number"], status=MemberStatus.ACTIVE).exists()
    ):
        other = (
            Member.objects.filter(id_number=m["id_number"], status=MemberStatus.ACTIVE)
            .select_related("household")
            .first()
        )
        return DomainError(
            f"身份证号 {m['id_number'][:6]}…{m['id_number'][-4:]} 已在农户 {other.household.household_no} "
            "中登记，同一人只能属于一户。",
            field="id_number",
            code="duplicate_person",
        )
    return DomainError("每户只能有 1 名在册户主。", field="relation", code="one_head")


def _member_values(m: Member) -> dict:
    """A member as validation input: real dates and numbers (``snapshot`` would give JSON strings)."""
    return {k: getattr(m, k) for k in MEMBER_FIELDS} | {"status": m.status}


@transaction.atomic
def household_update(
    *, actor, household: Household, changes: dict, override_reason: str = "", reason: str = ""
) -> Household:
    """Edit household-level fields. Registered households need the review capability (township);
    villages change them through an information-correction request instead."""
    _require(actor, "register.change", household.area)
    if household.is_registered and not user_can(actor, "register.review", household.area):
        raise AccessDenied("建档立卡户的信息修改需提交“信息更正”变更申请，由乡镇审核。")
    unknown = set(changes) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise DomainError(f"这些字段不能在此修改：{'、'.join(sorted(unknown))}。", field=sorted(unknown)[0])
    before = snapshot(household, HOUSEHOLD_FIELDS)
    proposed = {**before, **changes}
    members = [_member_values(m) for m in household.members.all()]
    _cleaned, overridden = validate(
        proposed, members, registered=household.is_registered, override_reason=override_reason
    )
    for k, v in changes.items():
        setattr(household, k, v)
    if overridden:
        household.warning_override = {
            "codes": overridden,
            "reason": override_reason.strip(),
            "by": getattr(actor, "pk", None),
            "at": timezone.now().date().isoformat(),
        }
    household.full_clean()
    household.save()
    old, new = changed(before, snapshot(household, HOUSEHOLD_FIELDS))
    if new:
        write_version(household, action="household.update", actor=actor)
        audit_record(
            actor=actor,
            action="household.update",
            target=household,
            before=old,
            after=new,
            reason=reason or override_reason,
        )
    return household


@transaction.atomic
def member_update(
    *, actor, member: Member, changes: dict, override_reason: str = "", reason: str = ""
) -> Member:
    """Edit a member's details (not its household or status: those are change requests)."""
    household = member.household
    _require(actor, "register.change", household.area)
    if household.is_registered and not user_can(actor, "register.review", household.area):
        raise AccessDenied("建档立卡户的成员信息修改需提交“信息更正”变更申请，由乡镇审核。")
    unknown = set(changes) - set(MEMBER_FIELDS)
    if unknown:
        raise DomainError(f"这些字段不能在此修改：{'、'.join(sorted(unknown))}。", field=sorted(unknown)[0])
    before = snapshot(member, MEMBER_FIELDS)
    members = []
    for m in household.members.filter(status=MemberStatus.ACTIVE):
        data = _member_values(m)
        if m.pk == member.pk:
            data |= changes
        members.append(data)
    cleaned, overridden = validate(
        snapshot(household, HOUSEHOLD_FIELDS),
        members,
        registered=household.is_registered,
        override_reason=override_reason,
    )
    index = [m.pk for m in household.members.filter(status=MemberStatus.ACTIVE)].index(member.pk)
    for k in changes:
        setattr(member, k, cleaned[index].get(k))
    member.name_initials = initials(member.name)
    try:
        with transaction.atomic():
            member.full_clean(exclude=["household"])
            member.save()
    except IntegrityError as exc:
        raise _integrity_error(cleaned[index]) from exc
    refresh_summary(household)
    old, new = changed(before, snapshot(member, MEMBER_FIELDS))
    if new:
        write_version(household, action="member.update", actor=actor)
        audit_record(
            actor=actor,
            action="member.update",
            target=member,
            area=household.area,
            before=old,
            after=new,
            reason=reason or override_reason,
        )
    return member


# --- income --------------------------------------------------------------------------------------


def members_in_year(household: Household, year: int) -> int:
    """Members 在册 at some time during ``year`` (joined before its end, not left before its start)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    qs = household.members.exclude(joined_on__gt=end).exclude(left_on__lt=start)
    return qs.count()


@transaction.atomic
def income_save(
    *,
    actor,
    household: Household,
    year: int,
    wages=0,
    business=0,
    property_income=0,
    transfers=None,
    business_costs=0,
    transfer_lines: list[dict] | None = None,
    size: int | None = None,
    note: str = "",
) -> HouseholdIncome:
    """Record a year's income. Transfers are the sum of ``transfer_lines`` when a breakdown is given."""
    _require(actor, "register.change", household.area)
    if not 2010 <= int(year) <= timezone.now().year:
        raise DomainError(f"收入年度应在 2010 至 {timezone.now().year} 年之间。", field="year")
    lines = transfer_lines or []
    for i, line in enumerate(lines):
        if Decimal(str(line.get("amount") or 0)) < 0:
            raise DomainError(f"转移性收入明细第{i + 1}项金额不能为负数。", field="transfer_lines")
    total = sum((Decimal(str(x.get("amount") or 0)) for x in lines), Decimal(0))
    if transfers is None:
        transfers = total
    elif lines and Decimal(str(transfers)) != total:
        raise DomainError(f"转移性收入（{transfers}）与明细合计（{total}）不一致。", field="transfers")
    size = size or members_in_year(household, int(year)) or household.size or 1
    try:
        net, per_capita = income_figures(
            wages=wages,
            business=business,
            property_income=property_income,
            transfers=transfers,
            business_costs=business_costs,
            size=size,
        )
    except ValueError as exc:
        raise DomainError(str(exc), field="income") from exc
    income, created = HouseholdIncome.objects.get_or_create(household=household, year=year)
    before = (
        {}
        if created
        else snapshot(
            income, ["wages", "business", "property_income", "transfers", "business_costs", "per_capita"]
        )
    )
    for k, v in (
        ("wages", wages),
        ("business", business),
        ("property_income", property_income),
        ("transfers", transfers),
        ("business_costs", business_costs),
    ):
        setattr(income, k, Decimal(str(v or 0)))
    income.net_income, income.per_capita, income.size, income.note = net, per_capita, size, note
    income.save()
    if transfer_lines is not None:
        income.transfer_lines.all().delete()
        IncomeTransfer.objects.bulk_create(
            [
                IncomeTransfer(
                    income=income,
                    program=x["program"],
                    amount=Decimal(str(x["amount"])),
                    member_id=x.get("member_id"),
                    source=x.get("source", ""),
                )
                for x in lines
            ]
        )
    after = snapshot(
        income, ["wages", "business", "property_income", "transfers", "business_costs", "per_capita"]
    )
    audit_record(
        actor=actor,
        action="income.save",
        target=household,
        before=before or None,
        after={"year": year, **_jsonable(after), "size": size},
    )
    return income


# --- poverty status (set by procedures) ------------------------------------------------------------

STATUS_SETTABLE_FIELDS = ["standard", "attribute", "main_cause", "other_causes"]


@transaction.atomic
def household_set_poverty_status(
    *,
    actor,
    household: Household,
    status: str,
    year_identified: int | None = None,
    year_exited: int | None = None,
    reason: str = "",
    fields: dict | None = None,
) -> Household:
    """Set a household's poverty status (and years, registration fields) as a procedure decided.

    Only procedures call this (identification, exit, return to poverty): poverty status is never edited
    by hand. The caller authorises (the engine's step guard); this writes a version and an audit event.
    ``fields``: 识别标准, 贫困户属性, 主要/其他致贫原因 from the procedure's survey. Years left None keep
    their current value.
    """
    if status not in PovertyStatus.values:
        raise DomainError("未知的贫困状态。", field="poverty_status")
    fields = dict(fields or {})
    unknown = set(fields) - set(STATUS_SETTABLE_FIELDS)
    if unknown:
        raise DomainError(f"这些字段不能在此修改：{'、'.join(sorted(unknown))}。", field=sorted(unknown)[0])
    household = Household.objects.select_for_update().get(pk=household.pk)
    keep = [*STATUS_FIELDS, *STATUS_SETTABLE_FIELDS]
    before = snapshot(household, keep)
    household.poverty_status = status
    if year_identified is not None:
        household.year_identified = year_identified
    if year_exited is not None:
        household.year_exited = year_exited
    for k, v in fields.items():
        setattr(household, k, v)
    issues = [
        x
        for x in check_household(
            snapshot(household, HOUSEHOLD_FIELDS),
            [_member_values(m) for m in household.members.filter(status=MemberStatus.ACTIVE)],
            registered=status in REGISTERED,
        )
        if x.is_error and x.field in ("main_cause", "other_causes")
    ]
    if issues:
        raise RegisterValidationError(issues)
    if (
        household.year_exited is not None
        and household.year_identified is not None
        and household.year_exited < household.year_identified
    ):
        raise DomainError("脱贫年度不能早于识别年度。", field="year_exited")
    household.save(update_fields=[*keep, "updated_at"])
    old, new = changed(before, snapshot(household, keep))
    write_version(household, action="household.poverty_status", actor=actor)
    audit_record(
        actor=actor,
        action="household.poverty_status",
        target=household,
        area=household.area,
        before=old,
        after=new,
        reason=(reason or "")[:500],
    )
    return household
