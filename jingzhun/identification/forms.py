"""Forms of identification: the application and survey steps (given to the engine by ``form_for``),
candidate start, the county's override, rules and quota.

The step forms' ``cleaned_data`` is JSON-safe (strings for money and dates) because the engine stores it
as the step record's data; the services validate it again (survey.py) and compute per-capita income.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingzhun.core.errors import DomainError
from jingzhun.core.forms import StyledFormMixin

from .choices import DECLARATIONS, DECLARED_AMOUNTS, FIVE_LOOKS, INCOME_FIELDS, ApplyMethod
from .survey import clean_survey

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


def _jsonable(data: dict) -> dict:
    out = {}
    for k, v in data.items():
        if isinstance(v, Decimal):
            v = str(v)
        elif isinstance(v, (datetime.date, datetime.datetime)):
            v = v.isoformat()
        elif isinstance(v, tuple):
            v = list(v)
        out[k] = v
    return out


def _cause_choices(blank=True):
    from jingzhun.register.selectors import code_choices

    return code_choices("cause", blank="—" if blank else None)


class ApplyForm(StyledFormMixin, forms.Form):
    """农户申请: date, channel, applicant, and the signed data-comparison authorisation."""

    applied_on = forms.DateField(
        label=_("申请日期"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    method = forms.ChoiceField(
        label=_("申请方式"), choices=ApplyMethod.choices, initial=ApplyMethod.HOUSEHOLD
    )
    applicant = forms.CharField(label=_("申请人"), max_length=50, required=False)
    authorised = forms.BooleanField(label=_("已签署家庭经济状况核查（数据比对）授权书"), required=False)

    def __init__(self, *args, household=None, **kwargs):
        super().__init__(*args, **kwargs)

    def clean(self):
        return _jsonable(super().clean())


class SurveyForm(StyledFormMixin, forms.Form):
    """入户调查: 五看, declarations, last year's income (per capita computed), proposed attribute/causes."""

    def __init__(self, *args, household=None, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.household, self.year = household, year
        for key, (label, choices) in FIVE_LOOKS.items():
            self.fields[key] = forms.ChoiceField(label=label, choices=[("", "—"), *choices.choices])
            self.fields[f"{key}_note"] = forms.CharField(
                label=_("%(label)s说明") % {"label": label}, max_length=200, required=False
            )
        for key, label in DECLARATIONS.items():
            self.fields[key] = forms.BooleanField(label=label, required=False)
            if key == "vehicle":
                self.fields["vehicle_value"] = forms.DecimalField(
                    label=DECLARED_AMOUNTS["vehicle_value"], required=False, **MONEY
                )
        self.fields["insurance_premium"] = forms.DecimalField(
            label=DECLARED_AMOUNTS["insurance_premium"], required=False, **MONEY
        )
        self.fields["income_year"] = forms.IntegerField(
            label=_("收入年度"), min_value=2010, initial=(year or timezone.localdate().year) - 1
        )
        for key, label in INCOME_FIELDS.items():
            self.fields[key] = forms.DecimalField(label=label, initial=0, **MONEY)
        from jingzhun.register.selectors import code_choices

        self.fields["attribute"] = forms.ChoiceField(
            label=_("拟定贫困户属性"), choices=code_choices("attribute")
        )
        self.fields["standard"] = forms.ChoiceField(
            label=_("识别标准"), choices=code_choices("standard", blank=None), initial="1"
        )
        self.fields["main_cause"] = forms.ChoiceField(label=_("主要致贫原因"), choices=_cause_choices())
        self.fields["other_causes"] = forms.MultipleChoiceField(
            label=_("其他致贫原因（最多 2 项）"),
            choices=_cause_choices(blank=False),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["cause_note"] = forms.CharField(
            label=_("致贫原因说明"),
            max_length=200,
            required=False,
            help_text=_("致贫原因与成员情况不符时（如因病但无患病成员）须说明"),
        )
        self.fields["note"] = forms.CharField(
            label=_("调查说明"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
        )
        self.fields["other_causes"].widget.attrs["class"] = "list-unstyled d-flex flex-wrap gap-3"

    def clean(self):
        data = _jsonable(super().clean())
        if len(data.get("other_causes") or []) > 2:
            self.add_error("other_causes", _("“其他致贫原因”最多填写 2 项。"))
        if data.get("main_cause") and data["main_cause"] in (data.get("other_causes") or []):
            self.add_error("other_causes", _("“其他致贫原因”不能与主要致贫原因相同。"))
        if self.household is not None and not self.errors:
            try:
                clean_survey(data, self.household, year=self.year)
            except DomainError as exc:
                self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data


def field_groups(form: SurveyForm) -> list[tuple[str, list]]:
    """The survey's fields in the sections the page shows."""
    looks = [k for key in FIVE_LOOKS for k in (key, f"{key}_note")]
    decl = [k for key in DECLARATIONS for k in ([key, "vehicle_value"] if key == "vehicle" else [key])]
    return [
        (_("五看"), [form[k] for k in looks]),
        (_("家庭情况申报（不予识别规则依据）"), [form[k] for k in [*decl, "insurance_premium"]]),
        (_("上年度收入（人均纯收入由系统计算）"), [form[k] for k in ["income_year", *INCOME_FIELDS]]),
        (
            _("拟定属性与致贫原因"),
            [form[k] for k in ["attribute", "standard", "main_cause", "other_causes", "cause_note", "note"]],
        ),
    ]


class CandidateSearchForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("户主姓名或户编号"), max_length=50, required=False)


class StartForm(StyledFormMixin, forms.Form):
    """Start identification for the selected candidates (they share the application details)."""

    year = forms.IntegerField(label=_("识别年度"), initial=lambda: timezone.localdate().year)
    applied_on = forms.DateField(
        label=_("申请日期"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    method = forms.ChoiceField(label=_("申请方式"), choices=ApplyMethod.choices, initial=ApplyMethod.VILLAGE)
    title = forms.CharField(label=_("名单名称"), max_length=100, required=False)


class OverrideForm(StyledFormMixin, forms.Form):
    """The county approves an exception to rule hits, with a reason."""

    codes = forms.MultipleChoiceField(label=_("批准例外的规则"), widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label=_("批准理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, hits=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = [(h["code"], h["name"]) for h in hits]


class QuotaForm(StyledFormMixin, forms.Form):
    quota = forms.IntegerField(label=_("识别规模(户)"), min_value=0)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class QuotaOverrideForm(StyledFormMixin, forms.Form):
    extra = forms.IntegerField(label=_("增加规模(户)"), min_value=0, required=False)
    allow_exceed = forms.BooleanField(label=_("不受规模限制"), required=False)
    reason = forms.CharField(label=_("理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class RuleForm(StyledFormMixin, forms.Form):
    """Switch a rule on/off, set its parameters (by its predicate) and the exempted main causes."""

    active = forms.BooleanField(label=_("启用"), required=False)
    exempt_causes = forms.MultipleChoiceField(
        label=_("豁免的主要致贫原因"), required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label=_("调整说明"), max_length=500, required=False)

    def __init__(self, *args, rule=None, **kwargs):
        from .rules import PREDICATES, rule_params

        super().__init__(*args, **kwargs)
        self.fields["exempt_causes"].choices = _cause_choices(blank=False)
        self.param_names = []
        spec = PREDICATES.get(rule.predicate) if rule else None
        values = rule_params(rule) if rule else {}
        for key, p in (spec.params if spec else {}).items():
            name = f"param_{key}"
            self.fields[name] = forms.DecimalField(
                label=p.label, min_value=p.minimum, initial=values.get(key)
            )
            self.param_names.append((name, key))
        if rule is not None and not self.is_bound:
            self.initial.update({"active": rule.active, "exempt_causes": rule.exempt_causes})

    def params(self) -> dict:
        return {key: self.cleaned_data[name] for name, key in self.param_names}
