from django import forms
from django.utils.translation import gettext_lazy as _

from jingzhun.core.forms import StyledFormMixin

from .parameters import CHECKLIST, LIST


class PolicyValueForm(StyledFormMixin, forms.Form):
    """Set a value from a year on: ``scope`` is "" (national) or a province path the user may manage."""

    scope = forms.ChoiceField(label=_("适用范围"))
    year = forms.IntegerField(label=_("起始年度"), min_value=2000, max_value=2100)
    value = forms.CharField(label=_("取值"), max_length=5000)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)
    reason = forms.CharField(label=_("修改理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)

    def __init__(self, *args, param, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scopes
        if param.type in (LIST, CHECKLIST):
            self.fields["value"].widget = forms.Textarea(attrs={"rows": 8, "class": "form-control"})
            self.fields["value"].help_text = (
                _("每行一项：代码 名称") if param.type == CHECKLIST else _("每行一项")
            )
        elif param.unit:
            self.fields["value"].help_text = _("单位：%(unit)s") % {"unit": param.unit}


class RetireForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("撤销理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
