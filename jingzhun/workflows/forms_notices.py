"""Forms of the notice pages: filters, publishing a list, posting photo, objections, answers, closing."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jingzhun.core.forms import StyledFormMixin

from .choices import NoticeKind, NoticeStatus, ObjectionChannel, ObjectionOutcome, ProcedureKind

PERIODS = [("", _("全部")), ("current", _("公示期内")), ("ended", _("已到期/已结束"))]


class NoticeFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部"))] + NoticeStatus.choices
    )
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部"))] + NoticeKind.choices)
    procedure_kind = forms.ChoiceField(
        label=_("程序类型"), required=False, choices=[("", _("全部"))] + ProcedureKind.choices
    )
    period = forms.ChoiceField(label=_("期限"), required=False, choices=PERIODS)
    area = forms.CharField(
        label=_("区域代码"),
        required=False,
        max_length=15,
        widget=forms.TextInput(attrs={"placeholder": _("如 513498100201")}),
    )
    q = forms.CharField(label=_("标题/户主"), required=False, max_length=50)

    def clean_area(self):
        value = (self.cleaned_data.get("area") or "").strip()
        if value and not value.isdigit():
            raise forms.ValidationError(_("区域代码应为数字。"))
        return value


class ProcedureChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.household.head_name}（{obj.household.household_no}）"


class NoticePublishForm(StyledFormMixin, forms.Form):
    procedures = ProcedureChoiceField(
        label=_("公示名单"),
        queryset=None,
        error_messages={"required": _("请至少选择一户。")},
    )
    title = forms.CharField(label=_("标题"), max_length=120)
    start_date = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("张贴地点"), max_length=100)
    issuing_unit = forms.CharField(label=_("发布单位"), max_length=100)
    phones = forms.CharField(
        label=_("监督电话"), max_length=100, help_text=_("多个号码用逗号分隔；12317 为全国扶贫监督举报电话")
    )
    body = forms.CharField(
        label=_("正文"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedures"].queryset = queryset
        self.fields["procedures"].widget.attrs["class"] = "form-check-input"


class EvidenceForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("张贴照片"), help_text=_("jpg/png，不超过 10 MB"))
    description = forms.CharField(label=_("说明"), required=False, max_length=200)


def entry_choices(notice) -> list[tuple[str, str]]:
    choices = [("", _("整体（不针对具体农户）"))]
    for e in notice.entries.filter(withdrawn=False).order_by("seq"):
        choices.append((str(e.pk), f"{e.seq}. {e.head_name}（{e.village_name}）"))
    return choices


class ObjectionRecordForm(StyledFormMixin, forms.Form):
    channel = forms.ChoiceField(
        label=_("反映方式"), choices=[c for c in ObjectionChannel.choices if c[0] != ObjectionChannel.WEB]
    )
    entry = forms.ChoiceField(label=_("涉及农户"), required=False)
    submitter_name = forms.CharField(label=_("反映人"), required=False, max_length=50)
    submitter_phone = forms.CharField(label=_("联系电话"), required=False, max_length=20)
    content = forms.CharField(label=_("异议内容"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, notice, **kwargs):
        super().__init__(*args, **kwargs)
        self.notice = notice
        self.fields["entry"].choices = entry_choices(notice)

    def entry_object(self):
        value = self.cleaned_data.get("entry")
        return self.notice.entries.filter(pk=value).first() if value else None


class ObjectionAnswerForm(StyledFormMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("核实结论"), choices=ObjectionOutcome.choices)
    answer = forms.CharField(label=_("答复内容"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label=_("核实材料"), required=False)


class NoticeCloseForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("意见"), required=False, max_length=1000)


def publish_initial(area, step, year: int) -> dict:
    """Sensible defaults for a new notice of ``step`` in ``area``."""
    today = timezone.localdate()
    kind = NoticeKind(step.notice_kind).label
    period = max(step.period_days, 1)
    village = step.level == "village"
    return {
        "title": f"{area.name}{year}年{step.template.name}{step.name}",
        "start_date": today,
        "place": _("村务公开栏") if village else _("乡镇、村务公开栏及政府网站"),
        "issuing_unit": f"{area.name}村民委员会" if village else _("县乡村振兴局"),
        "phones": "12317",
        "body": _(
            "根据%(template)s程序，经民主评议和审核，现将以下农户予以%(kind)s，%(kind)s期 %(days)s 天。"
            "如有异议，请在%(kind)s期内向村民委员会、乡镇人民政府反映，或拨打监督电话。"
        )
        % {"template": step.template.name, "kind": kind, "days": period},
    }
