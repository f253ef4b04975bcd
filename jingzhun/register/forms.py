"""Register forms: the list filters, household/member/income entry, the code-list page.

Forms only parse and shape input; every rule of register.md is checked by the services (validation.py),
whose Chinese messages the views attach to the fields and member rows.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingzhun.core.forms import StyledFormMixin
from jingzhun.core.masking import mask_account, mask_id_number

from .choices import HouseGrade, PovertyStatus
from .codes import CODE_LISTS
from .models import Household, Member
from .selectors import code_choices
from .services import HOUSEHOLD_FIELDS, MEMBER_FIELDS

YES_NO = [("", _("全部")), ("1", _("是")), ("0", _("否"))]


def _code_select(kind: str, label, *, required: bool = False, blank="—") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=required, choices=lambda: code_choices(kind, blank=blank))


class HouseholdFilterForm(StyledFormMixin, forms.Form):
    """GET filters of the household list (also validates the API's query parameters)."""

    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=50,
        help_text=_("户编号、姓名、身份证号（全部或部分）、姓名拼音首字母（如 zsf）"),
    )
    area = forms.CharField(label=_("区域"), required=False, max_length=15, help_text=_("区划代码或名称"))
    poverty_status = forms.ChoiceField(
        label=_("贫困状态"), required=False, choices=[("", _("全部")), *PovertyStatus.choices]
    )
    attribute = _code_select("attribute", _("贫困户属性"), blank=_("全部"))
    main_cause = _code_select("cause", _("主要致贫原因"), blank=_("全部"))
    year_identified_from = forms.IntegerField(
        label=_("识别年度从"), required=False, min_value=2000, max_value=2100
    )
    year_identified_to = forms.IntegerField(
        label=_("识别年度至"), required=False, min_value=2000, max_value=2100
    )
    year_exited_from = forms.IntegerField(
        label=_("脱贫年度从"), required=False, min_value=2000, max_value=2100
    )
    year_exited_to = forms.IntegerField(label=_("脱贫年度至"), required=False, min_value=2000, max_value=2100)
    is_monitored = forms.ChoiceField(label=_("监测对象"), required=False, choices=YES_NO)

    def clean(self):
        data = super().clean()
        for field, label in (("year_identified", _("识别年度")), ("year_exited", _("脱贫年度"))):
            low, high = data.get(f"{field}_from"), data.get(f"{field}_to")
            if low and high and low > high:
                self.add_error(f"{field}_to", _("“%(label)s至”不能早于“从”。") % {"label": label})
        return data

    def params(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class _NoModelValidation:
    """Model and uniqueness rules are the services' job: they raise DomainError naming the field."""

    def validate_unique(self):
        pass

    def _post_clean(self):
        pass


class HouseholdForm(StyledFormMixin, _NoModelValidation, forms.ModelForm):
    """Household facts (A1–A24 without the statuses, which only procedures set)."""

    area = forms.ModelChoiceField(label=_("所在村/组"), queryset=None, empty_label="—")
    standard = _code_select("standard", _("识别标准"))
    attribute = _code_select("attribute", _("贫困户属性"))
    main_cause = _code_select("cause", _("主要致贫原因"))
    other_causes = forms.MultipleChoiceField(
        label=_("其他致贫原因（最多 2 项）"),
        required=False,
        choices=lambda: code_choices("cause", blank=None),
        widget=forms.CheckboxSelectMultiple,
    )
    house_structure = _code_select("house_structure", _("住房结构"))
    water = _code_select("water", _("饮水状况"))
    fuel = _code_select("fuel", _("主要燃料"))
    water_short_days = forms.IntegerField(
        label=_("全年缺水天数"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"max": 366}),  # the range rule and its message: validation.py
        help_text=_("过去一年供水不足的天数，用于判断供水保证率；未测算的留空。"),
    )

    class Meta:
        model = Household
        fields = ["area", *HOUSEHOLD_FIELDS]
        widgets = {"address": forms.TextInput(attrs={"autocomplete": "off"})}

    SECTIONS = [
        (_("基本信息"), ["area", "address", "phone", "standard", "attribute", "main_cause", "other_causes"]),
        (
            _("住房与搬迁"),
            [
                "house_area",
                "house_structure",
                "house_year",
                "house_grade",
                "house_renovated",
                "house_renovated_year",
                "relocation",
                "relocation_year",
            ],
        ),
        (_("土地（亩）"), ["farmland_mu", "forest_mu", "returned_farmland_mu", "grassland_mu"]),
        (
            _("生产生活条件"),
            [
                "has_power",
                "has_broadcast_tv",
                "water",
                "water_lpd",
                "water_minutes",
                "water_short_days",
                "fuel",
                "has_sanitary_toilet",
                "road_distance_km",
            ],
        ),
        (_("银行账户"), ["bank_name", "bank_account"]),
    ]

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is None:  # editing: the village is changed by a 户迁移 request, not here
            del self.fields["area"]
        else:
            self.fields["area"].queryset = areas
            self.fields["area"].label_from_instance = lambda a: f"{a.name}（{a.code}）"
        for name in ("farmland_mu", "forest_mu", "returned_farmland_mu", "grassland_mu"):
            self.fields[name].required = False
        self.fields["house_grade"].choices = [("", "—"), *HouseGrade.choices]
        if self.instance.pk and self.instance.bank_account:
            # Never put the full account in the page: empty means "keep", typing replaces it.
            self.initial["bank_account"] = ""
            self.fields["bank_account"].help_text = _("留空则保持不变（当前 %(masked)s）") % {
                "masked": mask_account(self.instance.bank_account)
            }

    def sections(self):
        for title, names in self.SECTIONS:
            yield title, [self[n] for n in names if n in self.fields]

    def clean_other_causes(self):
        return list(self.cleaned_data.get("other_causes") or [])

    def household_data(self) -> dict:
        data = {k: self.cleaned_data.get(k) for k in HOUSEHOLD_FIELDS if k in self.cleaned_data}
        for name in ("farmland_mu", "forest_mu", "returned_farmland_mu", "grassland_mu"):
            if data.get(name) is None:
                data[name] = 0
        for name in ("address", "phone", "bank_name", "bank_account"):
            data[name] = (data.get(name) or "").strip()
        return data


