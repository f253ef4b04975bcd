"""Forms of the change requests: one per kind, each building the service's payload.

Forms only shape input; every rule is checked by ``changes.change_submit``, whose errors (named after
payload keys such as ``payload.member.id_number``) are put back on the form field they concern.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jingzhun.areas.models import Area
from jingzhun.core.errors import DomainError
from jingzhun.core.forms import StyledFormMixin

from .changes_rules import HOUSEHOLD_LEVELS, TOWNSHIP_PATH, active_members
from .choices import ADD_REASONS, HEAD_RELATION, REMOVE_REASONS, ChangeKind, ChangeStatus, Sex
from .models import CodeItem, Household, Member
from .services import HOUSEHOLD_FIELDS, MEMBER_FIELDS, RegisterValidationError

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


def code_choices(kind: str, *, head: bool = True, blank: str = "—") -> list[tuple[str, str]]:
    rows = (
        CodeItem.objects.filter(kind=kind, active=True).order_by("sort", "code").values_list("code", "name")
    )
    return [("", blank)] + [(c, n) for c, n in rows if head or c != HEAD_RELATION]


def relation_names() -> dict[str, str]:
    return dict(CodeItem.objects.filter(kind="relation").values_list("code", "name"))


def member_label(m: Member, names: dict[str, str]) -> str:
    return f"{m.name}（{names.get(m.relation, m.relation)}，{m.member_no}）"


def area_choices(user, household: Household, *, exclude_current: bool = False) -> list[tuple[str, str]]:
    """Villages and groups a household may go to: the submitter's scope and the household's township."""
    township = household.area_path[:TOWNSHIP_PATH]
    qs = (
        (Area.objects.for_user(user) | Area.objects.filter(path__startswith=township))
        .filter(level__in=HOUSEHOLD_LEVELS)
        .distinct()
        .order_by("path")
    )
    if exclude_current:
        qs = qs.exclude(pk=household.area_id)
    return [("", "—")] + [(a.code, f"{a.name}（{a.code}）") for a in qs[:500]]


class ChangeForm(StyledFormMixin, forms.Form):
    """Common part: the application reason and, for soft warnings, an explanation."""

    kind: str = ""
    reason = forms.CharField(
        label=_("申请理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}), required=True
    )
    override_reason = forms.CharField(
        label=_("预警说明"),
        max_length=500,
        required=False,
        help_text=_("系统提示“请核对”的预警，如确认无误，请在此说明理由。"),
    )

    def __init__(self, *args, household: Household, user, **kwargs):
        self.household = household
        self.user = user
        self.members = active_members(household)
        self.relations = relation_names()
        super().__init__(*args, **kwargs)

    def order_fields(self, field_order):
        # Called by Form.__init__ once self.fields exists and before StyledFormMixin styles the widgets:
        # the place to add the kind's fields. The common fields stay last.
        self.build()
        for name in ("override_reason", "reason"):
            self.fields[name] = self.fields.pop(name)
        super().order_fields(field_order)

    def build(self) -> None:
        """Add the kind's fields."""

    def member_choices(self, *, heads: bool = True) -> list[tuple[str, str]]:
        return [("", "—")] + [
            (str(m.pk), member_label(m, self.relations))
            for m in self.members
            if heads or m.relation != HEAD_RELATION
        ]

    def relation_fields(self, members, label: str, *, required: bool) -> None:
        for m in members:
            self.fields[f"relation_{m.pk}"] = forms.ChoiceField(
                label=label.format(name=m.name),
                choices=code_choices("relation", head=False),
                required=required,
                initial=m.relation if m.relation != HEAD_RELATION else "",
            )

    def relations_payload(self, members) -> dict[str, str]:
        return {
            str(m.pk): self.cleaned_data.get(f"relation_{m.pk}")
            for m in members
            if self.cleaned_data.get(f"relation_{m.pk}")
        }

    def payload(self) -> dict:
        data = self.kind_payload()
        if self.cleaned_data.get("override_reason"):
            data["override_reason"] = self.cleaned_data["override_reason"]
        return data

    def kind_payload(self) -> dict:
        raise NotImplementedError

    # Errors from the service → fields of this form.
    def field_for(self, name: str) -> str | None:
        if name in ("reason", "kind"):
            return "reason" if name == "reason" else None
        name = name.removeprefix("payload").lstrip(".")
        for candidate in (name, name.removeprefix("member."), name.replace("relations.", "relation_")):
            if candidate in self.fields:
                return candidate
        return None

    def add_domain_error(self, exc: DomainError) -> None:
        issues = exc.issues if isinstance(exc, RegisterValidationError) else None
        pairs = (
            [(i.field, i.code, i.message) for i in issues] if issues else [(exc.field or "", exc.code, "")]
        )
        for name, code, message in pairs:
            # Warnings that need an explanation belong next to the box where it is written.
            target = "override_reason" if code == "needs_override" else self.field_for(name)
            self.add_error(target, message or exc.message)


