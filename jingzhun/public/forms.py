"""Forms of the public portal (objection to a notice or a village exit notice, appeal/complaint/
self-report) and of the officials' page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jingzhun.core.errors import DomainError
from jingzhun.core.forms import StyledFormMixin

from . import guard
from .choices import PORTAL_KINDS, SubmissionKind, SubmissionStatus
from .services import CONTENT_MAX, CONTENT_MIN


class GuardedForm(StyledFormMixin, forms.Form):
    """A public form: honeypot field, signed issue time. ``stamp`` is filled when the form is rendered."""

    website = forms.CharField(
        label=_("网址（请勿填写）"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    stamp = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        posted = self.data.get("stamp") if self.is_bound else ""
        self.fresh_stamp = guard.stamp_keep(posted) if posted else guard.stamp_issue()

    def clean(self):
        data = super().clean()
        try:
            guard.honeypot_check(data.get("website", ""))
            guard.stamp_check(data.get("stamp", ""))
        except DomainError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        return data

    def visible_fields(self):
        return [f for f in super().visible_fields() if f.name != "website"]


def _content_field(label):
    return forms.CharField(
        label=label,
        min_length=CONTENT_MIN,
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": CONTENT_MAX}),
        error_messages={
            "required": _("请填写内容。"),
            "min_length": _("请具体说明情况（至少 %(limit_value)d 个字）。"),
            "max_length": _("内容不能超过 %(limit_value)d 个字（现为 %(show_value)d 个字）。"),
        },
    )


class ContactFields(forms.Form):
    name = forms.CharField(label=_("您的姓名（可不填）"), required=False, max_length=50)
    phone = forms.CharField(
        label=_("联系电话（可不填）"),
        required=False,
        max_length=20,
        help_text=_("留下电话便于核实后答复您；不留也可以匿名反映。"),
    )


class PublicObjectionForm(GuardedForm, ContactFields):
    entry = forms.ChoiceField(label=_("对哪一户有异议"), required=False)
    content = _content_field(_("异议内容"))
    field_order = ["entry", "content", "name", "phone"]

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = {str(e.pk): e for e in entries if not e.withdrawn}
        self.fields["entry"].choices = [("", _("整体（对公示名单整体有异议）"))] + [
            (pk, f"{e.seq}. {e.head_name}（{e.village_name}）") for pk, e in self.entries.items()
        ]

    def entry_object(self):
        return self.entries.get(self.cleaned_data.get("entry") or "")


class VillageObjectionForm(GuardedForm, ContactFields):
    """An objection to a village exit notice (贫困村退出公示): about the village as a whole."""

    content = _content_field(_("异议内容"))
    field_order = ["content", "name", "phone"]


class PublicSubmissionForm(GuardedForm, ContactFields):
    kind = forms.ChoiceField(
        label=_("反映类型"),
        choices=[(k.value, k.label) for k in PORTAL_KINDS],
        widget=forms.RadioSelect,
        help_text=_(
            "农户自主申报：家庭遇到困难（因病、因灾、因意外、收入骤减等）可在此申报，村里会上门核实。"
        ),
    )
    content = _content_field(_("具体情况"))
    field_order = ["kind", "content", "name", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-check-input"


class SubmissionFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部"))] + SubmissionStatus.choices
    )
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部"))] + SubmissionKind.choices
    )
    area = forms.CharField(label=_("区域代码"), required=False, max_length=15)


class SubmissionHandleForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("处理结果"), choices=[c for c in SubmissionStatus.choices if c[0] != SubmissionStatus.NEW]
    )
    note = forms.CharField(
        label=_("处理情况"), max_length=CONTENT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