# Everything a member form edits: the service's editable fields except the join date it sets itself.
MEMBER_FORM_FIELDS = [f for f in MEMBER_FIELDS if f != "joined_on"]


class MemberForm(StyledFormMixin, _NoModelValidation, forms.ModelForm):
    """One member row. Sex and birth date may be left empty: they are read from the ID number."""

    id_number = forms.CharField(
        label=_("身份证号"), max_length=25, help_text=_("18 位（或 15 位旧号）；出生日期和性别据此核对")
    )
    sex = forms.ChoiceField(
        label=_("性别"), required=False, choices=[("", _("按身份证号")), ("1", _("男")), ("2", _("女"))]
    )
    birth_date = forms.DateField(
        label=_("出生日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    relation = _code_select("relation", _("与户主关系"), required=True)
    ethnicity = _code_select("ethnicity", _("民族"))
    education = _code_select("education", _("文化程度"))
    in_school = _code_select("in_school", _("在校生状况"))
    health = _code_select("health", _("健康状况"))
    disability_type = _code_select("disability_type", _("残疾类别"))
    labour = _code_select("labour", _("劳动技能"))
    migrant_place = _code_select("migrant_place", _("务工地点"))
    dibao_since = forms.DateField(
        label=_("低保起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tekun_since = forms.DateField(
        label=_("特困供养起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Member
        fields = MEMBER_FORM_FIELDS

    MAIN = [
        "name",
        "id_number",
        "relation",
        "sex",
        "birth_date",
        "ethnicity",
        "education",
        "in_school",
        "health",
        "labour",
    ]

    def __init__(self, *args, row: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["migrant_months"].required = False
        self.fields["disability_grade"].widget.attrs.update({"min": 1, "max": 4})
        if self.instance.pk is not None:
            # Never put the full ID number in the page: empty means "keep", typing replaces it.
            self.initial["id_number"] = ""
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _("留空则保持不变（当前 %(masked)s）") % {
                "masked": mask_id_number(self.instance.id_number) or "—"
            }
        else:
            # Defaults that do not count as input: an untouched row is ignored, not an error.
            self.initial.setdefault("ethnicity", "01")
            if row == 0:
                self.initial.setdefault("relation", "01")

    def has_changed(self):
        # A row counts as typed into when any field differs from its default; an absent month count
        # (0 by default) is not input.
        changed = set(self.changed_data)
        if not self.data.get(self.add_prefix("migrant_months")):
            changed.discard("migrant_months")
        return bool(changed)

    def main_fields(self):
        return [self[n] for n in self.MAIN]

    def more_fields(self):
        return [self[n] for n in MEMBER_FORM_FIELDS if n not in self.MAIN]

    def member_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["migrant_months"] = data.get("migrant_months") or 0
        for name in ("sex",):
            data[name] = data.get(name) or ""
        return {k: v for k, v in data.items() if k in MEMBER_FORM_FIELDS}


class ConfirmForm(StyledFormMixin, forms.Form):
    """The override reason for soft warnings, and (on edits) why the record is changed."""

    override_reason = forms.CharField(
        label=_("预警说明"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("系统提示“预警”时填写：说明为何确认无误。说明会随档案保存。"),
    )
    reason = forms.CharField(label=_("修改原因"), required=False, max_length=200)

    def __init__(self, *args, with_reason: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_reason:
            del self.fields["reason"]


class BaseMemberFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "row": index}

    def filled_forms(self) -> list[MemberForm]:
        """Rows the user typed into (untouched empty rows are ignored)."""
        return [f for f in self.forms if f.has_changed()]


MemberFormSet = forms.formset_factory(
    MemberForm, formset=BaseMemberFormSet, extra=4, max_num=30, validate_max=True
)


class IncomeForm(StyledFormMixin, forms.Form):
    """A year's income. Net and per-capita income are computed by the service, never typed."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    wages = forms.DecimalField(
        label=_("工资性收入（元）"), min_value=0, max_digits=12, decimal_places=2, initial=0
    )
    business = forms.DecimalField(
        label=_("生产经营性收入（元）"), min_value=0, max_digits=12, decimal_places=2, initial=0
    )
    property_income = forms.DecimalField(
        label=_("财产性收入（元）"), min_value=0, max_digits=12, decimal_places=2, initial=0
    )
    business_costs = forms.DecimalField(
        label=_("生产经营性支出（元）"), min_value=0, max_digits=12, decimal_places=2, initial=0
    )
    transfers = forms.DecimalField(
        label=_("转移性收入合计（元）"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("填写了下方明细时可留空，按明细合计；两者都填时必须一致。"),
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.now().year
        self.fields["year"].choices = [(y, str(y)) for y in range(this_year, 2009, -1)]
        if year is not None:
            self.fields["year"].initial = year
            self.fields["year"].disabled = True


class TransferLineForm(StyledFormMixin, forms.Form):
    program = _code_select("transfer_program", _("项目"), required=True)
    amount = forms.DecimalField(label=_("金额（元）"), min_value=0, max_digits=12, decimal_places=2)
    member = forms.TypedChoiceField(label=_("领取人"), required=False, coerce=int, empty_value=None)
    source = forms.CharField(label=_("来源"), required=False, max_length=50)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "—"), *((m.pk, m.name) for m in members)]


class BaseTransferFormSet(forms.BaseFormSet):
    def lines(self) -> list[dict]:
        out = []
        for i, f in enumerate(self.forms):
            kept = i < self.initial_form_count() or f.has_changed()
            if kept and f.cleaned_data.get("program") and not f.cleaned_data.get("DELETE"):
                d = f.cleaned_data
                out.append(
                    {
                        "program": d["program"],
                        "amount": d["amount"],
                        "member_id": d.get("member"),
                        "source": d["source"],
                    }
                )
        return out


TransferFormSet = forms.formset_factory(
    TransferLineForm, formset=BaseTransferFormSet, extra=3, max_num=30, validate_max=True, can_delete=True
)


class CodeItemForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("代码表"), choices=[(k, v[0]) for k, v in CODE_LISTS.items()])
    code = forms.RegexField(
        label=_("代码"),
        max_length=16,
        regex=r"^[0-9A-Za-z_]+$",
        error_messages={"invalid": _("代码只能包含字母、数字和下划线。")},
    )
    name = forms.CharField(label=_("名称"), max_length=50)
    sort = forms.IntegerField(label=_("排序"), required=False, min_value=0, max_value=32767)
