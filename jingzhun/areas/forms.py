from django import forms
from django.utils.translation import gettext_lazy as _

from jingzhun.core.forms import StyledFormMixin

from .choices import URBAN_RURAL_CLASSES
from .models import Area, AreaYearStat


class AreaForm(StyledFormMixin, forms.ModelForm):
    reason = forms.CharField(label=_("修改原因"), required=False, max_length=200)

    class Meta:
        model = Area
        fields = [
            "name",
            "urban_rural_class",
            "is_poor_village",
            "poor_listed_year",
            "poor_exited_year",
            "is_poor_county",
            "note",
        ]
        widgets = {"urban_rural_class": forms.Select(choices=[("", "—"), *URBAN_RURAL_CLASSES.items()])}

    def _post_clean(self):
        # Model validation happens in the service, which raises DomainError with the field name.
        pass


class AreaYearStatForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = AreaYearStat
        fields = ["year", "rural_population", "rural_households", "total_population", "area_km2", "source"]

    def validate_unique(self):
        pass

    def _post_clean(self):
        pass

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("年度应在 2000 至 2100 之间。"))
        return year


class AreaImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("区划名单文件（xlsx 或 csv）"))
    dry_run = forms.BooleanField(label=_("只校验，不写入（试运行）"), required=False, initial=True)

    def clean_file(self):
        f = self.cleaned_data["file"]
        name = f.name.lower()
        if not name.endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("只支持 xlsx 或 csv 文件。"))
        if f.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过 20 MB。"))
        return f
