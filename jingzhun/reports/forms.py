"""Forms of the reports app."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingzhun.core.forms import StyledFormMixin

from .choices import PeriodKind

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


class ReportForm(StyledFormMixin, forms.Form):
    area = forms.ChoiceField(label=_("区域"))
    period = forms.ChoiceField(label=_("时段"), choices=PeriodKind.choices, initial=PeriodKind.HALF)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2014)
    start = forms.DateField(label=_("开始日期（自定义时段）"), required=False, **DATE)
    end = forms.DateField(label=_("结束日期（自定义时段）"), required=False, **DATE)
    issuer = forms.CharField(label=_("落款单位"), required=False, max_length=100)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = list(areas)
        self.fields["year"].initial = timezone.localdate().year


class TemplateUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("Word 模板（.docx）"))
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


class TextBlocksForm(StyledFormMixin, forms.Form):
    intro = forms.CharField(
        label=_("基本情况（补充说明）"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    practices = forms.CharField(
        label=_("主要做法和成效"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    next_steps = forms.CharField(
        label=_("下一步打算"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )


class TaskListForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("清单名称"), max_length=120)
    year = forms.IntegerField(label=_("年度"), min_value=2014, max_value=2100)
    issuer = forms.CharField(label=_("下达单位"), required=False, max_length=100)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TaskItemForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("任务内容"), max_length=200)
    target = forms.DecimalField(label=_("目标数量"), max_digits=14, decimal_places=2)
    unit = forms.CharField(label=_("计量单位"), max_length=10)
    deadline = forms.DateField(label=_("完成时限"), **DATE)
    responsible_unit = forms.CharField(label=_("责任单位"), max_length=100)
    department = forms.CharField(label=_("责任股室/部门"), required=False, max_length=100)
    note = forms.CharField(label=_("备注"), required=False, max_length=200)


class ProgressForm(StyledFormMixin, forms.Form):
    reported_on = forms.DateField(label=_("填报日期"), **DATE)
    completed = forms.DecimalField(label=_("截至该日累计完成"), max_digits=14, decimal_places=2, min_value=0)
    note = forms.CharField(label=_("进展说明"), required=False, max_length=300)
