from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingzhun.core.forms import StyledFormMixin

from .choices import EvaluationKind

YES_NO = [("1", _("是")), ("0", _("否"))]
SATISFIED = [("1", _("满意")), ("0", _("不满意"))]


def _yes_no(label, choices=YES_NO, help_text=""):
    return forms.TypedChoiceField(
        label=label, choices=choices, coerce=lambda v: v == "1", widget=forms.RadioSelect, help_text=help_text
    )


class EvaluationForm(StyledFormMixin, forms.Form):
    county = forms.ChoiceField(label=_("县"))
    year = forms.IntegerField(label=_("评估年度"), min_value=2014)
    kind = forms.ChoiceField(label=_("评估类型"), choices=EvaluationKind.choices, initial=EvaluationKind.PRE)
    title = forms.CharField(label=_("名称"), max_length=100, required=False, help_text=_("留空时自动生成。"))
    village_share = forms.DecimalField(
        label=_("每个乡镇抽取村的比例(%)"), min_value=0, max_value=100, decimal_places=2
    )
    poor_villages_min = forms.IntegerField(label=_("每个乡镇最少抽取贫困村"), min_value=0, max_value=100)
    nonpoor_villages_min = forms.IntegerField(label=_("每个乡镇最少抽取非贫困村"), min_value=0, max_value=100)
    households_per_village = forms.IntegerField(label=_("每村抽取农户数"), min_value=1, max_value=200)
    registered_share = forms.DecimalField(
        label=_("建档立卡户占比(%)"), min_value=0, max_value=100, decimal_places=2
    )
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [(c.pk, c.name) for c in counties]
        self.fields["year"].max_value = timezone.localdate().year


class DrawForm(StyledFormMixin, forms.Form):
    seed = forms.IntegerField(
        label=_("随机数种子"),
        required=False,
        min_value=0,
        max_value=2**53 - 1,
        help_text=_("留空时随机生成；同一种子、同一底册得到同一样本。"),
    )


class ReplaceForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("更换原因"), max_length=200)


class SurveyForm(StyledFormMixin, forms.Form):
    """The evaluator's answers. Questions that do not apply to the household's group are removed."""

    surveyed_on = forms.DateField(label=_("调查日期"), widget=forms.DateInput(attrs={"type": "date"}))
    surveyor = forms.CharField(label=_("调查员"), max_length=50)
    persons = forms.IntegerField(label=_("家庭人口"), min_value=1, max_value=50)
    income_stable = _yes_no(_("收入稳定超过扶贫标准"))
    needs_met = _yes_no(_("两不愁三保障达标"))
    meets_criteria = _yes_no(_("符合贫困户识别标准（应纳未纳）"))
    finding_reason = forms.CharField(
        label=_("错退/漏评原因"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    fair_identification = _yes_no(_("对贫困户识别是否满意"), SATISFIED)
    measures = _yes_no(_("对帮扶措施和帮扶成效是否满意"), SATISFIED)
    exit_recognised = _yes_no(_("是否认可脱贫退出结果"), YES_NO)
    cadres = _yes_no(_("对驻村工作队和帮扶干部的工作是否满意"), SATISFIED)
    approves = _yes_no(_("总体是否认可（计入群众认可度）"), YES_NO)
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def __init__(self, *args, sampled, **kwargs):
        super().__init__(*args, **kwargs)
        drop = []
        if not sampled.is_exited:
            drop += ["income_stable", "needs_met", "exit_recognised"]
        if sampled.group != "outside":
            drop.append("meets_criteria")
        for name in drop:
            del self.fields[name]
        if "income_stable" not in self.fields and "meets_criteria" not in self.fields:
            del self.fields["finding_reason"]
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["class"] = ""

    def initial_from(self, survey) -> None:
        for name in self.fields:
            value = getattr(survey, name)
            self.initial[name] = ("1" if value else "0") if isinstance(value, bool) else value
