"""Entry forms: register a household with its members, edit an unregistered household or a member, and
record a year's income. Every write is a service call; its Chinese messages go next to the field and
member row they name, and nothing is written until every error is fixed (warnings need a reason)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from jingzhun.core.access import access
from jingzhun.core.errors import AccessDenied, DomainError

from . import selectors, services
from .choices import ChangeKind
from .forms import ConfirmForm, HouseholdForm, IncomeForm, MemberForm, MemberFormSet, TransferFormSet
from .services import RegisterValidationError
from .views_households import need_register, optional_url

ROW_FIELD = re.compile(r"^members\[(\d+)\]\.(\w+)$")


class Problems:
    """Where the service's issues went: fields/rows (errors), a general list, and warnings."""

    def __init__(self):
        self.general: list[str] = []
        self.warnings: list[str] = []

    @property
    def needs_override(self) -> bool:
        return bool(self.warnings) and not self.general

    def attach(self, exc: Exception, form, member_forms=(), confirm=None) -> None:
        if isinstance(exc, DjangoValidationError):
            for field, msgs in getattr(exc, "message_dict", {"": exc.messages}).items():
                self._put(field, " ".join(msgs), form, member_forms)
            return
        issues = getattr(exc, "issues", None)
        if issues is None:
            self._single(exc, form, member_forms)
            return
        if all(i.code == "needs_override" for i in issues):
            self.warnings = [i.message for i in issues]
            if confirm is not None and "override_reason" in confirm.fields:
                confirm.add_error("override_reason", "请填写预警说明后再保存。")
            return
        for issue in issues:
            self._put(issue.field, issue.message, form, member_forms)

    def _put(self, field: str, message: str, form, member_forms) -> None:
        match = ROW_FIELD.match(field or "")
        if match and int(match[1]) < len(member_forms):
            target = member_forms[int(match[1])]
            target.add_error(match[2] if match[2] in target.fields else None, message)
        elif form is not None and field in form.fields:
            form.add_error(field, message)
        else:
            self.general.append(message)

    def _single(self, exc: DomainError, form, member_forms) -> None:
        if exc.field == "id_number" and member_forms:
            # "身份证号 513401…1234 已在农户 … 中登记": find the row by the masked number it quotes.
            for f in member_forms:
                number = (f.cleaned_data.get("id_number") or "").replace(" ", "").upper()
                if len(number) >= 10 and f"{number[:6]}…{number[-4:]}" in exc.message:
                    f.add_error("id_number", exc.message)
                    return
        self._put(exc.field or "", exc.message, form, member_forms if exc.field != "relation" else ())


def _need_change(request, household) -> None:
    if not selectors.can_change(request.user, household):
        raise PermissionDenied("您无权修改该农户的档案。")


@access("scoped")
@login_required
def household_create(request):
    """A village officer registers a household (status 非贫困户 until identification) with its members."""
    need_register(request, "register.change")
    areas = selectors.creatable_areas(request.user)
    data = request.POST if request.method == "POST" else None
    form = HouseholdForm(data, areas=areas)
    formset = MemberFormSet(data, prefix="members")
    confirm = ConfirmForm(data)
    problems = Problems()
    if data is not None:
        valid = all([form.is_valid(), formset.is_valid(), confirm.is_valid()])
        if valid:
            filled = formset.filled_forms()
            try:
                household = services.household_create(
                    actor=request.user,
                    area=form.cleaned_data["area"],
                    household=form.household_data(),
                    members=[f.member_data() for f in filled],
                    override_reason=confirm.cleaned_data["override_reason"],
                )
            except (DomainError, DjangoValidationError) as exc:
                problems.attach(exc, form, filled, confirm)
            else:
                messages.success(request, f"已建档：户编号 {household.household_no}。")
                return redirect("register:household-detail", pk=household.pk)
    return render(
        request,
        "register/household_form.html",
        {
            "form": form,
            "formset": formset,
            "confirm": confirm,
            "problems": problems,
            "show_override": problems.needs_override or bool(data and data.get("override_reason")),
            "creating": True,
        },
    )


@access("scoped")
@login_required
def household_edit(request, pk):
    household = selectors.household_detail(request.user, pk)
    _need_change(request, household)
    context = {"household": household, "creating": False}
    if not selectors.can_edit_directly(request.user, household):
        context["correct_url"] = optional_url("register:change-new", household.pk, ChangeKind.CORRECT_INFO)
        return render(request, "register/household_form.html", context)
    data = request.POST if request.method == "POST" else None
    form = HouseholdForm(data, instance=household)
    confirm = ConfirmForm(data, with_reason=True)
    problems = Problems()
    if data is not None and form.is_valid() and confirm.is_valid():
        proposed = form.household_data()
        if not proposed.get("bank_account"):  # the form never shows the full account: empty = keep
            proposed.pop("bank_account", None)
        saved = _apply_edit(
            request,
            household,
            proposed,
            confirm,
            lambda **kw: services.household_update(actor=request.user, household=household, **kw),
            lambda exc: problems.attach(exc, form, (), confirm),
        )
        if saved:
            return redirect("register:household-detail", pk=household.pk)
    _form_context(context, form, confirm, problems, data)
    return render(request, "register/household_form.html", context)


