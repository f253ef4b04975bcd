from django import forms
from django.utils.translation import gettext_lazy as _

from jingzhun.core.forms import StyledFormMixin

from .choices import CaseSource, MonitoringType, RiskType


class ProposeForm(StyledFormMixin, forms.Form):
    household = forms.CharField(label=_("户编号"), max_length=20)
    source = forms.ChoiceField(label=_("线索来源"), choices=CaseSource.choices)
    monitoring_type = forms.ChoiceField(
        label=_("监测对象类型"),
        choices=[("", _("按农户状态自动判断"))] + list(MonitoringType.choices),
        required=False,
    )
    risk_types = forms.MultipleChoiceField(
        label=_("风险类型"), choices=RiskType.choices, widget=forms.CheckboxSelectMultiple
    )
    detail = forms.CharField(label=_("风险情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    opened_on = forms.DateField(
        label=_("发现日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class StartEntryForm(StyledFormMixin, forms.Form):
    monitoring_type = forms.ChoiceField(label=_("监测对象类型"), choices=MonitoringType.choices)


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class VerifyForm(StyledFormMixin, forms.Form):
    """入户核查: what the visit found (kept on the step record)."""

    income_12m_per_capita = forms.DecimalField(
        label=_("近12个月人均纯收入(元)"), min_value=0, max_digits=10, decimal_places=2
    )
    rigid_expenses = forms.DecimalField(
        label=_("刚性支出(元)"), min_value=0, max_digits=10, decimal_places=2, required=False
    )
    security_notes = forms.CharField(
        label=_("“三保障”和饮水安全情况"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    risk_confirmed = forms.BooleanField(label=_("核实存在返贫致贫风险"), required=False)


class CommitmentForm(StyledFormMixin, forms.Form):
    authorised = forms.BooleanField(label=_("农户已签署承诺书和家庭经济状况核查授权书"))


class EliminationVerifyForm(StyledFormMixin, forms.Form):
    income_12m_per_capita = forms.DecimalField(
        label=_("近12个月人均纯收入(元)"), min_value=0, max_digits=10, decimal_places=2
    )
    stable_months = forms.IntegerField(label=_("收入稳定月数"), min_value=0, max_value=120)
    risk_gone = forms.BooleanField(label=_("风险已经消除（刚性支出已解决、“三保障”和饮水安全有保障）"))


def entry_step_form(step):
    return {"verify": VerifyForm, "commitment": CommitmentForm}.get(step.code)


def elimination_step_form(step):
    return {"verify": EliminationVerifyForm}.get(step.code)