class AddMemberForm(ChangeForm):
    kind = ChangeKind.ADD_MEMBER
    MEMBER_INPUTS = [
        "name",
        "sex",
        "id_number",
        "birth_date",
        "relation",
        "ethnicity",
        "education",
        "in_school",
        "health",
        "disability_type",
        "disability_grade",
        "labour",
        "phone",
    ]

    def build(self):
        self.fields["event"] = forms.ChoiceField(
            label=_("新增原因"), choices=[("", "—"), *ADD_REASONS.items()]
        )
        self.fields["date"] = forms.DateField(label=_("入户日期"), **DATE)
        self.fields["name"] = forms.CharField(label=_("姓名"), max_length=50)
        self.fields["sex"] = forms.ChoiceField(
            label=_("性别"), choices=[("", _("按身份证号"))] + list(Sex.choices), required=False
        )
        self.fields["id_number"] = forms.CharField(
            label=_("身份证号"), max_length=30, required=False, help_text=_("新生儿尚未办理可暂不填写。")
        )
        self.fields["birth_date"] = forms.DateField(label=_("出生日期"), required=False, **DATE)
        self.fields["relation"] = forms.ChoiceField(
            label=_("与户主关系"), choices=code_choices("relation", head=False)
        )
        for name, kind in (
            ("ethnicity", "ethnicity"),
            ("education", "education"),
            ("in_school", "in_school"),
            ("health", "health"),
            ("disability_type", "disability_type"),
            ("labour", "labour"),
        ):
            label = Member._meta.get_field(name).verbose_name
            self.fields[name] = forms.ChoiceField(label=label, choices=code_choices(kind), required=False)
        self.fields["disability_grade"] = forms.TypedChoiceField(
            label=_("残疾等级"),
            choices=[("", "—")] + [(str(i), f"{i} 级") for i in range(1, 5)],
            coerce=int,
            empty_value=None,
            required=False,
        )
        self.fields["phone"] = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    def field_for(self, name):
        if name == "payload.reason":
            return "event"
        return super().field_for(name)

    def kind_payload(self):
        member = {}
        for name in self.MEMBER_INPUTS:
            value = self.cleaned_data.get(name)
            if value not in (None, ""):
                member[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return {
            "reason": self.cleaned_data["event"],
            "date": self.cleaned_data["date"].isoformat(),
            "member": member,
        }


class RemoveMemberForm(ChangeForm):
    kind = ChangeKind.REMOVE_MEMBER

    def build(self):
        self.fields["member"] = forms.ChoiceField(label=_("减少的成员"), choices=self.member_choices())
        self.fields["event"] = forms.ChoiceField(
            label=_("减少原因"), choices=[("", "—"), *REMOVE_REASONS.items()]
        )
        self.fields["date"] = forms.DateField(label=_("离户日期（死亡、迁出等日期）"), **DATE)

    def field_for(self, name):
        return "event" if name == "payload.reason" else super().field_for(name)

    def kind_payload(self):
        d = self.cleaned_data
        return {"member": int(d["member"]), "reason": d["event"], "date": d["date"].isoformat()}


class TransferMemberForm(ChangeForm):
    kind = ChangeKind.TRANSFER_MEMBER

    def build(self):
        self.fields["member"] = forms.ChoiceField(
            label=_("转出的成员"), choices=self.member_choices(heads=False)
        )
        self.fields["target"] = forms.CharField(label=_("转入农户的户编号"), max_length=20)
        self.fields["relation"] = forms.ChoiceField(
            label=_("在转入户中与户主关系"), choices=code_choices("relation", head=False)
        )
        self.fields["date"] = forms.DateField(label=_("转移日期"), **DATE)

    def kind_payload(self):
        d = self.cleaned_data
        return {
            "member": int(d["member"]),
            "target": d["target"].strip(),
            "relation": d["relation"],
            "date": d["date"].isoformat(),
        }


class SplitForm(ChangeForm):
    kind = ChangeKind.SPLIT

    def build(self):
        choices = self.member_choices(heads=False)[1:]
        self.fields["members"] = forms.MultipleChoiceField(
            label=_("分出的成员"), choices=choices, widget=forms.SelectMultiple(attrs={"size": 6})
        )
        self.fields["head"] = forms.ChoiceField(label=_("新户户主"), choices=[("", "—"), *choices])
        self.fields["area"] = forms.ChoiceField(
            label=_("新户所在村/组"), choices=area_choices(self.user, self.household), required=False
        )
        self.fields["date"] = forms.DateField(label=_("分户日期"), **DATE)
        others = [m for m in self.members if m.relation != HEAD_RELATION]
        self.relation_fields(others, _("{name} 在新户中与户主关系（分出且非新户户主时填写）"), required=False)
        self.others = others

    def kind_payload(self):
        d = self.cleaned_data
        ids = [int(x) for x in d["members"]]
        moving = [m for m in self.others if m.pk in ids and str(m.pk) != d["head"]]
        return {
            "members": ids,
            "head": int(d["head"]),
            "relations": self.relations_payload(moving),
            "area": d.get("area") or self.household.area.code,
            "date": d["date"].isoformat(),
        }


class MergeForm(ChangeForm):
    kind = ChangeKind.MERGE

    def build(self):
        self.fields["target"] = forms.CharField(label=_("并入农户的户编号"), max_length=20)
        self.fields["date"] = forms.DateField(label=_("合户日期"), **DATE)
        self.relation_fields(self.members, _("{name} 在并入户中与户主关系"), required=True)
        for m in self.members:
            self.fields[f"relation_{m.pk}"].initial = ""

    def kind_payload(self):
        d = self.cleaned_data
        return {
            "target": d["target"].strip(),
            "relations": self.relations_payload(self.members),
            "date": d["date"].isoformat(),
        }


class ChangeHeadForm(ChangeForm):
    kind = ChangeKind.CHANGE_HEAD

    def build(self):
        self.fields["new_head"] = forms.ChoiceField(
            label=_("新户主"), choices=self.member_choices(heads=False)
        )
        self.fields["old_head_relation"] = forms.ChoiceField(
            label=_("原户主与新户主的关系"), choices=code_choices("relation", head=False)
        )
        others = [m for m in self.members if m.relation != HEAD_RELATION]
        self.relation_fields(others, _("{name} 与新户主的关系（不变可不改）"), required=False)
        self.others = others

    def kind_payload(self):
        d = self.cleaned_data
        changed = [
            m
            for m in self.others
            if str(m.pk) != d["new_head"] and d.get(f"relation_{m.pk}") not in ("", None, m.relation)
        ]
        return {
            "new_head": int(d["new_head"]),
            "old_head_relation": d["old_head_relation"],
            "relations": self.relations_payload(changed),
        }


class CorrectInfoForm(ChangeForm):
    kind = ChangeKind.CORRECT_INFO
    ROWS = 3

    def build(self):
        who = [("household", _("本户信息"))] + [
            (str(m.pk), member_label(m, self.relations)) for m in self.members
        ]
        fields = [
            (_("户信息"), [(f"h:{f}", Household._meta.get_field(f).verbose_name) for f in HOUSEHOLD_FIELDS]),
            (_("成员信息"), [(f"m:{f}", Member._meta.get_field(f).verbose_name) for f in MEMBER_FIELDS]),
        ]
        for i in range(1, self.ROWS + 1):
            self.fields[f"who_{i}"] = forms.ChoiceField(
                label=_("第 {i} 项：更正对象").format(i=i), choices=[("", "—"), *who], required=i == 1
            )
            self.fields[f"field_{i}"] = forms.ChoiceField(
                label=_("第 {i} 项：字段").format(i=i), choices=[("", "—"), *fields], required=i == 1
            )
            self.fields[f"value_{i}"] = forms.CharField(
                label=_("第 {i} 项：更正后的值").format(i=i),
                max_length=200,
                required=False,
                help_text=_(
                    "代码项可填代码或名称；是/否项填“是”或“否”；日期填 YYYY-MM-DD；多个致贫原因用顿号分隔。"
                )
                if i == 1
                else "",
            )

    def clean(self):
        data = super().clean()
        for i in range(1, self.ROWS + 1):
            who, field = data.get(f"who_{i}"), data.get(f"field_{i}")
            if bool(who) != bool(field):
                self.add_error(f"field_{i}" if who else f"who_{i}", _("请同时选择更正对象和字段。"))
            elif who and (who == "household") != field.startswith("h:"):
                self.add_error(f"field_{i}", _("所选字段与更正对象不符（户信息/成员信息）。"))
        return data

    def rows(self):
        for i in range(1, self.ROWS + 1):
            who, field = self.cleaned_data.get(f"who_{i}"), self.cleaned_data.get(f"field_{i}")
            if who and field:
                yield i, who, field[2:], self.cleaned_data.get(f"value_{i}", "")

    def kind_payload(self):
        household, members = {}, {}
        for _i, who, field, value in self.rows():
            if who == "household":
                household[field] = value
            else:
                members.setdefault(who, {})[field] = value
        return {"household": household, "members": members}

    def field_for(self, name):
        parts = name.removeprefix("payload.").split(".")
        for i, who, field, _value in self.rows():
            if parts[:2] == ["household", field] or parts[:3] == ["members", who, field]:
                return f"value_{i}"
        return super().field_for(name)


class MoveHouseholdForm(ChangeForm):
    kind = ChangeKind.MOVE_HOUSEHOLD

    def build(self):
        self.fields["area"] = forms.ChoiceField(
            label=_("迁入村/组"), choices=area_choices(self.user, self.household, exclude_current=True)
        )

    def kind_payload(self):
        return {"area": self.cleaned_data["area"]}


FORMS = {
    form.kind: form
    for form in (
        AddMemberForm,
        RemoveMemberForm,
        TransferMemberForm,
        SplitForm,
        MergeForm,
        ChangeHeadForm,
        CorrectInfoForm,
        MoveHouseholdForm,
    )
}


class ReviewForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("审核意见"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("驳回时必须填写。"),
    )


class QueueFilterForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("变更类型"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False)
    village = forms.ChoiceField(label=_("村"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("全部"))] + list(ChangeKind.choices)
        self.fields["status"].choices = [("", _("全部")), *ChangeStatus.choices]
        villages = Area.objects.for_user(user).filter(Q(level="village")).order_by("path")[:500]
        self.fields["village"].choices = [("", _("全部"))] + [(a.code, a.name) for a in villages]
