from django import forms
from django.utils.translation import gettext_lazy as _


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    action = forms.CharField(label=_("操作代码"), required=False, max_length=64)
    area = forms.CharField(label=_("区域代码"), required=False, max_length=15)
    target = forms.CharField(label=_("对象"), required=False, max_length=200)
    date_from = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return data


class StyledFormMixin:
    """Adds Bootstrap classes to widgets and marks invalid fields, so templates stay plain."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            kind = getattr(widget, "input_type", "")
            css = (
                "form-check-input"
                if kind == "checkbox"
                else "form-select"
                if kind == "select"
                else "form-control"
            )
            if isinstance(widget, forms.SelectMultiple):
                css = "form-select"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def add_error(self, field, error):
        # Mark invalid fields here, not in __init__: reading self.errors there would validate the form
        # before subclasses finish setting it up (e.g. a role field's queryset), caching wrong errors.
        super().add_error(field, error)
        for name in self._errors or {}:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = (attrs.get("class", "") + " is-invalid").strip()
                attrs["aria-invalid"] = "true"
