from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingzhun.core.forms import StyledFormMixin

from .choices import Period


class RunForm(StyledFormMixin, forms.Form):
    area = forms.ChoiceField(label=_("评估范围"))
    year = forms.IntegerField(label=_("评估年度"), min_value=2010, max_value=2100)
    period = forms.ChoiceField(label=_("收入口径"), choices=Period.choices, initial=Period.YEAR)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.pk, f"{a.name}（{a.get_level_display()}）") for a in areas]
        self.fields["year"].initial = timezone.localdate().year - 1


class ChecklistItemForm(StyledFormMixin, forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=20)
    met = forms.BooleanField(label=_("已达标"), required=False)
    evidence = forms.CharField(
        label=_("佐证说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_file = forms.FileField(label=_("佐证材料"), required=False)


class CommentForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("意见"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoticeForm(StyledFormMixin, forms.Form):
    start = forms.DateField(label=_("公示开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("公示地点"), max_length=100, required=False)


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
