"""Transfer-income lines written in bulk by other modules (assistance deliveries feed the benefits ledger).

Kept apart from services.py (households, members, yearly income) to keep each module readable; it is a
register service all the same: one transaction, one audit event, figures recomputed as ``income_save`` does.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from jingzhun.core.errors import DomainError
from jingzhun.core.services import audit_record

from .models import Household, HouseholdIncome, IncomeTransfer, Member
from .validation import income_figures


@transaction.atomic
def income_transfers_apply(
    *, actor, add: list[dict] | None = None, remove: list[int] | None = None, reason: str = ""
) -> list[IncomeTransfer]:
    """Add and/or remove transfer-income lines, keeping each touched year's totals consistent.

    ``add``: dicts with household_id, year, program, amount, member_id (optional), source (optional).
    ``remove``: IncomeTransfer ids. A year's ``transfers`` moves by the lines' amounts (a total entered
    without a breakdown is kept), then net income and per capita are recomputed with ``income_figures``
    over the stored size; a missing year gets an income row (size = members 在册 in the year).
    Set-based, for imports of 10^5 lines. The caller authorises (e.g. assistance deliveries need
    ``assistance.deliver``); one audit event records the batch. Returns the new lines, in ``add`` order.
    """
    add, remove = list(add or []), list(remove or [])
    this_year = timezone.now().year
    delta: dict[tuple[int, int], Decimal] = {}
    for line in add:
        if not 2010 <= int(line["year"]) <= this_year:
            raise DomainError(f"收入年度应在 2010 至 {this_year} 年之间。", field="year")
        amount = Decimal(str(line["amount"]))
        if amount < 0:
            raise DomainError("转移性收入金额不能为负数。", field="amount")
        key = (line["household_id"], int(line["year"]))
        delta[key] = delta.get(key, Decimal(0)) + amount
    removed = list(IncomeTransfer.objects.filter(pk__in=remove).select_related("income"))
    for t in removed:
        key = (t.income.household_id, t.income.year)
        delta[key] = delta.get(key, Decimal(0)) - t.amount
    incomes: dict[tuple[int, int], HouseholdIncome] = {}
    keys = sorted(delta)
    ids, years = sorted({hid for hid, _y in keys}), sorted({y for _h, y in keys})
    for i in range(0, len(ids), 800):
        for inc in HouseholdIncome.objects.filter(household_id__in=ids[i : i + 800], year__in=years):
            if (inc.household_id, inc.year) in delta:
                incomes[(inc.household_id, inc.year)] = inc
    missing = [k for k in keys if k not in incomes]
    if missing:
        sizes = _sizes_in_years(missing)
        new = [HouseholdIncome(household_id=hid, year=year, size=sizes[(hid, year)]) for hid, year in missing]
        for inc in HouseholdIncome.objects.bulk_create(new, batch_size=500):
            incomes[(inc.household_id, inc.year)] = inc
    now = timezone.now()
    for key, change in delta.items():
        inc = incomes[key]
        inc.updated_at = now
        inc.transfers = inc.transfers + change
        if inc.transfers < 0:
            raise DomainError("转移性收入不能因撤销而变为负数，请核对该年度收入。", field="transfers")
        inc.net_income, inc.per_capita = income_figures(
            wages=inc.wages,
            business=inc.business,
            property_income=inc.property_income,
            transfers=inc.transfers,
            business_costs=inc.business_costs,
            size=inc.size or 1,
        )
    from .importing_sql import update_rows  # one prepared UPDATE (bulk_update's CASE costs seconds)

    update_rows(
        HouseholdIncome, ["transfers", "net_income", "per_capita", "updated_at"], [incomes[k] for k in delta]
    )
    IncomeTransfer.objects.filter(pk__in=[t.pk for t in removed]).delete()
    lines = IncomeTransfer.objects.bulk_create(
        [
            IncomeTransfer(
                income=incomes[(x["household_id"], int(x["year"]))],
                program=x["program"],
                amount=Decimal(str(x["amount"])),
                member_id=x.get("member_id"),
                source=(x.get("source") or "")[:50],
            )
            for x in add
        ],
        batch_size=1000,
    )
    single = {hid for hid, _y in delta}
    target = Household.objects.get(pk=next(iter(single))) if len(single) == 1 else None
    audit_record(
        actor=actor,
        action="income.transfers",
        target=target,
        area=target.area if target else getattr(actor, "area", None),
        reason=reason,
        after={
            "added": len(add),
            "removed": len(removed),
            "households": len(single),
            "years": sorted({y for _h, y in delta}),
            "amount": str(sum(delta.values(), Decimal(0))),
        },
    )
    return lines


def _sizes_in_years(keys: list[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """(household, year) → members 在册 during the year, as ``income_save`` sizes it (set-based)."""
    from collections import Counter, defaultdict

    years_of: dict[int, set[int]] = defaultdict(set)
    for hid, year in keys:
        years_of[hid].add(year)
    counts: Counter = Counter()
    ids = sorted(years_of)
    for i in range(0, len(ids), 800):
        rows = Member.objects.filter(household_id__in=ids[i : i + 800]).values_list(
            "household_id", "joined_on", "left_on"
        )
        for hid, joined, left in rows:
            for year in years_of[hid]:
                if not (joined and joined.year > year) and not (left and left.year < year):
                    counts[(hid, year)] += 1
    empty = sorted({hid for hid, year in keys if not counts[(hid, year)]})
    sizes = {}
    for i in range(0, len(empty), 800):
        sizes.update(Household.objects.filter(pk__in=empty[i : i + 800]).values_list("pk", "size"))
    return {k: counts[k] or sizes.get(k[0]) or 1 for k in keys}  # as income_save falls back