@access("scoped")
@login_required
def member_edit(request, pk):
    member = selectors.member_detail(request.user, pk)
    household = member.household
    _need_change(request, household)
    context = {"member": member, "household": household}
    if not selectors.can_edit_directly(request.user, household):
        context["correct_url"] = optional_url("register:change-new", household.pk, ChangeKind.CORRECT_INFO)
        return render(request, "register/household_member_form.html", context)
    data = request.POST if request.method == "POST" else None
    form = MemberForm(data, instance=member)
    confirm = ConfirmForm(data, with_reason=True)
    problems = Problems()
    if data is not None and form.is_valid() and confirm.is_valid():
        proposed = form.member_data()
        for derived in ("sex", "birth_date", "id_number"):  # left empty = keep
            if not proposed.get(derived):
                proposed.pop(derived, None)
        saved = _apply_edit(
            request,
            member,
            proposed,
            confirm,
            lambda **kw: services.member_update(actor=request.user, member=member, **kw),
            lambda exc: problems.attach(_for_single_member(exc), form, (), confirm),
        )
        if saved:
            return redirect(reverse("register:household-detail", args=[household.pk]) + "#members")
    _form_context(context, form, confirm, problems, data)
    return render(request, "register/household_member_form.html", context)


def _apply_edit(request, obj, proposed: dict, confirm, update, on_error) -> bool:
    """Send only the changed fields to the service; on a rule violation reload ``obj`` and report it."""
    changes = {k: v for k, v in proposed.items() if v != getattr(obj, k)}
    try:
        update(
            changes=changes,
            override_reason=confirm.cleaned_data["override_reason"],
            reason=confirm.cleaned_data["reason"],
        )
    except (DomainError, DjangoValidationError) as exc:
        obj.refresh_from_db()
        on_error(exc)
        return False
    messages.success(request, "已保存。" if changes else "没有需要保存的修改。")
    return True


def _form_context(context: dict, form, confirm, problems, data) -> None:
    context.update(
        form=form,
        confirm=confirm,
        problems=problems,
        show_override=problems.needs_override or bool(data and data.get("override_reason")),
    )


def _for_single_member(exc):
    """member_update validates the whole household; its member-row issues belong to this one form."""
    issues = getattr(exc, "issues", None)
    if issues is None:
        return exc
    from .validation import Issue

    moved = [Issue(i.level, ROW_FIELD.sub(r"\2", i.field), i.code, i.message) for i in issues]
    return RegisterValidationError(moved)


@access("scoped")
@login_required
def income_edit(request, pk, year=None):
    """A year's income with the transfer breakdown; net and per-capita income are computed on save."""
    household = selectors.household_detail(request.user, pk)
    _need_change(request, household)
    existing = selectors.income_for_year(request.user, household, year) if year else None
    initial, lines = {}, []
    if existing is not None:
        initial = {
            k: getattr(existing, k)
            for k in ("wages", "business", "property_income", "business_costs", "note")
        }
        lines = [
            {"program": t.program, "amount": t.amount, "member": t.member_id, "source": t.source}
            for t in existing.transfer_lines.all()
        ]
        if not lines:
            initial["transfers"] = existing.transfers
    members = list(selectors.household_members(request.user, household))
    data = request.POST if request.method == "POST" else None
    form = IncomeForm(data, initial=initial, year=year)
    formset = TransferFormSet(data, initial=lines, prefix="lines", form_kwargs={"members": members})
    problems = Problems()
    if data is not None and all([form.is_valid(), formset.is_valid()]):
        d = form.cleaned_data
        try:
            income = services.income_save(
                actor=request.user,
                household=household,
                year=d["year"],
                wages=d["wages"],
                business=d["business"],
                property_income=d["property_income"],
                business_costs=d["business_costs"],
                transfers=d["transfers"],
                transfer_lines=formset.lines(),
                note=d["note"],
            )
        except AccessDenied as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            problems.attach(exc, form)
        else:
            messages.success(
                request,
                f"{income.year} 年收入已保存：家庭纯收入 {income.net_income} 元，人均 {income.per_capita} 元。",
            )
            return redirect(reverse("register:household-detail", args=[household.pk]) + "#income")
    return render(
        request,
        "register/household_income_form.html",
        {
            "household": household,
            "form": form,
            "formset": formset,
            "problems": problems,
            "year": year,
            "existing": existing,
            "size_now": household.size,
        },
    )
